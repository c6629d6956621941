/**
 * kill -9 of every node at once, then a restart of all of them on their data: every write the
 * cluster acknowledged before the crash is there afterwards, including writes acknowledged while
 * the kill was landing.
 */
import { OrdoClient } from '../../src/client/client';
import { Cluster, poll } from './support/cluster';

const SEQUENTIAL = 30;

let cluster: Cluster;

beforeAll(async () => {
  cluster = Cluster.start('full-restart', { nodes: 3 });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => cluster?.destroy());

test('every acknowledged write survives kill -9 of all 3 nodes and a restart', async () => {
  const acked = new Map<string, string>();

  // 1. Writes acknowledged one after another.
  const client = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
  try {
    for (let i = 0; i < SEQUENTIAL; i++) {
      await client.put(`fr/seq/${i}`, `s${i}`);
      acked.set(`fr/seq/${i}`, `s${i}`);
    }
  } finally {
    client.close();
  }
  // Deletes and a txn are acknowledged writes too.
  await cluster.ordoOk(['del', 'fr/seq/0']);
  acked.delete('fr/seq/0');
  await cluster.ordoOk(['cas', 'fr/seq/1', '--expect', 's1', '--value', 's1-cas']);
  acked.set('fr/seq/1', 's1-cas');

  // 2. A writer that keeps going while all three nodes are killed at once.
  const writer = new OrdoClient(cluster.endpoints, { deadlineMs: 2_000 });
  let stop = false;
  let attempted = 0;
  const concurrentAcked: string[] = [];
  const writing = (async () => {
    for (let i = 0; !stop; i++) {
      attempted++;
      try {
        await writer.put(`fr/live/${i}`, `l${i}`);
        acked.set(`fr/live/${i}`, `l${i}`);
        concurrentAcked.push(`fr/live/${i}`);
      } catch {
        // not acknowledged: may or may not be there after the restart
      }
    }
  })();
  try {
    await poll('the concurrent writer to get 10 writes acknowledged', 20_000, async () => (concurrentAcked.length >= 10 ? true : undefined), 20);
    const kills = await Promise.all([1, 2, 3].map((id) => cluster.nodeAsync('kill', id)));
    for (const k of kills) expect({ code: k.code, out: k.stdout }).toEqual({ code: 0, out: expect.stringMatching(/killed node \d/) });
    stop = true;
    await writing;
  } finally {
    stop = true;
    await writing;
    writer.close();
  }
  expect(concurrentAcked.length).toBeGreaterThanOrEqual(10);
  expect(attempted).toBeGreaterThanOrEqual(concurrentAcked.length);
  const status = await cluster.status();
  expect(status.map((r) => r.role)).toEqual(['unreachable', 'unreachable', 'unreachable']);

  // 3. Restart all of them on their data.
  for (const id of [1, 2, 3]) cluster.nodeOk('restart', id);
  await cluster.waitForLeader({ timeoutMs: 30_000 });

  // 4. Every acknowledged write is there, with its last acknowledged value; the delete stuck.
  const reader = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
  try {
    const r = await reader.range({ key: Buffer.from('fr/'), rangeEnd: Buffer.from('fr0') });
    const got = new Map(r.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
    const wrong = [...acked].filter(([k, v]) => got.get(k) !== v).map(([k, v]) => `${k}: want ${v}, got ${String(got.get(k))}`);
    expect(wrong).toEqual([]);
    expect(got.has('fr/seq/0')).toBe(false);
  } finally {
    reader.close();
  }
  const gone = await cluster.ordo(['get', 'fr/seq/0']);
  expect(gone.code).toBe(1);
  expect(await cluster.ordoOk(['get', 'fr/seq/1'])).toBe('s1-cas\n');

  // 5. And the restarted cluster takes new writes.
  const put = await cluster.ordo(['put', 'fr/after', 'restart']);
  expect(put.code).toBe(0);
  expect(await cluster.ordoOk(['get', 'fr/after'])).toBe('restart\n');

  // Every node replays to the same state.
  const rows = await cluster.waitForConvergence([1, 2, 3], 30_000);
  expect(rows.every((row) => row.appliedIndex! >= SEQUENTIAL + 10)).toBe(true);
  for (const id of [1, 2, 3]) {
    const g = await cluster.ordo(['get', 'fr/seq/29', '--serializable'], { endpoints: [cluster.endpoint(id)] });
    expect({ id, code: g.code, stdout: g.stdout }).toEqual({ id, code: 0, stdout: 's29\n' });
  }
}, 120_000);
