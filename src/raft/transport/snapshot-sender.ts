import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { SnapshotChunk } from '../../generated/ordo/raft/v1/SnapshotChunk';
import type { NodeId, SnapshotMeta } from '../core/types';
import { chunkChecksum, TransferDigest } from './snapshot-codec';

/** The state machine at one applied index, read record by record (LogStore.openStateReader). */
export interface SnapshotSource {
  readonly meta: SnapshotMeta;
  nextChunk(maxRecords: number, maxBytes: number): Promise<Array<[Uint8Array, Uint8Array]>>;
  close(): Promise<void>;
}

/** Opens the InstallSnapshot stream to a peer; `done` fires once with the peer's verdict. */
export type SnapshotStreamOpener = (to: NodeId, done: (err: Error | null) => void) => grpc.ClientWritableStream<SnapshotChunk> | null;

export interface SnapshotSenderOptions {
  readonly cluster: string;
  readonly selfId: NodeId;
  readonly log: Logger;
  /** A consistent view of this node's current state machine (never built in memory). */
  readonly open: () => Promise<SnapshotSource>;
  readonly stream: SnapshotStreamOpener;
  /** The transfer to `to` failed: the core goes back to probing and asks again if still needed. */
  readonly failed: (to: NodeId) => void;
  readonly chunkRecordsMax?: number;
  readonly chunkBytesMax?: number;
}

/**
 * The leader's half of Raft section 7's InstallSnapshot: when the core decides a follower needs
 * a snapshot, stream the state machine as it is now (its applied index is at or past the
 * snapshot the core recorded, so the follower continues from the log the leader still keeps) in
 * checksummed chunks. gRPC's flow control paces the reads: the next chunk is read from LevelDB
 * only when the stream drains, so memory stays bounded by gRPC's stream buffers (measured: about
 * 50 chunks in flight between the two sides, 3 MiB at the default 64 KiB chunk), whatever the
 * snapshot's size. One transfer per peer at a time; a broken or refused one is reported to the
 * core (at once: the follower's verdict ends the loop) and restarted from scratch when the core
 * asks again.
 */
export class SnapshotSender {
  private readonly active = new Set<NodeId>();
  private closed = false;

  constructor(private readonly opts: SnapshotSenderOptions) {}

  send(to: NodeId, term: number): void {
    if (this.closed || this.active.has(to)) return; // the core re-asks after its timeout: one is enough
    this.active.add(to);
    this.transfer(to, term)
      .catch((e: unknown) => {
        this.opts.log.warn({ peer: to, err: e instanceof Error ? e.message : String(e) }, 'snapshot transfer failed');
        if (!this.closed) this.opts.failed(to);
      })
      .finally(() => this.active.delete(to));
  }

  close(): void {
    this.closed = true;
  }

  private async transfer(to: NodeId, term: number): Promise<void> {
    let verdict: (err: Error | null) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => (verdict = (err) => (err ? reject(err) : resolve())));
    finished.catch(() => undefined); // awaited below unless an earlier step throws first
    // grpc-js reports a client stream's end only through its callback (no 'error', and queued
    // writes never drain after it): the loop checks this and races every wait against it.
    let broken: Error | null = null;
    const call = this.opts.stream(to, (err) => {
      if (err) broken ??= err;
      verdict(err);
    });
    if (!call) throw new Error(`no address known for node ${to}`);
    call.on('error', (e: Error) => (broken ??= e));
    let source: SnapshotSource;
    try {
      source = await this.opts.open();
    } catch (e) {
      call.cancel();
      throw e;
    }
    const started = Date.now();
    const { meta } = source;
    const digest = new TransferDigest();
    let ended = false;
    try {
      const head = { cluster: this.opts.cluster, from: this.opts.selfId, to, term, index: meta.index, snapshotTerm: meta.term, voters: [...meta.config.voters], learners: [...meta.config.learners] };
      for (let seq = 0; ; seq++) {
        const records = await source.nextChunk(this.opts.chunkRecordsMax ?? 1000, this.opts.chunkBytesMax ?? 64 << 10);
        if (broken || this.closed) throw broken ?? new Error('sender closed');
        const keys = records.map((r) => r[0]);
        const values = records.map((r) => r[1]);
        digest.add(keys, values);
        const last = records.length === 0;
        const chunk: SnapshotChunk = { ...head, seq, keys, values, crc: chunkChecksum(keys, values), last };
        if (last) Object.assign(chunk, { totalRecords: digest.records, digest: digest.hex() });
        if (!call.write(chunk)) await Promise.race([drained(call), finished.then(() => undefined)]);
        if (broken) throw broken;
        if (last) break;
      }
      call.end();
      ended = true;
      await finished;
    } finally {
      if (!ended) call.cancel();
      await source.close();
    }
    this.opts.log.info({ peer: to, index: meta.index, records: digest.records, ms: Date.now() - started }, 'snapshot sent');
  }
}

function drained(call: grpc.ClientWritableStream<SnapshotChunk>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      call.off('error', onError);
      resolve();
    };
    const onError = (e: Error) => {
      call.off('drain', onDrain);
      reject(e);
    };
    call.once('drain', onDrain);
    call.once('error', onError);
  });
}
