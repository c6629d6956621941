/**
 * A flipped byte in one log entry on disk: the node refuses to start, exits non-zero and says
 * which entry and which data dir; the rest of the cluster keeps serving.
 */
import * as fs from 'node:fs';
import { Level } from 'level';
import { Cluster } from './support/cluster';

const ENTRY_PREFIX = [0x65, 0x2f]; // 'e/'
const HEADER_BYTES = 8; // crc32c u32 | payload length u32

function entryIndexOf(key: Uint8Array): number {
  return Number(new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(2));
}

let cluster: Cluster;
let victim: number;
let corruptIndex: number;
let victimDir: string;

beforeAll(async () => {
  cluster = Cluster.start('corruption', { nodes: 3 });
  await cluster.waitForLeader();
}, 60_000);

afterAll(() => cluster?.destroy());

test('flip one byte of a stored entry\'s payload while the node is stopped', async () => {
  for (let i = 0; i < 10; i++) await cluster.ordoOk(['put', `c/${i}`, `v${i}`]);
  const { leader } = await cluster.waitForLeader();
  victim = [1, 2, 3].find((id) => id !== leader.id)!;
  victimDir = cluster.dataDir(victim);
  await cluster.waitForConvergence([1, 2, 3]); // the victim holds every entry

  const stopped = cluster.nodeOk('stop', victim);
  expect(stopped.stdout).toMatch(new RegExp(`stopped node ${victim}`));
  expect(fs.existsSync(`${cluster.dir}/n${victim}.pid`)).toBe(false);

  const db = new Level<Uint8Array, Uint8Array>(victimDir, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false });
  await db.open();
  try {
    const keys = await db.keys({ gte: Uint8Array.from([...ENTRY_PREFIX]), lt: Uint8Array.from([0x65, 0x30]) }).all();
    const indexes = keys.map(entryIndexOf);
    expect(indexes.length).toBeGreaterThanOrEqual(11); // a no-op and the 10 puts
    expect(indexes).toEqual(Array.from({ length: indexes.length }, (_, i) => i + 1));
    // An entry in the middle of the log, so the check is not only at its ends.
    const key = keys[Math.floor(keys.length / 2)]!;
    corruptIndex = entryIndexOf(key);
    const value = Uint8Array.from((await db.get(key))!);
    const payloadBytes = new DataView(value.buffer).getUint32(4);
    expect(value.length).toBe(HEADER_BYTES + payloadBytes);
    value[value.length - 1]! ^= 0x01; // last payload byte: the command itself
    await db.put(key, value, { sync: true });
  } finally {
    await db.close();
  }
}, 60_000);

test('node.sh restart fails, and the log names the corrupt index and the data dir', async () => {
  expect(corruptIndex).toBeGreaterThan(1);
  const r = cluster.node('restart', victim);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(new RegExp(`node ${victim} exited during start-up`));
  const expected = `corrupt log entry at index ${corruptIndex} in ${victimDir} (checksum mismatch)`;
  expect(r.stderr).toContain(expected); // start.sh/node.sh show the last log lines
  const log = fs.readFileSync(cluster.logFile(victim), 'utf8');
  expect(log).toContain(`ordo server: cannot start node ${victim}: ${expected}`);
  // The structured (pino) line too, with the data dir as a field.
  const fatal = log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; dataDir?: string })
    .find((l) => l.level === 60);
  expect(fatal).toMatchObject({ dataDir: victimDir, msg: expected });
}, 60_000);

test('`ordo server` run directly on the corrupt dir exits 1 naming the index and the dir', async () => {
  const r = await cluster.spawnServer(['--id', String(victim), '--members', cluster.membersSpec(), '--data-dir', victimDir], 30_000);
  expect(r.timedOut).toBe(false);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`ordo server: cannot start node ${victim}: corrupt log entry at index ${corruptIndex} in ${victimDir} (checksum mismatch)`);
  expect(r.stdout).toContain(`"dataDir":"${victimDir}"`);
}, 60_000);

test('the other two nodes keep serving reads and writes', async () => {
  const rows = await cluster.status();
  expect(rows[victim - 1]).toMatchObject({ address: cluster.endpoint(victim), role: 'unreachable' });
  const others = [1, 2, 3].filter((id) => id !== victim).map((id) => cluster.endpoint(id));
  await cluster.waitForLeader({ endpoints: others });
  const put = await cluster.ordo(['put', 'c/after', 'still-serving']);
  expect(put.code).toBe(0);
  expect(await cluster.ordoOk(['get', 'c/after'])).toBe('still-serving\n');
  for (let i = 0; i < 10; i++) expect(await cluster.ordoOk(['get', `c/${i}`], { endpoints: others })).toBe(`v${i}\n`);
}, 60_000);
