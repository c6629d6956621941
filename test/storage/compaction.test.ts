import type { Entry } from '../../src/raft/core/types';
import { FORMAT_VERSION, LogStore, StorageCorruptionError, StorageInvariantError } from '../../src/raft/storage';
import { KEY_APPLIED_INDEX, KEY_FORMAT_VERSION, KEY_HARD_STATE, KEY_SNAPSHOT, entryKey, parseKey } from '../../src/raft/storage/keys';
import { encodeAppliedIndex, encodeFormatVersion, encodeHardState, encodeSnapshotMeta } from '../../src/raft/storage/records';
import { planWrite, type DurableState, type PersistBatch } from '../../src/raft/storage/write-plan';
import { bytes, entry, snapshotMeta, texts, useStoreDir, withRawDb } from './helpers';

/** Entries 1..5: terms 1, 1, 1, 2, 2, all committed and applied. */
const full: DurableState = { hardState: { term: 2, vote: 0, commit: 5 }, applied: 5, snapshot: null, firstIndex: 1, terms: [1, 1, 1, 2, 2] };
/** Compacted at 4 (term 2), entries 3..5 kept. */
const compacted: DurableState = { ...full, snapshot: snapshotMeta(4, 2), firstIndex: 3, terms: [1, 2, 2] };
/** A snapshot at 5 installed: no entry stored, the next one is 6. */
const installed: DurableState = { ...full, snapshot: snapshotMeta(5, 2), firstIndex: 6, terms: [] };

const plan = (state: DurableState, batch: PersistBatch) => planWrite(state, batch, '/data/n1');
const deletedIndexes = (state: DurableState, batch: PersistBatch) =>
  plan(state, batch)
    .ops.filter((op) => op.type === 'del')
    .map((op) => parseKey(op.key))
    .map((key) => (key.kind === 'entry' ? key.index : key.kind));

describe('planWrite: compaction (Raft paper section 7)', () => {
  test('puts the snapshot and deletes exactly the stored entries below the new first index, without an fsync', () => {
    const batch = { compact: { snapshot: snapshotMeta(4, 2), firstIndex: 3 } };
    const written = plan(full, batch);
    expect(written.ops[0]).toEqual({ type: 'put', ...encodeSnapshotMeta(snapshotMeta(4, 2)) });
    expect(deletedIndexes(full, batch)).toEqual([1, 2]);
    expect(written.mustSync).toBe(false);
    expect(written.compaction).toEqual(batch.compact);
    expect(deletedIndexes(compacted, { compact: { snapshot: snapshotMeta(5, 2), firstIndex: 6 } })).toEqual([3, 4, 5]);
    expect(deletedIndexes(full, { compact: { snapshot: snapshotMeta(2, 1), firstIndex: 1 } })).toEqual([]); // all kept as margin
  });

  test('a compaction may ride with entries and state-machine progress; it is checked against the batch', () => {
    const state = { ...full, applied: 4 };
    const batch = { entries: [entry(6, 2)], stateMachine: { puts: [], dels: [], applied: 5 }, compact: { snapshot: snapshotMeta(5, 2), firstIndex: 5 } };
    const written = plan(state, batch);
    expect(written.mustSync).toBe(true); // for the entry
    expect(deletedIndexes(state, batch)).toEqual([1, 2, 3, 4]);
  });

  test.each<[string, DurableState, PersistBatch, RegExp]>([
    ['beyond the applied index', { ...full, applied: 3 }, { compact: { snapshot: snapshotMeta(4, 2), firstIndex: 5 } }, /snapshot at index 4 is beyond the applied index 3/],
    ['beyond the commit index', { ...full, hardState: { term: 2, vote: 0, commit: 3 } }, { compact: { snapshot: snapshotMeta(4, 2), firstIndex: 5 } }, /beyond the commit index 3/],
    ['a first index above snapshot.index + 1', full, { compact: { snapshot: snapshotMeta(3, 1), firstIndex: 5 } }, /first index 5 is beyond the snapshot's index 3 \+ 1/],
    ['the same snapshot again', compacted, { compact: { snapshot: snapshotMeta(4, 2), firstIndex: 5 } }, /snapshot at index 4 is not above the current one at 4/],
    ['an older snapshot', compacted, { compact: { snapshot: snapshotMeta(3, 1), firstIndex: 3 } }, /snapshot at index 3 is not above the current one at 4/],
    ['the first index going back', compacted, { compact: { snapshot: snapshotMeta(5, 2), firstIndex: 2 } }, /first index would go back from 3 to 2/],
    ['a term the log does not have there', full, { compact: { snapshot: snapshotMeta(4, 1), firstIndex: 5 } }, /snapshot at index 4 has term 1, the log has term 2 there/],
    ['entries below the first index it compacts to', full, { entries: [entry(3, 1), entry(4, 2), entry(5, 2)], compact: { snapshot: snapshotMeta(4, 2), firstIndex: 4 } }, /writes entry 3, below the first index 4/],
  ])('refuses %s', (_, state, batch, reason) => {
    expect(() => plan(state, batch)).toThrow(StorageInvariantError);
    expect(() => plan(state, batch)).toThrow(reason);
  });
});

describe('planWrite: entries after a compaction', () => {
  test('never below the first stored index; from there up to lastIndex + 1', () => {
    expect(() => plan(compacted, { entries: [entry(2, 1)] })).toThrow(/first entry index 2 is below the first stored index 3/);
    expect(() => plan(installed, { entries: [entry(5, 2)] })).toThrow(/below the first stored index 6/);
    expect(() => plan(installed, { entries: [entry(7, 2)] })).toThrow(/leaves a gap after last index 5/);
    expect(plan(installed, { entries: [entry(6, 2)] }).logChange).toEqual({ firstIndex: 6, terms: [2] });
    expect(plan(compacted, { entries: [entry(6, 2)] }).logChange).toEqual({ firstIndex: 6, terms: [2] });
  });

  test("the entry after the snapshot has at least the snapshot's term", () => {
    expect(() => plan(installed, { entries: [entry(6, 1)] })).toThrow(/entry 6 term 1 below previous term 2/);
  });

  test('settled entries in the trailing margin may be rewritten only with their own terms', () => {
    const margin = { ...compacted, hardState: { term: 3, vote: 0, commit: 5 } };
    const same = [entry(3, 1), entry(4, 2), entry(5, 2), entry(6, 3)];
    expect(plan(margin, { entries: same }).logChange?.firstIndex).toBe(3);
    const other: Entry[] = [entry(3, 2), entry(4, 2), entry(5, 2)];
    expect(() => plan(margin, { entries: other })).toThrow(/would rewrite settled entry 3 of term 1 with term 2/);
  });
});

describe('LogStore: compaction on disk', () => {
  const t = useStoreDir();

  /** Entries 1..10 (terms 1 up to 5, then 2), committed and applied, one record per entry. */
  async function seeded(): Promise<LogStore> {
    const { store } = await t.open();
    const entries = Array.from({ length: 10 }, (_, i) => entry(i + 1, i < 5 ? 1 : 2));
    const puts = entries.map((e): [Uint8Array, Uint8Array] => [bytes(`k${e.index}`), e.data]);
    await store.write({ hardState: { term: 2, vote: 1, commit: 10 }, entries, stateMachine: { puts, dels: [], applied: 10 } });
    return store;
  }

  async function storedEntryIndexes(): Promise<number[]> {
    const indexes: number[] = [];
    await withRawDb(t.dir, async (db) => {
      for await (const key of db.keys()) {
        const parsed = parseKey(key);
        if (parsed.kind === 'entry') indexes.push(parsed.index);
      }
    });
    return indexes;
  }

  test('deletes exactly the prefix; a restart loads the snapshot and the tail', async () => {
    const store = await seeded();
    await store.write({ compact: { snapshot: snapshotMeta(7, 2), firstIndex: 5 } });
    expect([store.firstIndex(), store.lastIndex(), store.snapshot()]).toEqual([5, 10, snapshotMeta(7, 2)]);
    await t.closeAll();
    expect(await storedEntryIndexes()).toEqual([5, 6, 7, 8, 9, 10]);

    const { store: reopened, initial, stateMachineRecords } = await t.open();
    expect(initial.snapshot).toEqual(snapshotMeta(7, 2));
    expect(initial.entries.map((e) => [e.index, e.term])).toEqual([[5, 1], [6, 2], [7, 2], [8, 2], [9, 2], [10, 2]]);
    expect([initial.applied, initial.hardState]).toEqual([10, { term: 2, vote: 1, commit: 10 }]);
    expect(stateMachineRecords).toHaveLength(10); // compaction leaves the state machine alone
    expect([reopened.firstIndex(), reopened.lastIndex(), reopened.snapshot()]).toEqual([5, 10, snapshotMeta(7, 2)]);
  });

  test('an empty tail: the log restarts after the snapshot', async () => {
    const store = await seeded();
    await store.write({ compact: { snapshot: snapshotMeta(10, 2), firstIndex: 11 } });
    await t.closeAll();
    expect(await storedEntryIndexes()).toEqual([]);

    const { store: reopened, initial } = await t.open();
    expect(initial.entries).toEqual([]);
    expect(initial.snapshot).toEqual(snapshotMeta(10, 2));
    expect([reopened.firstIndex(), reopened.lastIndex()]).toEqual([11, 10]);
    await expect(reopened.write({ entries: [entry(10, 2)] })).rejects.toThrow(/below the first stored index 11/);
    await reopened.write({ entries: [entry(11, 2, 'after')] });
    await t.closeAll();
    expect((await t.open()).initial.entries.map((e) => [e.index, e.term])).toEqual([[11, 2]]);
  });

  test('compactions follow each other, and the in-memory view matches what a restart reads', async () => {
    const store = await seeded();
    await store.write({ compact: { snapshot: snapshotMeta(4, 1), firstIndex: 3 } });
    await store.write({ compact: { snapshot: snapshotMeta(8, 2), firstIndex: 7 } });
    await store.write({ hardState: { term: 3, vote: 0, commit: 10 }, entries: [entry(11, 3)] });
    const live = [store.firstIndex(), store.lastIndex(), store.snapshot()];
    await t.closeAll();
    expect(await storedEntryIndexes()).toEqual([7, 8, 9, 10, 11]);
    const { store: reopened } = await t.open();
    expect([reopened.firstIndex(), reopened.lastIndex(), reopened.snapshot()]).toEqual(live);
  });
});

describe('loading a compacted log: corruption and cross-record invariants', () => {
  const t = useStoreDir();

  /** Entries 1..10 (terms 1 up to 5, then 2), applied, compacted at `index` keeping from `firstIndex`. */
  async function compactedAt(index: number, term: number, firstIndex: number): Promise<void> {
    const { store } = await t.open();
    const entries = Array.from({ length: 10 }, (_, i) => entry(i + 1, i < 5 ? 1 : 2));
    await store.write({ hardState: { term: 2, vote: 0, commit: 10 }, entries, stateMachine: { puts: [], dels: [], applied: 10 } });
    await store.write({ compact: { snapshot: snapshotMeta(index, term), firstIndex } });
    await t.closeAll();
  }

  async function corruption(): Promise<StorageCorruptionError> {
    const error: unknown = await LogStore.open(t.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageCorruptionError);
    expect((error as Error).message).toContain(t.dir);
    return error as StorageCorruptionError;
  }

  test("a flipped bit in 's' names the record", async () => {
    await compactedAt(7, 2, 5);
    await withRawDb(t.dir, async (db) => {
      const value = (await db.get(KEY_SNAPSHOT))!.slice();
      value[value.length - 3]! ^= 0x10;
      await db.put(KEY_SNAPSHOT, value);
    });
    const error = await corruption();
    expect([error.site, error.reason]).toEqual([{ kind: 'record', key: 's' }, 'checksum mismatch']);
    expect(error.message).toBe(`corrupt record 's' in ${t.dir} (checksum mismatch)`);
  });

  test('a log starting beyond snapshot.index + 1 names the first missing index', async () => {
    await compactedAt(7, 2, 8);
    await withRawDb(t.dir, (db) => db.del(entryKey(8)));
    const error = await corruption();
    expect(error.site).toEqual({ kind: 'entry', index: 8 });
    expect(error.reason).toBe("missing: the stored log starts at index 9, after the snapshot's index 7 + 1");
  });

  test('gaps are found after the first stored entry', async () => {
    await compactedAt(7, 2, 5);
    await withRawDb(t.dir, (db) => db.del(entryKey(7)));
    const error = await corruption();
    expect([error.site, error.reason]).toEqual([{ kind: 'entry', index: 7 }, 'missing: the stored log jumps from index 6 to 8']);
  });

  test("the stored entry at the snapshot's index must have the snapshot's term", async () => {
    await compactedAt(7, 2, 5);
    await withRawDb(t.dir, (db) => db.put(KEY_SNAPSHOT, encodeSnapshotMeta(snapshotMeta(7, 1)).value));
    const error = await corruption();
    expect([error.site, error.reason]).toEqual([{ kind: 'record', key: 's' }, 'snapshot at index 7 has term 1, the stored entry there has term 2']);
  });

  test("the first entry after the snapshot has at least the snapshot's term", async () => {
    await compactedAt(4, 1, 5);
    await withRawDb(t.dir, (db) => db.put(KEY_SNAPSHOT, encodeSnapshotMeta(snapshotMeta(4, 2)).value));
    const error = await corruption();
    expect(error.site).toEqual({ kind: 'entry', index: 5 });
    expect(error.reason).toBe('term 1 is below the term 2 of the snapshot before it');
  });

  test.each([
    ['an applied index below the snapshot', KEY_APPLIED_INDEX, encodeAppliedIndex(6).value, 'a', "applied index 6 is below the snapshot's index 7"],
    ['a commit index below the snapshot', KEY_HARD_STATE, encodeHardState({ term: 2, vote: 0, commit: 6 }).value, 'h', "commit index 6 is below the snapshot's index 7"],
  ])('%s is refused', async (_, key, value, site, reason) => {
    await compactedAt(7, 2, 8);
    await withRawDb(t.dir, (db) => db.put(key, value));
    const error = await corruption();
    expect([error.site, error.reason]).toEqual([{ kind: 'record', key: site }, reason]);
  });

  test("with an empty log the last index and term are the snapshot's: a commit, applied index or hard state term beyond them is refused", async () => {
    await compactedAt(10, 2, 11);
    await withRawDb(t.dir, (db) => db.put(KEY_HARD_STATE, encodeHardState({ term: 1, vote: 0, commit: 10 }).value));
    expect((await corruption()).reason).toBe('term 1 is below the last log term 2');
    await withRawDb(t.dir, (db) => db.put(KEY_HARD_STATE, encodeHardState({ term: 2, vote: 0, commit: 11 }).value));
    expect((await corruption()).reason).toBe('commit index 11 is beyond the last log index 10');
    await withRawDb(t.dir, async (db) => {
      await db.put(KEY_HARD_STATE, encodeHardState({ term: 2, vote: 0, commit: 10 }).value);
      await db.put(KEY_APPLIED_INDEX, encodeAppliedIndex(11).value);
    });
    expect((await corruption()).reason).toBe('applied index 11 is beyond the last log index 10');
  });
});

describe('format version 1', () => {
  const t = useStoreDir();

  test('a version-1 database opens as it is and is upgraded to the current version', async () => {
    const { store } = await t.open();
    await store.write({ hardState: { term: 1, vote: 1, commit: 2 }, entries: [entry(1, 1), entry(2, 1)], stateMachine: { puts: [[bytes('k'), bytes('v')]], dels: [], applied: 2 } });
    await t.closeAll();
    await withRawDb(t.dir, (db) => db.put(KEY_FORMAT_VERSION, encodeFormatVersion(1).value));

    const { initial, stateMachineRecords } = await t.open();
    expect(initial).toEqual({ hardState: { term: 1, vote: 1, commit: 2 }, entries: [entry(1, 1), entry(2, 1)], applied: 2 });
    expect(texts(stateMachineRecords)).toEqual([['k', 'v']]);
    await t.closeAll();
    expect(FORMAT_VERSION).toBe(2);
    await withRawDb(t.dir, async (db) => {
      expect(await db.get(KEY_FORMAT_VERSION)).toEqual(encodeFormatVersion(2).value);
    });
  });
});
