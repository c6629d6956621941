import { stateMachineKey } from '../../src/raft/storage/keys';
import { segmentsAround } from '../../src/raft/storage/load';
import { LogStore, StorageClosedError, StorageCorruptionError, type OpenedLogStore } from '../../src/raft/storage';
import { SCAN_RECORDS_MAX } from '../../src/raft/storage/log-store';
import {
  changeRecordRange,
  decodeChangeRecord,
  decodeTopicRecord,
  encodeCommand,
  putOp,
  StateMachine,
  topicRecordRange,
  type Op,
} from '../../src/statemachine';
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

async function open(lazy?: Uint8Array[]): Promise<OpenedLogStore> {
  const opened = await LogStore.open(dir, lazy === undefined ? undefined : { lazyStateMachinePrefixes: lazy });
  openStores.push(opened.store);
  return opened;
}

async function closeAll(): Promise<void> {
  for (const store of openStores.splice(0)) await store.close();
}

const rec = (k: string, v = `v:${k}`): [Uint8Array, Uint8Array] => [bytes(k), bytes(v)];
const keysOf = (rows: Array<[Uint8Array, Uint8Array]>) => rows.map(([k]) => text(k));

/** One entry applied, carrying these state-machine records. */
async function seed(puts: Array<[Uint8Array, Uint8Array]>): Promise<void> {
  const { store } = await open();
  await store.write({ hardState: { term: 1, vote: 0, commit: 1 }, entries: [entry(1, 1)], stateMachine: { puts, dels: [], applied: 1 } });
  await closeAll();
}

describe('LogStore.open with lazy state-machine prefixes', () => {
  const records = ['a', 'c1', 'c2', 'k', 'm', 'r/x/1', 'r/x/2', 'rz', 's', 'z'].map((k) => rec(k));

  test('records under a lazy prefix are left out; every other one is loaded, in key order', async () => {
    await seed(records);
    const { stateMachineRecords, initial } = await open([bytes('r'), bytes('c')]);
    expect(keysOf(stateMachineRecords)).toEqual(['a', 'k', 'm', 's', 'z']);
    expect(stateMachineRecords.map(([, v]) => text(v))).toEqual(['v:a', 'v:k', 'v:m', 'v:s', 'v:z']);
    expect(initial.applied).toBe(1);
    expect(initial.entries).toHaveLength(1);
  });

  test('without options everything is loaded, as before', async () => {
    await seed(records);
    expect(keysOf((await open()).stateMachineRecords)).toEqual(records.map(([k]) => text(k)));
  });

  test.each([
    [['r/'], ['a', 'c1', 'c2', 'k', 'm', 'rz', 's', 'z']],
    [['r', 'r/x'], ['a', 'c1', 'c2', 'k', 'm', 's', 'z']], // nested
    [['c', 'd', 'k'], ['a', 'm', 'r/x/1', 'r/x/2', 'rz', 's', 'z']], // adjacent ranges
    [['z', 'a'], ['c1', 'c2', 'k', 'm', 'r/x/1', 'r/x/2', 'rz', 's']], // first and last, unsorted
    [['nothing-here'], ['a', 'c1', 'c2', 'k', 'm', 'r/x/1', 'r/x/2', 'rz', 's', 'z']],
  ])('prefixes %j', async (prefixes, expected) => {
    await seed(records);
    expect(keysOf((await open(prefixes.map(bytes))).stateMachineRecords)).toEqual(expected);
  });

  test('a prefix of 0xff bytes reaches to the end of the state-machine keys, and no further', async () => {
    const ff: [Uint8Array, Uint8Array] = [Uint8Array.of(0xff, 1), bytes('x')];
    await seed([rec('a'), ff]);
    const { stateMachineRecords, initial } = await open([Uint8Array.of(0xff)]);
    expect(keysOf(stateMachineRecords)).toEqual(['a']);
    expect(initial.applied).toBe(1); // 'a' (applied index) sorts before 'm/', 'v' after: both still read
  });

  test('an empty prefix is refused before the database is opened', async () => {
    await expect(LogStore.open(dir, { lazyStateMachinePrefixes: [new Uint8Array(0)] })).rejects.toThrow(RangeError);
    await open(); // the dir is not left locked
  });

  test('lazy records are not read at start-up: a corrupt one does not stop the node, scanning it does', async () => {
    await seed(records);
    await withRawDb(dir, async (db) => {
      const key = stateMachineKey(bytes('r/x/2'));
      const value = (await db.get(key))!;
      value[value.length - 1] ^= 0x01;
      await db.put(key, value);
    });
    const { store } = await open([bytes('r')]);
    expect(keysOf(await store.scanStateMachine(bytes('r/x/1'), bytes('r/x/2'), 10))).toEqual(['r/x/1']);
    const scanning = store.scanStateMachine(bytes('r'), bytes('s'), 10);
    await expect(scanning).rejects.toBeInstanceOf(StorageCorruptionError);
    const error = (await scanning.catch((e: unknown) => e)) as StorageCorruptionError;
    expect(error.site).toEqual({ kind: 'record', key: 'm/r/x/2' });
    expect(error.reason).toBe('checksum mismatch');
    expect(error.message).toContain(dir);
    await closeAll();
    await expect(LogStore.open(dir)).rejects.toBeInstanceOf(StorageCorruptionError); // loading everything: caught at open
  });

  test('segmentsAround: ascending, disjoint, covering everything but the lazy ranges', () => {
    const segs = segmentsAround([bytes('r'), bytes('c'), bytes('r/')]);
    expect(segs).toEqual([{ lt: stateMachineKey(bytes('c')) }, { gte: stateMachineKey(bytes('d')), lt: stateMachineKey(bytes('r')) }, { gte: stateMachineKey(bytes('s')) }]);
    expect(segmentsAround([])).toEqual([{}]);
  });
});

describe('LogStore.scanStateMachine', () => {
  const many = Array.from({ length: 50 }, (_, i) => rec(`t/${String(i).padStart(3, '0')}`));

  test('returns verified records in key order within [gte, lt), at most limit, keys without the storage prefix', async () => {
    await seed([...many, rec('a'), rec('u')]);
    const { store } = await open([bytes('t/')]);
    const page = await store.scanStateMachine(bytes('t/010'), bytes('t/020'), 100);
    expect(keysOf(page)).toEqual(Array.from({ length: 10 }, (_, i) => `t/0${10 + i}`));
    expect(text(page[0]![1])).toBe('v:t/010');
    expect(keysOf(await store.scanStateMachine(bytes('t/'), bytes('t0'), 3))).toEqual(['t/000', 't/001', 't/002']);
    expect(keysOf(await store.scanStateMachine(bytes('t/049'), new Uint8Array(0), 10))).toEqual(['t/049', 'u']); // empty lt: to the end
    expect(await store.scanStateMachine(bytes('t/020'), bytes('t/010'), 10)).toEqual([]);
    expect(await store.scanStateMachine(bytes('x'), bytes('y'), 10)).toEqual([]);
  });

  test('sees writes made after open, and returns copies', async () => {
    await seed([]);
    const { store } = await open([bytes('t/')]);
    await store.write({ hardState: { term: 1, vote: 0, commit: 2 }, entries: [entry(2, 1)], stateMachine: { puts: many.slice(0, 2), dels: [], applied: 2 } });
    const rows = await store.scanStateMachine(bytes('t/'), bytes('t0'), 10);
    expect(keysOf(rows)).toEqual(['t/000', 't/001']);
    rows[0]![1].fill(0);
    expect(text((await store.scanStateMachine(bytes('t/'), bytes('t0'), 1))[0]![1])).toBe('v:t/000');
    await store.write({ stateMachine: { puts: [], dels: [bytes('t/000')], applied: 2 } });
    expect(keysOf(await store.scanStateMachine(bytes('t/'), bytes('t0'), 10))).toEqual(['t/001']);
  });

  test('refuses a bad limit and a closed store', async () => {
    const { store } = await open();
    for (const limit of [0, -1, 1.5, SCAN_RECORDS_MAX + 1]) await expect(store.scanStateMachine(bytes('a'), bytes('b'), limit)).rejects.toThrow(RangeError);
    await store.close();
    await expect(store.scanStateMachine(bytes('a'), bytes('b'), 1)).rejects.toBeInstanceOf(StorageClosedError);
  });
});

describe('state machine + real LevelDB: topics and the change log stay on disk', () => {
  test('restart loads only the small state, restores the same digest, and readers scan the records', async () => {
    const ops: Op[] = [
      { type: 'createTopic', topic: 'orders', policy: { kind: 'retain', retainRecords: 150 } },
      { type: 'createTopic', topic: 'users', policy: { kind: 'compact' } },
      ...Array.from({ length: 20 }, (_, i): Op => ({ type: 'append', topic: 'orders', records: Array.from({ length: 10 }, (_, j) => ({ value: bytes(`o${i * 10 + j}`) })) })),
      { type: 'append', topic: 'users', records: [{ key: bytes('u1'), value: bytes('a') }, { key: bytes('u2'), value: bytes('b') }, { key: bytes('u1'), value: bytes('c') }] },
      { type: 'commitOffset', group: 'g', topic: 'orders', offset: 120 },
      putOp(bytes('k1'), bytes('v1')),
      putOp(bytes('k1'), bytes('v2')),
    ];
    const sm = new StateMachine();
    const { store } = await open(StateMachine.lazyRecordPrefixes());
    await store.write({ hardState: { term: 1, vote: 0, commit: 0 }, entries: [] });
    for (const [i, op] of ops.entries()) {
      const e = { index: i + 1, term: 1, type: 'normal' as const, data: encodeCommand({ stampMs: 1000 + i, op }) };
      await store.write({ hardState: { term: 1, vote: 0, commit: e.index }, entries: [e] });
      sm.apply(e);
      const m = sm.takeMutations();
      await store.write({ stateMachine: { puts: m.puts, dels: m.dels, applied: m.appliedIndex } });
    }
    await closeAll();

    const reopened = await open(StateMachine.lazyRecordPrefixes());
    expect(reopened.stateMachineRecords.some(([k]) => k[0] === 0x72 || k[0] === 0x63)).toBe(false);
    expect(reopened.stateMachineRecords).toEqual(sm.snapshotRecords());
    const restored = StateMachine.restore(reopened.stateMachineRecords, reopened.initial.applied);
    expect(restored.stateDigest()).toBe(sm.stateDigest());
    expect(restored.topicInfo('orders')).toMatchObject({ earliestOffset: 50, nextOffset: 200, records: 150 });
    expect(restored.fetchOffset('g', 'orders')).toBe(120);

    const { gte, lt } = topicRecordRange('orders', 195);
    const tail = (await reopened.store.scanStateMachine(gte, lt, 100)).map(([, v]) => decodeTopicRecord(v));
    expect(tail.map((r) => [r.offset, text(r.value)])).toEqual([195, 196, 197, 198, 199].map((o) => [o, `o${o}`]));
    const early = await reopened.store.scanStateMachine(topicRecordRange('orders', 0).gte, lt, 1);
    expect(decodeTopicRecord(early[0]![1]).offset).toBe(50); // retention removed 0..49 from disk
    const users = await reopened.store.scanStateMachine(topicRecordRange('users', 0).gte, topicRecordRange('users', 0).lt, 10);
    expect(users.map(([, v]) => text(decodeTopicRecord(v).value))).toEqual(['b', 'c']);
    const changes = await reopened.store.scanStateMachine(changeRecordRange(0).gte, changeRecordRange(0).lt, 10);
    expect(changes.map(([, v]) => decodeChangeRecord(v)).map((c) => [c.revision, text(c.value!), c.version])).toEqual([
      // etcd's revisions: a fresh store is at 1, and each of the two puts adds one.
      [2, 'v1', 1],
      [3, 'v2', 2],
    ]);
  });
});
