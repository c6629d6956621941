import { entryKey, KEY_APPLIED_INDEX, KEY_FORMAT_VERSION, KEY_HARD_STATE } from '../../src/raft/storage/keys';
import { encodeFormatVersion, encodeHardState } from '../../src/raft/storage/records';
import {
  FORMAT_VERSION,
  LogStore,
  StorageCorruptionError,
  StorageInvariantError,
  StorageVersionError,
} from '../../src/raft/storage';
import { bytes, entry, makeTempDir, removeDir, text, withRawDb } from './helpers';

let dir: string;
const openStores: LogStore[] = [];

beforeEach(() => {
  dir = makeTempDir();
});

afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
  removeDir(dir);
});

async function open(): Promise<Awaited<ReturnType<typeof LogStore.open>>> {
  const opened = await LogStore.open(dir);
  openStores.push(opened.store);
  return opened;
}

async function closeAll(): Promise<void> {
  for (const store of openStores.splice(0)) await store.close();
}

/** Writes entries 1..count in term 1 (with a matching hard state) and closes the store. */
async function seedLog(count: number): Promise<void> {
  const { store } = await open();
  const entries = Array.from({ length: count }, (_, i) => entry(i + 1, 1));
  await store.write({ hardState: { term: 1, vote: 0, commit: 0 }, entries });
  await closeAll();
}

async function expectCorruption(match: { index?: number; key?: string; reason: RegExp }): Promise<void> {
  const opening = LogStore.open(dir);
  await expect(opening).rejects.toBeInstanceOf(StorageCorruptionError);
  const error = (await opening.catch((e: unknown) => e)) as StorageCorruptionError;
  expect(error.message).toContain(dir);
  expect(error.reason).toMatch(match.reason);
  if (match.index !== undefined) {
    expect(error.site).toEqual({ kind: 'entry', index: match.index });
    expect(error.message).toContain(`corrupt log entry at index ${match.index} in ${dir}`);
  }
  if (match.key !== undefined) expect(error.site).toEqual({ kind: 'record', key: match.key });
}

describe('LogStore: open and round trip', () => {
  test('a fresh dir opens empty and gets the format version record', async () => {
    const { store, initial, stateMachineRecords } = await open();
    expect(initial).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, entries: [], applied: 0 });
    expect(stateMachineRecords).toEqual([]);
    expect(store.lastIndex()).toBe(0);
    await closeAll();
    await withRawDb(dir, async (db) => {
      expect(await db.get(KEY_FORMAT_VERSION)).toEqual(encodeFormatVersion(FORMAT_VERSION).value);
    });
  });

  test('hard state, entries, state-machine records and applied index survive close and reopen', async () => {
    const { store } = await open();
    const entries = [entry(1, 1), { index: 2, term: 2, type: 'noop' as const, data: new Uint8Array(0) }, entry(3, 2)];
    await store.write({ hardState: { term: 2, vote: 3, commit: 2 }, entries });
    await store.write({ stateMachine: { puts: [[bytes('b'), bytes('2')], [bytes('a'), bytes('1')], [bytes('gone'), bytes('x')]], dels: [], applied: 1 } });
    await store.write({ stateMachine: { puts: [[bytes('a'), bytes('1bis')]], dels: [bytes('gone')], applied: 2 } });
    expect(store.lastIndex()).toBe(3);
    await closeAll();

    const reopened = await open();
    expect(reopened.initial.hardState).toEqual({ term: 2, vote: 3, commit: 2 });
    expect(reopened.initial.entries).toEqual(entries);
    expect(reopened.initial.applied).toBe(2);
    expect(reopened.stateMachineRecords.map(([k, v]) => [text(k), text(v)])).toEqual([
      ['a', '1bis'],
      ['b', '2'],
    ]);
    expect(reopened.store.lastIndex()).toBe(3);
  });

  test('overwriting from an index deletes the stale tail', async () => {
    await seedLog(5);
    const { store } = await open();
    await store.write({ hardState: { term: 2, vote: 0, commit: 0 }, entries: [entry(3, 2, 'new-3')] });
    expect(store.lastIndex()).toBe(3);
    await closeAll();

    const { initial } = await open();
    expect(initial.entries.map((e) => [e.index, e.term, text(e.data)])).toEqual([
      [1, 1, 'cmd-1'],
      [2, 1, 'cmd-2'],
      [3, 2, 'new-3'],
    ]);
    await closeAll();
    await withRawDb(dir, async (db) => {
      expect(await db.get(entryKey(4))).toBeUndefined();
      expect(await db.get(entryKey(5))).toBeUndefined();
    });
  });

  test('a store reopened after a truncation appends after its new last index', async () => {
    await seedLog(4);
    const { store } = await open();
    await store.write({ entries: [entry(2, 1, 'again')] });
    await store.write({ entries: [entry(3, 1, 'next')] });
    await closeAll();
    const { initial } = await open();
    expect(initial.entries.map((e) => text(e.data))).toEqual(['cmd-1', 'again', 'next']);
  });

  test('a second open of the same dir fails with an error naming it', async () => {
    await open();
    await expect(LogStore.open(dir)).rejects.toThrow(`cannot open LevelDB in ${dir}`);
  });
});

describe('LogStore: corruption found on open', () => {
  test('a flipped byte in an entry names the index and the dir', async () => {
    await seedLog(3);
    await withRawDb(dir, async (db) => {
      const value = (await db.get(entryKey(2)))!.slice();
      value[value.length - 1]! ^= 0x40;
      await db.put(entryKey(2), value);
    });
    await expectCorruption({ index: 2, reason: /checksum mismatch/ });
    await expect(LogStore.open(dir)).rejects.toThrow(`corrupt log entry at index 2 in ${dir} (checksum mismatch)`);
  });

  test('a truncated entry value is rejected', async () => {
    await seedLog(3);
    await withRawDb(dir, async (db) => {
      const value = (await db.get(entryKey(3)))!;
      await db.put(entryKey(3), value.subarray(0, value.length - 3));
    });
    await expectCorruption({ index: 3, reason: /^truncated/ });
  });

  test('a value shorter than the record header is rejected', async () => {
    await seedLog(1);
    await withRawDb(dir, (db) => db.put(KEY_HARD_STATE, Uint8Array.of(1, 2, 3)));
    await expectCorruption({ key: 'h', reason: /^truncated/ });
  });

  test('a corrupt applied index names its key', async () => {
    const { store } = await open();
    await store.write({ hardState: { term: 1, vote: 0, commit: 1 }, entries: [entry(1, 1)], stateMachine: { puts: [], dels: [], applied: 1 } });
    await closeAll();
    await withRawDb(dir, async (db) => {
      const value = (await db.get(KEY_APPLIED_INDEX))!.slice();
      value[0]! ^= 0xff;
      await db.put(KEY_APPLIED_INDEX, value);
    });
    await expectCorruption({ key: 'a', reason: /checksum mismatch/ });
  });

  test('a corrupt state-machine record names its key', async () => {
    const { store } = await open();
    await store.write({ hardState: { term: 1, vote: 0, commit: 1 }, entries: [entry(1, 1)], stateMachine: { puts: [[bytes('user/1'), bytes('alice')]], dels: [], applied: 1 } });
    await closeAll();
    await withRawDb(dir, async (db) => {
      const key = bytes('m/user/1');
      const value = (await db.get(key))!.slice();
      value[value.length - 1]! ^= 0x01;
      await db.put(key, value);
    });
    await expectCorruption({ key: 'm/user/1', reason: /checksum mismatch/ });
  });

  test('a gap in the entry indexes names the first missing index', async () => {
    await seedLog(5);
    await withRawDb(dir, async (db) => {
      await db.del(entryKey(3));
      await db.del(entryKey(4));
    });
    await expectCorruption({ index: 3, reason: /jumps from index 2 to 5/ });
  });

  test('a log that does not start at index 1 is rejected', async () => {
    await seedLog(3);
    await withRawDb(dir, (db) => db.del(entryKey(1)));
    await expectCorruption({ index: 1, reason: /starts at index 2/ });
  });

  test('an unknown format version is refused, naming the dir and the version', async () => {
    await seedLog(1);
    await withRawDb(dir, (db) => db.put(KEY_FORMAT_VERSION, encodeFormatVersion(99).value));
    const opening = LogStore.open(dir);
    await expect(opening).rejects.toBeInstanceOf(StorageVersionError);
    await expect(LogStore.open(dir)).rejects.toThrow(`unsupported on-disk format version 99 in ${dir}`);
  });

  test('a non-empty database without a format version is refused', async () => {
    await seedLog(1);
    await withRawDb(dir, (db) => db.del(KEY_FORMAT_VERSION));
    await expectCorruption({ key: 'v', reason: /missing/ });
  });

  test('an unknown key is refused rather than ignored', async () => {
    await seedLog(1);
    await withRawDb(dir, (db) => db.put(bytes('zz'), bytes('?')));
    await expectCorruption({ key: 'zz', reason: /unknown key/ });
  });

  test('a commit index beyond the stored log is refused', async () => {
    await seedLog(2);
    await withRawDb(dir, (db) => db.put(KEY_HARD_STATE, encodeHardState({ term: 1, vote: 0, commit: 7 }).value));
    await expectCorruption({ key: 'h', reason: /commit index 7 is beyond the last log index 2/ });
  });

  test('a failed open releases the database lock', async () => {
    await seedLog(2);
    await withRawDb(dir, (db) => db.del(entryKey(1)));
    await expect(LogStore.open(dir)).rejects.toBeInstanceOf(StorageCorruptionError);
    await withRawDb(dir, (db) => db.put(entryKey(1), new Uint8Array(0))); // would throw if still locked
  });
});

describe('LogStore: write assertions', () => {
  async function storeWithLog(count: number, commit = 0): Promise<LogStore> {
    const { store } = await open();
    const entries = Array.from({ length: count }, (_, i) => entry(i + 1, 1));
    await store.write({ hardState: { term: 1, vote: 0, commit }, entries });
    return store;
  }

  test('rejects non-contiguous entries', async () => {
    const store = await storeWithLog(2);
    await expect(store.write({ entries: [entry(3, 1), entry(5, 1)] })).rejects.toThrow(StorageInvariantError);
    expect(store.lastIndex()).toBe(2);
  });

  test('rejects a first index beyond lastIndex + 1', async () => {
    const store = await storeWithLog(2);
    await expect(store.write({ entries: [entry(4, 1)] })).rejects.toThrow(/leaves a gap after last index 2/);
  });

  test('rejects rewriting or truncating committed entries', async () => {
    const store = await storeWithLog(4, 3);
    await expect(store.write({ hardState: { term: 2, vote: 0, commit: 3 }, entries: [entry(3, 2)] })).rejects.toThrow(/settled entry 3/);
    await expect(store.write({ entries: [entry(2, 1)] })).rejects.toThrow(/below settled index 3/);
  });

  test('rejects entry terms above the hard state term, and terms going down', async () => {
    const store = await storeWithLog(1);
    await expect(store.write({ entries: [entry(2, 2)] })).rejects.toThrow(/above the hard state term 1/);
    await expect(store.write({ hardState: { term: 0, vote: 0, commit: 0 } })).rejects.toThrow(/term would go back/);
  });

  test('rejects a second vote in the same term', async () => {
    const { store } = await open();
    await store.write({ hardState: { term: 3, vote: 1, commit: 0 } });
    await expect(store.write({ hardState: { term: 3, vote: 2, commit: 0 } })).rejects.toThrow(/vote in term 3/);
    await store.write({ hardState: { term: 4, vote: 2, commit: 0 } });
  });

  test('rejects an applied index beyond the log or going back, and a key both put and deleted', async () => {
    const store = await storeWithLog(2);
    await expect(store.write({ stateMachine: { puts: [], dels: [], applied: 3 } })).rejects.toThrow(/beyond last index 2/);
    await store.write({ stateMachine: { puts: [], dels: [], applied: 2 } });
    await expect(store.write({ stateMachine: { puts: [], dels: [], applied: 1 } })).rejects.toThrow(/applied index would go/);
    const both = { puts: [[bytes('k'), bytes('v')] as const], dels: [bytes('k')], applied: 2 };
    await expect(store.write({ stateMachine: both })).rejects.toThrow(/both put and deleted/);
  });

  test('rejects a second write while one is in flight, and writes after close', async () => {
    const store = await storeWithLog(1);
    const first = store.write({ entries: [entry(2, 1)] });
    await expect(store.write({ entries: [entry(3, 1)] })).rejects.toThrow(/already in flight/);
    await first;
    await store.close();
    await expect(store.write({ entries: [entry(3, 1)] })).rejects.toThrow(/closed/);
  });
});
