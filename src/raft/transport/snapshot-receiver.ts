import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { SnapshotAck } from '../../generated/ordo/raft/v1/SnapshotAck';
import type { SnapshotChunk__Output } from '../../generated/ordo/raft/v1/SnapshotChunk';
import { makeConfig, sameConfig } from '../core/membership';
import type { InstallSnapshotMsg, NodeId, SnapshotMeta } from '../core/types';
import { chunkChecksum, TransferDigest } from './snapshot-codec';

/** Where an incoming snapshot is staged before it is installed (LogStore's SnapshotStaging). */
export interface SnapshotStagingSink {
  add(records: Array<[Uint8Array, Uint8Array]>): Promise<void>;
  complete(totalRecords: number): Promise<void>;
  abort(): Promise<void>;
}

export interface SnapshotReceiverOptions<S extends SnapshotStagingSink = SnapshotStagingSink> {
  readonly cluster: string;
  readonly selfId: NodeId;
  readonly log: Logger;
  readonly begin: (meta: SnapshotMeta) => Promise<S>;
  /** The staged snapshot is complete and verified: step its InstallSnapshot into the core. */
  readonly offer: (staging: S, msg: InstallSnapshotMsg) => void;
}

class TransferError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The follower's half of InstallSnapshot (Raft paper section 7, Figure 13): chunks are verified
 * (cluster, addressee, one transfer's metadata throughout, consecutive sequence numbers, each
 * chunk's checksum) and staged apart from the live state; reading pauses while a chunk is
 * written, which is the flow control the sender waits on. Only a complete transfer whose count
 * and chained checksum match is offered to the core; anything else discards the staging and
 * leaves the node's state untouched.
 */
export function receiveSnapshot<S extends SnapshotStagingSink>(opts: SnapshotReceiverOptions<S>, call: grpc.ServerReadableStream<SnapshotChunk__Output, SnapshotAck>, callback: grpc.sendUnaryData<SnapshotAck>): void {
  let staging: S | null = null;
  let first: SnapshotChunk__Output | null = null;
  let meta: SnapshotMeta | null = null;
  let nextSeq = 0;
  let finished = false;
  const digest = new TransferDigest();

  const fail = (e: unknown) => {
    if (finished) return;
    finished = true;
    const err = e instanceof TransferError ? e : new TransferError(grpc.status.INTERNAL, e instanceof Error ? e.message : String(e));
    opts.log.warn({ err: err.message, index: meta?.index }, 'snapshot transfer refused');
    void staging?.abort().catch(() => undefined);
    callback({ code: err.code, details: err.message });
    call.destroy();
  };

  const onChunk = async (c: SnapshotChunk__Output): Promise<void> => {
    if (c.cluster !== opts.cluster) throw new TransferError(grpc.status.FAILED_PRECONDITION, `snapshot from cluster "${c.cluster}", this node belongs to "${opts.cluster}"`);
    if (c.to !== opts.selfId) throw new TransferError(grpc.status.INVALID_ARGUMENT, `snapshot for node ${c.to} reached node ${opts.selfId}`);
    if (c.seq !== nextSeq) throw new TransferError(grpc.status.INVALID_ARGUMENT, `snapshot chunk ${c.seq} arrived, expected ${nextSeq}`);
    nextSeq++;
    if (c.keys.length !== c.values.length) throw new TransferError(grpc.status.INVALID_ARGUMENT, `snapshot chunk ${c.seq} has ${c.keys.length} keys and ${c.values.length} values`);
    if (chunkChecksum(c.keys, c.values) !== c.crc) throw new TransferError(grpc.status.DATA_LOSS, `snapshot chunk ${c.seq} fails its checksum`);
    if (!first) {
      first = c;
      meta = { index: c.index, term: c.snapshotTerm, config: makeConfig(c.voters, c.learners) };
      const opened = await opts.begin(meta);
      staging = opened;
      // The stream failed while the staging was being opened: fail() found none to abort. Left
      // open, it would make the store refuse every later snapshot (a follower stuck for good).
      if (finished) return void opened.abort().catch(() => undefined);
    } else if (!sameTransfer(first, c)) {
      throw new TransferError(grpc.status.INVALID_ARGUMENT, `snapshot chunk ${c.seq} belongs to another transfer`);
    }
    digest.add(c.keys, c.values);
    if (c.keys.length > 0) await staging!.add(c.keys.map((k, i) => [k, c.values[i]!]));
    if (finished || !c.last) return; // finished: fail() came meanwhile and aborted the staging
    if (c.totalRecords !== digest.records || c.digest !== digest.hex()) {
      throw new TransferError(grpc.status.DATA_LOSS, `snapshot at ${c.index}: ${digest.records} records (checksum ${digest.hex()}) received, sender says ${c.totalRecords} (${c.digest})`);
    }
    await staging!.complete(digest.records);
    if (finished) return; // the stream failed while the last chunk was staged: aborted, not offered
    finished = true;
    opts.offer(staging!, { type: 'InstallSnapshot', from: c.from, to: c.to, term: c.term, snapshot: meta! });
    callback(null, { records: digest.records });
  };

  // The chunk being staged: 'end' can arrive while the last one is still being written.
  let staged: Promise<void> = Promise.resolve();
  call.on('data', (c: SnapshotChunk__Output) => {
    if (finished) return;
    call.pause(); // flow control: the sender waits for us while the chunk is staged
    staged = onChunk(c).then(() => void call.resume(), fail);
  });
  call.on('end', () => {
    void staged.then(() => {
      if (!finished) fail(new TransferError(grpc.status.INVALID_ARGUMENT, `snapshot stream ended after ${nextSeq} chunks without its last one`));
    });
  });
  call.on('error', (e) => fail(e));
  // A sender that goes away (crash, partition, deadline) cancels the call: no 'end', no 'error'.
  call.on('cancelled', () => fail(new TransferError(grpc.status.CANCELLED, `snapshot stream cancelled by the sender after ${nextSeq} chunks`)));
}

function sameTransfer(a: SnapshotChunk__Output, b: SnapshotChunk__Output): boolean {
  const ca = makeConfig(a.voters, a.learners);
  const cb = makeConfig(b.voters, b.learners);
  return a.from === b.from && a.term === b.term && a.index === b.index && a.snapshotTerm === b.snapshotTerm && sameConfig(ca, cb);
}
