import { deleteOp, deleteRangeOp, putOp } from '../../src/statemachine/command';
import { prefixEnd, RANGE_END_ALL } from '../../src/statemachine/key-range';
import { b, okResponse, Replica, text } from './helpers';

describe('put / get / delete', () => {
  test('a put is readable, a delete removes it', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('v1')));
    expect(r.value('k')).toBe('v1');
    r.run(deleteOp(b('k')));
    expect(r.value('k')).toBeUndefined();
    expect(r.sm.read({ key: b('k') })).toMatchObject({ kvs: [], count: 0, more: false });
  });

  test('put with prevKv returns the replaced pair, and nothing for a new key', () => {
    const r = new Replica();
    expect(okResponse(r.run(putOp(b('k'), b('v1'), { prevKv: true })))).toEqual({ type: 'put' });
    const res = okResponse(r.run(putOp(b('k'), b('v2'), { prevKv: true })));
    expect(res.type === 'put' && res.prevKv !== undefined && text(res.prevKv.value)).toBe('v1');
  });

  test('delete of a missing key deletes nothing', () => {
    const r = new Replica();
    expect(okResponse(r.run(deleteOp(b('nope'))))).toEqual({ type: 'delete', deleted: 0 });
  });
});

describe('revisions follow etcd', () => {
  test('createRevision, modRevision and version of one key across puts, delete, re-create', () => {
    const r = new Replica();
    expect(r.sm.revision).toBe(1); // etcd's empty store
    r.run(putOp(b('k'), b('a'))); // revision 2
    expect(r.get('k')).toMatchObject({ createRevision: 2, modRevision: 2, version: 1, lease: 0 });
    r.run(putOp(b('other'), b('x'))); // 3
    r.run(putOp(b('k'), b('b'))); // 4
    expect(r.get('k')).toMatchObject({ createRevision: 2, modRevision: 4, version: 2 });
    r.run(deleteOp(b('k'))); // 5
    expect(r.get('k')).toBeUndefined();
    r.run(putOp(b('k'), b('c'))); // 6: a new life of the key
    expect(r.get('k')).toMatchObject({ createRevision: 6, modRevision: 6, version: 1 });
    r.run(putOp(b('k'), b('d'))); // 7
    expect(r.get('k')).toMatchObject({ createRevision: 6, modRevision: 7, version: 2 });
  });

  test('the store revision moves by one per command that wrote, independently of Raft indexes', () => {
    const r = new Replica();
    expect(r.sm.read({ key: b('a') })).toMatchObject({ revision: 1, compactRevision: 0, appliedIndex: 0 });
    expect(r.run(putOp(b('a'), b('1'))).revision).toBe(2); // index 1
    r.applyData(new Uint8Array(0)); // 2: empty entry, a no-op
    r.applyData(new Uint8Array(0), 'noop'); // 3: leader noop
    expect(r.run(deleteOp(b('missing'))).revision).toBe(2); // 4 changes nothing
    expect(r.run({ type: 'createTopic', topic: 't', policy: { kind: 'retain' } }).revision).toBe(2); // 5: topics are not KV
    expect(r.sm.revision).toBe(2);
    expect(r.sm.appliedIndex).toBe(5);
    expect(r.run(putOp(b('b'), b('2'))).revision).toBe(3); // index 6
    expect(r.sm.read({ key: b('a') })).toMatchObject({ revision: 3, appliedIndex: 6 });
  });

  test('one revision per write command: a txn of three puts is one, a range-only txn and a delete of nothing none', () => {
    const r = new Replica();
    r.run({ type: 'txn', compare: [], success: [putOp(b('x'), b('1')), putOp(b('y'), b('2')), putOp(b('z'), b('3'))], failure: [] });
    expect(r.sm.revision).toBe(2);
    expect(r.keys().map((k) => r.get(k)?.modRevision)).toEqual([2, 2, 2]);
    r.run({ type: 'txn', compare: [], success: [{ type: 'range', key: b('x') }], failure: [] });
    r.run(deleteOp(b('nothing')));
    r.run(deleteRangeOp(b('q'), b('r')));
    r.run({ type: 'txn', compare: [{ key: b('x'), target: 'version', result: 'equal', value: 9 }], success: [putOp(b('x'), b('no'))], failure: [] });
    expect(r.sm.revision).toBe(2);
    r.run(deleteRangeOp(b('x'), b('z'), { prevKv: true })); // x and y at one revision
    expect(r.sm.revision).toBe(3);
    expect(r.keys()).toEqual(['z']);
    r.run(putOp(b('z'), b('4')));
    expect(r.get('z')).toMatchObject({ createRevision: 2, modRevision: 4, version: 2 });
  });
});

describe('range', () => {
  function seeded(): Replica {
    const r = new Replica();
    // Written out of order: reads must come back in byte order anyway.
    for (const k of ['b/1', 'a/3', 'a/1', 'c', 'a/2', 'a', 'a/5', 'a/4', 'a0']) r.run(putOp(b(k), b(`v-${k}`)));
    return r;
  }

  test('prefix range returns keys in byte order', () => {
    const r = seeded();
    const res = r.sm.read({ key: b('a/'), rangeEnd: prefixEnd(b('a/')) });
    expect(res.kvs.map((kv) => text(kv.key))).toEqual(['a/1', 'a/2', 'a/3', 'a/4', 'a/5']);
    expect(res).toMatchObject({ count: 5, more: false });
  });

  test('limit cuts the answer and reports more and the full count', () => {
    const r = seeded();
    const res = r.sm.read({ key: b('a/'), rangeEnd: prefixEnd(b('a/')), limit: 2 });
    expect(res.kvs.map((kv) => text(kv.key))).toEqual(['a/1', 'a/2']);
    expect(res).toMatchObject({ count: 5, more: true });
    expect(r.sm.read({ key: b('a/'), rangeEnd: prefixEnd(b('a/')), limit: 5 }).more).toBe(false);
  });

  test('rangeEnd "\\0" means every key >= key; key "\\0" with it means all keys', () => {
    const r = seeded();
    expect(r.sm.read({ key: b('b'), rangeEnd: RANGE_END_ALL }).kvs.map((kv) => text(kv.key))).toEqual(['b/1', 'c']);
    expect(r.keys()).toEqual(['a', 'a/1', 'a/2', 'a/3', 'a/4', 'a/5', 'a0', 'b/1', 'c']);
  });

  test('[key, rangeEnd) is half open, and empty when rangeEnd <= key', () => {
    const r = seeded();
    expect(r.sm.read({ key: b('a/2'), rangeEnd: b('a/4') }).kvs.map((kv) => text(kv.key))).toEqual(['a/2', 'a/3']);
    expect(r.sm.read({ key: b('c'), rangeEnd: b('a') })).toMatchObject({ kvs: [], count: 0 });
  });

  test('order is by bytes, not by UTF-16 or insertion', () => {
    const r = new Replica();
    const keys = [[0xff], [0x80], [0x7f], [0x01, 0x00], [0x01], [0xc3, 0xa9]];
    for (const k of keys) r.run(putOp(Uint8Array.from(k), b('v')));
    const got = r.sm.read({ key: Uint8Array.of(0), rangeEnd: RANGE_END_ALL }).kvs.map((kv) => [...kv.key]);
    expect(got).toEqual([[0x01], [0x01, 0x00], [0x7f], [0x80], [0xc3, 0xa9], [0xff]]);
  });

  test('a malformed read query throws RangeError', () => {
    const r = seeded();
    expect(() => r.sm.read({ key: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => r.sm.read({ key: b('a'), limit: -1 })).toThrow(RangeError);
  });
});

describe('delete range', () => {
  test('deletes a prefix, returns the count and, when asked, the deleted pairs', () => {
    const r = new Replica();
    for (const k of ['p/1', 'p/2', 'p/3', 'q']) r.run(putOp(b(k), b(k)));
    const res = okResponse(r.run(deleteRangeOp(b('p/'), prefixEnd(b('p/')), { prevKv: true })));
    if (res.type !== 'delete') throw new Error('expected a delete response');
    expect(res.deleted).toBe(3);
    expect(res.prevKvs?.map((kv) => text(kv.key))).toEqual(['p/1', 'p/2', 'p/3']);
    expect(r.keys()).toEqual(['q']);
    expect(r.sm.revision).toBe(6);
  });

  test('without prevKv only the count comes back', () => {
    const r = new Replica();
    r.run(putOp(b('x1'), b('1')));
    r.run(putOp(b('x2'), b('2')));
    expect(okResponse(r.run(deleteRangeOp(b('x'), RANGE_END_ALL)))).toEqual({ type: 'delete', deleted: 2 });
  });
});

describe('prefixEnd', () => {
  test.each([
    ['a', [0x62]],
    ['ab', [0x61, 0x63]],
  ])('prefixEnd(%s)', (prefix, end) => {
    expect([...prefixEnd(b(prefix))]).toEqual(end);
  });

  test('trailing 0xff bytes are dropped before incrementing', () => {
    expect([...prefixEnd(Uint8Array.of(0x61, 0xff, 0xff))]).toEqual([0x62]);
  });

  test('an all-0xff or empty prefix has no end: "\\0" (every key >= prefix)', () => {
    expect([...prefixEnd(Uint8Array.of(0xff, 0xff))]).toEqual([0]);
    expect([...prefixEnd(new Uint8Array(0))]).toEqual([0]);
  });

  test('does not modify its argument', () => {
    const p = b('az');
    prefixEnd(p);
    expect(text(p)).toBe('az');
  });
});

describe('prefixEnd leaves its argument alone', () => {
  it('does not modify a Buffer prefix (Buffer#slice is a view)', () => {
    const prefix = Buffer.from('set/');
    expect(Buffer.from(prefixEnd(prefix)).toString()).toBe('set0');
    expect(prefix.toString()).toBe('set/');
  });
});
