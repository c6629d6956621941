/**
 * The member address book: config entries reach the state machine, an addLearner's context
 * records where the new member lives, a removeNode forgets it, and the book is replicated state
 * (persisted, restored, in the digest) while the KV revision never moves.
 */
import { encodeConfigEntry, makeConfig } from '../../src/raft/core/membership';
import type { ConfChange, MembershipConfig } from '../../src/raft/core/types';
import { putOp } from '../../src/statemachine/command';
import { decodeMemberAddress, encodeMemberAddress, MemberAddressDecodeError, REMOVED_MEMBER, type MemberAddress } from '../../src/statemachine/members';
import { encodeMemberRecord, memberRecordKey, RecordDecodeError } from '../../src/statemachine/records';
import type { ApplyResult } from '../../src/statemachine/results';
import { StateMachine } from '../../src/statemachine/state-machine';
import { b, Replica } from './helpers';

const addr4: MemberAddress = { peerAddress: 'h4:7000', clientAddress: 'h4:2379' };
const addr5: MemberAddress = { peerAddress: 'h5:7000', clientAddress: 'h5:2379' };

/** Applies a config entry as the next entry; `context` is the raw config entry context. */
function applyConfig(r: Replica, change: ConfChange, config: MembershipConfig, context?: Uint8Array): ApplyResult {
  return r.applyData(encodeConfigEntry(change, config, context), 'config');
}

function addLearner(r: Replica, id: number, address: MemberAddress, learners: number[] = [id]): ApplyResult {
  return applyConfig(r, { type: 'addLearner', id }, makeConfig([1, 2, 3], learners), encodeMemberAddress(address));
}

function decodeError(result: ApplyResult): string {
  if (result.kind !== 'error' || result.error.code !== 'decode_error') throw new Error(`expected decode_error, got ${JSON.stringify(result)}`);
  return result.error.reason;
}

describe('member address codec', () => {
  test('round trips, UTF-8 included', () => {
    const a = { peerAddress: '[::1]:7000', clientAddress: 'nœud-4.example:2379' };
    expect(decodeMemberAddress(encodeMemberAddress(a))).toEqual(a);
  });

  test('is a version byte and two length-prefixed strings', () => {
    expect([...encodeMemberAddress({ peerAddress: 'p', clientAddress: 'cc' })]).toEqual([1, 1, 0x70, 2, 0x63, 0x63]);
  });

  test.each([
    ['no bytes', [], /truncated at byte 0/],
    ['an unknown version', [2, 1, 0x70, 1, 0x63], /unsupported version 2/],
    ['a length beyond the bytes', [1, 9, 0x70, 1, 0x63], /byte string of 9 exceeds the remaining 3 bytes/],
    ['a missing client address', [1, 1, 0x70], /truncated at byte 3/],
    ['trailing bytes', [1, 1, 0x70, 1, 0x63, 0], /1 trailing bytes/],
    ['an empty peer address', [1, 0, 1, 0x63], /empty peer address/],
    ['invalid UTF-8', [1, 1, 0xff, 1, 0x63], /peer address is not valid UTF-8/],
  ])('refuses %s', (_, bytes, reason) => {
    const decode = (): MemberAddress => decodeMemberAddress(Uint8Array.from(bytes));
    expect(decode).toThrow(MemberAddressDecodeError);
    expect(decode).toThrow(reason);
  });

  test('refuses to encode an empty peer address; an empty client address means unknown', () => {
    expect(() => encodeMemberAddress({ peerAddress: '', clientAddress: 'h:1' })).toThrow(RangeError);
    expect(decodeMemberAddress(encodeMemberAddress({ peerAddress: 'h:1', clientAddress: '' }))).toEqual({ peerAddress: 'h:1', clientAddress: '' });
  });
});

describe('config entries in the state machine', () => {
  test('an addLearner with addresses records them; the result is the change, at the same revision', () => {
    const r = new Replica();
    expect(addLearner(r, 4, addr4)).toEqual({ kind: 'config', index: 1, revision: 1, change: { type: 'addLearner', id: 4 } });
    expect(r.sm.memberAddress(4)).toEqual(addr4);
    expect(r.sm.memberAddress(5)).toBeUndefined();
    expect(r.persist().puts).toEqual([[memberRecordKey(4), encodeMemberRecord(addr4)]]);
  });

  test('memberAddresses lists by id, whatever the order of the changes', () => {
    const r = new Replica();
    addLearner(r, 9, addr5, [9]);
    addLearner(r, 4, addr4, [4, 9]);
    expect(r.sm.memberAddresses()).toEqual([
      { id: 4, ...addr4 },
      { id: 9, ...addr5 },
    ]);
  });

  test('a promotion changes nothing; a removal forgets the addresses and keeps a tombstone (ids are never reused)', () => {
    const r = new Replica();
    addLearner(r, 4, addr4);
    r.persist();
    expect(applyConfig(r, { type: 'promote', id: 4 }, makeConfig([1, 2, 3, 4]))).toMatchObject({ kind: 'config', change: { type: 'promote', id: 4 } });
    expect(r.sm.memberAddress(4)).toEqual(addr4);
    expect(r.persist()).toEqual({ puts: [], dels: [], appliedIndex: 2 });

    expect(applyConfig(r, { type: 'removeNode', id: 4 }, makeConfig([1, 2, 3]))).toMatchObject({ kind: 'config', change: { type: 'removeNode', id: 4 } });
    expect(r.sm.memberAddress(4)).toBeUndefined();
    expect(r.sm.memberAddresses()).toEqual([]);
    expect(r.sm.memberRemoved(4)).toBe(true);
    expect(r.persist()).toEqual({ puts: [[memberRecordKey(4), encodeMemberRecord(REMOVED_MEMBER)]], dels: [], appliedIndex: 3 });
  });

  test('removing a bootstrap member (no recorded addresses) leaves a tombstone that survives a restore', () => {
    const r = new Replica();
    expect(r.sm.memberRemoved(3)).toBe(false);
    expect(applyConfig(r, { type: 'removeNode', id: 3 }, makeConfig([1, 2]))).toMatchObject({ kind: 'config' });
    expect(r.persist()).toEqual({ puts: [[memberRecordKey(3), encodeMemberRecord(REMOVED_MEMBER)]], dels: [], appliedIndex: 1 });
    const restored = StateMachine.restore(r.sm.snapshotRecords(), 1);
    expect(restored.memberRemoved(3)).toBe(true);
    expect(restored.memberAddress(3)).toBeUndefined();
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
  });

  test('an addLearner without a context records nothing', () => {
    const r = new Replica();
    expect(applyConfig(r, { type: 'addLearner', id: 4 }, makeConfig([1, 2, 3], [4]))).toMatchObject({ kind: 'config' });
    expect(r.sm.memberAddresses()).toEqual([]);
    expect(r.persist().puts).toEqual([]);
  });

  test('a malformed context or config entry is a decode_error that changes nothing but the applied index', () => {
    const r = new Replica();
    addLearner(r, 4, addr4);
    r.persist();
    const records = r.sm.snapshotRecords();
    expect(decodeError(applyConfig(r, { type: 'addLearner', id: 5 }, makeConfig([1, 2, 3], [4, 5]), Uint8Array.of(1, 7)))).toMatch(
      /cannot decode member address: byte string of 7 exceeds/,
    );
    expect(decodeError(r.applyData(Uint8Array.of(0, 0, 0, 2, 9), 'config'))).toMatch(/cannot decode config entry/);
    expect(decodeError(r.applyData(new Uint8Array(0), 'config'))).toMatch(/cannot decode config entry: truncated/);
    expect(r.sm.appliedIndex).toBe(4);
    expect(r.sm.memberAddresses()).toEqual([{ id: 4, ...addr4 }]);
    expect(r.persist()).toEqual({ puts: [], dels: [], appliedIndex: 4 });
    expect(r.sm.snapshotRecords()).toEqual(records);
  });

  test('a context on a promotion or a removal is not read', () => {
    const r = new Replica();
    expect(applyConfig(r, { type: 'removeNode', id: 3 }, makeConfig([1, 2]), Uint8Array.of(0xff))).toMatchObject({ kind: 'config' });
  });

  test('config entries never move the revision; the next KV write gets the next one', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('v')));
    expect(r.sm.revision).toBe(2);
    expect(addLearner(r, 4, addr4)).toMatchObject({ revision: 2 });
    expect(applyConfig(r, { type: 'promote', id: 4 }, makeConfig([1, 2, 3, 4]))).toMatchObject({ revision: 2 });
    expect(applyConfig(r, { type: 'removeNode', id: 4 }, makeConfig([1, 2, 3]))).toMatchObject({ revision: 2 });
    expect(r.sm.revision).toBe(2);
    expect(r.run(putOp(b('k'), b('w')))).toMatchObject({ kind: 'ok', revision: 3 });
  });
});

describe('the address book is replicated state', () => {
  /** KV writes interleaved with every kind of membership change. */
  function workload(r: Replica): void {
    r.run(putOp(b('a'), b('1')), { stampMs: 10 });
    addLearner(r, 4, addr4);
    addLearner(r, 5, addr5, [4, 5]);
    applyConfig(r, { type: 'promote', id: 4 }, makeConfig([1, 2, 3, 4], [5]));
    r.persist();
    r.run(putOp(b('b'), b('2')), { stampMs: 20 });
    applyConfig(r, { type: 'removeNode', id: 5 }, makeConfig([1, 2, 3, 4]));
    addLearner(r, 6, { peerAddress: 'h6:7000', clientAddress: 'h6:2379' }, [6]);
    r.persist();
  }

  test('restore from the persisted records gives the same members and the same digest', () => {
    const r = new Replica();
    workload(r);
    const restored = r.restoreFromDb();
    expect(restored.memberAddresses()).toEqual(r.sm.memberAddresses());
    expect(restored.memberAddresses().map((m) => m.id)).toEqual([4, 6]);
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
    expect(restored.snapshotRecords()).toEqual(r.sm.snapshotRecords());
  });

  test('a replica restored from a snapshot knows members added before it', () => {
    const r = new Replica();
    workload(r);
    const fromSnapshot = StateMachine.restore(r.sm.snapshotRecords(), r.sm.appliedIndex);
    expect(fromSnapshot.memberAddress(6)).toEqual({ peerAddress: 'h6:7000', clientAddress: 'h6:2379' });
    expect(fromSnapshot.stateDigest()).toBe(r.sm.stateDigest());
  });

  test('two replicas fed the same entries agree; different addresses give different digests', () => {
    const [x, y] = [new Replica(), new Replica()];
    workload(x);
    workload(y);
    expect(y.sm.stateDigest()).toBe(x.sm.stateDigest());
    const z = new Replica();
    z.run(putOp(b('a'), b('1')), { stampMs: 10 });
    addLearner(z, 4, { ...addr4, clientAddress: 'elsewhere:2379' });
    const w = new Replica();
    w.run(putOp(b('a'), b('1')), { stampMs: 10 });
    addLearner(w, 4, addr4);
    expect(z.sm.stateDigest()).not.toBe(w.sm.stateDigest());
  });

  test('a corrupt member record stops restore', () => {
    const value = encodeMemberRecord(addr4);
    expect(() => StateMachine.restore([[memberRecordKey(4), value.subarray(0, value.length - 1)]], 1)).toThrow(RecordDecodeError);
    expect(() => StateMachine.restore([[Uint8Array.of(0x6e, 4), value]], 1)).toThrow(RecordDecodeError);
    expect(() => StateMachine.restore([[memberRecordKey(0), value]], 1)).toThrow(/member record key with an id outside/);
  });
});
