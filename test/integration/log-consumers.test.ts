/**
 * The log's promise to consumers, on a real 3-node cluster: every consumer of a topic sees the
 * same records in the same order, so anything folded from them is the same everywhere.
 *
 * Two consumers follow the topic live while two producers append concurrently (one through
 * OrdoClient.subscribe on node 1, one polling OrdoClient.read, which the leader answers); they
 * see the identical sequence, which is also the one the producers' acknowledged offsets imply.
 * Consumers started after the fact (OrdoClient.subscribe on node 3 alone, and `ordo tail --json`)
 * replay from offset 0 and build the identical derived view. `ordo tail --group` resumes from the
 * group's committed offset and commits as it goes.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { OrdoClient } from '../../src/client/client';
import type { Record__Output } from '../../src/generated/ordo/v1/Record';
import { Cluster, poll, sleep } from './support/cluster';
import { spawnCli } from './support/spawn-cli';

const TOPIC = 'accounts';
const KEYS = Array.from({ length: 12 }, (_, i) => `acct-${i}`);
const PRODUCERS = 2;
const BATCHES_PER_PRODUCER = 40;
const MOD = 1_000_003;

let cluster: Cluster;
const clients: OrdoClient[] = [];
const children = new Set<ChildProcess>();

function client(endpoints: readonly string[]): OrdoClient {
  const c = new OrdoClient(endpoints, { deadlineMs: 20_000 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cluster = Cluster.start('log-consumers', { nodes: 3 });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => {
  for (const c of clients) c.close();
  for (const child of children) child.kill('SIGKILL');
  cluster?.destroy();
});

/** A record as every consumer compares it: all of its replicated fields. */
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

/**
 * The derived view: per key, a number folded from `set:N`, `add:N` and `mul:N` operations.
 * They do not commute, so a consumer that saw the records in another order (or missed or
 * repeated one) ends with different numbers.
 */
type View = Record<string, { value: number; ops: number; lastOffset: number }>;

function fold(records: readonly Pick<Rec, 'offset' | 'key' | 'value'>[]): View {
  const view: View = {};
  for (const r of records) {
    const [op, arg] = r.value.split(':');
    const n = Number(arg);
    const cur = view[r.key!] ?? { value: 0, ops: 0, lastOffset: -1 };
    const value = op === 'set' ? n % MOD : op === 'add' ? (cur.value + n) % MOD : op === 'mul' ? (cur.value * n) % MOD : NaN;
    view[r.key!] = { value, ops: cur.ops + 1, lastOffset: r.offset };
  }
  return view;
}

function digest(records: readonly Rec[]): string {
  const h = createHash('sha256');
  for (const r of records) h.update(`${r.offset}\u0000${r.key}\u0000${r.value}\u0000${r.raftIndex}\u0000${r.timestampMs}\n`);
  return h.digest('hex');
}

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Appends batches of 1..50 records; returns every record with the offset its append was acknowledged with. */
async function produce(c: OrdoClient, producer: number): Promise<Array<{ offset: number; key: string; value: string }>> {
  const rand = prng(1000 + producer);
  const acked: Array<{ offset: number; key: string; value: string }> = [];
  for (let b = 0; b < BATCHES_PER_PRODUCER; b++) {
    const size = 1 + Math.floor(rand() * 50);
    const batch = Array.from({ length: size }, (_, j) => {
      const op = ['set', 'add', 'mul'][Math.floor(rand() * 3)]!;
      // The tag makes every value unique, so "each value once" is checkable.
      return { key: KEYS[Math.floor(rand() * KEYS.length)]!, value: `${op}:${1 + Math.floor(rand() * 1000)}:p${producer}b${b}r${j}` };
    });
    const r = await c.append(TOPIC, batch);
    // Atomic batch: consecutive offsets from base_offset.
    expect(r.offsets.map(Number)).toEqual(batch.map((_, j) => Number(r.baseOffset) + j));
    batch.forEach((rec, j) => acked.push({ offset: Number(r.baseOffset) + j, ...rec }));
  }
  return acked;
}

/** OrdoClient.subscribe from 0 into an array, until `stop` aborts. */
function subscriber(c: OrdoClient, stop: AbortSignal): { records: Rec[]; done: Promise<void> } {
  const records: Rec[] = [];
  const done = (async () => {
    for await (const r of c.subscribe(TOPIC, 0, stop)) records.push(toRec(r));
  })();
  return { records, done };
}

/** A consumer that polls OrdoClient.read (linearizable) from its next offset, until `stop` aborts. */
function reader(c: OrdoClient, stop: AbortSignal): { records: Rec[]; done: Promise<void> } {
  const records: Rec[] = [];
  const done = (async () => {
    let next = 0;
    while (!stop.aborted) {
      const r = await c.read(TOPIC, next, 137);
      for (const rec of r.records) records.push(toRec(rec));
      if (r.records.length > 0) next = Number(r.records[r.records.length - 1]!.offset) + 1;
      else await sleep(20); // caught up: poll again shortly (this is the consumer's pace, not a wait for correctness)
    }
  })();
  return { records, done };
}

function fromJsonLine(line: string): Rec {
  const j = JSON.parse(line) as { offset: number; key: string | null; value: string; raftIndex: number; timestampMs: number };
  return { offset: j.offset, key: j.key, value: j.value, raftIndex: j.raftIndex, timestampMs: j.timestampMs };
}

let total = 0;
let sequence: Rec[] = [];
let expectedView: View;

test('two live consumers (subscribe on node 1, read polling the leader) see the identical sequence while two producers append', async () => {
  const admin = client(cluster.endpoints);
  expect((await admin.createTopic(TOPIC)).created).toBe(true);

  const stop = new AbortController();
  const [n1, n2, n3] = cluster.endpoints as [string, string, string];
  const a = subscriber(client([n1, n2, n3]), stop.signal);
  const b = reader(client(cluster.endpoints), stop.signal);
  try {
    const started = Date.now();
    const acked = (await Promise.all(Array.from({ length: PRODUCERS }, (_, p) => produce(client(cluster.endpoints), p)))).flat();
    total = acked.length;
    process.stderr.write(`[log-consumers] ${total} records appended by ${PRODUCERS} producers in ${Date.now() - started} ms\n`);

    await poll(`both consumers to reach ${total} records`, 30_000, async () =>
      a.records.length >= total && b.records.length >= total ? true : undefined,
    );
    stop.abort();
    await Promise.all([a.done, b.done]);

    // Dense offsets 0..total-1, nothing more (a consumer may not invent or repeat a record).
    expect(a.records.map((r) => r.offset)).toEqual(Array.from({ length: total }, (_, i) => i));
    // The identical sequence, every replicated field included.
    expect(b.records).toEqual(a.records);
    expect(digest(b.records)).toBe(digest(a.records));

    // ...which is the one the producers were acknowledged: each value at the offset its append got.
    const byOffset = new Map(acked.map((r) => [r.offset, r]));
    expect(byOffset.size).toBe(total);
    const mismatched = a.records.filter((r) => byOffset.get(r.offset)?.value !== r.value || byOffset.get(r.offset)?.key !== r.key);
    expect(mismatched).toEqual([]);

    sequence = a.records;
    expectedView = fold([...acked].sort((x, y) => x.offset - y.offset));
    expect(fold(a.records)).toEqual(expectedView);
    expect(Object.keys(expectedView).sort()).toEqual([...KEYS].sort());
  } finally {
    stop.abort();
  }
}, 90_000);

test('a consumer started later (subscribe on node 3 alone) replays from 0 and builds the identical view', async () => {
  expect(total).toBeGreaterThan(0); // set by the test above
  const stop = new AbortController();
  const c = subscriber(client([cluster.endpoint(3)]), stop.signal);
  try {
    await poll(`the late consumer to reach ${total} records`, 30_000, async () => (c.records.length >= total ? true : undefined));
  } finally {
    stop.abort();
  }
  await c.done;
  expect(c.records.length).toBe(total); // nothing was appended since: nothing more arrives
  expect(digest(c.records)).toBe(digest(sequence));
  expect(c.records).toEqual(sequence);
  expect(fold(c.records)).toEqual(expectedView);
}, 60_000);

test('`ordo tail --from 0 --json` replays the same records and folds to the same view', async () => {
  expect(total).toBeGreaterThan(0);
  const tail = spawnCli(['tail', TOPIC, '--from', '0', '--json'], [cluster.endpoint(2), cluster.endpoint(1), cluster.endpoint(3)], children);
  try {
    await poll(`ordo tail to print ${total} records`, 30_000, async () => (tail.lines.length >= total ? true : undefined));
  } catch (e) {
    throw new Error(`${(e as Error).message}\nstderr: ${tail.stderr()}`);
  }
  const exit = await tail.interrupt();
  expect({ exit, stderr: tail.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
  const got = tail.lines.map(fromJsonLine);
  expect(got.length).toBe(total);
  expect(digest(got)).toBe(digest(sequence));
  expect(fold(got)).toEqual(expectedView);
}, 60_000);

test('`ordo tail --group` resumes from the committed offset, commits as it goes, and the next run resumes after it', async () => {
  expect(total).toBeGreaterThan(0);
  const admin = client(cluster.endpoints);
  const group = 'view-builder';
  expect(await admin.fetchOffset(group, TOPIC)).toBeNull();
  expect(await admin.commitOffset(group, TOPIC, total - 5)).toBe(total - 5);

  const first = spawnCli(['tail', TOPIC, '--group', group, '--json'], cluster.endpoints, children);
  await poll('the last 5 records from the group offset', 30_000, async () => (first.lines.length >= 5 ? true : undefined));
  // Each record is committed after it is printed: wait until the last one's commit landed.
  await poll(`group offset ${total}`, 30_000, async () => ((await admin.fetchOffset(group, TOPIC)) === total ? true : undefined));
  expect(await first.interrupt()).toEqual({ code: 0, signal: null });
  expect(first.lines.map(fromJsonLine)).toEqual(sequence.slice(total - 5));

  // A new record; a second run of the same group starts after what the first one committed.
  const r = await admin.append(TOPIC, [{ key: KEYS[0]!, value: 'add:1:late' }]);
  expect(Number(r.baseOffset)).toBe(total);
  const second = spawnCli(['tail', TOPIC, '--group', group, '--json'], cluster.endpoints, children);
  await poll('the new record', 30_000, async () => (second.lines.length >= 1 ? true : undefined));
  await poll(`group offset ${total + 1}`, 30_000, async () => ((await admin.fetchOffset(group, TOPIC)) === total + 1 ? true : undefined));
  expect(await second.interrupt()).toEqual({ code: 0, signal: null });
  expect(second.lines.map(fromJsonLine).map((x) => [x.offset, x.key, x.value])).toEqual([[total, KEYS[0], 'add:1:late']]);
}, 60_000);
