/**
 * InstallSnapshot end to end over a real in-process gRPC server (127.0.0.1, port 0): the leader's
 * SnapshotSender streaming through a PeerLink, or hand-crafted chunks through a raw Peer client,
 * into receiveSnapshot with a fake staging sink.
 */
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import type { PeerClient, PeerHandlers } from '../../src/generated/ordo/raft/v1/Peer';
import type { SnapshotAck, SnapshotAck__Output } from '../../src/generated/ordo/raft/v1/SnapshotAck';
import type { SnapshotChunk } from '../../src/generated/ordo/raft/v1/SnapshotChunk';
import { makeConfig } from '../../src/raft/core/membership';
import type { InstallSnapshotMsg, NodeId, SnapshotMeta } from '../../src/raft/core/types';
import { PeerLink } from '../../src/raft/transport/peer-link';
import { chunkChecksum, TransferDigest } from '../../src/raft/transport/snapshot-codec';
import { receiveSnapshot, type SnapshotStagingSink } from '../../src/raft/transport/snapshot-receiver';
import { SnapshotSender, type SnapshotSource } from '../../src/raft/transport/snapshot-sender';
import { raftProto } from '../../src/rpc/proto';

jest.setTimeout(10_000);

const log = pino({ level: 'silent' });
const CLUSTER = 'snap-test';
const LEADER: NodeId = 1;
const FOLLOWER: NodeId = 2;
const TERM = 7;
const META: SnapshotMeta = { index: 500, term: 6, config: makeConfig([3, 1, 2], [4]) };

type Rec = [Uint8Array, Uint8Array];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function record(i: number, valueBytes = 8): Rec {
  const key = Buffer.from(`key-${String(i).padStart(6, '0')}`);
  const value = Buffer.alloc(valueBytes, i % 251);
  value.write(`v${i}`);
  return [key, value];
}

function records(n: number, valueBytes?: number): Rec[] {
  return Array.from({ length: n }, (_, i) => record(i, valueBytes));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// ---------------------------------------------------------------------------------------------
// The follower: a Peer server whose InstallSnapshot handler is receiveSnapshot with a fake sink.

class FakeSink implements SnapshotStagingSink {
  readonly records: Rec[] = [];
  adds = 0;
  completedWith: number | null = null;
  /** An add() or complete() is in progress. */
  busy = 0;
  aborted = 0;

  constructor(
    readonly meta: SnapshotMeta,
    private readonly follower: Follower,
  ) {}

  async add(recs: Array<[Uint8Array, Uint8Array]>): Promise<void> {
    this.busy++;
    if (this.follower.addDelayMs > 0) await sleep(this.follower.addDelayMs);
    this.records.push(...recs.map(([k, v]): Rec => [Buffer.from(k), Buffer.from(v)]));
    this.busy--;
    this.adds++;
    this.follower.addsDone++;
  }

  async complete(totalRecords: number): Promise<void> {
    this.busy++;
    if (this.follower.completeDelayMs > 0) await sleep(this.follower.completeDelayMs);
    this.completedWith = totalRecords;
    this.busy--;
  }

  async abort(): Promise<void> {
    this.aborted++;
  }
}

interface Verdict {
  readonly err: Parameters<grpc.sendUnaryData<SnapshotAck>>[0];
  readonly value: SnapshotAck | null | undefined;
}

interface Follower {
  server: grpc.Server;
  port: number;
  address: string;
  sinks: FakeSink[];
  offers: Array<{ staging: FakeSink; msg: InstallSnapshotMsg }>;
  verdicts: Verdict[];
  addDelayMs: number;
  completeDelayMs: number;
  addsDone: number;
  /** 'end' events of InstallSnapshot streams, and those that came while a sink was still writing. */
  ends: number;
  endsWhileStaging: number;
  begin: (meta: SnapshotMeta) => Promise<FakeSink>;
}

async function startFollower(opts: { cluster?: string; selfId?: NodeId } = {}): Promise<Follower> {
  const server = new grpc.Server();
  const f: Follower = {
    server,
    port: 0,
    address: '',
    sinks: [],
    offers: [],
    verdicts: [],
    addDelayMs: 0,
    completeDelayMs: 0,
    addsDone: 0,
    ends: 0,
    endsWhileStaging: 0,
    begin: async (meta) => {
      const sink = new FakeSink(meta, f);
      f.sinks.push(sink);
      return sink;
    },
  };
  const handlers: PeerHandlers = {
    Send(call, callback) {
      call.on('data', () => undefined);
      call.on('end', () => callback(null, {}));
      call.on('error', () => undefined);
    },
    InstallSnapshot(call, callback) {
      call.on('end', () => {
        f.ends++;
        if (f.sinks.some((s) => s.busy > 0)) f.endsWhileStaging++;
      });
      receiveSnapshot(
        {
          cluster: opts.cluster ?? CLUSTER,
          selfId: opts.selfId ?? FOLLOWER,
          log,
          begin: (meta) => f.begin(meta),
          offer: (staging, msg) => f.offers.push({ staging, msg }),
        },
        call,
        (err, value) => {
          f.verdicts.push({ err, value });
          callback(err, value);
        },
      );
    },
  };
  server.addService(raftProto().ordo.raft.v1.Peer.service, handlers);
  f.port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
  f.address = `127.0.0.1:${f.port}`;
  return f;
}

// ---------------------------------------------------------------------------------------------
// The leader: a SnapshotSender over a PeerLink, reading a fake SnapshotSource.

class FakeSource implements SnapshotSource {
  private pos = 0;
  /** nextChunk calls that returned records. */
  chunksRead = 0;
  /** The most chunks read but not yet staged (per `stagedChunks`), over all reads. */
  maxLead = 0;
  closed = 0;

  constructor(
    readonly meta: SnapshotMeta,
    private readonly all: readonly Rec[],
    private readonly stagedChunks: () => number = () => 0,
  ) {}

  async nextChunk(maxRecords: number, maxBytes: number): Promise<Array<[Uint8Array, Uint8Array]>> {
    await turn();
    const out: Rec[] = [];
    let bytes = 0;
    while (this.pos < this.all.length && out.length < maxRecords) {
      const r = this.all[this.pos]!;
      if (out.length > 0 && bytes + r[0].length + r[1].length > maxBytes) break;
      out.push(r);
      bytes += r[0].length + r[1].length;
      this.pos++;
    }
    if (out.length > 0) {
      this.chunksRead++;
      this.maxLead = Math.max(this.maxLead, this.chunksRead - this.stagedChunks());
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

interface Leader {
  link: PeerLink;
  sender: SnapshotSender;
  failed: NodeId[];
  /** What the opener's `done` reported, per transfer (the follower's gRPC verdict as the client saw it). */
  done: Array<grpc.ServiceError | null>;
}

function startLeader(f: Follower, source: () => Promise<SnapshotSource>, opts: { cluster?: string; chunkRecordsMax?: number } = {}): Leader {
  const link = new PeerLink(FOLLOWER, f.address, opts.cluster ?? CLUSTER, log);
  const l: Leader = {
    link,
    failed: [],
    done: [],
    sender: new SnapshotSender({
      cluster: opts.cluster ?? CLUSTER,
      selfId: LEADER,
      log,
      open: source,
      stream: (to, done) => {
        expect(to).toBe(FOLLOWER);
        return link.openSnapshotStream((err) => {
          l.done.push(err as grpc.ServiceError | null);
          done(err);
        });
      },
      failed: (to) => l.failed.push(to),
      chunkRecordsMax: opts.chunkRecordsMax ?? 100,
    }),
  };
  return l;
}

/** The transfer is over once the client saw the verdict and the source was closed; then the sender reports. */
async function transferOver(l: Leader, src: FakeSource): Promise<void> {
  await waitFor('the transfer to finish', () => l.done.length > 0 && src.closed > 0);
  for (let i = 0; i < 5; i++) await turn(); // .catch(failed) runs after close() resolves
}

// ---------------------------------------------------------------------------------------------
// Hand-crafted chunks through a raw Peer client.

function rawClient(f: Follower): PeerClient {
  const Peer = raftProto().ordo.raft.v1.Peer;
  return new Peer(f.address, grpc.credentials.createInsecure());
}

function chunk(seq: number, recs: readonly Rec[], extra: Partial<SnapshotChunk> = {}): SnapshotChunk {
  const keys = recs.map((r) => r[0]);
  const values = recs.map((r) => r[1]);
  return {
    cluster: CLUSTER,
    from: LEADER,
    to: FOLLOWER,
    term: TERM,
    index: META.index,
    snapshotTerm: META.term,
    voters: [...META.config.voters],
    learners: [...META.config.learners],
    seq,
    keys,
    values,
    crc: chunkChecksum(keys, values),
    last: false,
    ...extra,
  };
}

/** A correct transfer of `recs` in chunks of `per` records, ending with the empty last chunk. */
function chunksOf(recs: readonly Rec[], per: number): SnapshotChunk[] {
  const out: SnapshotChunk[] = [];
  const digest = new TransferDigest();
  for (let i = 0; i < recs.length; i += per) {
    const part = recs.slice(i, i + per);
    digest.add(
      part.map((r) => r[0]),
      part.map((r) => r[1]),
    );
    out.push(chunk(out.length, part));
  }
  out.push(chunk(out.length, [], { last: true, totalRecords: digest.records, digest: digest.hex() }));
  return out;
}

/** Writes the chunks, half-closes, and resolves with the call's outcome. */
function sendRaw(client: PeerClient, chunks: readonly SnapshotChunk[]): Promise<{ err: grpc.ServiceError | null; ack: SnapshotAck__Output | undefined }> {
  return new Promise((resolve) => {
    const call = client.installSnapshot((err: grpc.ServiceError | null, ack?: SnapshotAck__Output) => resolve({ err, ack }));
    call.on('error', () => undefined);
    for (const c of chunks) call.write(c);
    call.end();
  });
}

// ---------------------------------------------------------------------------------------------

describe('snapshot transfer over gRPC (SnapshotSender -> receiveSnapshot)', () => {
  let follower: Follower | null = null;
  let leader: Leader | null = null;
  let client: PeerClient | null = null;

  afterEach(async () => {
    leader?.sender.close();
    leader?.link.close();
    client?.close();
    leader = null;
    client = null;
    if (follower) {
      const server = follower.server;
      follower = null;
      server.forceShutdown();
    }
  });

  test('1. 2,500 records in chunks of 100 arrive complete and in order, and are offered once', async () => {
    const f = (follower = await startFollower());
    const all = records(2500);
    const src = new FakeSource(META, all);
    const l = (leader = startLeader(f, async () => src, { chunkRecordsMax: 100 }));

    l.sender.send(FOLLOWER, TERM);
    await transferOver(l, src);

    expect(l.done).toEqual([null]);
    expect(l.failed).toEqual([]);
    expect(src.closed).toBe(1);
    expect(src.chunksRead).toBe(25);

    expect(f.sinks).toHaveLength(1);
    const sink = f.sinks[0]!;
    expect(sink.meta).toEqual(META);
    expect(sink.adds).toBe(25);
    expect(sink.records.length).toBe(2500);
    expect(sink.records.map(([k, v]) => hex(k) + ':' + hex(v))).toEqual(all.map(([k, v]) => hex(k) + ':' + hex(v)));
    expect(sink.completedWith).toBe(2500);
    expect(sink.aborted).toBe(0);

    expect(f.offers).toHaveLength(1);
    expect(f.offers[0]!.staging).toBe(sink);
    expect(f.offers[0]!.msg).toEqual({ type: 'InstallSnapshot', from: LEADER, to: FOLLOWER, term: TERM, snapshot: META });
    expect(f.verdicts).toHaveLength(1);
    expect(f.verdicts[0]!.err).toBeNull();
    expect(f.verdicts[0]!.value).toEqual({ records: 2500 });
  });

  test("2. a slowly staged last chunk still succeeds (the stream's end does not abort it)", async () => {
    const f = (follower = await startFollower());
    // Staging the data chunks takes a while, so the empty last chunk and the half-close queue up
    // behind them and the stream's 'end' comes while complete() is still running.
    f.addDelayMs = 20;
    f.completeDelayMs = 200;
    const all = records(300);
    const src = new FakeSource(META, all);
    const l = (leader = startLeader(f, async () => src, { chunkRecordsMax: 100 }));

    l.sender.send(FOLLOWER, TERM);
    await transferOver(l, src);

    expect(f.endsWhileStaging).toBe(1); // the scenario under test really happened
    expect(l.done).toEqual([null]);
    expect(l.failed).toEqual([]);
    expect(f.sinks).toHaveLength(1);
    expect(f.sinks[0]!.completedWith).toBe(300);
    expect(f.sinks[0]!.aborted).toBe(0);
    expect(f.offers).toHaveLength(1);
    expect(f.verdicts.map((v) => v.err)).toEqual([null]);
  });

  test('2b. a slowly staged last chunk with records in it, sent by hand, still succeeds', async () => {
    const f = (follower = await startFollower());
    f.addDelayMs = 100;
    f.completeDelayMs = 200;
    const all = records(30);
    const digest = new TransferDigest();
    digest.add(
      all.map((r) => r[0]),
      all.map((r) => r[1]),
    );
    client = rawClient(f);
    const { err, ack } = await sendRaw(client, [chunk(0, all.slice(0, 10)), chunk(1, all.slice(10), { last: true, totalRecords: 30, digest: digest.hex() })]);

    expect(f.endsWhileStaging).toBe(1); // the scenario under test really happened
    expect(err).toBeNull();
    expect(ack).toEqual({ records: 30 });
    expect(f.sinks[0]!.records).toHaveLength(30);
    expect(f.sinks[0]!.completedWith).toBe(30);
    expect(f.sinks[0]!.aborted).toBe(0);
    expect(f.offers).toHaveLength(1);
  });

  test('3. a snapshot from another cluster is refused with FAILED_PRECONDITION and reported as failed', async () => {
    const f = (follower = await startFollower());
    const src = new FakeSource(META, records(2500));
    const l = (leader = startLeader(f, async () => src, { cluster: 'another-cluster', chunkRecordsMax: 100 }));

    l.sender.send(FOLLOWER, TERM);
    await transferOver(l, src);

    expect(l.done).toHaveLength(1);
    expect(l.done[0]?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(l.failed).toEqual([FOLLOWER]);
    expect(src.closed).toBe(1);
    expect(f.verdicts.map((v) => v.err?.code)).toEqual([grpc.status.FAILED_PRECONDITION]);
    expect(f.offers).toEqual([]);
    // Refused on its first chunk, before anything was staged; whatever was staged is discarded.
    expect(f.sinks.every((s) => s.aborted > 0)).toBe(true);
    expect(f.sinks.flatMap((s) => s.records)).toEqual([]);
  });

  test('4. a corrupted chunk (right seq, wrong crc) is refused with DATA_LOSS and the staging aborted', async () => {
    const f = (follower = await startFollower());
    const all = records(40);
    const chunks = chunksOf(all, 10);
    chunks[2] = { ...chunks[2]!, crc: ((chunks[2]!.crc as number) ^ 0x1) >>> 0 };
    client = rawClient(f);
    const { err } = await sendRaw(client, chunks);

    expect(err?.code).toBe(grpc.status.DATA_LOSS);
    expect(err?.details).toMatch(/chunk 2 fails its checksum/);
    expect(f.sinks).toHaveLength(1);
    expect(f.sinks[0]!.records).toHaveLength(20); // chunks 0 and 1, never the corrupt one
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    expect(f.sinks[0]!.completedWith).toBeNull();
    expect(f.offers).toEqual([]);
  });

  test('4b. a corrupted record (crc of the original records) is refused with DATA_LOSS', async () => {
    const f = (follower = await startFollower());
    const chunks = chunksOf(records(40), 10);
    const c1 = chunks[1]!;
    const values = [...(c1.values as Uint8Array[])];
    const flipped = Buffer.from(values[3]!);
    flipped[0] ^= 0x40;
    values[3] = flipped;
    chunks[1] = { ...c1, values };
    client = rawClient(f);
    const { err } = await sendRaw(client, chunks);

    expect(err?.code).toBe(grpc.status.DATA_LOSS);
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    expect(f.offers).toEqual([]);
  });

  test('5. a stream that ends without its last chunk is refused with INVALID_ARGUMENT', async () => {
    const f = (follower = await startFollower());
    f.addDelayMs = 10;
    const chunks = chunksOf(records(30), 10).slice(0, 3); // the three data chunks, no last one
    client = rawClient(f);
    const { err } = await sendRaw(client, chunks);

    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/ended after 3 chunks without its last one/);
    expect(f.sinks).toHaveLength(1);
    expect(f.sinks[0]!.records).toHaveLength(30);
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    expect(f.sinks[0]!.completedWith).toBeNull();
    expect(f.offers).toEqual([]);
  });

  test('5b. a stream cancelled while its staging is still being opened: the staging is aborted once open, nothing offered', async () => {
    const f = (follower = await startFollower());
    const open = f.begin;
    f.begin = async (meta) => {
      await sleep(300); // the sender gives up meanwhile (a partition, a crash: ECONNRESET)
      return open(meta);
    };
    client = rawClient(f);
    const call = client.installSnapshot(() => undefined);
    call.write(chunksOf(records(30), 10)[0]!);
    await sleep(100);
    call.cancel();
    await waitFor('the staging to be opened', () => f.sinks.length === 1);
    // Left open, this staging would make the store refuse every later snapshot for good.
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    await sleep(100);
    expect(f.sinks[0]!.completedWith).toBeNull();
    expect(f.offers).toEqual([]);
  });

  test('5c. a stream cancelled while its last chunk is staged: nothing is offered', async () => {
    const f = (follower = await startFollower());
    f.completeDelayMs = 300;
    client = rawClient(f);
    const call = client.installSnapshot(() => undefined);
    for (const c of chunksOf(records(30), 10)) call.write(c);
    await waitFor('the last chunk to be staging', () => f.sinks.length === 1 && f.sinks[0]!.busy > 0 && f.sinks[0]!.records.length === 30);
    call.cancel();
    await sleep(500);
    expect(f.sinks[0]!.aborted).toBeGreaterThan(0);
    expect(f.offers).toEqual([]);
  });

  test('6. an out-of-order chunk is refused with INVALID_ARGUMENT', async () => {
    const f = (follower = await startFollower());
    const chunks = chunksOf(records(40), 10);
    [chunks[1], chunks[2]] = [chunks[2]!, chunks[1]!]; // seq 0, 2, 1, 3, 4
    client = rawClient(f);
    const { err } = await sendRaw(client, chunks);

    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/chunk 2 arrived, expected 1/);
    expect(f.sinks).toHaveLength(1);
    expect(f.sinks[0]!.records).toHaveLength(10);
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    expect(f.offers).toEqual([]);
  });

  test('6b. a duplicated chunk is refused with INVALID_ARGUMENT', async () => {
    const f = (follower = await startFollower());
    const chunks = chunksOf(records(40), 10);
    chunks.splice(2, 0, chunks[1]!); // seq 0, 1, 1, ...
    client = rawClient(f);
    const { err } = await sendRaw(client, chunks);

    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    expect(f.offers).toEqual([]);
  });

  test.each([
    ['record count', (last: SnapshotChunk) => ({ ...last, totalRecords: (last.totalRecords as number) + 1 })],
    ['digest', (last: SnapshotChunk) => ({ ...last, digest: (parseInt(last.digest!, 16) ^ 1).toString(16).padStart(8, '0') })],
  ])('7. a last chunk whose %s does not match is refused with DATA_LOSS', async (_what, tamper) => {
    const f = (follower = await startFollower());
    const chunks = chunksOf(records(40), 10);
    chunks[chunks.length - 1] = tamper(chunks[chunks.length - 1]!);
    client = rawClient(f);
    const { err } = await sendRaw(client, chunks);

    expect(err?.code).toBe(grpc.status.DATA_LOSS);
    expect(f.sinks).toHaveLength(1);
    expect(f.sinks[0]!.records).toHaveLength(40);
    await waitFor('the abort', () => f.sinks[0]!.aborted > 0);
    expect(f.sinks[0]!.completedWith).toBeNull();
    expect(f.offers).toEqual([]);
  });

  test('8. begin() rejecting: the sender reports failed(to) and closes the source', async () => {
    const f = (follower = await startFollower());
    let begins = 0;
    f.begin = async () => {
      begins++;
      throw new Error('a snapshot is already being installed');
    };
    const src = new FakeSource(META, records(500));
    const l = (leader = startLeader(f, async () => src, { chunkRecordsMax: 100 }));

    l.sender.send(FOLLOWER, TERM);
    await transferOver(l, src);

    expect(begins).toBe(1);
    expect(l.done).toHaveLength(1);
    expect(l.done[0]?.code).toBe(grpc.status.INTERNAL);
    expect(l.done[0]?.details).toMatch(/already being installed/);
    expect(l.failed).toEqual([FOLLOWER]);
    expect(src.closed).toBe(1);
    expect(f.offers).toEqual([]);
  });

  /*
   * A refusal while many writes are queued: grpc-js reports a client stream's end only through
   * its callback (no 'error', and queued writes never drain after it), so the sender must race
   * every wait against the verdict, or it would hang with its LevelDB reader open and the peer
   * stuck in `active` (it did, before the fix).
   */
  test('8b. begin() rejecting a large transfer is reported and the peer can be sent to again', async () => {
    const f = (follower = await startFollower());
    f.begin = async () => {
      throw new Error('a snapshot is already being installed');
    };
    const sources: FakeSource[] = [];
    const all = records(6000, 1000); // 60 chunks of ~100 KB
    const l = (leader = startLeader(
      f,
      async () => {
        const src = new FakeSource(META, all);
        sources.push(src);
        return src;
      },
      { chunkRecordsMax: 100 },
    ));

    l.sender.send(FOLLOWER, TERM);
    await waitFor('the verdict', () => l.done.length > 0);
    expect(l.done[0]?.code).toBe(grpc.status.INTERNAL);
    // The follower refused within milliseconds; give the sender 2 s to notice.
    await waitFor('failed(to)', () => l.failed.length > 0, 2000).catch(() => undefined);
    expect({ failed: l.failed, firstSourceClosed: sources[0]!.closed }).toEqual({ failed: [FOLLOWER], firstSourceClosed: 1 });
    l.sender.send(FOLLOWER, TERM); // the core asks again: a new transfer starts (and is refused again)
    await waitFor('the second transfer to fail', () => l.failed.length > 1, 2000);
    expect({ failed: l.failed, secondSourceClosed: sources[1]?.closed, transfersOpened: sources.length }).toEqual({ failed: [FOLLOWER, FOLLOWER], secondSourceClosed: 1, transfersOpened: 2 });
  });

  test('one transfer per peer at a time: a second send() while one runs is ignored', async () => {
    const f = (follower = await startFollower());
    f.addDelayMs = 5;
    let opens = 0;
    const src = new FakeSource(META, records(1000));
    const l = (leader = startLeader(
      f,
      async () => {
        opens++;
        return src;
      },
      { chunkRecordsMax: 100 },
    ));

    l.sender.send(FOLLOWER, TERM);
    l.sender.send(FOLLOWER, TERM);
    await transferOver(l, src);

    expect(opens).toBe(1);
    expect(l.done).toEqual([null]);
    expect(f.offers).toHaveLength(1);
  });

  /*
   * 80 chunks of ~64 KiB through a sink that takes 20 ms per chunk: `lead` is, at each chunk the
   * source yields, how many chunks have been read but not yet staged.
   */
  describe('9. flow control', () => {
    const CHUNKS = 80;
    let f: Follower;
    let l: Leader;
    let src: FakeSource;

    beforeAll(async () => {
      f = await startFollower();
      f.addDelayMs = 20;
      src = new FakeSource(META, records(CHUNKS * 64, 1000), () => f.addsDone);
      l = startLeader(f, async () => src, { chunkRecordsMax: 64 });
      l.sender.send(FOLLOWER, TERM);
      await transferOver(l, src);
    });

    afterAll(() => {
      l.sender.close();
      l.link.close();
      f.server.forceShutdown();
    });

    test('9a. the transfer completes, and the sender is paced by the receiver (it does not read the whole source ahead)', () => {
      expect(l.done).toEqual([null]);
      expect(f.sinks[0]!.adds).toBe(CHUNKS);
      expect(f.sinks[0]!.completedWith).toBe(CHUNKS * 64);
      expect(src.chunksRead).toBe(CHUNKS);
      // Without any back-pressure the whole source is read within a few ms (lead ~ CHUNKS - 1).
      expect(src.maxLead).toBeLessThan(CHUNKS - 16);
    });

    /*
     * The read-ahead is bounded by gRPC's buffers, not by the snapshot: the sender waits only
     * when write() returns false (16 chunks queued in grpc-js's object-mode stream) until all 16
     * are flushed, grpc-js acknowledges the first ~1 MiB of a call at once (retry buffer), and
     * the follower's call.pause() stops 'data' events while grpc-js still buffers 16 decoded
     * chunks: about 50 chunks in all (3 MiB at the default 64 KiB chunk).
     */
    test('9b. the source is read at most gRPC\'s stream buffers (about 50 chunks) ahead of what the sink has staged', () => {
      expect(src.maxLead).toBeLessThanOrEqual(64);
    });
  });
});
