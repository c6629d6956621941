import { deleteRangeOp, putOp, type AppendRecord, type Op, type Session } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import { Fnv1a64 } from '../../src/statemachine/digest';
import { prefixEnd } from '../../src/statemachine/key-range';
import { topicRecordKey } from '../../src/statemachine/log-records';
import { RecordDecodeError } from '../../src/statemachine/record-error';
import { StateMachine } from '../../src/statemachine/state-machine';
import { b, entryOf, isLazy, Replica } from './helpers';

const v = (...vs: string[]): AppendRecord[] => vs.map((x) => ({ value: b(x) }));
const kv = (...pairs: Array<[string, string]>): AppendRecord[] => pairs.map(([k, x]) => ({ key: b(k), value: b(x) }));

/** Every kind of topic state: each policy, retention drops, compaction and tombstones, offsets, cached answers. */
function topicWorkload(): Array<{ op: Op; stampMs: number; session?: Session }> {
  return [
    { op: { type: 'createTopic', topic: 'all', policy: { kind: 'retain' } }, stampMs: 1 },
    { op: { type: 'createTopic', topic: 'last3', policy: { kind: 'retain', retainRecords: 3 } }, stampMs: 2 },
    { op: { type: 'createTopic', topic: 'small', policy: { kind: 'retain', retainBytes: 60 } }, stampMs: 3 },
    { op: { type: 'createTopic', topic: 'users', policy: { kind: 'compact' } }, stampMs: 4 },
    { op: { type: 'append', topic: 'all', records: v('a', 'b') }, stampMs: 5, session: { clientId: 'p1', seq: 1 } },
    { op: { type: 'append', topic: 'all', records: v('a', 'b') }, stampMs: 6, session: { clientId: 'p1', seq: 1 } }, // retry
    { op: putOp(b('kv/1'), b('x')), stampMs: 7 },
    { op: { type: 'append', topic: 'last3', records: v('1', '2', '3', '4', '5') }, stampMs: 8 },
    { op: { type: 'append', topic: 'small', records: [{ value: new Uint8Array(20) }, { value: b('tiny'), headers: [['h', b('x')]] }] }, stampMs: 9 },
    { op: { type: 'append', topic: 'small', records: v('more') }, stampMs: 10 },
    { op: { type: 'append', topic: 'users', records: kv(['u1', 'alice'], ['u2', 'bob'], ['u1', 'alice2']) }, stampMs: 11 },
    { op: { type: 'append', topic: 'users', records: kv(['u2', '']) }, stampMs: 12 }, // tombstone
    { op: { type: 'append', topic: 'missing', records: v('x') }, stampMs: 13, session: { clientId: 'p2', seq: 1 } }, // cached rejection
    { op: { type: 'commitOffset', group: 'g1', topic: 'all', offset: 2 }, stampMs: 14 },
    { op: { type: 'commitOffset', group: 'g1', topic: 'users', offset: 3 }, stampMs: 15 },
    { op: { type: 'commitOffset', group: 'g2', topic: 'all', offset: 1 }, stampMs: 16 },
    { op: { type: 'commitOffset', group: 'g1', topic: 'all', offset: 0 }, stampMs: 17 }, // backwards: refused
    { op: deleteRangeOp(b('kv/'), prefixEnd(b('kv/'))), stampMs: 18 },
    { op: putOp(b('kv/2'), b('y')), stampMs: 19 },
  ];
}

function run(r: Replica, steps: ReturnType<typeof topicWorkload>, persistEvery: number): void {
  steps.forEach((s, i) => {
    r.run(s.op, { stampMs: s.stampMs, ...(s.session ? { session: s.session } : {}) });
    if ((i + 1) % persistEvery === 0) r.persist();
  });
  r.persist();
}

describe('topics: persistence through takeMutations + restore', () => {
  test.each([1, 3, 1000])('restore rebuilds everything and the same digest (persisting every %i entries)', (every) => {
    const r = new Replica();
    run(r, topicWorkload(), every);
    const restored = r.restoreFromDb();
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
    expect(restored.listTopics()).toEqual(r.sm.listTopics());
    expect(restored.residentCounts()).toEqual(r.sm.residentCounts());
    expect(restored.snapshotRecords()).toEqual(r.sm.snapshotRecords());
    expect([restored.fetchOffset('g1', 'all'), restored.fetchOffset('g1', 'users'), restored.fetchOffset('g2', 'all')]).toEqual([2, 3, 1]);
    expect(r.sm.listTopics().map((t) => [t.topic, t.earliestOffset, t.nextOffset, t.records])).toEqual([
      ['all', 0, 2, 2],
      ['last3', 2, 5, 3],
      ['small', 1, 3, 2],
      ['users', 0, 4, 2],
    ]);
  });

  test('a restored machine continues exactly like the original (retention sizes, compaction index, offsets)', () => {
    const r = new Replica();
    run(r, topicWorkload(), 4);
    const twin = new Replica();
    twin.sm = r.restoreFromDb();
    const more: Op[] = [
      { type: 'append', topic: 'last3', records: v('6') },
      { type: 'append', topic: 'small', records: v('0123456789') },
      { type: 'append', topic: 'users', records: kv(['u1', 'alice3'], ['u2', 'back']) },
      { type: 'commitOffset', group: 'g2', topic: 'all', offset: 2 },
      putOp(b('kv/3'), b('z')),
    ];
    for (const op of more) expect(twin.run(op, { stampMs: 20 })).toEqual(r.run(op, { stampMs: 20 }));
    const retry = { stampMs: 21, session: { clientId: 'p1', seq: 1 } };
    expect(twin.run({ type: 'append', topic: 'all', records: v('a', 'b') }, retry)).toMatchObject({ kind: 'ok', duplicate: true, response: { baseOffset: 0 } });
    r.run({ type: 'append', topic: 'all', records: v('a', 'b') }, retry);
    expect(twin.sm.stateDigest()).toBe(r.sm.stateDigest());
    expect(twin.persist()).toEqual(r.persist()); // the very same batch for storage, lazy records included
  });

  test('snapshotRecords are sorted by key and hold no lazy record', () => {
    const r = new Replica();
    run(r, topicWorkload(), 1000);
    const keys = r.sm.snapshotRecords().map(([k]) => Buffer.from(k));
    expect([...keys].sort(Buffer.compare)).toEqual(keys);
    expect(keys.some((k) => isLazy(k))).toBe(false);
    expect(new Set(keys.map((k) => String.fromCharCode(k[0]!)))).toEqual(new Set(['g', 'i', 'k', 'm', 's', 't', 'z']));
  });

  test('restore checks lazy records it is given, and drops them', () => {
    const r = new Replica();
    run(r, topicWorkload(), 1000);
    const all = [...r.db.values()];
    expect(all.some(([k]) => isLazy(k))).toBe(true);
    expect(StateMachine.restore(all, r.dbAppliedIndex).stateDigest()).toBe(r.sm.stateDigest());
    const badValue: [Uint8Array, Uint8Array] = [topicRecordKey('all', 0), Uint8Array.of(1, 5)];
    expect(() => StateMachine.restore([...all, badValue], r.dbAppliedIndex)).toThrow(RecordDecodeError);
    const wrongOffset: [Uint8Array, Uint8Array] = [topicRecordKey('all', 1), all.find(([k]) => Buffer.from(k).equals(topicRecordKey('all', 0)))![1]];
    expect(() => StateMachine.restore([...all, wrongOffset], r.dbAppliedIndex)).toThrow(/under the key of offset 1/);
    expect(() => StateMachine.restore([[b('rall'), Uint8Array.of(1)]], 1)).toThrow(RecordDecodeError);
  });
});

describe('topics: the digest covers records that are not in memory', () => {
  const appendOne = (value: Uint8Array, headers?: Array<[string, Uint8Array]>): Op => ({
    type: 'append',
    topic: 't',
    records: [headers ? { value, headers } : { value }],
  });

  test('two replicas whose topic records differ have different digests; equal ones equal', () => {
    const make = (op: Op) => {
      const r = new Replica();
      r.run({ type: 'createTopic', topic: 't', policy: { kind: 'retain' } });
      r.run(op);
      return r.sm.stateDigest();
    };
    const base = make(appendOne(b('x')));
    expect(make(appendOne(b('x')))).toBe(base);
    expect(make(appendOne(b('y')))).not.toBe(base);
    expect(make(appendOne(b('x'), [['h', b('')]]))).not.toBe(base);
  });

  test('records dropped by retention still count in the history the digest covers', () => {
    const make = (first: string) => {
      const r = new Replica();
      r.run({ type: 'createTopic', topic: 't', policy: { kind: 'retain', retainRecords: 1 } });
      r.run(appendOne(b(first)));
      r.run(appendOne(b('same')));
      return r.sm.stateDigest();
    };
    expect(make('a')).not.toBe(make('b'));
  });

  test('the KV change log is covered too (same final KV, different history)', () => {
    const x = new Replica();
    x.run(putOp(b('k'), b('1')));
    x.run(putOp(b('k'), b('2')));
    const y = new Replica();
    y.run(putOp(b('k'), b('9')));
    y.run(putOp(b('k'), b('2')));
    expect(x.sm.read({ key: b('k') }).kvs).toEqual(y.sm.read({ key: b('k') }).kvs);
    expect(x.sm.stateDigest()).not.toBe(y.sm.stateDigest());
  });
});

describe('topics: inconsistent records throw RecordDecodeError', () => {
  function records(): Array<[Uint8Array, Uint8Array]> {
    const r = new Replica();
    run(r, topicWorkload(), 1000);
    return r.sm.snapshotRecords();
  }
  const without = (rs: Array<[Uint8Array, Uint8Array]>, first: string) => rs.filter(([k]) => String.fromCharCode(k[0]!) !== first);
  const applied = topicWorkload().length;

  type Records = Array<[Uint8Array, Uint8Array]>;
  test.each<[string, (rs: Records) => Records, RegExp]>([
    ['a retained size missing', (rs) => rs.filter((_, i) => i !== rs.findIndex(([k]) => k[0] === 0x7a)), /retained sizes|offset/],
    ['compaction index without its topic', (rs) => without(rs, 't'), /unknown topic/],
    ['a compaction index entry missing', (rs) => rs.filter((_, i) => i !== rs.findIndex(([k]) => k[0] === 0x69)), /compaction index entries for/],
    ['a group offset of an unknown topic', (rs) => [...rs, [b('gx\u0000nope'), Uint8Array.of(1, 0)]], /unknown topic nope/],
    ['a group offset beyond the end', (rs) => [...rs, [b('gx\u0000all'), Uint8Array.of(1, 9)]], /beyond the end/],
    ['a topic key with a bad name', (rs) => [...rs, [b('ta/b'), Uint8Array.of(1, 1, 0, 0, 0, 0, 0)]], /topic name/],
    ['an unknown policy', (rs) => [...rs, [b('tnew'), Uint8Array.of(1, 9, 0, 0, 0, 0)]], /unknown topic policy/],
    ['trailing bytes in a topic record', (rs) => [...rs, [b('tnew'), Uint8Array.of(1, 2, 0, 0, 0, 0, 7)]], /trailing/],
  ])('%s', (_name, edit, reason) => {
    expect(() => StateMachine.restore(edit(records()), applied)).toThrow(RecordDecodeError);
    expect(() => StateMachine.restore(edit(records()), applied)).toThrow(reason);
  });

  test('more topics than topicsMax', () => {
    expect(() => StateMachine.restore(records(), applied, { topicsMax: 3 })).toThrow(/topicsMax/);
  });

  test('a meta record of format v1 (before the log digest) still decodes', () => {
    const sm = StateMachine.restore([[b('m'), Uint8Array.of(1, 2, 7)]], 3);
    expect(sm.revision).toBe(2);
    const fresh = StateMachine.restore([[b('m'), Uint8Array.of(2, 2, 7, ...new Fnv1a64().toBytes())]], 3);
    expect(sm.stateDigest()).toBe(fresh.stateDigest());
    expect(() => StateMachine.restore([[b('m'), Uint8Array.of(2, 2, 7, 1, 2)]], 3)).toThrow(/log digest of 2 bytes/);
    expect(() => StateMachine.restore([[b('m'), Uint8Array.of(4, 2, 7)]], 3)).toThrow(/meta record version 4/);
  });

  test('an entry applied on top of a restored machine keeps numbering offsets from the metadata', () => {
    const r = new Replica();
    run(r, topicWorkload(), 1000);
    const sm = r.restoreFromDb();
    const res = sm.apply(entryOf(applied + 1, encodeCommand({ stampMs: 30, op: { type: 'append', topic: 'last3', records: v('x') } })));
    expect(res).toMatchObject({ kind: 'ok', response: { type: 'append', baseOffset: 5, count: 1 } });
  });
});
