/**
 * Keyed compaction and retention on a real 3-node cluster, through the CLI and the client:
 *  - `ordo topic create --compact`: after several values per key and a tombstone, reading from 0
 *    gives each key's latest record at its original offset; older records are gone, the
 *    tombstone replaced the key's previous record (and stays, so consumers see the delete); every
 *    node holds the same record set (serializable reads per endpoint);
 *  - `--retain-records 10` after 25 appends: earliest offset 15, and reading from 0 is
 *    OUT_OF_RANGE naming the earliest offset, on every node.
 */
import * as grpc from '@grpc/grpc-js';
import { OrdoClient, OrdoError } from '../../src/client/client';
import type { Record__Output } from '../../src/generated/ordo/v1/Record';
import { Cluster, explain, poll } from './support/cluster';

let cluster: Cluster;
const clients: OrdoClient[] = [];

function client(endpoints: readonly string[], deadlineMs = 20_000): OrdoClient {
  const c = new OrdoClient(endpoints, { deadlineMs });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cluster = Cluster.start('log-compaction', { nodes: 3 });
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

/** `ordo read --json` output, as Recs. */
function parseReadJson(stdout: string): Rec[] {
  const rows = JSON.parse(stdout) as Array<{ offset: number; key: string | null; value: string; raftIndex: number; timestampMs: number }>;
  return rows.map((r) => ({ offset: r.offset, key: r.key, value: r.value, raftIndex: r.raftIndex, timestampMs: r.timestampMs }));
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as OrdoError | grpc.ServiceError;
    const message = err instanceof OrdoError ? err.message : (err as grpc.ServiceError).details;
    return { code: grpc.status[err.code as grpc.status], message };
  }
  throw new Error('expected a rejection, got an answer');
}

/**
 * How a subscription from `from` ends within `ms`: its error status, its first record, or no
 * status at all (then it is cancelled, so nothing is left running).
 */
async function subscribeOutcome(c: OrdoClient, topic: string, from: number, ms: number): Promise<unknown> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  try {
    for await (const rec of c.subscribe(topic, from, stop.signal)) return { record: Number(rec.offset) };
    return stop.signal.aborted ? `no status within ${ms} ms` : 'ended without a status';
  } catch (e) {
    const err = e as grpc.ServiceError;
    return { code: grpc.status[err.code], message: err.details };
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}

test('compacted topic: each key keeps its latest record at its original offset; a tombstone replaces the previous record; same on every node', async () => {
  expect(await cluster.ordoOk(['topic', 'create', 'profiles', '--compact'])).toBe('created profiles\n');
  // Idempotent with the same policy; refused with another.
  expect(await cluster.ordoOk(['topic', 'create', 'profiles', '--compact'])).toBe('profiles exists\n');
  const other = await cluster.ordo(['topic', 'create', 'profiles', '--retain-records', '5']);
  expect({ code: other.code, stderr: other.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/already exists with policy compact/) });

  // Three rounds over k1..k5, in a shuffled order per round, through the client.
  const c = client(cluster.endpoints);
  const written: Array<{ offset: number; key: string; value: string }> = [];
  const rounds = [
    ['k1', 'k2', 'k3', 'k4', 'k5'],
    ['k3', 'k1', 'k5', 'k2', 'k4'],
    ['k5', 'k4', 'k1', 'k3', 'k2'],
  ];
  for (let round = 0; round < rounds.length; round++) {
    // One batch per round: compaction applies within a batch too.
    const batch = rounds[round]!.map((key) => ({ key, value: `${key}-v${round + 1}` }));
    const r = await c.append('profiles', batch);
    batch.forEach((rec, j) => written.push({ offset: Number(r.baseOffset) + j, ...rec }));
  }
  // k2 once more, alone, through the CLI (prints the offset)...
  const k2 = await cluster.ordoOk(['append', 'profiles', 'k2-v4', '--key', 'k2']);
  written.push({ offset: Number(k2.trim()), key: 'k2', value: 'k2-v4' });
  // ...and a tombstone (empty value) for k3.
  const tomb = await cluster.ordoOk(['append', 'profiles', '', '--key', 'k3']);
  written.push({ offset: Number(tomb.trim()), key: 'k3', value: '' });
  expect(written.map((w) => w.offset)).toEqual(Array.from({ length: 17 }, (_, i) => i));

  // The latest record per key, at the offset it was written at.
  const latest = new Map<string, { offset: number; key: string; value: string }>();
  for (const w of written) latest.set(w.key, w);
  const expected = [...latest.values()].sort((a, b) => a.offset - b.offset);
  // Round 1 is offsets 0-4, round 2 5-9, round 3 10-14 (k5 k4 k1 k3 k2), then k2 at 15, k3's tombstone at 16.
  expect(expected.map((e) => [e.offset, e.key, e.value])).toEqual([
    [10, 'k5', 'k5-v3'],
    [11, 'k4', 'k4-v3'],
    [12, 'k1', 'k1-v3'],
    [15, 'k2', 'k2-v4'],
    [16, 'k3', ''],
  ]);

  const r = await c.read('profiles', 0, 100);
  const got = r.records.map(toRec);
  expect(got.map((x) => ({ offset: x.offset, key: x.key!, value: x.value }))).toEqual(expected);
  // Older values are gone, including k3's last value (offset 13) before its tombstone.
  const values = new Set(got.map((x) => x.value));
  for (const w of written) if (latest.get(w.key) !== w) expect(values.has(w.value)).toBe(false);
  expect(got.find((x) => x.offset === 13)).toBeUndefined();
  expect(Number(r.earliestOffset)).toBe(0);
  expect(Number(r.nextOffset)).toBe(17);
  const info = await c.describeTopic('profiles');
  expect({ records: Number(info.records), next: Number(info.nextOffset), earliest: Number(info.earliestOffset), kind: info.policy?.kind }).toEqual({
    records: 5,
    next: 17,
    earliest: 0,
    kind: 'COMPACT',
  });
  // Reading from the middle starts at the next surviving record.
  expect((await c.read('profiles', 13, 100)).records.map((x) => Number(x.offset))).toEqual([15, 16]);

  // The CLI shows the same (its --json is a contract).
  expect(parseReadJson(await cluster.ordoOk(['read', 'profiles', '--from', '0', '--limit', '100', '--json']))).toEqual(got);

  // Every node holds exactly this record set, from its own state.
  for (let id = 1; id <= 3; id++) {
    const own = client([cluster.endpoint(id)], 5_000);
    const mine = await poll(`n${id} to hold the compacted topic`, 30_000, async () => {
      const rr = await own.read('profiles', 0, 100, true);
      return Number(rr.nextOffset) === 17 ? rr.records.map(toRec) : undefined;
    });
    expect({ node: id, records: mine }).toEqual({ node: id, records: got });
  }

  // A compacted topic needs keys.
  expect(await rejection(c.append('profiles', [{ value: 'no key' }]))).toEqual({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/compacted.*no key/) });
}, 90_000);

test('--retain-records 10 after 25 appends: earliest offset 15; reading from 0 is OUT_OF_RANGE naming it, on every node', async () => {
  expect(await cluster.ordoOk(['topic', 'create', 'recent', '--retain-records', '10'])).toBe('created recent\n');
  const c = client(cluster.endpoints);
  for (let i = 0; i < 25; i++) {
    const r = await c.append('recent', [{ value: `event-${i}` }]);
    expect(Number(r.baseOffset)).toBe(i);
  }
  const info = await c.describeTopic('recent');
  expect({ earliest: Number(info.earliestOffset), next: Number(info.nextOffset), records: Number(info.records) }).toEqual({ earliest: 15, next: 25, records: 10 });

  // Below the earliest offset: OUT_OF_RANGE, naming it. Linearizable, through the client...
  const below = await rejection(c.read('recent', 0, 100));
  expect(below).toEqual({ code: 'OUT_OF_RANGE', message: expect.stringMatching(/earliest offset 15\b/) });
  expect(await rejection(c.read('recent', 14, 100))).toEqual({ code: 'OUT_OF_RANGE', message: expect.stringMatching(/earliest offset 15\b/) });
  // ...and through the CLI.
  const cli = await cluster.ordo(['read', 'recent', '--from', '0']);
  expect(cli.code).toBe(2);
  expect(cli.stderr).toMatch(/earliest offset 15\b/);

  // From 15: the newest ten, in order.
  const kept = (await c.read('recent', 15, 100)).records.map(toRec);
  expect(kept.map((x) => [x.offset, x.value])).toEqual(Array.from({ length: 10 }, (_, i) => [15 + i, `event-${15 + i}`]));
  const cliKept = await cluster.ordo(['read', 'recent', '--from', '15', '--json']);
  expect(cliKept.code === 0 ? parseReadJson(cliKept.stdout) : explain(cliKept)).toEqual(kept);

  // Every node, from its own state: the same ten, and the same refusal below them.
  for (let id = 1; id <= 3; id++) {
    const own = client([cluster.endpoint(id)], 5_000);
    const mine = await poll(`n${id} to hold offsets 15..24`, 30_000, async () => {
      const rr = await own.read('recent', 15, 100, true);
      return Number(rr.nextOffset) === 25 ? rr.records.map(toRec) : undefined;
    });
    expect({ node: id, records: mine }).toEqual({ node: id, records: kept });
    expect(await rejection(own.read('recent', 0, 100, true))).toEqual({ code: 'OUT_OF_RANGE', message: expect.stringMatching(/earliest offset 15\b/) });
  }
}, 90_000);

// Regression guard: a failed stream must end with a status (grpc-js sends one only through
// call.emit('error'); call.destroy() once left the subscriber waiting forever).
test('a subscription from below the earliest offset ends with OUT_OF_RANGE naming it, instead of skipping ahead', async () => {
  // The test above made every node apply the retention: whichever node serves this must refuse.
  const outcome = await subscribeOutcome(client(cluster.endpoints), 'recent', 0, 5_000);
  expect(outcome).toEqual({ code: 'OUT_OF_RANGE', message: expect.stringMatching(/earliest offset 15\b/) });
}, 30_000);
