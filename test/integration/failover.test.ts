/**
 * kill -9 of the leader: a new leader (higher term) serves writes, no acknowledged write is lost,
 * and the killed node, restarted on its data, catches up and serves everything from its own state.
 */
import { OrdoClient } from '../../src/client/client';
import { Cluster } from './support/cluster';

const N = 50;
const key = (i: number) => `fo/${String(i).padStart(3, '0')}`;
const value = (i: number) => `value-${i}-${'x'.repeat(i)}`;

let cluster: Cluster;
let oldLeader: number;
let oldTerm: number;

beforeAll(async () => {
  cluster = Cluster.start('failover', { nodes: 3 });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => cluster?.destroy());

/** Every fo/ key with its value, read linearizably (or from `endpoint` alone, serializably). */
async function readAll(endpoints: readonly string[], serializable = false): Promise<Map<string, string>> {
  const client = new OrdoClient(endpoints, { deadlineMs: 10_000 });
  try {
    const r = await client.range({ key: Buffer.from('fo/'), rangeEnd: Buffer.from('fo0'), serializable });
    return new Map(r.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
  } finally {
    client.close();
  }
}

function expectAllAcknowledged(got: Map<string, string>): void {
  const missing: string[] = [];
  for (let i = 0; i < N; i++) if (got.get(key(i)) !== value(i)) missing.push(`${key(i)}=${JSON.stringify(got.get(key(i)))}`);
  expect(missing).toEqual([]);
}

test(`${N} acknowledged writes survive kill -9 of the leader; a new leader with a higher term serves writes`, async () => {
  const client = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
  try {
    // Each resolved put is an acknowledged write.
    for (let i = 0; i < N; i++) await client.put(key(i), value(i));
  } finally {
    client.close();
  }
  const { leader } = await cluster.waitForLeader();
  oldLeader = leader.id!;
  oldTerm = leader.term!;

  const killed = cluster.nodeOk('kill', oldLeader);
  expect(killed.stdout).toMatch(new RegExp(`killed node ${oldLeader}`));

  const survivors = [1, 2, 3].filter((id) => id !== oldLeader).map((id) => cluster.endpoint(id));
  const { leader: newLeader, rows } = await cluster.waitForLeader({ endpoints: survivors, minTerm: oldTerm + 1, timeoutMs: 30_000 });
  expect(newLeader.id).not.toBe(oldLeader);
  expect(newLeader.term!).toBeGreaterThan(oldTerm);
  expect(rows).toHaveLength(2);

  // The new leader serves writes; the CLI is handed every endpoint, the dead one included (first).
  const put = await cluster.ordo(['put', 'after-failover', 'new-term'], { endpoints: [cluster.endpoint(oldLeader), ...survivors] });
  expect({ code: put.code, stdout: put.stdout, stderr: put.stderr }).toEqual({ code: 0, stdout: 'OK\n', stderr: '' });
  expect(await cluster.ordoOk(['get', 'after-failover'], { endpoints: survivors })).toBe('new-term\n');

  // No acknowledged write is missing.
  expectAllAcknowledged(await readAll(survivors));
  expect(await cluster.ordoOk(['get', key(0)], { endpoints: survivors })).toBe(`${value(0)}\n`);
  expect(await cluster.ordoOk(['get', key(N - 1)], { endpoints: survivors })).toBe(`${value(N - 1)}\n`);
}, 120_000);

test('the restarted node catches up to the same indexes and serves the data from its own state', async () => {
  expect(oldLeader).toBeDefined(); // set by the test above
  // More writes while it is down, so it has something to catch up on beyond its own log.
  const client = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
  try {
    await client.put('while-down', 'caught-up');
  } finally {
    client.close();
  }

  const restarted = cluster.nodeOk('restart', oldLeader);
  expect(restarted.stdout).toMatch(new RegExp(`restarted node ${oldLeader}`));

  const rows = await cluster.waitForConvergence([1, 2, 3], 60_000);
  const mine = rows.find((r) => r.id === oldLeader)!;
  const others = rows.filter((r) => r.id !== oldLeader);
  for (const o of others) {
    expect({ last: mine.lastLogIndex, commit: mine.commitIndex, applied: mine.appliedIndex }).toEqual({
      last: o.lastLogIndex,
      commit: o.commitIndex,
      applied: o.appliedIndex,
    });
  }
  // The no-op of each term, 50 puts, two more: well past 50 entries.
  expect(mine.lastLogIndex!).toBeGreaterThanOrEqual(N + 2);

  // It rejoined as a follower of the new leader (it does not disrupt it).
  const { leader } = await cluster.waitForLeader();
  expect(leader.id).not.toBe(oldLeader);
  expect(leader.term!).toBeGreaterThan(oldTerm);

  // Serializable reads on its own endpoint: answered from its local state alone.
  const own = [cluster.endpoint(oldLeader)];
  expectAllAcknowledged(await readAll(own, true));
  for (const [k, v] of [
    [key(0), value(0)],
    [key(N - 1), value(N - 1)],
    ['after-failover', 'new-term'],
    ['while-down', 'caught-up'],
  ]) {
    const g = await cluster.ordo(['get', k!, '--serializable'], { endpoints: own });
    expect({ key: k, code: g.code, stdout: g.stdout }).toEqual({ key: k, code: 0, stdout: `${v}\n` });
  }
}, 120_000);
