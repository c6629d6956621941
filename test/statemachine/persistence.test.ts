import { casOp, deleteOp, deleteRangeOp, putOp } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import { prefixEnd } from '../../src/statemachine/key-range';
import { Fnv1a64 } from '../../src/statemachine/digest';
import { RecordDecodeError } from '../../src/statemachine/records';
import { StateMachine } from '../../src/statemachine/state-machine';
import { b, entryOf, isLazy, Replica, withoutLazy } from './helpers';

/** A workload touching every record kind: KV puts/deletes, sessions, meta, errors, no-ops. */
function workload(r: Replica, persistEvery: number): void {
  const steps: Array<() => unknown> = [
    () => r.run(putOp(b('a/1'), b('1')), { stampMs: 10, session: { clientId: 'c1', seq: 1 } }),
    () => r.run(putOp(b('a/2'), b('2')), { stampMs: 20 }),
    () => r.applyData(new Uint8Array(0), 'noop'),
    () => r.run(casOp(b('lock'), null, b('c2')), { stampMs: 30, session: { clientId: 'c2', seq: 1 } }),
    () => r.applyData(Uint8Array.of(9, 9, 9)), // undecodable
    () => r.run(deleteRangeOp(b('a/'), prefixEnd(b('a/')), { prevKv: true }), { stampMs: 40 }),
    () => r.run(putOp(b('a/1'), b('again')), { stampMs: 50, session: { clientId: 'c1', seq: 2 } }),
    () => r.run(putOp(b('a/1'), b('again')), { stampMs: 55, session: { clientId: 'c1', seq: 2 } }), // retry
    () => r.run(putOp(b(''), b('bad')), { stampMs: 60 }), // invalid
    () => r.run(deleteOp(b('lock')), { stampMs: 70_000_000 }), // expires every session
    () => r.run(putOp(b('z'), b('last')), { stampMs: 70_000_001, session: { clientId: 'c3', seq: 9 } }),
  ];
  steps.forEach((step, i) => {
    step();
    if ((i + 1) % persistEvery === 0) r.persist();
  });
  r.persist();
}

describe('persistence through takeMutations + restore', () => {
  test.each([1, 3, 1000])('restore reproduces the same stateDigest (persisting every %i entries)', (every) => {
    const r = new Replica();
    workload(r, every);
    const restored = r.restoreFromDb();
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
    expect(restored.appliedIndex).toBe(11);
    expect(restored.revision).toBe(r.sm.revision);
    expect(restored.snapshotRecords()).toEqual(r.sm.snapshotRecords());
  });

  test('the drained batches leave the db equal to a full snapshot (plus the lazy records)', () => {
    const r = new Replica();
    workload(r, 2);
    const db = [...r.db.values()].sort((x, y) => Buffer.compare(x[0], y[0]));
    expect(db.filter(([k]) => !isLazy(k))).toEqual(r.sm.snapshotRecords());
  });

  test('writes are coalesced per record: the last write of a key wins', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('1')));
    r.run(deleteOp(b('k')));
    r.run(putOp(b('j'), b('1')));
    // (The KV change log's records, lazy, are left out here: they are tested in change-log.test.ts.)
    const m1 = withoutLazy(r.sm.takeMutations());
    expect(m1.puts.map(([k]) => Buffer.from(k).toString())).toEqual(['kj', 'm']);
    expect(m1.dels.map((k) => Buffer.from(k).toString())).toEqual(['kk']);
    expect(m1.appliedIndex).toBe(3);

    r.run(deleteOp(b('j')));
    r.run(putOp(b('j'), b('2')));
    const m2 = withoutLazy(r.sm.takeMutations());
    expect(m2.dels).toEqual([]);
    expect(m2.puts.map(([k]) => Buffer.from(k).toString())).toEqual(['kj', 'm']);
    expect(r.sm.takeMutations()).toEqual({ puts: [], dels: [], appliedIndex: 5 });
  });

  test('record order does not matter to restore', () => {
    const r = new Replica();
    workload(r, 1000);
    const records = r.sm.snapshotRecords().reverse();
    expect(StateMachine.restore(records, r.sm.appliedIndex).stateDigest()).toBe(r.sm.stateDigest());
  });

  test('a restored machine continues exactly like the original', () => {
    const r = new Replica();
    workload(r, 4);
    const restored = r.restoreFromDb();
    for (const sm of [r.sm, restored]) {
      const data = encodeCommand({ stampMs: 70_000_002, session: { clientId: 'c3', seq: 9 }, op: putOp(b('z'), b('x')) });
      expect(sm.apply(entryOf(12, data))).toMatchObject({ kind: 'ok', duplicate: true });
    }
    expect(restored.stateDigest()).toBe(r.sm.stateDigest());
  });

  test('corrupt or inconsistent records throw RecordDecodeError', () => {
    const r = new Replica();
    workload(r, 1000);
    const good = r.sm.snapshotRecords();
    const corrupt: Array<Array<[Uint8Array, Uint8Array]>> = [
      [...good, [b('x'), Uint8Array.of(1)]], // unknown kind
      [...good, [b('k'), Uint8Array.of(1, 1, 1, 1)]], // KV record without a key
      [[b('kq'), Uint8Array.of(3, 1, 1, 1, 0)]], // unknown record version
      [[b('kq'), Uint8Array.of(2, 1, 1, 1)]], // KV v2 without its lease
      [[b('kq'), Uint8Array.of(2, 1, 1, 1, 5, 0x76)]], // attached to a lease that does not exist
      [[b('l'), Uint8Array.of(1, 5)]], // lease key without its id
      [[b('l\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000'), Uint8Array.of(1, 5)]], // lease id 0
      [[b('m'), Uint8Array.of(1, 0x80)]], // truncated meta
      [[b('m'), Uint8Array.of(1, 100, 0)]], // revision beyond the applied index
      [[b('m'), Uint8Array.of(3, 5, 0, 6, 1, ...new Fnv1a64().toBytes())]], // compact revision beyond the revision
      [[b('m'), Uint8Array.of(3, 5, 0, 2, 0, ...new Fnv1a64().toBytes())]], // next lease id 0
      [[b('sc'), Uint8Array.of(1, 1, 0, 0, 9)]], // session with an unknown response tag
    ];
    for (const records of corrupt) {
      expect(() => StateMachine.restore(records, r.sm.appliedIndex)).toThrow(RecordDecodeError);
    }
  });
});

describe('applying entries', () => {
  test('an undecodable entry is an error result and still advances the applied index', () => {
    const r = new Replica();
    const res = r.applyData(Uint8Array.of(1, 0, 0, 1)); // truncated put
    expect(res).toMatchObject({ kind: 'error', index: 1, revision: 1, error: { code: 'decode_error' } });
    expect(res.kind === 'error' && res.error.code === 'decode_error' && res.error.reason).toMatch(/truncated/);
    expect(r.sm.appliedIndex).toBe(1);
  });

  test('noop entries and empty data are no-ops that advance the applied index', () => {
    const r = new Replica();
    expect(r.applyData(encodeCommand({ stampMs: 1, op: putOp(b('k'), b('v')) }), 'noop')).toEqual({
      kind: 'noop',
      index: 1,
      revision: 1,
    });
    expect(r.applyData(new Uint8Array(0))).toEqual({ kind: 'noop', index: 2, revision: 1 });
    expect(r.keys()).toEqual([]);
    expect(r.sm.appliedIndex).toBe(2);
  });

  test('entries must arrive in order without gaps: a gap is a driver bug and throws', () => {
    const sm = new StateMachine();
    expect(() => sm.apply(entryOf(2, new Uint8Array(0)))).toThrow(/does not follow/);
    sm.apply(entryOf(1, new Uint8Array(0)));
    expect(() => sm.apply(entryOf(1, new Uint8Array(0)))).toThrow(/does not follow/);
  });

  test('the digest covers values and the applied index', () => {
    const x = new Replica();
    const y = new Replica();
    x.run(putOp(b('k'), b('1')));
    y.run(putOp(b('k'), b('2')));
    expect(x.sm.stateDigest()).not.toBe(y.sm.stateDigest());
    const z = new Replica();
    z.run(putOp(b('k'), b('1')));
    expect(z.sm.stateDigest()).toBe(x.sm.stateDigest());
    z.applyData(new Uint8Array(0));
    expect(z.sm.stateDigest()).not.toBe(x.sm.stateDigest());
  });

  test('a bad config field is rejected up front', () => {
    expect(() => new StateMachine({ sessionsMax: 0 })).toThrow(/sessionsMax/);
    expect(() => new StateMachine({ sessionTtlMs: 1.5 })).toThrow(/sessionTtlMs/);
  });
});
