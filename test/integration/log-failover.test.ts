/**
 * The log across failures, on a real 3-node cluster with kill -9 (cluster-scripts/node.sh kill):
 *  - a producer appending in a loop (each append awaited) while the leader is killed: afterwards
 *    every acknowledged value is in the topic exactly once, in the order of the acknowledgements,
 *    at dense offsets (the idempotent producer's retries across the failover land once);
 *  - the killed node, restarted, catches up and serves the same records from its own state;
 *  - a subscriber reading from a follower that is killed continues on another node from the
 *    next offset: no gap, no duplicate.
 */
import { OrdoClient } from '../../src/client/client';
import type { Record__Output } from '../../src/generated/ordo/v1/Record';
import { Cluster, explain, poll, sleep } from './support/cluster';

const TOPIC = 'orders';
const BEFORE_KILL = 60; // acknowledged appends before the leader dies
const AFTER_KILL = 60; // and after

let cluster: Cluster;
const clients: OrdoClient[] = [];

function client(endpoints: readonly string[], deadlineMs = 30_000): OrdoClient {
  const c = new OrdoClient(endpoints, { deadlineMs });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cluster = Cluster.start('log-failover', { nodes: 3 });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => {
  for (const c of clients) c.close();
  cluster?.destroy();
});

interface Rec {
  offset: number;
  key: string | null;
  value: string;
  raftIndex: number;
  timestampMs: number;
}

function toRec(r: Record__Output): Rec {
  return { offset: Number(r.offset), key: r.hasKey ? r.key.toString() : null, value: r.value.toString(), raftIndex: Number(r.raftIndex), timestampMs: Number(r.timestampMs) };
}

/** The whole topic from offset 0, page by page (linearizable unless `serializable`). */
async function readAll(c: OrdoClient, topic: string, serializable = false): Promise<{ records: Rec[]; nextOffset: number }> {
  const records: Rec[] = [];
  let from = 0;
  for (;;) {
    const r = await c.read(topic, from, 10_000, serializable);
    for (const rec of r.records) records.push(toRec(rec));
    if (r.records.length === 0 || records[records.length - 1]!.offset + 1 >= Number(r.nextOffset)) {
      return { records, nextOffset: Number(r.nextOffset) };
    }
    from = records[records.length - 1]!.offset + 1;
  }
}

/** What the producer was told, in the order it was told. */
interface Ack {
  values: string[];
  baseOffset: number;
  ms: number;
}

let acks: Ack[] = [];
let acknowledged: Rec[] = [];
let killedId: number;
let killedTerm: number;

test(`a producer loop keeps going through kill -9 of the leader: every acknowledged value exactly once, in acknowledgement order, dense offsets`, async () => {
  const { leader } = await cluster.waitForLeader();
  killedId = leader.id!;
  killedTerm = leader.term!;
  const producer = client(cluster.endpoints);
  expect((await producer.createTopic(TOPIC)).created).toBe(true);

  let stopAfter = Infinity;
  const loop = (async () => {
    for (let i = 0; acks.length < stopAfter; i++) {
      // Batches of 1-3 records: each must land whole, at consecutive offsets.
      const values = Array.from({ length: (i % 3) + 1 }, (_, j) => `append-${i}.${j}`);
      const started = Date.now();
      const r = await producer.append(TOPIC, values.map((value) => ({ value })));
      expect(r.offsets.map(Number)).toEqual(values.map((_, j) => Number(r.baseOffset) + j));
      acks.push({ values, baseOffset: Number(r.baseOffset), ms: Date.now() - started });
    }
  })();
  try {
    await poll(`${BEFORE_KILL} acknowledged appends`, 30_000, async () => (acks.length >= BEFORE_KILL ? true : undefined));
    // Kill while the loop runs (node.sh in a child process: the event loop, and so the producer, keep going).
    const beforeKill = acks.length;
    const killed = await cluster.nodeAsync('kill', killedId);
    if (killed.code !== 0) throw new Error(`node.sh kill ${killedId} failed: ${explain(killed)}`);
    const afterKill = acks.length;
    stopAfter = afterKill + AFTER_KILL;
    await loop;
    // The append that was in flight when the leader died waited for a new leader, then landed once.
    const slowest = acks.slice(beforeKill).reduce((a, b) => (b.ms > a.ms ? b : a));
    process.stderr.write(
      `[log-failover] killed leader n${killedId} (term ${killedTerm}) after ${beforeKill}-${afterKill} acks (node.sh ran meanwhile); ` +
        `${acks.length} acks in all; the slowest append since took ${slowest.ms} ms\n`,
    );
  } finally {
    stopAfter = 0;
    await loop.catch(() => undefined);
  }

  const survivors = [1, 2, 3].filter((id) => id !== killedId).map((id) => cluster.endpoint(id));
  const { leader: newLeader } = await cluster.waitForLeader({ endpoints: survivors, minTerm: killedTerm + 1, timeoutMs: 30_000 });
  expect(newLeader.id).not.toBe(killedId);

  // The acknowledgements themselves: offsets handed out in order, back to back, none twice.
  for (let k = 1; k < acks.length; k++) expect(acks[k]!.baseOffset).toBe(acks[k - 1]!.baseOffset + acks[k - 1]!.values.length);
  expect(acks[0]!.baseOffset).toBe(0);
  const expectedValues = acks.flatMap((a) => a.values);

  const { records, nextOffset } = await readAll(client(survivors), TOPIC);
  expect(nextOffset).toBe(expectedValues.length);
  expect(records.map((r) => r.offset)).toEqual(expectedValues.map((_, i) => i));
  // Exactly once each, and in the order the acknowledgements came back.
  expect(new Set(records.map((r) => r.value)).size).toBe(records.length);
  expect(records.map((r) => r.value)).toEqual(expectedValues);
  // Each at the offset its acknowledgement named.
  for (const a of acks) expect(records.slice(a.baseOffset, a.baseOffset + a.values.length).map((r) => r.value)).toEqual(a.values);
  acknowledged = records;
}, 120_000);

test('the killed node, restarted, catches up and serves the same records from its own state (serializable reads)', async () => {
  expect(acknowledged.length).toBeGreaterThan(0); // set by the test above
  const restarted = cluster.nodeOk('restart', killedId);
  expect(restarted.stdout).toMatch(new RegExp(`restarted node ${killedId}`));

  const own = client([cluster.endpoint(killedId)], 5_000);
  const mine = await poll(`n${killedId} to serve all ${acknowledged.length} records`, 60_000, async () => {
    const r = await readAll(own, TOPIC, true);
    return r.nextOffset === acknowledged.length ? r : undefined;
  });
  // Every replicated field alike: offset, value, the Raft index and the leader's timestamp.
  expect(mine.records).toEqual(acknowledged);
  // So do the other two, each from its own state.
  for (const id of [1, 2, 3].filter((i) => i !== killedId)) {
    expect((await readAll(client([cluster.endpoint(id)], 5_000), TOPIC, true)).records).toEqual(acknowledged);
  }
}, 120_000);

test('a subscriber reading from a follower that is killed continues on another node: offsets exactly 0..N-1', async () => {
  const { leader } = await cluster.waitForLeader();
  const followerId = [1, 2, 3].find((id) => id !== leader.id!)!;
  const topic = 'stream';
  const half = 1000;
  const producer = client(cluster.endpoints);
  await producer.createTopic(topic);
  const sent: string[] = [];
  const produce = async (from: number, to: number) => {
    for (let i = from; i < to; i += 10) {
      const values = Array.from({ length: 10 }, (_, j) => `rec-${i + j}`);
      const r = await producer.append(topic, values.map((value) => ({ value })));
      values.forEach((v, j) => (sent[Number(r.baseOffset) + j] = v));
    }
  };
  await produce(0, half);

  // The follower first: the subscription starts there. The consumer takes its time (20 ms per
  // 10 records: pacing, not a wait for anything), so the kill lands while it is still working
  // through the backlog, with records in flight between the node and the client.
  const others = [1, 2, 3].filter((id) => id !== followerId).map((id) => cluster.endpoint(id));
  const subscriber = client([cluster.endpoint(followerId), ...others]);
  const stop = new AbortController();
  const got: Rec[] = [];
  const consuming = (async () => {
    for await (const r of subscriber.subscribe(topic, 0, stop.signal)) {
      got.push(toRec(r));
      if (got.length % 10 === 0) await sleep(20);
    }
  })();
  try {
    await poll(`the subscriber to read 200 records from n${followerId}`, 30_000, async () => (got.length >= 200 ? true : undefined));
    const beforeKill = got.length;
    const killed = await cluster.nodeAsync('kill', followerId);
    if (killed.code !== 0) throw new Error(`node.sh kill ${followerId} failed: ${explain(killed)}`);
    const afterKill = got.length;
    // The second half is appended after n<follower> is dead: it can only come from another node.
    await produce(half, 2 * half);
    await poll(`the subscriber to reach ${2 * half} records after n${followerId} died`, 60_000, async () => (got.length >= 2 * half ? true : undefined));
    process.stderr.write(`[log-failover] subscriber had ${beforeKill}-${afterKill} records while follower n${followerId} was killed (node.sh took ${killed.ms} ms); continued to ${got.length}\n`);
  } finally {
    stop.abort();
    await consuming.catch(() => undefined);
  }
  // Exactly 0..N-1 (no gap, no duplicate, nothing beyond), each the value appended there.
  expect(got.map((r) => r.offset)).toEqual(Array.from({ length: 2 * half }, (_, i) => i));
  expect(got.map((r) => r.value)).toEqual(sent);
}, 120_000);
