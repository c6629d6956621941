import type { RangeRequest__Output } from '../../src/generated/etcd/etcdserverpb/RangeRequest';
import type { TxnRequest__Output } from '../../src/generated/etcd/etcdserverpb/TxnRequest';
import { toPutOp, toTxnPlan } from '../../src/server/etcd/convert';
import { EtcdError } from '../../src/server/etcd/errors';
import { rangeShape, shapeKvs, smLimit } from '../../src/server/etcd/range';
import type { KeyValue } from '../../src/statemachine';

const b = (s: string) => Buffer.from(s);
const kv = (key: string, value: string, createRevision: number, modRevision: number, version: number): KeyValue => ({ key: b(key), value: b(value), createRevision, modRevision, version, lease: 0 });
const request = (over: Partial<RangeRequest__Output>): RangeRequest__Output => ({
  key: b('a'),
  range_end: b(''),
  limit: '0',
  revision: '0',
  sort_order: 'NONE',
  sort_target: 'KEY',
  serializable: false,
  keys_only: false,
  count_only: false,
  min_mod_revision: '0',
  max_mod_revision: '0',
  min_create_revision: '0',
  max_create_revision: '0',
  ...over,
});
const keys = (kvs: readonly KeyValue[]) => kvs.map((x) => Buffer.from(x.key).toString());

describe("etcd Range options (apply.go's order: filter, sort, limit)", () => {
  const all = [kv('a', 'z', 2, 9, 3), kv('b', 'y', 3, 3, 1), kv('c', 'x', 4, 7, 2), kv('d', 'w', 5, 5, 1)];

  it('a non-key sort target without an order sorts ascending; KEY with NONE keeps store order and reads with the limit', () => {
    const byMod = rangeShape(request({ sort_target: 'MOD' }));
    expect(byMod.order).toBe('ASCEND');
    expect(keys(shapeKvs(all, false, byMod).kvs)).toEqual(['b', 'd', 'c', 'a']);
    const plain = rangeShape(request({ limit: '2' }));
    expect(smLimit(plain)).toBe(2);
    expect(smLimit(byMod)).toBe(0);
  });

  it('descending by value, then the limit cuts and sets more', () => {
    const s = rangeShape(request({ sort_order: 'DESCEND', sort_target: 'VALUE', limit: '2' }));
    expect(smLimit(s)).toBe(0); // a sort must see every pair before the limit applies
    const r = shapeKvs(all, false, s);
    expect(keys(r.kvs)).toEqual(['a', 'b']);
    expect(r.more).toBe(true);
  });

  it('revision filters are inclusive bounds and 0 means none', () => {
    const s = rangeShape(request({ min_mod_revision: '5', max_create_revision: '4' }));
    expect(keys(shapeKvs(all, false, s).kvs)).toEqual(['a', 'c']);
  });

  it('count_only returns no pairs, keys_only keeps the pairs (values are dropped on the wire)', () => {
    expect(shapeKvs(all, true, rangeShape(request({ count_only: true })))).toEqual({ kvs: [], more: false });
    expect(rangeShape(request({ keys_only: true })).keysOnly).toBe(true);
  });

  it('ties keep key order (a stable sort), so every member answers alike', () => {
    const s = rangeShape(request({ sort_target: 'VERSION' }));
    expect(keys(shapeKvs(all, false, s).kvs)).toEqual(['b', 'd', 'c', 'a']);
  });
});

describe('etcd request checks', () => {
  const put = (key: string) => ({ request_put: { key: b(key), value: b('v'), lease: '0', prev_kv: false, ignore_value: false, ignore_lease: false } });
  const del = (key: string, end = '') => ({ request_delete_range: { key: b(key), range_end: b(end), prev_kv: false } });
  const txn = (success: object[], failure: object[] = [], compare: object[] = []) => ({ compare, success, failure }) as unknown as TxnRequest__Output;
  const fails = (f: () => unknown, code: number, message: string) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EtcdError);
      expect({ code: (e as EtcdError).code, message: (e as EtcdError).message }).toEqual({ code, message });
      return;
    }
    throw new Error('expected a refusal');
  };

  it('refuses more ops than the limit in any one list', () => {
    fails(() => toTxnPlan(txn(Array.from({ length: 129 }, (_, i) => put(`k${i}`))), 128), 3, 'etcdserver: too many operations in txn request');
    expect(toTxnPlan(txn(Array.from({ length: 128 }, (_, i) => put(`k${i}`))), 128).op.success).toHaveLength(128);
  });

  it('refuses a branch that puts a key twice or puts a key its delete covers, but not two deletes', () => {
    fails(() => toTxnPlan(txn([put('a'), put('a')]), 128), 3, 'etcdserver: duplicate key given in txn request');
    fails(() => toTxnPlan(txn([], [put('b'), del('a', 'c')]), 128), 3, 'etcdserver: duplicate key given in txn request');
    expect(toTxnPlan(txn([del('a', 'c'), del('b', 'd'), put('d')]), 128).op.success).toHaveLength(3);
    expect(toTxnPlan(txn([put('a')], [put('a')]), 128).op.failure).toHaveLength(1); // branches are separate
  });

  it('put flags as etcd checks them', () => {
    const base = { key: b('k'), value: b(''), lease: '0', prev_kv: false, ignore_value: false, ignore_lease: false };
    fails(() => toPutOp({ ...base, key: b('') }), 3, 'etcdserver: key is not provided');
    fails(() => toPutOp({ ...base, ignore_value: true, value: b('x') }), 3, 'etcdserver: value is provided');
    fails(() => toPutOp({ ...base, ignore_lease: true, lease: '7' }), 3, 'etcdserver: lease is provided');
    expect(toPutOp({ ...base, lease: '7', prev_kv: true })).toMatchObject({ type: 'put', lease: 7, prevKv: true });
  });
});
