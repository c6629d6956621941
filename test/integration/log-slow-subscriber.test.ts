/**
 * A subscriber that stops reading must not make the node serving it buffer the backlog
 * (docs/log.md: "a slow consumer costs one page of memory, not the backlog").
 *
 * Raw grpc-js Subscribe streams (no client library in between) are opened on a follower from
 * offset 0; each takes its first message and then pauses. Meanwhile 100,000 records of ~100 bytes
 * are appended, 500 per call with 4 calls in flight, and other traffic keeps the cluster busy.
 * The RSS of the serving node (VmRSS of the pid in D/n<i>.pid) is sampled throughout and compared
 * with the other follower, which applies exactly the same commands but serves no subscriber.
 * Then the subscribers resume and must each receive all 100,000 records, in order, without a gap.
 *
 * The pause lasts ~20 s (from opening the streams) to keep CI time down; the one-minute
 * variant is this same test with PAUSE_MS = 60_000 (and a larger timeout).
 *
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { OrdoClient } from '../../src/client/client';
import type { LogClient } from '../../src/generated/ordo/v1/Log';
import type { SubscribeResponse__Output } from '../../src/generated/ordo/v1/SubscribeResponse';
import { GRPC_MESSAGE_BYTES_MAX, logProto } from '../../src/rpc/proto';
import { Cluster, poll, sleep } from './support/cluster';

const TOPIC = 'firehose';
const CHATTER = 'chatter';
const RECORDS = 100_000;
const BATCH = 500;
const IN_FLIGHT = 4;
const PAUSE_MS = 20_000;
/** Paused subscribers on the serving node: what one would buffer, two buffer twice. */
const SUBSCRIBERS = 2;
const MiB = 1 << 20;

/**
 * The bounds, from measurements on this 3-node loopback cluster.
 *  - Healthy: appending 100k records grows every node's RSS by ~80-110 MB whether or not it
 *    serves a subscriber (the Raft log in memory, LevelDB memtables and cache, V8 heap growth).
 *    A paused stream legitimately holds what grpc-js's write queue (16 messages of 256 records)
 *    and the HTTP/2 windows take, plus the garbage of reading and encoding pages: the serving
 *    follower grew ~10 MB more than the control follower per paused subscriber (~36-48 MB with
 *    four).
 *  - Buffering the backlog: a server that kept writing pages into a paused stream (one more per
 *    apply while it waited for 'drain') queued the whole 100k-record backlog in grpc-js as wire
 *    objects: ~50 MB of RSS per paused stream (~35-55 MB more than the control with one, ~210 MB
 *    with four).
 * With two subscribers (measured, peak RSS): healthy +24-30 MB over the control and +115-118 MB
 * in all; buffering +92-119 MB over the control and +190-218 MB in all. EXTRA_BOUND (over the
 * control) and GROWTH_BOUND (in all) sit between the two, clear of both.
 */
const EXTRA_BOUND = 60 * MiB;
const GROWTH_BOUND = 150 * MiB;

let cluster: Cluster;
let leaderId: number;
let servingId: number;
let controlId: number;
const closers: Array<() => void> = [];

beforeAll(async () => {
  cluster = Cluster.start('log-slow-subscriber', { nodes: 3 });
  const { leader } = await cluster.waitForLeader();
  leaderId = leader.id!;
  [servingId, controlId] = [1, 2, 3].filter((id) => id !== leaderId) as [number, number];
}, 60_000);

afterAll(() => {
  for (const close of closers) close();
  cluster?.destroy();
});

function pidOf(id: number): number {
  return Number(fs.readFileSync(path.join(cluster.dir, `n${id}.pid`), 'utf8').trim());
}

/** VmRSS of node `id`, in bytes. */
function rss(id: number): number {
  const status = fs.readFileSync(`/proc/${pidOf(id)}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pidOf(id)}/status`);
  return Number(m[1]) * 1024;
}

const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MB`;

/** ~100 bytes each, unique: record j of batch b. */
function value(b: number, j: number): string {
  return `b${String(b).padStart(4, '0')}r${String(j).padStart(3, '0')}-${'x'.repeat(90)}`;
}

interface PausedSubscriber {
  readonly call: grpc.ClientReadableStream<SubscribeResponse__Output>;
  readonly received: Array<{ offset: number; value: string }>;
  paused: boolean;
  error: grpc.ServiceError | null;
  take(msg: SubscribeResponse__Output): void;
}

/**
 * A raw Subscribe from offset 0 on `endpoint`, over its own connection, that takes the first
 * message and then pauses: only then does grpc-js push back. (A grpc-js client stream that has
 * never been read from does not pause its HTTP/2 stream: it queues every message itself, in the
 * client process, and the server would see no back-pressure at all.)
 */
function pausedSubscriber(endpoint: string): PausedSubscriber {
  const LogCtor = logProto().ordo.v1.Log;
  const raw: LogClient = new LogCtor(endpoint, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
    'grpc.use_local_subchannel_pool': 1, // a connection of its own: no shared HTTP/2 window
  });
  closers.push(() => raw.close());
  const call = raw.subscribe({ topic: TOPIC, fromOffset: 0 });
  closers.push(() => call.cancel());
  const s: PausedSubscriber = {
    call,
    received: [],
    paused: false,
    error: null,
    take(msg) {
      for (const r of msg.records) s.received.push({ offset: Number(r.offset), value: r.value.toString() });
    },
  };
  call.on('error', (e: grpc.ServiceError) => (s.error = e));
  const first = (msg: SubscribeResponse__Output) => {
    s.take(msg);
    call.pause();
    call.removeListener('data', first);
    s.paused = true;
  };
  call.on('data', first);
  return s;
}

// Shared by the two tests below: the paused streams, and what each acknowledged offset holds.
let subs: PausedSubscriber[] = [];
const valueAt: string[] = new Array<string>(RECORDS);

// Regression guard: a stream waiting for 'drain' must not be woken by applies (that once queued
// the whole backlog in grpc-js's write queue: serving node +190-200 MB vs +115-118 MB fixed).
test(`${SUBSCRIBERS} paused subscribers cost the serving node bounded memory while ${RECORDS} records are appended`, async () => {
  const admin = new OrdoClient(cluster.endpoints, { deadlineMs: 30_000 });
  closers.push(() => admin.close());
  await admin.createTopic(TOPIC);
  await admin.createTopic(CHATTER);

  subs = Array.from({ length: SUBSCRIBERS }, () => pausedSubscriber(cluster.endpoint(servingId)));
  const pauseStarted = Date.now();

  // Other traffic on the cluster for the whole pause: single-record appends to another topic,
  // one at a time. Every one is an apply on the serving node, so a node that lets an apply push
  // another page into a stream that is waiting for 'drain' shows up here.
  let chatter = 0;
  let stopChatter = false;
  const chatterDone = (async () => {
    while (!stopChatter) {
      await admin.append(CHATTER, [{ value: `tick-${chatter}` }]);
      chatter++;
    }
  })();

  const base = { serving: rss(servingId), control: rss(controlId) };
  const peak = { ...base };
  const sample = () => {
    peak.serving = Math.max(peak.serving, rss(servingId));
    peak.control = Math.max(peak.control, rss(controlId));
  };
  const sampler = setInterval(sample, 200);
  try {
    const started = Date.now();
    let nextBatch = 0;
    const worker = async () => {
      for (let b = nextBatch++; b < RECORDS / BATCH; b = nextBatch++) {
        const records = Array.from({ length: BATCH }, (_, j) => ({ value: value(b, j) }));
        const r = await admin.append(TOPIC, records);
        // Each batch lands whole, at consecutive offsets.
        expect(r.offsets.map(Number)).toEqual(records.map((_, j) => Number(r.baseOffset) + j));
        records.forEach((rec, j) => (valueAt[Number(r.baseOffset) + j] = rec.value));
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const appendMs = Date.now() - started;
    await poll('every subscriber to get its first message and pause', 10_000, async () => (subs.every((s) => s.paused) ? true : undefined));
    // The serving node has applied everything (it answers serializable reads from its own state).
    await poll('the serving follower to apply every record', 30_000, async () => {
      const own = new OrdoClient([cluster.endpoint(servingId)], { deadlineMs: 5_000 });
      try {
        return Number((await own.read(TOPIC, 0, 1, true)).nextOffset) === RECORDS ? true : undefined;
      } finally {
        own.close();
      }
    });
    // Keep the subscribers paused for the rest of the window, still sampling. This wait is the
    // scenario itself (consumers that stay away), not a guess at when something is ready.
    await sleep(Math.max(0, PAUSE_MS - (Date.now() - pauseStarted)));
    sample();
    const end = { serving: rss(servingId), control: rss(controlId) };
    stopChatter = true;
    await chatterDone;
    const growth = { serving: peak.serving - base.serving, control: peak.control - base.control };
    process.stderr.write(
      `[log-slow-subscriber] ${RECORDS} records appended in ${appendMs} ms, ${chatter} other appends; paused ${Date.now() - pauseStarted} ms; ` +
        `RSS serving n${servingId}: ${mb(base.serving)} -> peak ${mb(peak.serving)} (+${mb(growth.serving)}), end ${mb(end.serving)}; ` +
        `control n${controlId}: ${mb(base.control)} -> peak ${mb(peak.control)} (+${mb(growth.control)}), end ${mb(end.control)}; ` +
        `extra ${mb(growth.serving - growth.control)}; leader n${leaderId}\n`,
    );
    expect(subs.map((s) => s.error)).toEqual(subs.map(() => null));
    expect(growth.serving).toBeLessThan(GROWTH_BOUND);
    expect(growth.serving - growth.control).toBeLessThan(EXTRA_BOUND);
  } finally {
    stopChatter = true;
    clearInterval(sampler);
  }
}, 120_000);

test('resumed, every paused subscriber receives all the records, in order, with no gap', async () => {
  expect(subs.length).toBe(SUBSCRIBERS); // opened by the test above
  expect(subs.every((s) => s.paused)).toBe(true);
  // Resume: every record, in order, no gap, nothing extra, for every subscriber.
  const resumed = Date.now();
  await Promise.all(
    subs.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (s.received.length >= RECORDS) resolve();
          };
          s.call.on('data', (msg: SubscribeResponse__Output) => {
            s.take(msg);
            check();
          });
          s.call.on('error', reject);
          s.call.on('end', () => reject(new Error(`stream ended after ${s.received.length} records`)));
          s.call.resume();
          check();
        }),
    ),
  );
  process.stderr.write(`[log-slow-subscriber] ${SUBSCRIBERS} subscribers drained ${RECORDS} records each in ${Date.now() - resumed} ms after resuming\n`);
  for (const s of subs) {
    const problems: string[] = [];
    s.received.forEach((r, i) => {
      if (problems.length < 5 && (r.offset !== i || r.value !== valueAt[i])) problems.push(`#${i}: offset ${r.offset} value ${r.value.slice(0, 9)}, acknowledged ${valueAt[i]?.slice(0, 9)}`);
    });
    expect(problems).toEqual([]);
    expect(s.received.length).toBe(RECORDS);
    s.call.cancel();
  }
}, 60_000);
