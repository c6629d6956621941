/**
 * Snapshots against real processes (Raft paper section 7): with small snapshot thresholds, a
 * follower killed and left behind past the leader's truncation point catches up on restart
 * through InstallSnapshot, to state identical to the others'; and under a steady write load
 * with periodic etcd compaction, every node's log stays bounded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrdoClient } from '../../src/client/client';
import { EtcdClient } from '../../src/etcd-client';
import { Cluster, poll } from './support/cluster';

const SNAPSHOT_ENTRIES = 200;
const TRAILING = 50;
/** CI writes this many in the bounded-log test; `ORDO_SOAK_WRITES=200000 npx jest test/integration/snapshots` runs the full soak. */
const SOAK_WRITES = Number(process.env.ORDO_SOAK_WRITES ?? 6000);
const SOAK_KEYS = 100;

let cluster: Cluster;

beforeAll(async () => {
  cluster = Cluster.start('snapshots', { nodes: 3, nodeArgs: `--snapshot-entries ${SNAPSHOT_ENTRIES} --snapshot-trailing-entries ${TRAILING}` });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => cluster?.destroy());

/** Puts `count` keys through the etcd API, `inflight` at a time; resolves once all are acknowledged. */
async function putMany(client: EtcdClient, count: number, key: (i: number) => string, inflight = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await client.put(key(i), `value-${i}`);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
}

async function statusOf(id: number, withDigest = false) {
  const c = new OrdoClient([cluster.endpoint(id)]);
  try {
    return await c.status(cluster.endpoint(id), 5000, withDigest);
  } finally {
    c.close();
  }
}

/** Every node converges to the same applied index with the same state digest. */
async function expectIdenticalState(): Promise<void> {
  await cluster.waitForConvergence([1, 2, 3], 60_000);
  const digests = await poll('identical state on every node', 30_000, async () => {
    const rows = await Promise.all([1, 2, 3].map((id) => statusOf(id, true)));
    const first = rows[0]!;
    if (!rows.every((r) => r && r.appliedIndex === first.appliedIndex && r.stateDigest === first.stateDigest)) throw new Error(JSON.stringify(rows));
    return rows.map((r) => r!.stateDigest);
  });
  expect(new Set(digests).size).toBe(1);
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of fs.readdirSync(dir)) total += fs.statSync(path.join(dir, name)).size;
  return total;
}

test('a follower left behind past the truncation point catches up through InstallSnapshot to identical state', async () => {
  const client = new EtcdClient({ endpoints: cluster.endpoints });
  try {
    await putMany(client, 300, (i) => `snap/a/${i}`);
    const { leader } = await cluster.waitForLeader();
    const follower = [1, 2, 3].find((id) => id !== leader.id)!;
    cluster.nodeOk('kill', follower);
    const behindAt = (await statusOf(leader.id!))!.commitIndex;

    await putMany(client, 1500, (i) => `snap/b/${i}`);
    const leaderStatus = (await statusOf(leader.id!))!;
    // The leader compacted past everything the dead follower has: only a snapshot can help it.
    expect(leaderStatus.firstIndex).toBeGreaterThan(behindAt + 1);
    expect(leaderStatus.snapshotIndex).toBeGreaterThan(behindAt);

    cluster.nodeOk('restart', follower);
    await expectIdenticalState();
    expect(fs.readFileSync(cluster.logFile(follower), 'utf8')).toMatch(/snapshot installed/);
    // It serves what was written while it was down, from its own state.
    const local = new EtcdClient({ endpoints: [cluster.endpoint(follower)] });
    try {
      const r = await local.range('snap/b/', 'snap/b0', { serializable: true, countOnly: true });
      expect(r.count).toBe(1500);
    } finally {
      local.close();
    }
  } finally {
    client.close();
  }
}, 180_000);

test('a node joining a cluster whose log was compacted starts from a snapshot', async () => {
  const { leader } = await cluster.waitForLeader();
  expect((await statusOf(leader.id!))!.firstIndex).toBeGreaterThan(1); // the first test compacted it
  const r = cluster.nodeOk('add', 4);
  expect(r.stdout).toMatch(/node 4/);
  expect(fs.readFileSync(cluster.logFile(4), 'utf8')).toMatch(/snapshot installed/);
  const local = new EtcdClient({ endpoints: [cluster.endpoint(4)] });
  try {
    const got = await local.range('snap/', 'snap0', { serializable: true, countOnly: true });
    expect(got.count).toBe(1800);
  } finally {
    local.close();
  }
  cluster.nodeOk('remove', 4);
}, 120_000);

test(`under a steady write load (${SOAK_WRITES} puts over ${SOAK_KEYS} keys, compacted as it goes) every log stays bounded`, async () => {
  const client = new EtcdClient({ endpoints: cluster.endpoints });
  const sizes: number[] = [];
  try {
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const per = Math.ceil(SOAK_WRITES / rounds);
      await putMany(client, per, (i) => `soak/${(round * per + i) % SOAK_KEYS}`);
      const head = await client.get('soak/0');
      await client.compact(head.revision);
      sizes.push(...[1, 2, 3].map((id) => dirBytes(cluster.dataDir(id))));
    }
    await cluster.waitForConvergence([1, 2, 3], 60_000);
    for (const id of [1, 2, 3]) {
      const s = (await statusOf(id))!;
      // At most one snapshot interval plus the trailing margin (plus what one loop turn applies).
      expect(s.lastLogIndex - s.firstIndex + 1).toBeLessThanOrEqual(SNAPSHOT_ENTRIES + TRAILING + 300);
    }
    process.stdout.write(`data dir bytes per round (nodes 1-3): ${sizes.join(' ')}\n`);
    const before = (await statusOf(1))!;
    expect(before.snapshotIndex).toBeGreaterThan(0);
    const last = await client.get(`soak/${(SOAK_WRITES - 1) % SOAK_KEYS}`);
    // A restart starts from the snapshot and the log after it, to the same state.
    for (const id of [1, 2, 3]) cluster.nodeOk('restart', id);
    await cluster.waitForLeader({ timeoutMs: 30_000 });
    await expectIdenticalState();
    const again = await client.get(`soak/${(SOAK_WRITES - 1) % SOAK_KEYS}`);
    expect(again.kv?.modRevision).toBe(last.kv?.modRevision);
  } finally {
    client.close();
  }
}, 600_000);
