/**
 * Quorum: 5 nodes keep taking writes with 2 of them down (the leader among them); 3 nodes with
 * 2 down refuse a write with a clear error within the client's deadline instead of hanging.
 */
import { Cluster } from './support/cluster';

describe('5 nodes survive 2 failures', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = Cluster.start('quorum', { nodes: 5 });
    await cluster.waitForLeader();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  test('kill -9 the leader and one follower: a new leader commits writes', async () => {
    await cluster.ordoOk(['put', 'q5/before', 'b']);
    const { leader } = await cluster.waitForLeader();
    const follower = [1, 2, 3, 4, 5].find((id) => id !== leader.id)!;
    cluster.nodeOk('kill', leader.id!);
    cluster.nodeOk('kill', follower);

    const survivors = [1, 2, 3, 4, 5].filter((id) => id !== leader.id && id !== follower).map((id) => cluster.endpoint(id));
    const { leader: next } = await cluster.waitForLeader({ endpoints: survivors, minTerm: leader.term! + 1, timeoutMs: 30_000 });
    expect([leader.id, follower]).not.toContain(next.id);

    // Through every endpoint, the two dead ones first.
    const all = [cluster.endpoint(leader.id!), cluster.endpoint(follower), ...survivors];
    for (let i = 0; i < 5; i++) {
      const put = await cluster.ordo(['put', `q5/after/${i}`, `a${i}`], { endpoints: all });
      expect({ code: put.code, stdout: put.stdout, stderr: put.stderr }).toEqual({ code: 0, stdout: 'OK\n', stderr: '' });
    }
    expect(await cluster.ordoOk(['get', 'q5/after/4'], { endpoints: all })).toBe('a4\n');
    expect(await cluster.ordoOk(['get', 'q5/before'], { endpoints: all })).toBe('b\n');
    const rows = await cluster.status();
    expect(rows.filter((r) => r.role === 'unreachable').map((r) => r.address).sort()).toEqual([cluster.endpoint(leader.id!), cluster.endpoint(follower)].sort());
  }, 120_000);
});

describe('3 nodes with 2 down', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = Cluster.start('quorum', { nodes: 3, portOffset: 10 });
    await cluster.waitForLeader();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  test('a write fails with a clear error within the client deadline, and succeeds again once a node returns', async () => {
    await cluster.ordoOk(['put', 'q3/before', 'b']);
    const { leader } = await cluster.waitForLeader();
    const follower = [1, 2, 3].find((id) => id !== leader.id)!;
    const survivor = [1, 2, 3].find((id) => id !== leader.id && id !== follower)!;
    cluster.nodeOk('kill', leader.id!);
    cluster.nodeOk('kill', follower);

    const started = Date.now();
    const put = await cluster.ordo(['put', 'q3/no-quorum', 'x', '--deadline-ms', '3000'], { timeoutMs: 20_000 });
    const elapsed = Date.now() - started;
    expect(put.timedOut).toBe(false);
    expect(put.code).not.toBe(0);
    expect(put.code).toBe(2);
    expect(put.stdout).toBe('');
    expect(put.stderr).toMatch(/^error: no answer within 3000 ms from 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \(last error [A-Z_]+: .+\)\n$/);
    expect(elapsed).toBeLessThan(8_000);

    // Only the survivor's endpoint: the same, no hang.
    const alone = await cluster.ordo(['put', 'q3/no-quorum', 'y', '--deadline-ms', '1500'], { endpoints: [cluster.endpoint(survivor)], timeoutMs: 20_000 });
    expect(alone.timedOut).toBe(false);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^error: no answer within 1500 ms/);
    expect(alone.ms).toBeLessThan(8_000);

    // A linearizable read cannot be served either; a serializable one still answers from local state.
    const lin = await cluster.ordo(['get', 'q3/before', '--deadline-ms', '1500'], { timeoutMs: 20_000 });
    expect(lin.code).toBe(2);
    expect(lin.ms).toBeLessThan(8_000);
    expect(await cluster.ordoOk(['get', 'q3/before', '--serializable'], { endpoints: [cluster.endpoint(survivor)] })).toBe('b\n');

    // One node back: a quorum again, writes succeed.
    cluster.nodeOk('restart', follower);
    await cluster.waitForLeader({ endpoints: [cluster.endpoint(survivor), cluster.endpoint(follower)], timeoutMs: 30_000 });
    const again = await cluster.ordo(['put', 'q3/after', 'z']);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await cluster.ordoOk(['get', 'q3/after'])).toBe('z\n');
  }, 120_000);
});
