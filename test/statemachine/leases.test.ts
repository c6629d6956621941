import { compactOp, deleteOp, deleteRangeOp, leaseGrantOp, leaseRevokeOp, putOp, type TxnOp } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import { resolveConfig } from '../../src/statemachine/config';
import { prefixEnd } from '../../src/statemachine/key-range';
import { changeRecordRange, decodeChangeRecord } from '../../src/statemachine/log-records';
import { StateMachine } from '../../src/statemachine/state-machine';
import { validateCommand } from '../../src/statemachine/validate';
import { b, invalidReason, okResponse, rejection, Replica, scanDb, text } from './helpers';

const LEASE_NOT_FOUND = 'etcdserver: requested lease not found';

function grantedId(r: Replica, ttlSeconds: number, id = 0): number {
  const res = okResponse(r.run(leaseGrantOp(ttlSeconds, id)));
  if (res.type !== 'leaseGrant') throw new Error(`expected a leaseGrant response, got ${res.type}`);
  return res.id;
}

function leaseKeys(r: Replica | StateMachine, id: number): string[] | undefined {
  const sm = r instanceof Replica ? r.sm : r;
  return sm.lease(id)?.keys.map(text);
}

describe('lease grant', () => {
  test('id 0 assigns 1, 2, ... skipping ids in use and never handing one out twice', () => {
    const r = new Replica();
    expect(grantedId(r, 10)).toBe(1);
    expect(grantedId(r, 10, 3)).toBe(3); // explicit
    expect(grantedId(r, 10)).toBe(2);
    expect(grantedId(r, 10)).toBe(4); // 3 is in use
    r.run(leaseRevokeOp(1));
    expect(grantedId(r, 10)).toBe(5); // 1 is free again, but was handed out once
    expect(r.sm.leases()).toEqual([2, 3, 4, 5].map((id) => ({ id, ttlSeconds: 10 })));
    expect(r.sm.leaseCount).toBe(4);
  });

  test('a grant answers the id and the effective TTL; it does not move the revision', () => {
    const r = new Replica();
    const res = r.run(leaseGrantOp(60, 2 ** 53 - 1));
    expect(res).toMatchObject({ kind: 'ok', revision: 1, response: { type: 'leaseGrant', id: 2 ** 53 - 1, ttlSeconds: 60 } });
    expect(r.sm.lease(2 ** 53 - 1)).toEqual({ id: 2 ** 53 - 1, ttlSeconds: 60, keys: [] });
    expect(r.sm.lease(1)).toBeUndefined();
  });

  test('an existing id is refused with failed_precondition; nothing changes', () => {
    const r = new Replica();
    grantedId(r, 10, 7);
    const records = r.sm.snapshotRecords().filter(([k]) => k[0] !== 0x6d);
    expect(rejection(r.run(leaseGrantOp(99, 7)))).toEqual({ code: 'rejected', status: 'failed_precondition', reason: 'etcdserver: lease already exists' });
    expect(r.sm.lease(7)?.ttlSeconds).toBe(10);
    expect(r.sm.snapshotRecords().filter(([k]) => k[0] !== 0x6d)).toEqual(records);
  });

  test('a TTL below leaseTtlMinSeconds is raised to it; one beyond 9e9 seconds is out_of_range', () => {
    const r = new Replica({ leaseTtlMinSeconds: 5 });
    expect(okResponse(r.run(leaseGrantOp(0)))).toEqual({ type: 'leaseGrant', id: 1, ttlSeconds: 5 });
    expect(okResponse(r.run(leaseGrantOp(4)))).toEqual({ type: 'leaseGrant', id: 2, ttlSeconds: 5 });
    expect(okResponse(r.run(leaseGrantOp(6)))).toEqual({ type: 'leaseGrant', id: 3, ttlSeconds: 6 });
    expect(okResponse(r.run(leaseGrantOp(9_000_000_000)))).toEqual({ type: 'leaseGrant', id: 4, ttlSeconds: 9_000_000_000 });
    expect(rejection(r.run(leaseGrantOp(9_000_000_001)))).toEqual({ code: 'rejected', status: 'out_of_range', reason: 'etcdserver: too large lease TTL' });
    // The TTL is checked before the id, as etcd's lessor does.
    expect(rejection(r.run(leaseGrantOp(9_000_000_001, 1))).status).toBe('out_of_range');
    expect(grantedId(r, 1)).toBe(5); // the refusals consumed no id
  });

  test('the default minimum TTL is 1 second', () => {
    const r = new Replica();
    expect(okResponse(r.run(leaseGrantOp(0)))).toMatchObject({ ttlSeconds: 1 });
    expect(() => new StateMachine({ leaseTtlMinSeconds: 0 })).toThrow(/leaseTtlMinSeconds/);
  });

  test('a session retry of a grant gets the cached answer and grants nothing', () => {
    const r = new Replica();
    const first = r.run(leaseGrantOp(10), { session: { clientId: 'c', seq: 1 } });
    const retry = r.run(leaseGrantOp(10), { session: { clientId: 'c', seq: 1 } });
    expect(retry).toEqual({ ...first, index: 2, duplicate: true });
    expect(r.sm.leaseCount).toBe(1);
  });
});

describe('keys attached to leases', () => {
  test('a put attaches the key; another put moves it between leases; a put without lease or a delete detaches it', () => {
    const r = new Replica();
    const l1 = grantedId(r, 10);
    const l2 = grantedId(r, 10);
    r.run(putOp(b('k'), b('1'), { lease: l1 }));
    r.run(putOp(b('j'), b('1'), { lease: l1 }));
    expect(r.get('k')?.lease).toBe(l1);
    expect(leaseKeys(r, l1)).toEqual(['j', 'k']); // key order
    r.run(putOp(b('k'), b('2'), { lease: l2 }));
    expect(leaseKeys(r, l1)).toEqual(['j']);
    expect(leaseKeys(r, l2)).toEqual(['k']);
    r.run(putOp(b('k'), b('3')));
    expect(r.get('k')?.lease).toBe(0);
    expect(leaseKeys(r, l2)).toEqual([]);
    r.run(deleteOp(b('j')));
    expect(leaseKeys(r, l1)).toEqual([]);
  });

  test('a put with a lease that does not exist is refused (not_found) and applies nothing', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('v')));
    const records = r.sm.snapshotRecords();
    const res = r.run(putOp(b('k'), b('new'), { lease: 42 }));
    expect(res).toMatchObject({ kind: 'error', revision: 2, error: { code: 'rejected', status: 'not_found', reason: LEASE_NOT_FOUND } });
    expect(r.value('k')).toBe('v');
    expect(r.sm.snapshotRecords()).toEqual(records);
  });

  test('inside a txn an unknown lease refuses the whole txn, earlier ops included', () => {
    const r = new Replica();
    const lease = grantedId(r, 10);
    r.run(putOp(b('k'), b('v')));
    const records = r.sm.snapshotRecords();
    const txn: TxnOp = {
      type: 'txn',
      compare: [],
      success: [putOp(b('a'), b('1'), { lease }), deleteOp(b('k')), putOp(b('z'), b('1'), { lease: 99 })],
      failure: [],
    };
    expect(rejection(r.run(txn))).toEqual({ code: 'rejected', status: 'not_found', reason: LEASE_NOT_FOUND });
    expect(r.keys()).toEqual(['k']);
    expect(r.sm.revision).toBe(2);
    expect(leaseKeys(r, lease)).toEqual([]);
    expect(r.sm.snapshotRecords()).toEqual(records);
  });

  test('only the branch that runs is checked (etcd checks after the compares)', () => {
    const r = new Replica();
    const res = r.run({ type: 'txn', compare: [], success: [putOp(b('a'), b('1'))], failure: [putOp(b('b'), b('1'), { lease: 99 })] });
    expect(res).toMatchObject({ kind: 'ok', revision: 2, response: { type: 'txn', succeeded: true } });
  });

  test('revoke deletes every attached key at one revision, in key order, then the lease', () => {
    const r = new Replica();
    const lease = grantedId(r, 10);
    for (const k of ['c', 'a', 'b']) r.run(putOp(b(k), b('v'), { lease }));
    r.run(putOp(b('free'), b('v')));
    expect(r.sm.revision).toBe(5);
    const res = r.run(leaseRevokeOp(lease));
    expect(res).toMatchObject({ kind: 'ok', revision: 6, response: { type: 'leaseRevoke', deleted: 3 } });
    expect(r.keys()).toEqual(['free']);
    expect(r.sm.lease(lease)).toBeUndefined();
    expect(r.sm.leaseCount).toBe(0);
    r.persist();
    const changes = scanDb(r, changeRecordRange(6)).map(([, v]) => decodeChangeRecord(v));
    expect(changes.map((c) => `${c.revision} ${c.kind} ${text(c.key)}`)).toEqual(['6 delete a', '6 delete b', '6 delete c']);
    // The lease record is gone from storage too.
    expect([...r.db.keys()].some((k) => k.startsWith('l'))).toBe(false);
  });

  test('revoking a lease without keys does not move the revision; an unknown lease is not_found', () => {
    const r = new Replica();
    const lease = grantedId(r, 10);
    expect(r.run(leaseRevokeOp(lease))).toMatchObject({ kind: 'ok', revision: 1, response: { type: 'leaseRevoke', deleted: 0 } });
    expect(rejection(r.run(leaseRevokeOp(lease)))).toEqual({ code: 'rejected', status: 'not_found', reason: LEASE_NOT_FOUND });
  });

  test('revoke of many keys (past the one-by-one threshold) keeps the index sorted', () => {
    const r = new Replica();
    const lease = grantedId(r, 10);
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    r.run({ type: 'txn', compare: [], success: keys.slice(0, 20).map((k) => putOp(b(k), b('v'), { lease })), failure: [] });
    r.run({ type: 'txn', compare: [], success: keys.slice(20).map((k, i) => putOp(b(k), b('v'), i % 2 === 0 ? { lease } : {})), failure: [] });
    r.run(leaseRevokeOp(lease));
    expect(r.keys()).toEqual(keys.slice(20).filter((_, i) => i % 2 === 1));
    r.run(putOp(b('k00'), b('back')));
    expect(r.keys()[0]).toBe('k00');
  });

  test('compare on lease: the key lease id, 0 for a key without one or an absent key', () => {
    const r = new Replica();
    const lease = grantedId(r, 10, 5);
    r.run(putOp(b('k'), b('v'), { lease }));
    r.run(putOp(b('free'), b('v')));
    const holds = (key: string, result: 'equal' | 'greater' | 'less', value: number): boolean => {
      const res = okResponse(r.run({ type: 'txn', compare: [{ key: b(key), target: 'lease', result, value }], success: [], failure: [] }));
      return res.type === 'txn' && res.succeeded;
    };
    expect(holds('k', 'equal', 5)).toBe(true);
    expect(holds('k', 'greater', 4)).toBe(true);
    expect(holds('k', 'less', 5)).toBe(false);
    expect(holds('free', 'equal', 0)).toBe(true);
    expect(holds('missing', 'equal', 0)).toBe(true);
  });

  test('restore rebuilds the lease -> keys index from the KV records', () => {
    const r = new Replica();
    const l1 = grantedId(r, 10);
    const l2 = grantedId(r, 20);
    for (const k of ['x', 'y', 'z']) r.run(putOp(b(k), b('v'), { lease: l1 }));
    r.run(putOp(b('y'), b('w'), { lease: l2 }));
    r.persist();
    const restored = r.restoreFromDb();
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
    expect(restored.leases()).toEqual(r.sm.leases());
    expect(leaseKeys(restored, l1)).toEqual(['x', 'z']);
    expect(leaseKeys(restored, l2)).toEqual(['y']);
    const again = new Replica();
    again.sm = restored;
    again.run(leaseRevokeOp(l1));
    r.run(leaseRevokeOp(l1));
    expect(again.keys()).toEqual(['y']);
    expect(again.sm.stateDigest()).toBe(r.sm.stateDigest());
    // The assigned-id counter survives too.
    expect(grantedId(again, 1)).toBe(grantedId(r, 1));
  });

  test('leases are in the digest', () => {
    const x = new Replica();
    const y = new Replica();
    x.run(leaseGrantOp(10));
    y.run(leaseGrantOp(11));
    expect(x.sm.stateDigest()).not.toBe(y.sm.stateDigest());
  });
});

describe('ignoreValue / ignoreLease', () => {
  test('ignoreValue keeps the value (and takes the lease of the request); ignoreLease keeps the lease', () => {
    const r = new Replica();
    const l1 = grantedId(r, 10);
    const l2 = grantedId(r, 10);
    r.run(putOp(b('k'), b('v1'), { lease: l1 }));
    r.run(putOp(b('k'), new Uint8Array(0), { ignoreValue: true, lease: l2 }));
    expect(r.get('k')).toMatchObject({ value: b('v1'), lease: l2, version: 2, modRevision: 3 });
    r.run(putOp(b('k'), b('v2'), { ignoreLease: true }));
    expect(r.get('k')).toMatchObject({ value: b('v2'), lease: l2, version: 3 });
    expect(leaseKeys(r, l2)).toEqual(['k']);
    r.run(putOp(b('k'), new Uint8Array(0), { ignoreValue: true, ignoreLease: true, prevKv: true }));
    expect(r.get('k')).toMatchObject({ value: b('v2'), lease: l2, version: 4 });
    r.run(putOp(b('k'), new Uint8Array(0), { ignoreValue: true })); // lease 0: detached
    expect(r.get('k')).toMatchObject({ value: b('v2'), lease: 0 });
    expect(leaseKeys(r, l2)).toEqual([]);
  });

  test('on an absent key: invalid_argument "etcdserver: key not found", also inside a txn', () => {
    const r = new Replica();
    const keyNotFound = { code: 'rejected', status: 'invalid_argument', reason: 'etcdserver: key not found' };
    expect(rejection(r.run(putOp(b('k'), new Uint8Array(0), { ignoreValue: true })))).toEqual(keyNotFound);
    expect(rejection(r.run(putOp(b('k'), b('v'), { ignoreLease: true })))).toEqual(keyNotFound);
    const txn: TxnOp = { type: 'txn', compare: [], success: [putOp(b('a'), b('1')), putOp(b('k'), b('v'), { ignoreLease: true })], failure: [] };
    expect(rejection(r.run(txn))).toEqual(keyNotFound);
    expect(r.keys()).toEqual([]);
    expect(r.sm.revision).toBe(1);
  });

  test('the lease is checked before the key (etcd order)', () => {
    const r = new Replica();
    expect(rejection(r.run(putOp(b('k'), new Uint8Array(0), { ignoreValue: true, lease: 3 }))).status).toBe('not_found');
  });

  test('a value with ignoreValue, or a lease with ignoreLease, is an invalid command', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('v')));
    expect(invalidReason(r.run(putOp(b('k'), b('x'), { ignoreValue: true })))).toBe('etcdserver: value is provided');
    expect(invalidReason(r.run(putOp(b('k'), b('x'), { ignoreLease: true, lease: 1 })))).toBe('etcdserver: lease is provided');
    expect(invalidReason(r.run({ type: 'txn', compare: [], success: [], failure: [putOp(b('k'), b('x'), { ignoreValue: true })] }))).toBe(
      'etcdserver: value is provided',
    );
    expect(r.value('k')).toBe('v');
  });
});

describe('lease and compact validation', () => {
  test.each([
    ['revoke of id 0', leaseRevokeOp(0), /leaseRevoke id must be a lease id in 1\.\.9007199254740991, got 0/],
    ['revoke of a fraction', leaseRevokeOp(1.5), /leaseRevoke id/],
    ['grant of a negative id', leaseGrantOp(10, -1), /leaseGrant id must be 0 \(assign one\) or a lease id in 1\.\.9007199254740991, got -1/],
    ['grant of a negative TTL', leaseGrantOp(-1), /leaseGrant ttlSeconds must be a non-negative integer, got -1/],
    ['put with a negative lease', putOp(b('k'), b('v'), { lease: -2 }), /put lease must be 0 \(none\) or a lease id in 1\.\.9007199254740991, got -2/],
    ['compact to a negative revision', compactOp(-1), /compact revision must be a non-negative integer, got -1/],
  ])('%s', (_name, op, reason) => {
    // The server validates before encoding; a negative or fractional number is not even encodable.
    expect(validateCommand({ stampMs: 0, op }, resolveConfig())).toMatch(reason);
    let data: Uint8Array;
    try {
      data = encodeCommand({ stampMs: 0, op });
    } catch (err) {
      expect(err).toBeInstanceOf(RangeError);
      return;
    }
    const r = new Replica();
    expect(invalidReason(r.applyData(data))).toMatch(reason);
    expect(r.sm.snapshotRecords()).toEqual(new Replica().sm.snapshotRecords());
  });
});

describe('compaction', () => {
  function withRevisions(n: number): Replica {
    const r = new Replica();
    for (let i = 0; i < n; i++) r.run(putOp(b(`k${i}`), b('v')));
    return r;
  }

  test('records the compact revision, without moving the store revision', () => {
    const r = withRevisions(4); // revision 5
    expect(r.sm.compactRevision).toBe(0);
    expect(r.run(compactOp(3))).toMatchObject({ kind: 'ok', revision: 5, response: { type: 'compact' } });
    expect(r.sm.compactRevision).toBe(3);
    expect(r.sm.revision).toBe(5);
    expect(r.sm.read({ key: b('k0') })).toMatchObject({ revision: 5, compactRevision: 3 });
    expect(r.run(compactOp(5)).kind).toBe('ok'); // up to the current revision
    expect(r.sm.compactRevision).toBe(5);
  });

  test('a future revision, or one at or below the compact revision, is out_of_range', () => {
    const r = withRevisions(4);
    expect(rejection(r.run(compactOp(6)))).toEqual({
      code: 'rejected',
      status: 'out_of_range',
      reason: 'etcdserver: mvcc: required revision is a future revision',
    });
    const compacted = { code: 'rejected', status: 'out_of_range', reason: 'etcdserver: mvcc: required revision has been compacted' };
    expect(rejection(r.run(compactOp(0)))).toEqual(compacted);
    r.run(compactOp(3));
    expect(rejection(r.run(compactOp(3)))).toEqual(compacted);
    expect(rejection(r.run(compactOp(2)))).toEqual(compacted);
    expect(r.sm.compactRevision).toBe(3);
  });

  test('the compact revision is persisted (meta v3) and restored', () => {
    const r = withRevisions(4);
    r.run(compactOp(4));
    const m = r.persist();
    const meta = m.puts.find(([k]) => k.length === 1 && k[0] === 0x6d);
    expect(meta?.[1][0]).toBe(3); // meta format version
    const restored = r.restoreFromDb();
    expect(restored.compactRevision).toBe(4);
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
  });

  test('the compact revision is in the digest', () => {
    const x = withRevisions(3);
    const y = withRevisions(3);
    x.run(compactOp(2));
    y.run(compactOp(3));
    expect(x.sm.stateDigest()).not.toBe(y.sm.stateDigest());
  });
});

describe('deletes through ranges detach too', () => {
  test('a deleteRange over leased keys empties their leases', () => {
    const r = new Replica();
    const lease = grantedId(r, 10);
    for (const k of ['p/1', 'p/2', 'q']) r.run(putOp(b(k), b('v'), { lease }));
    r.run(deleteRangeOp(b('p/'), prefixEnd(b('p/'))));
    expect(leaseKeys(r, lease)).toEqual(['q']);
  });
});
