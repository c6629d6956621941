/**
 * Membership changes against real processes (dissertation chapter 4): a 3-node cluster grows to 5
 * (each new node a learner first, promoted once caught up) while a client writes, a dead node is
 * replaced, it shrinks back to 3, and every acknowledged write is on every remaining node; the
 * leader removing itself hands over to a new leader, and the removed node cannot disrupt the rest.
 */
import { EtcdClient } from '../../src/etcd-client';
import { Cluster, poll, sleep } from './support/cluster';

let cluster: Cluster;
/** The members after the first test (node 2 died and was replaced, node 5 removed). */
const REMAINING = [1, 3, 4];

beforeAll(async () => {
  cluster = Cluster.start('membership', { nodes: 3 });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => cluster?.destroy());

interface ListedMember {
  id: number;
  role: string;
  clientAddress: string;
  isLeader: boolean;
}

async function members(endpoints: readonly string[]): Promise<ListedMember[]> {
  const out = await cluster.ordoOk(['member', 'list', '--json'], { endpoints });
  return (JSON.parse(out) as { members: ListedMember[] }).members;
}

/** Writes k0, k1, ... until stopped; returns the keys whose put was acknowledged. */
function writer(endpoints: readonly string[]) {
  const client = new EtcdClient({ endpoints, deadlineMs: 20_000 });
  const acked: string[] = [];
  let stop = false;
  let failures = 0;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      const key = `grow/${String(i).padStart(6, '0')}`;
      try {
        await client.put(key, `v${i}`);
        acked.push(key);
      } catch {
        failures++; // unknown outcome: not counted as acknowledged
      }
    }
  })();
  return {
    acked,
    failures: () => failures,
    stop: async () => {
      stop = true;
      await done;
      client.close();
    },
  };
}

async function expectAllOn(id: number, keys: readonly string[]): Promise<void> {
  const local = new EtcdClient({ endpoints: [cluster.endpoint(id)] });
  try {
    const r = await poll(`node ${id} to hold all ${keys.length} acknowledged keys`, 30_000, async () => {
      const got = await local.range('grow/', 'grow0', { serializable: true, keysOnly: true });
      const have = new Set(got.kvs.map((kv) => Buffer.from(kv.key).toString()));
      const missing = keys.filter((k) => !have.has(k));
      if (missing.length > 0) throw new Error(`missing ${missing.length}, e.g. ${missing.slice(0, 3).join(',')}`);
      return have;
    });
    expect(keys.every((k) => r.has(k))).toBe(true);
  } finally {
    local.close();
  }
}

/** Kills and restarts whichever other node leads until `id` does (elections are random: bounded tries). */
async function makeLeader(id: number): Promise<void> {
  const voters = [1, 2, 3, id];
  for (let tries = 0; tries < 15; tries++) {
    const { leader } = await cluster.waitForLeader({ endpoints: voters.map((v) => cluster.endpoint(v)), timeoutMs: 30_000 });
    if (leader.id === id) return;
    cluster.nodeOk('kill', leader.id!);
    await sleep(1500);
    cluster.nodeOk('restart', leader.id!);
  }
  throw new Error(`node ${id} did not become leader in 15 elections`);
}

test('3 -> 5 -> 3 while a client writes, replacing a dead node: every acknowledged write is on every remaining node', async () => {
  const w = writer(cluster.endpoints);
  try {
    await sleep(500);
    expect(cluster.nodeOk('add', 4).stdout).toMatch(/node 4/);
    // Node 5 joins while node 4, itself added at runtime, leads: 5 must answer a leader that its
    // --members does not name and its log does not name yet (MessageBatch.from_address).
    await makeLeader(4);
    expect(cluster.nodeOk('add', 5).stdout).toMatch(/node 5/);
    const grown = await members(cluster.endpoints);
    expect(grown.map((m) => [m.id, m.role])).toEqual([
      [1, 'voter'],
      [2, 'voter'],
      [3, 'voter'],
      [4, 'voter'],
      [5, 'voter'],
    ]);
    expect(grown.find((m) => m.id === 5)!.clientAddress).toBe(cluster.endpoint(5));
    await sleep(500);
    // The new members serve what was written before they joined, from their own state.
    await expectAllOn(5, [...w.acked]);
    // Node 2 dies for good; it is replaced (4 and 5 already joined), then 5 leaves again.
    cluster.nodeOk('kill', 2);
    await cluster.ordoOk(['member', 'remove', '2'], { endpoints: REMAINING.map((id) => cluster.endpoint(id)) });
    cluster.nodeOk('remove', 5);
    await sleep(500);
  } finally {
    await w.stop();
  }
  const shrunk = await members(REMAINING.map((id) => cluster.endpoint(id)));
  expect(shrunk.map((m) => [m.id, m.role])).toEqual(REMAINING.map((id) => [id, 'voter']));
  expect(w.acked.length).toBeGreaterThan(50);
  expect(w.failures()).toBeLessThan(w.acked.length);
  for (const id of REMAINING) await expectAllOn(id, w.acked);
}, 240_000);

test('the leader removing itself hands over; the removed node cannot disrupt the others', async () => {
  const { leader } = await cluster.waitForLeader({ endpoints: REMAINING.map((id) => cluster.endpoint(id)) });
  const old = leader.id!;
  const rest = REMAINING.filter((id) => id !== old);
  await cluster.ordoOk(['member', 'remove', String(old)], { endpoints: [cluster.endpoint(old)] });
  const { leader: next } = await cluster.waitForLeader({ endpoints: rest.map((id) => cluster.endpoint(id)), timeoutMs: 30_000 });
  expect(rest).toContain(next.id);
  const client = new EtcdClient({ endpoints: rest.map((id) => cluster.endpoint(id)) });
  try {
    await client.put('after/self-removal', 'yes');
    // The removed node keeps running for a while: the others' term must not move because of it.
    const termBefore = next.term!;
    await sleep(3000);
    const { leader: still } = await cluster.waitForLeader({ endpoints: rest.map((id) => cluster.endpoint(id)) });
    expect(still.id).toBe(next.id);
    expect(still.term).toBe(termBefore);
    expect((await client.get('after/self-removal')).kv?.value.toString()).toBe('yes');
    expect((await members(rest.map((id) => cluster.endpoint(id)))).map((m) => m.id)).toEqual(rest);
  } finally {
    client.close();
  }
}, 120_000);
