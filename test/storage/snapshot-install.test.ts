import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HardState } from '../../src/raft/core/types';
import { LogStore, StorageBusyError, StorageCorruptionError, StorageInvariantError, type SnapshotStaging } from '../../src/raft/storage';
import { KEY_INSTALL_MARKER, KEY_STAGING_COMPLETE, parseKey, stateMachineKey } from '../../src/raft/storage/keys';
import { encodeStateMachineRecord } from '../../src/raft/storage/records';
import { decideInstall } from '../../src/raft/storage/snapshot-install';
import { stagingDirOf } from '../../src/raft/storage/snapshot-staging';
import { bytes, entry, snapshotMeta, text, texts, useStoreDir, withRawDb } from './helpers';

const t = useStoreDir();
const lazy = { lazyStateMachinePrefixes: [bytes('lz/')] };
const rec = (k: string, v = `v:${k}`): [Uint8Array, Uint8Array] => [bytes(k), bytes(v)];

/** The node's old state: entries 1..3 of term 1, applied, with records 'a', 'lz/old', 'x'. */
async function seedOld(): Promise<LogStore> {
  const { store } = await t.open(lazy);
  const entries = [entry(1, 1), entry(2, 1), entry(3, 1)];
  await store.write({ hardState: { term: 1, vote: 1, commit: 3 }, entries, stateMachine: { puts: [rec('a', 'old'), rec('lz/old'), rec('x')], dels: [], applied: 3 } });
  return store;
}

/** The leader's snapshot at index 20, term 3: 25 records, some of them lazy. */
const META = snapshotMeta(20, 3, [1, 2, 3], [4]);
const STAGED = [...Array.from({ length: 20 }, (_, i) => rec(`k/${String(i).padStart(2, '0')}`)), rec('a', 'new'), rec('lz/1'), rec('lz/2'), rec('n'), rec('z')].sort((p, q) =>
  Buffer.compare(p[0], q[0]),
);
const HARD_STATE: HardState = { term: 4, vote: 0, commit: 3 };

async function stage(store: LogStore, records = STAGED, meta = META): Promise<SnapshotStaging> {
  const staging = await store.beginSnapshotStaging(meta);
  for (let i = 0; i < records.length; i += 7) await staging.add(records.slice(i, i + 7));
  await staging.complete(records.length);
  return staging;
}

/** Every key of the node's LevelDB by kind: entries by index, records by SM key, the rest by name. */
async function rawKeys(): Promise<{ entries: number[]; records: string[]; others: string[] }> {
  const found = { entries: [] as number[], records: [] as string[], others: [] as string[] };
  await withRawDb(t.dir, async (db) => {
    for await (const key of db.keys()) {
      const parsed = parseKey(key);
      if (parsed.kind === 'entry') found.entries.push(parsed.index);
      else if (parsed.kind === 'stateMachine') found.records.push(text(parsed.userKey));
      else found.others.push(parsed.kind);
    }
  });
  return found;
}

const nonLazy = (records: Array<[Uint8Array, Uint8Array]>) => texts(records.filter(([k]) => !text(k).startsWith('lz/')));

describe('openStateReader: a point-in-time view of the state machine', () => {
  test('writes after it opened are invisible; lazy records are included, in key order', async () => {
    const store = await seedOld();
    const reader = await store.openStateReader();
    await store.write({ hardState: { term: 1, vote: 1, commit: 4 }, entries: [entry(4, 1)], stateMachine: { puts: [rec('b'), rec('lz/new')], dels: [bytes('x')], applied: 4 } });
    expect(reader.applied).toBe(3);
    expect(texts(await reader.nextChunk(100, 1 << 20))).toEqual([['a', 'old'], ['lz/old', 'v:lz/old'], ['x', 'v:x']]);
    expect(await reader.nextChunk(100, 1 << 20)).toEqual([]);
    await reader.close();

    const later = await store.openStateReader();
    expect(later.applied).toBe(4);
    expect(texts(await later.nextChunk(100, 1 << 20)).map(([k]) => k)).toEqual(['a', 'b', 'lz/new', 'lz/old']);
    await later.close();
  });

  test('chunks are bounded by records and by bytes; a record larger than maxBytes comes alone', async () => {
    const { store } = await t.open();
    const puts = Array.from({ length: 10 }, (_, i) => rec(`r${i}`, 'x'.repeat(i === 6 ? 50 : 8))); // 10 bytes each, r6 52
    await store.write({ hardState: { term: 1, vote: 0, commit: 1 }, entries: [entry(1, 1)], stateMachine: { puts, dels: [], applied: 1 } });
    const sizes = async (maxRecords: number, maxBytes: number): Promise<string[][]> => {
      const reader = await store.openStateReader();
      const chunks: string[][] = [];
      for (let chunk = await reader.nextChunk(maxRecords, maxBytes); chunk.length > 0; chunk = await reader.nextChunk(maxRecords, maxBytes)) {
        chunks.push(chunk.map(([k]) => text(k)));
      }
      await reader.close();
      return chunks;
    };
    expect(await sizes(4, 1000)).toEqual([['r0', 'r1', 'r2', 'r3'], ['r4', 'r5', 'r6', 'r7'], ['r8', 'r9']]);
    expect(await sizes(100, 30)).toEqual([['r0', 'r1', 'r2'], ['r3', 'r4', 'r5'], ['r6'], ['r7', 'r8', 'r9']]);
  });

  test('an empty store reads applied 0 and no records; bad limits are refused', async () => {
    const { store } = await t.open();
    const reader = await store.openStateReader();
    expect(reader.applied).toBe(0);
    await expect(reader.nextChunk(0, 10)).rejects.toThrow(RangeError);
    await expect(reader.nextChunk(10, 1.5)).rejects.toThrow(RangeError);
    expect(await reader.nextChunk(10, 10)).toEqual([]);
    await reader.close();
  });

  test('a corrupt record stops the reader, naming it', async () => {
    await seedOld();
    await t.closeAll();
    await withRawDb(t.dir, async (db) => {
      const key = stateMachineKey(bytes('lz/old'));
      const value = (await db.get(key))!.slice();
      value[value.length - 1]! ^= 1;
      await db.put(key, value);
    });
    const { store } = await t.open(lazy); // lazy: open does not read it
    const reader = await store.openStateReader();
    await expect(reader.nextChunk(100, 1 << 20)).rejects.toThrow(`corrupt record 'm/lz/old' in ${t.dir} (checksum mismatch)`);
    await reader.close();
  });
});

describe('installSnapshot (Raft paper section 7, Figure 13 rule 7)', () => {
  test('replaces the state machine and empties the log; the staging dir goes', async () => {
    const store = await seedOld();
    const { stateMachineRecords } = await store.installSnapshot(await stage(store), HARD_STATE);

    expect(texts(stateMachineRecords)).toEqual(nonLazy(STAGED)); // filtered like open's
    expect([store.firstIndex(), store.lastIndex(), store.snapshot()]).toEqual([21, 20, META]);
    expect(fs.existsSync(stagingDirOf(t.dir))).toBe(false);
    expect(await store.scanStateMachine(bytes('lz/'), bytes('lz0'), 10)).toEqual(STAGED.filter(([k]) => text(k).startsWith('lz/')));
    await t.closeAll();
    const raw = await rawKeys();
    expect(raw.entries).toEqual([]);
    expect(raw.records).toEqual(STAGED.map(([k]) => text(k)));
    expect(raw.others).toEqual(['applied', 'hardState', 'snapshot', 'formatVersion']); // no install marker
  });

  test('a restart loads the installed state; the log goes on after the snapshot', async () => {
    const store = await seedOld();
    await store.installSnapshot(await stage(store), HARD_STATE);
    await store.write({ entries: [entry(21, 4)] });
    await t.closeAll();

    const { store: reopened, initial, stateMachineRecords } = await t.open(lazy);
    expect(initial).toEqual({ hardState: { term: 4, vote: 0, commit: 20 }, snapshot: META, entries: [entry(21, 4)], applied: 20 });
    expect(texts(stateMachineRecords)).toEqual(nonLazy(STAGED));
    expect([reopened.firstIndex(), reopened.lastIndex()]).toEqual([21, 21]);
  });

  test('refuses what would break the durable state, writing nothing', async () => {
    const store = await seedOld();
    const staging = await stage(store, STAGED, snapshotMeta(3, 1));
    await expect(store.installSnapshot(staging, HARD_STATE)).rejects.toThrow(/snapshot at index 3 is not above the applied index 3/);
    await staging.abort();
    const newer = await stage(store);
    await expect(store.installSnapshot(newer, { term: 2, vote: 0, commit: 3 })).rejects.toThrow(/hard state term 2 is below the snapshot's term 3/);
    await expect(store.installSnapshot(newer, { term: 0, vote: 0, commit: 3 })).rejects.toThrow(/term would go back from 1 to 0/);
    await expect(store.installSnapshot(newer, { term: 4, vote: 0, commit: 21 })).rejects.toThrow(/commit index 21 beyond the snapshot's index 20/);
    await store.write({ entries: [entry(4, 1)] }); // not poisoned
    await store.installSnapshot(newer, HARD_STATE); // the staging is still good
  });
});

describe('snapshot staging', () => {
  test('one staging at a time; abort deletes it and frees the slot', async () => {
    const store = await seedOld();
    const staging = await store.beginSnapshotStaging(META);
    await expect(store.beginSnapshotStaging(META)).rejects.toThrow(/the snapshot at index 20 is still staged/);
    await staging.add([rec('k')]);
    expect(fs.existsSync(stagingDirOf(t.dir))).toBe(true);
    await staging.abort();
    expect(fs.existsSync(stagingDirOf(t.dir))).toBe(false);
    await staging.abort(); // twice is fine
    await expect(staging.add([rec('l')])).rejects.toThrow(/it is aborted/);
    await (await store.beginSnapshotStaging(META)).abort();
  });

  test('malformed metadata is refused and does not hold the slot', async () => {
    const store = await seedOld();
    await expect(store.beginSnapshotStaging(snapshotMeta(20, 3, [2, 1]))).rejects.toThrow(/voters not strictly ascending/);
    await (await store.beginSnapshotStaging(META)).abort();
  });

  test('the count must match, keys must ascend, and only a complete staging installs', async () => {
    const store = await seedOld();
    const staging = await store.beginSnapshotStaging(META);
    await staging.add([rec('b'), rec('c')]);
    await expect(staging.add([rec('d'), rec('c')])).rejects.toThrow(/staged record 'c' does not come after 'd'/);
    await expect(staging.add([rec('c')])).rejects.toThrow(/staged record 'c' does not come after 'c'/);
    await expect(store.installSnapshot(staging, HARD_STATE)).rejects.toThrow(/is receiving, not complete/);
    await expect(staging.complete(3)).rejects.toThrow(/has 3 records, 2 were staged/);
    await staging.complete(2);
    await expect(staging.add([rec('e')])).rejects.toThrow(/it is complete/);
    const { stateMachineRecords } = await store.installSnapshot(staging, HARD_STATE);
    expect(texts(stateMachineRecords).map(([k]) => k)).toEqual(['b', 'c']);
    await staging.abort(); // after the install: a no-op
    await t.closeAll();
    expect((await rawKeys()).records).toEqual(['b', 'c']);
  });

  test('a staging from another store is refused', async () => {
    const store = await seedOld();
    const otherDir = path.join(t.dir, 'other');
    const { store: other } = await LogStore.open(otherDir);
    try {
      const foreign = await stage(other);
      await expect(store.installSnapshot(foreign, HARD_STATE)).rejects.toThrow(/was not staged by this store/);
      await foreign.abort();
    } finally {
      await other.close();
    }
  });

  test('beginning a staging wipes what an earlier one left', async () => {
    const store = await seedOld();
    await stage(store, [rec('stale')]);
    await t.closeAll(); // a complete staging stays on disk, as after a crash
    const { store: reopened } = await t.open(lazy);
    const staging = await reopened.beginSnapshotStaging(META);
    await staging.complete(0);
    await reopened.installSnapshot(staging, HARD_STATE);
    await t.closeAll();
    expect((await rawKeys()).records).toEqual([]);
  });
});

describe('crashes around an install', () => {
  /** Stages the snapshot with the store, then "crashes": closes it with the staging complete on disk. */
  async function stagedThenCrashed(): Promise<void> {
    const store = await seedOld();
    await stage(store);
    await t.closeAll();
  }

  async function expectInstalled(): Promise<void> {
    const { initial, stateMachineRecords } = await t.open(lazy);
    expect(initial).toEqual({ hardState: { term: 4, vote: 0, commit: 20 }, snapshot: META, entries: [], applied: 20 });
    expect(texts(stateMachineRecords)).toEqual(nonLazy(STAGED));
    await t.closeAll();
    const raw = await rawKeys();
    expect([raw.entries, raw.records]).toEqual([[], STAGED.map(([k]) => text(k))]);
    expect(raw.others).not.toContain('installMarker');
    expect(fs.existsSync(stagingDirOf(t.dir))).toBe(false);
  }

  const marker = { hardState: { term: 4, vote: 0, commit: 20 }, snapshot: META };

  test('a crash right after the marker: the next open finishes the install', async () => {
    await stagedThenCrashed();
    await withRawDb(t.dir, (db) => decideInstall(db, marker));
    await expectInstalled();
  });

  test('a crash halfway through the copy: the next open redoes it', async () => {
    await stagedThenCrashed();
    await withRawDb(t.dir, async (db) => {
      await decideInstall(db, marker);
      await db.del(stateMachineKey(bytes('a')));
      for (const [k, v] of STAGED.slice(0, 9)) {
        const { key, value } = encodeStateMachineRecord(k, v);
        await db.put(key, value);
      }
    });
    await expectInstalled();
  });

  test('a crash before the marker leaves the old state whole', async () => {
    await stagedThenCrashed();
    const { initial, stateMachineRecords } = await t.open(lazy);
    expect(initial.snapshot).toBeUndefined();
    expect(initial.entries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(texts(stateMachineRecords)).toEqual([['a', 'old'], ['x', 'v:x']]);
  });

  test.each([
    ['missing', () => fs.rmSync(stagingDirOf(t.dir), { recursive: true }), /its staging dir .*\.snapshot-incoming is missing/],
    ['not complete', () => withRawDb(stagingDirOf(t.dir), (db) => db.del(KEY_STAGING_COMPLETE)), /its staging dir .*\.snapshot-incoming is not complete/],
  ])('a marker whose staging dir is %s is corruption: the node can go neither back nor forward', async (_, damage, reason) => {
    await stagedThenCrashed();
    await damage();
    await withRawDb(t.dir, (db) => decideInstall(db, marker));
    const error: unknown = await LogStore.open(t.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageCorruptionError);
    expect((error as StorageCorruptionError).site).toEqual({ kind: 'record', key: 'i' });
    expect((error as Error).message).toContain(`corrupt record 'i' in ${t.dir} (install of the snapshot at index 20 was decided, but`);
    expect((error as Error).message).toMatch(reason);
  });

  test('a marker for another snapshot than the staged one is corruption', async () => {
    await stagedThenCrashed();
    await withRawDb(t.dir, (db) => decideInstall(db, { ...marker, snapshot: snapshotMeta(21, 3) }));
    await expect(LogStore.open(t.dir)).rejects.toThrow(/install of the snapshot at index 21 was decided, but its staging dir .* holds the snapshot at index 20, term 3/);
  });

  test('a corrupt staged record fails the install after it was decided: the store is poisoned, reopening refuses', async () => {
    const store = await seedOld();
    const staging = await stage(store);
    const stagingDir = stagingDirOf(t.dir);
    await withRawDb(stagingDir, async (db) => {
      const key = stateMachineKey(bytes('n'));
      const value = (await db.get(key))!.slice();
      value[value.length - 1]! ^= 1;
      await db.put(key, value);
    });
    await expect(store.installSnapshot(staging, HARD_STATE)).rejects.toThrow(`corrupt record 'm/n' in ${stagingDir} (checksum mismatch)`);
    await expect(store.write({ entries: [entry(4, 1)] })).rejects.toThrow(/an earlier write failed/);
    await expect(store.scanStateMachine(bytes('a'), bytes('b'), 1)).rejects.toBeInstanceOf(StorageBusyError);
    await t.closeAll();
    await expect(LogStore.open(t.dir)).rejects.toThrow(`corrupt record 'm/n' in ${stagingDir} (checksum mismatch)`);
    await withRawDb(t.dir, async (db) => expect(await db.get(KEY_INSTALL_MARKER)).toBeDefined());
  });

  test('state-machine access waits out an install in progress', async () => {
    const store = await seedOld();
    const installing = store.installSnapshot(await stage(store), HARD_STATE);
    await expect(store.openStateReader()).rejects.toBeInstanceOf(StorageBusyError);
    await expect(store.deleteUnreachable([bytes('x')])).rejects.toBeInstanceOf(StorageBusyError);
    await expect(store.write({ entries: [entry(4, 1)] })).rejects.toBeInstanceOf(StorageInvariantError);
    await installing;
    expect(texts(await store.scanStateMachine(bytes('n'), bytes('o'), 10))).toEqual([['n', 'v:n']]);
  });
});
