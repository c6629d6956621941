/**
 * A 3-node cluster of real processes, driven through the `ordo` CLI: election, put/get,
 * not-found, status --json, serializable reads on a follower, range, cas, del.
 */
import { OrdoClient } from '../../src/client/client';
import { Cluster, explain, parseRange, poll } from './support/cluster';

let cluster: Cluster;
let leaderId: number;
let followerId: number;

beforeAll(async () => {
  cluster = Cluster.start('basic', { nodes: 3 });
  const { leader } = await cluster.waitForLeader();
  leaderId = leader.id!;
  followerId = leaderId === 1 ? 2 : 1;
}, 60_000);

afterAll(() => cluster?.destroy());

test('3 nodes elect exactly one leader that every node recognises', async () => {
  const { leader, rows } = await cluster.waitForLeader();
  expect(rows.filter((r) => r.role === 'leader')).toHaveLength(1);
  expect(rows.filter((r) => r.role === 'follower').map((r) => r.id).sort()).toEqual([1, 2, 3].filter((id) => id !== leader.id));
  expect(leader.term).toBeGreaterThanOrEqual(1);
}, 60_000);

test('put then get through the CLI', async () => {
  const put = await cluster.ordo(['put', 'greeting', 'hello world']);
  expect(put.code).toBe(0);
  expect(put.stdout).toBe('OK\n');
  const get = await cluster.ordo(['get', 'greeting']);
  expect({ code: get.code, stdout: get.stdout, stderr: get.stderr }).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
  // Overwrite: get sees the new value.
  await cluster.ordoOk(['put', 'greeting', 'bonjour']);
  expect(await cluster.ordoOk(['get', 'greeting'])).toBe('bonjour\n');
}, 60_000);

test('get of an absent key exits 1 with "not found" on stderr and nothing on stdout', async () => {
  const r = await cluster.ordo(['get', 'no-such-key']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/not found/);
  expect(r.stdout).toBe('');
}, 60_000);

test('status --json is an array of 3 well-formed objects, one leader', async () => {
  await cluster.ordoOk(['put', 'status-probe', 'x']);
  const r = await cluster.ordo(['status', '--json']);
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.stdout) as unknown;
  expect(Array.isArray(rows)).toBe(true);
  const arr = rows as Array<Record<string, unknown>>;
  expect(arr).toHaveLength(3);
  for (const row of arr) {
    for (const field of ['id', 'term', 'commitIndex', 'appliedIndex', 'lastLogIndex', 'leaderId']) {
      expect({ field, type: typeof row[field] }).toEqual({ field, type: 'number' });
    }
    expect(['leader', 'follower']).toContain(row.role);
    expect(typeof row.address).toBe('string');
    expect(row.commitIndex as number).toBeLessThanOrEqual(row.lastLogIndex as number);
    expect(row.appliedIndex as number).toBeLessThanOrEqual(row.commitIndex as number);
  }
  expect(arr.map((x) => x.id)).toEqual([1, 2, 3]);
  expect(arr.map((x) => x.address)).toEqual(cluster.endpoints);
  expect(arr.filter((x) => x.role === 'leader')).toHaveLength(1);
  const leader = arr.find((x) => x.role === 'leader')!;
  expect(leader.leaderId).toBe(leader.id);
  // The put above is committed on the leader: its commit index covers at least the no-op and the put.
  expect(leader.commitIndex as number).toBeGreaterThanOrEqual(2);
}, 60_000);

test('a serializable get on a follower returns the value once replicated', async () => {
  await cluster.ordoOk(['put', 'replicated', 'v-follower']);
  const follower = [cluster.endpoint(followerId)];
  const r = await poll('the follower to apply "replicated"', 15_000, async () => {
    const g = await cluster.ordo(['get', 'replicated', '--serializable'], { endpoints: follower });
    if (g.code === 0) return g;
    if (g.code !== 1) throw new Error(explain(g)); // 1 = not yet applied there; anything else is a failure
    return undefined;
  });
  expect(r.stdout).toBe('v-follower\n');
  // Every follower gets there.
  for (const id of [1, 2, 3].filter((i) => i !== leaderId)) {
    await poll(`node ${id} to apply "replicated"`, 15_000, async () => {
      const g = await cluster.ordo(['get', 'replicated', '--serializable'], { endpoints: [cluster.endpoint(id)] });
      return g.code === 0 && g.stdout === 'v-follower\n' ? true : undefined;
    });
  }
}, 60_000);

test('a linearizable get through a follower endpoint follows the leader', async () => {
  await cluster.ordoOk(['put', 'via-follower', 'lin']);
  expect(await cluster.ordoOk(['get', 'via-follower'], { endpoints: [cluster.endpoint(followerId)] })).toBe('lin\n');
}, 60_000);

const FRUIT = [
  ['fruit/banana', 'yellow'],
  ['fruit/apple', 'red'],
  ['fruit/cherry', 'dark red'],
  ['fruits', 'not/under/the/prefix'],
  ['fruit0', 'outside'],
  ['veg/leek', 'green'],
] as const;

describe('range by prefix', () => {
  beforeAll(async () => {
    for (const [k, v] of FRUIT) await cluster.ordoOk(['put', k, v]);
  }, 60_000);

  test('the server answers a prefix range with exactly the keys under it, in order', async () => {
    // The prefix range the CLI should send: [prefix, prefix with its last byte + 1).
    const client = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
    try {
      const r = await client.range({ key: Buffer.from('fruit/'), rangeEnd: Buffer.from('fruit0') });
      expect(r.kvs.map((kv) => [kv.key.toString(), kv.value.toString()])).toEqual([
        ['fruit/apple', 'red'],
        ['fruit/banana', 'yellow'],
        ['fruit/cherry', 'dark red'],
      ]);
      expect(r.count).toBe(3);
    } finally {
      client.close();
    }
  }, 60_000);

  // This one broke once: the CLI handed prefixEnd() a Buffer, whose slice() is a view, so the
  // range end's increment also rewrote the key and every prefix range came back empty.
  test('`ordo range <prefix>` lists exactly the keys with that prefix, in order', async () => {
    expect(parseRange(await cluster.ordoOk(['range', 'fruit/']))).toEqual([
      ['fruit/apple', 'red'],
      ['fruit/banana', 'yellow'],
      ['fruit/cherry', 'dark red'],
    ]);
    expect(parseRange(await cluster.ordoOk(['range', 'fruit/', '--limit', '2']))).toEqual([
      ['fruit/apple', 'red'],
      ['fruit/banana', 'yellow'],
    ]);
  }, 60_000);

  test('`ordo range` of a prefix nothing has prints nothing and exits 0', async () => {
    const r = await cluster.ordo(['range', 'nothing-here/']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
  }, 60_000);
});

test('cas succeeds on a match and fails (exit 1) on a mismatch, leaving the value', async () => {
  await cluster.ordoOk(['put', 'lock', 'v1']);
  const ok = await cluster.ordo(['cas', 'lock', '--expect', 'v1', '--value', 'v2']);
  expect({ code: ok.code, stdout: ok.stdout }).toEqual({ code: 0, stdout: 'OK\n' });
  expect(await cluster.ordoOk(['get', 'lock'])).toBe('v2\n');

  const stale = await cluster.ordo(['cas', 'lock', '--expect', 'v1', '--value', 'v3']);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/compare failed: lock holds "v2"/);
  expect(await cluster.ordoOk(['get', 'lock'])).toBe('v2\n');

  // --absent: only creates.
  const created = await cluster.ordo(['cas', 'fresh-lock', '--absent', '--value', 'mine']);
  expect(created.code).toBe(0);
  const again = await cluster.ordo(['cas', 'fresh-lock', '--absent', '--value', 'theirs']);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/compare failed: fresh-lock holds "mine"/);
  expect(await cluster.ordoOk(['get', 'fresh-lock'])).toBe('mine\n');
}, 60_000);

test('del removes the key; deleting it again deletes nothing', async () => {
  await cluster.ordoOk(['put', 'doomed', 'bye']);
  expect(await cluster.ordoOk(['del', 'doomed'])).toBe('1\n');
  const gone = await cluster.ordo(['get', 'doomed']);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/not found/);
  expect(await cluster.ordoOk(['del', 'doomed'])).toBe('0\n');
}, 60_000);
