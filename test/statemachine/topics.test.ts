import { recordBytes, RECORD_OVERHEAD_BYTES, type AppendRecord, type Op, type TopicPolicy } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import { resolveConfig } from '../../src/statemachine/config';
import { validateCommand } from '../../src/statemachine/validate';
import { decodeTopicRecord, topicRecordKey, topicRecordRange, type TopicRecord } from '../../src/statemachine/log-records';
import { StateMachine } from '../../src/statemachine/state-machine';
import { b, invalidReason, okResponse, rejection, Replica, scanDb, text } from './helpers';

const retainAll: TopicPolicy = { kind: 'retain' };
const compact: TopicPolicy = { kind: 'compact' };

function create(r: Replica, topic: string, policy: TopicPolicy = retainAll) {
  return r.run({ type: 'createTopic', topic, policy });
}

function append(r: Replica, topic: string, records: AppendRecord[], opts: { stampMs?: number; session?: { clientId: string; seq: number } } = {}) {
  return r.run({ type: 'append', topic, records }, opts);
}

function values(...vs: string[]): AppendRecord[] {
  return vs.map((v) => ({ value: b(v) }));
}

function keyed(...pairs: Array<[string, string]>): AppendRecord[] {
  return pairs.map(([k, v]) => ({ key: b(k), value: b(v) }));
}

/** The topic's records as storage holds them (persisting first). */
function stored(r: Replica, topic: string): TopicRecord[] {
  r.persist();
  return scanDb(r, topicRecordRange(topic, 0)).map(([, v]) => decodeTopicRecord(v));
}

function storedValues(r: Replica, topic: string): Array<[number, string]> {
  return stored(r, topic).map((rec) => [rec.offset, text(rec.value)]);
}

const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');

describe('createTopic', () => {
  test('creates once; again with the same policy is ok and not created; another policy is already_exists', () => {
    const r = new Replica();
    expect(okResponse(create(r, 'orders', { kind: 'retain', retainRecords: 5 }))).toEqual({ type: 'createTopic', created: true });
    expect(okResponse(create(r, 'orders', { kind: 'retain', retainRecords: 5 }))).toEqual({ type: 'createTopic', created: false });
    const conflict = rejection(create(r, 'orders', compact));
    expect(conflict.status).toBe('already_exists');
    expect(conflict.reason).toMatch(/"orders" already exists with policy retain retainRecords=5, not compact/);
    expect(rejection(create(r, 'orders', { kind: 'retain' })).status).toBe('already_exists');
    expect(r.sm.topicInfo('orders')).toEqual({
      topic: 'orders',
      policy: { kind: 'retain', retainRecords: 5 },
      earliestOffset: 0,
      nextOffset: 0,
      records: 0,
      bytes: 0,
    });
  });

  test('listTopics is sorted by name; topicInfo of an unknown topic is undefined', () => {
    const r = new Replica();
    for (const t of ['b', 'a.b', 'a', 'A', '_x']) create(r, t);
    expect(r.sm.listTopics().map((t) => t.topic)).toEqual(['A', '_x', 'a', 'a.b', 'b']);
    expect(r.sm.topicInfo('zzz')).toBeUndefined();
  });

  test.each([
    ['', /topic name is empty/],
    ['x'.repeat(250), /topic name is 250 characters, max 249/],
    ['.', /may not be "."/],
    ['..', /may not be ".."/],
    ['a/b', /outside \[a-zA-Z0-9._-\]/],
    ['café', /outside/],
    ['a b', /outside/],
    ['a\u0000', /outside/],
  ])('topic name %j is an invalid command', (topic, reason) => {
    const r = new Replica();
    expect(invalidReason(create(r, topic))).toMatch(reason);
    expect(r.sm.listTopics()).toEqual([]);
  });

  test('a 249-character name of every allowed character class is fine', () => {
    const r = new Replica();
    const name = 'aZ09._-'.repeat(35) + 'abcd'; // 249
    expect(name).toHaveLength(249);
    expect(okResponse(create(r, name))).toEqual({ type: 'createTopic', created: true });
  });

  test.each([
    [{ kind: 'retain', retainRecords: 0 }, /policy.retainRecords must be a positive integer/],
    [{ kind: 'retain', retainBytes: 0 }, /policy.retainBytes must be a positive integer/],
  ] as Array<[TopicPolicy, RegExp]>)('policy %j is an invalid command', (policy, reason) => {
    expect(invalidReason(create(new Replica(), 't', policy))).toMatch(reason);
  });

  test('what the codec cannot carry is refused by validateCommand first (the proposer checks it)', () => {
    const config = resolveConfig();
    const check = (op: Op) => validateCommand({ stampMs: 0, op }, config);
    expect(check({ type: 'createTopic', topic: 't', policy: { kind: 'retain', retainBytes: 1.5 } })).toMatch(/policy.retainBytes must be a positive integer/);
    expect(check({ type: 'commitOffset', group: 'g', topic: 't', offset: -1 })).toMatch(/offset must be a non-negative integer, got -1/);
    expect(check({ type: 'commitOffset', group: 'g', topic: 't', offset: NaN })).toMatch(/offset must be a non-negative integer/);
  });

  test('topicsMax bounds the topics: beyond it, resource_exhausted', () => {
    const r = new Replica({ topicsMax: 2 });
    create(r, 'a');
    create(r, 'b');
    expect(rejection(create(r, 'c'))).toMatchObject({ status: 'resource_exhausted', reason: expect.stringMatching(/max 2 \(topicsMax\)/) });
    expect(okResponse(create(r, 'a'))).toEqual({ type: 'createTopic', created: false }); // existing: still fine
  });
});

describe('append', () => {
  test('offsets are dense per topic and independent of Raft indexes', () => {
    const r = new Replica();
    create(r, 't1');
    create(r, 't2');
    r.run({ type: 'put', key: b('k'), value: b('v') }); // moves the Raft index, not the offsets
    expect(okResponse(append(r, 't1', values('a', 'b', 'c')))).toEqual({ type: 'append', baseOffset: 0, count: 3 });
    expect(okResponse(append(r, 't2', values('x', 'y')))).toEqual({ type: 'append', baseOffset: 0, count: 2 });
    expect(okResponse(append(r, 't1', values('d')))).toEqual({ type: 'append', baseOffset: 3, count: 1 });
    expect(r.sm.topicInfo('t1')).toMatchObject({ earliestOffset: 0, nextOffset: 4, records: 4 });
    expect(storedValues(r, 't1')).toEqual([[0, 'a'], [1, 'b'], [2, 'c'], [3, 'd']]);
    expect(storedValues(r, 't2')).toEqual([[0, 'x'], [1, 'y']]);
  });

  test('a stored record carries key, value, headers, the Raft index and the leader stamp', () => {
    const r = new Replica();
    create(r, 't');
    const res = append(r, 't', [{ key: b('k'), value: b('v'), headers: [['h', b('1')], ['h', b('2')]] }, { value: new Uint8Array(0) }], { stampMs: 1234 });
    const [first, second] = stored(r, 't');
    expect(first).toEqual({ offset: 0, key: b('k'), value: b('v'), headers: [['h', b('1')], ['h', b('2')]], raftIndex: res.index, timestampMs: 1234 });
    expect(second).toEqual({ offset: 1, value: new Uint8Array(0), headers: [], raftIndex: res.index, timestampMs: 1234 });
    expect('key' in second!).toBe(false); // no key, not an empty one
  });

  test('bytes are accounted as payload plus a fixed per-record overhead', () => {
    const r = new Replica();
    create(r, 't');
    const records: AppendRecord[] = [{ key: b('kk'), value: b('vvv'), headers: [['hé', b('12')]] }, { value: new Uint8Array(0) }];
    append(r, 't', records);
    expect(recordBytes(records[0]!)).toBe(RECORD_OVERHEAD_BYTES + 2 + 3 + 3 + 2);
    expect(r.sm.topicInfo('t')!.bytes).toBe(recordBytes(records[0]!) + recordBytes(records[1]!));
  });

  test('unknown topic: rejected not_found, nothing written, the entry still applied', () => {
    const r = new Replica();
    r.persist();
    const res = append(r, 'nope', values('a'));
    expect(rejection(res)).toEqual({ code: 'rejected', status: 'not_found', reason: 'topic "nope" does not exist' });
    expect(r.sm.takeMutations()).toEqual({ puts: [], dels: [], appliedIndex: 1 });
  });

  test.each([
    ['no records', { topic: 't', records: [] }, /append has no records/],
    ['too many records', { topic: 't', records: values('a', 'b', 'c', 'd') }, /append has 4 records, max 3 \(appendRecordsMax\)/],
    ['one value too large', { topic: 't', records: [...values('a'), { value: new Uint8Array(11) }] }, /records\[1\]: value is 11 bytes, max 10 \(valueBytesMax\)/],
    ['batch too large', { topic: 't', records: values('0123456789', '0123456789', '0123456789') }, /append batch is 78 bytes, max 70 \(appendBytesMax\)/],
    ['an empty key', { topic: 't', records: [{ key: new Uint8Array(0), value: b('x') }] }, /records\[0\]: key is empty/],
    ['a key too long', { topic: 't', records: [{ key: new Uint8Array(9), value: b('x') }] }, /key is 9 bytes, max 8 \(keyBytesMax\)/],
    ['too many headers', { topic: 't', records: [{ value: b('x'), headers: [['a', b('')], ['b', b('')], ['c', b('')]] }] }, /3 headers, max 2 \(recordHeadersMax\)/],
    ['an empty header name', { topic: 't', records: [{ value: b('x'), headers: [['', b('')]] }] }, /headers\[0\] name is empty/],
    ['a header name too long', { topic: 't', records: [{ value: b('x'), headers: [['ééé', b('')]] }] }, /headers\[0\] name is 6 bytes, max 5 \(headerNameBytesMax\)/],
    ['a header value too long', { topic: 't', records: [{ value: b('x'), headers: [['h', new Uint8Array(11)]] }] }, /headers\[0\] value is 11 bytes, max 10/],
    ['a bad topic name', { topic: 't/1', records: values('a') }, /topic name/],
  ] as Array<[string, { topic: string; records: AppendRecord[] }, RegExp]>)('atomic batch: %s is invalid and applies nothing', (_name, op, reason) => {
    const r = new Replica({ appendRecordsMax: 3, valueBytesMax: 10, appendBytesMax: 70, keyBytesMax: 8, recordHeadersMax: 2, headerNameBytesMax: 5 });
    create(r, 't');
    append(r, 't', values('before'));
    r.persist();
    const digest = r.sm.stateDigest();
    expect(invalidReason(append(r, op.topic, op.records))).toMatch(reason);
    expect(r.sm.takeMutations()).toEqual({ puts: [], dels: [], appliedIndex: 3 });
    expect(r.sm.topicInfo('t')).toMatchObject({ nextOffset: 1, records: 1 });
    expect(r.sm.stateDigest()).not.toBe(digest); // only because the applied index moved
    expect(storedValues(r, 't')).toEqual([[0, 'before']]);
  });

  test('atomic batch: a compacted topic refuses a batch with an unkeyed record, writing none of it', () => {
    const r = new Replica();
    create(r, 'c', compact);
    r.persist();
    const res = append(r, 'c', [...keyed(['k', 'v']), { value: b('no key') }]);
    expect(rejection(res)).toMatchObject({ status: 'failed_precondition', reason: 'topic "c" is compacted: records[1] has no key' });
    expect(r.sm.takeMutations()).toEqual({ puts: [], dels: [], appliedIndex: 2 });
    expect(r.sm.topicInfo('c')).toMatchObject({ nextOffset: 0, records: 0 });
  });
});

describe('idempotent producers are sessions', () => {
  test('a retried append returns the same offsets and is applied once', () => {
    const r = new Replica();
    create(r, 't');
    const producer = { clientId: 'producer-1', seq: 1 };
    const first = append(r, 't', values('a', 'b'), { session: producer });
    expect(okResponse(first)).toEqual({ type: 'append', baseOffset: 0, count: 2 });
    append(r, 't', values('other')); // another writer moves the topic on
    const retry = append(r, 't', values('a', 'b'), { session: producer });
    expect(retry).toEqual({ ...first, index: first.index + 2, duplicate: true });
    expect(r.sm.topicInfo('t')).toMatchObject({ nextOffset: 3, records: 3 });
    expect(storedValues(r, 't')).toEqual([[0, 'a'], [1, 'b'], [2, 'other']]);
    // The next seq appends again.
    expect(okResponse(append(r, 't', values('c'), { session: { clientId: 'producer-1', seq: 2 } }))).toEqual({ type: 'append', baseOffset: 3, count: 1 });
  });

  test('the cached answer survives a restart (the session record holds the append response)', () => {
    const r = new Replica();
    create(r, 't');
    const first = append(r, 't', values('a'), { session: { clientId: 'p', seq: 5 } });
    r.persist();
    const restored = new Replica();
    restored.sm = r.restoreFromDb();
    const retry = append(restored, 't', values('a'), { session: { clientId: 'p', seq: 5 } });
    expect(retry).toMatchObject({ kind: 'ok', duplicate: true, response: okResponse(first) });
    expect(restored.sm.topicInfo('t')!.nextOffset).toBe(1);
  });

  test('a rejection is the first answer too: a retry gets it again even after the topic appears', () => {
    const r = new Replica();
    const session = { clientId: 'p', seq: 1 };
    expect(rejection(append(r, 't', values('a'), { session })).status).toBe('not_found');
    create(r, 't');
    const retry = append(r, 't', values('a'), { session });
    expect(rejection(retry)).toEqual({ code: 'rejected', status: 'not_found', reason: 'topic "t" does not exist' });
    expect(r.sm.topicInfo('t')!.nextOffset).toBe(0);
    r.persist();
    expect(rejection(r.restoreFromDb().apply({ index: 4, term: 1, type: 'normal', data: encodeAppend('t', 'a', session) })).status).toBe('not_found');
    expect(okResponse(append(r, 't', values('a'), { session: { clientId: 'p', seq: 2 } }))).toMatchObject({ baseOffset: 0 });
  });
});

function encodeAppend(topic: string, value: string, session: { clientId: string; seq: number }): Uint8Array {
  return encodeCommand({ stampMs: 0, session, op: { type: 'append', topic, records: values(value) } });
}

describe('retention (retain policy)', () => {
  test('by count: the oldest records beyond retainRecords are dropped, their dels emitted', () => {
    const r = new Replica();
    create(r, 't', { kind: 'retain', retainRecords: 3 });
    append(r, 't', values('a', 'b', 'c'));
    r.persist();
    append(r, 't', values('d', 'e'));
    const m = r.persist();
    expect(m.dels.map(hex)).toEqual(expect.arrayContaining([hex(topicRecordKey('t', 0)), hex(topicRecordKey('t', 1))]));
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 2, nextOffset: 5, records: 3, bytes: 3 * (RECORD_OVERHEAD_BYTES + 1) });
    expect(storedValues(r, 't')).toEqual([[2, 'c'], [3, 'd'], [4, 'e']]);
    expect(r.sm.residentCounts().retainedSizes).toBe(3);
  });

  test('a batch larger than retainRecords keeps only its newest records (offsets still dense)', () => {
    const r = new Replica();
    create(r, 't', { kind: 'retain', retainRecords: 2 });
    expect(okResponse(append(r, 't', values('a', 'b', 'c', 'd', 'e')))).toEqual({ type: 'append', baseOffset: 0, count: 5 });
    expect(storedValues(r, 't')).toEqual([[3, 'd'], [4, 'e']]);
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 3, nextOffset: 5, records: 2 });
  });

  test('by bytes: the oldest records go until the rest fits; the newest record always stays', () => {
    const r = new Replica();
    const each = (n: number) => RECORD_OVERHEAD_BYTES + n;
    create(r, 't', { kind: 'retain', retainBytes: each(10) + each(10) });
    append(r, 't', [{ value: new Uint8Array(10) }, { value: new Uint8Array(10) }]);
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 0, records: 2, bytes: 2 * each(10) });
    r.persist();
    append(r, 't', [{ value: new Uint8Array(5) }]);
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 1, nextOffset: 3, records: 2, bytes: each(10) + each(5) });
    expect(r.persist().dels.map(hex)).toContain(hex(topicRecordKey('t', 0)));
    append(r, 't', [{ value: new Uint8Array(100) }]); // alone beyond the limit: kept, everything older goes
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 3, nextOffset: 4, records: 1, bytes: each(100) });
    expect(storedValues(r, 't').map(([o]) => o)).toEqual([3]);
    expect(r.sm.residentCounts().retainedSizes).toBe(1);
  });

  test('count and bytes together: whichever is stricter', () => {
    const r = new Replica();
    create(r, 't', { kind: 'retain', retainRecords: 3, retainBytes: 2 * (RECORD_OVERHEAD_BYTES + 1) });
    append(r, 't', values('a', 'b', 'c'));
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 1, records: 2 });
  });

  test('a topic without limits keeps everything and no per-record state', () => {
    const r = new Replica();
    create(r, 't');
    for (let i = 0; i < 50; i++) append(r, 't', values(`v${i}`));
    expect(r.sm.topicInfo('t')).toMatchObject({ earliestOffset: 0, nextOffset: 50, records: 50 });
    expect(r.sm.residentCounts()).toMatchObject({ retainedSizes: 0, compactKeys: 0 });
  });
});

describe('compaction (compact policy)', () => {
  test('the latest record per key survives, at its original offset', () => {
    const r = new Replica();
    create(r, 'c', compact);
    append(r, 'c', keyed(['k1', 'a'], ['k2', 'b']));
    r.persist();
    append(r, 'c', keyed(['k1', 'c']));
    expect(r.persist().dels.map(hex)).toContain(hex(topicRecordKey('c', 0)));
    expect(storedValues(r, 'c')).toEqual([[1, 'b'], [2, 'c']]);
    expect(r.sm.topicInfo('c')).toEqual({
      topic: 'c',
      policy: compact,
      earliestOffset: 0,
      nextOffset: 3,
      records: 2,
      bytes: 2 * (RECORD_OVERHEAD_BYTES + 3),
    });
  });

  test('a tombstone (empty value) deletes the previous record of its key and stays itself', () => {
    const r = new Replica();
    create(r, 'c', compact);
    append(r, 'c', keyed(['k1', 'a'], ['k2', 'b']));
    append(r, 'c', keyed(['k2', '']));
    expect(storedValues(r, 'c')).toEqual([[0, 'a'], [2, '']]);
    expect(r.sm.topicInfo('c')).toMatchObject({ records: 2, nextOffset: 3 });
    append(r, 'c', keyed(['k2', 'back']));
    expect(storedValues(r, 'c')).toEqual([[0, 'a'], [3, 'back']]);
  });

  test('two records of one key in one batch: only the later one survives', () => {
    const r = new Replica();
    create(r, 'c', compact);
    expect(okResponse(append(r, 'c', keyed(['k', '1'], ['j', '2'], ['k', '3'])))).toEqual({ type: 'append', baseOffset: 0, count: 3 });
    expect(storedValues(r, 'c')).toEqual([[1, '2'], [2, '3']]);
    expect(r.sm.residentCounts().compactKeys).toBe(2);
  });

  test('keys are bytes: a key with 0x00 and 0xff bytes is its own key', () => {
    const r = new Replica();
    create(r, 'c', compact);
    append(r, 'c', [{ key: Uint8Array.of(0, 0xff), value: b('x') }, { key: Uint8Array.of(0), value: b('y') }, { key: Uint8Array.of(0, 0xff), value: b('z') }]);
    expect(storedValues(r, 'c')).toEqual([[1, 'y'], [2, 'z']]);
    expect(r.restoreFromDb().stateDigest()).toBe(r.sm.stateDigest());
  });
});

describe('consumer-group offsets', () => {
  const commit = (r: Replica, group: string, topic: string, offset: number, force = false) =>
    r.run(force ? { type: 'commitOffset', group, topic, offset, force } : { type: 'commitOffset', group, topic, offset });

  test('forward is fine, backwards refused, force rewinds, beyond the end is out of range', () => {
    const r = new Replica();
    create(r, 't');
    append(r, 't', values('a', 'b', 'c', 'd'));
    expect(r.sm.fetchOffset('g', 't')).toBeUndefined();
    expect(okResponse(commit(r, 'g', 't', 2))).toEqual({ type: 'commitOffset', offset: 2 });
    expect(okResponse(commit(r, 'g', 't', 2))).toEqual({ type: 'commitOffset', offset: 2 }); // equal: fine
    expect(okResponse(commit(r, 'g', 't', 4))).toEqual({ type: 'commitOffset', offset: 4 }); // = nextOffset: consumed everything
    const back = rejection(commit(r, 'g', 't', 1));
    expect(back.status).toBe('failed_precondition');
    expect(back.reason).toMatch(/group "g" has committed offset 4 in topic "t"; 1 would go backwards \(set force to rewind\)/);
    expect(r.sm.fetchOffset('g', 't')).toBe(4);
    expect(okResponse(commit(r, 'g', 't', 1, true))).toEqual({ type: 'commitOffset', offset: 1 });
    expect(r.sm.fetchOffset('g', 't')).toBe(1);
    expect(rejection(commit(r, 'g', 't', 5))).toMatchObject({ status: 'out_of_range', reason: 'offset 5 is beyond the next offset 4 of topic "t"' });
    expect(rejection(commit(r, 'g', 'nope', 0))).toMatchObject({ status: 'not_found' });
    expect(r.sm.fetchOffset('other', 't')).toBeUndefined();
  });

  test('groups are independent per topic; offsets survive restore', () => {
    const r = new Replica();
    create(r, 't1');
    create(r, 't2');
    append(r, 't1', values('a', 'b'));
    append(r, 't2', values('a'));
    commit(r, 'g1', 't1', 2);
    commit(r, 'g1', 't2', 1);
    commit(r, 'g2', 't1', 1);
    r.persist();
    const restored = r.restoreFromDb();
    expect([restored.fetchOffset('g1', 't1'), restored.fetchOffset('g1', 't2'), restored.fetchOffset('g2', 't1'), restored.fetchOffset('g2', 't2')]).toEqual([2, 1, 1, undefined]);
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
  });

  test.each([
    ['', /group name is empty/],
    ['g'.repeat(6), /group name is 6 bytes, max 5 \(groupBytesMax\)/],
    ['a\u0000b', /control character/],
    ['tab\t', /control character/],
  ])('group name %j is an invalid command', (group, reason) => {
    const r = new Replica({ groupBytesMax: 5 });
    create(r, 't');
    expect(invalidReason(commit(r, group, 't', 0))).toMatch(reason);
  });

  test('groupOffsetsMax bounds the (group, topic) pairs', () => {
    const r = new Replica({ groupOffsetsMax: 2 });
    create(r, 't');
    commit(r, 'g1', 't', 0);
    commit(r, 'g2', 't', 0);
    expect(rejection(commit(r, 'g3', 't', 0))).toMatchObject({ status: 'resource_exhausted', reason: expect.stringMatching(/groupOffsetsMax/) });
    expect(okResponse(commit(r, 'g1', 't', 0))).toEqual({ type: 'commitOffset', offset: 0 });
  });
});

describe('keys of topic records', () => {
  test('a topic range holds exactly its records, in offset order, whatever the other names', () => {
    const r = new Replica();
    for (const t of ['a', 'a.b', 'a-', 'a0', 'A']) {
      create(r, t);
      append(r, t, values(...Array.from({ length: 300 }, (_, i) => `${t}:${i}`)));
    }
    for (const t of ['a', 'a.b', 'a-', 'a0', 'A']) {
      const recs = stored(r, t);
      expect(recs.map((x) => x.offset)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(recs.every((x, i) => text(x.value) === `${t}:${i}`)).toBe(true);
    }
    r.persist();
    expect(scanDb(r, topicRecordRange('a', 298)).map(([, v]) => decodeTopicRecord(v).offset)).toEqual([298, 299]);
  });

  test('topicRecordKey refuses what no topic can be named, and offsets beyond 2^53', () => {
    expect(() => topicRecordKey('a\u0000b', 0)).toThrow(RangeError);
    expect(() => topicRecordKey('', 0)).toThrow(RangeError);
    expect(() => topicRecordKey('a', -1)).toThrow(RangeError);
    expect(() => topicRecordKey('a', 2 ** 53)).toThrow(RangeError);
    expect([...topicRecordKey('t', 258)]).toEqual([0x72, 0x74, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  });

  test('lazyRecordPrefixes are the change log, KV history and topic record prefixes, fresh copies', () => {
    const prefixes = StateMachine.lazyRecordPrefixes();
    expect(prefixes.map((p) => Buffer.from(p).toString())).toEqual(['c', 'h', 'r']);
    prefixes[0]![0] = 0;
    expect(StateMachine.lazyRecordPrefixes()[0]).toEqual(Uint8Array.of(0x63));
  });
});
