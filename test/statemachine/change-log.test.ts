import { casOp, deleteOp, deleteRangeOp, putOp } from '../../src/statemachine/command';
import { prefixEnd } from '../../src/statemachine/key-range';
import { StateMachine } from '../../src/statemachine/state-machine';
import { changeRecordKey, changeRecordRange, decodeChangeRecord, type KvChange } from '../../src/statemachine/log-records';
import { b, Replica, scanDb, text } from './helpers';

/** The change log as storage holds it, from `fromRevision` on (persisting first). */
function changes(r: Replica, fromRevision = 0): KvChange[] {
  r.persist();
  return scanDb(r, changeRecordRange(fromRevision)).map(([, v]) => decodeChangeRecord(v));
}

/** A compact view: kind, key, value, revisions. */
function brief(c: KvChange): string {
  const v = c.value === undefined ? '' : `=${text(c.value)}`;
  return `${c.revision} ${c.kind} ${text(c.key)}${v} c${c.createRevision} m${c.modRevision} v${c.version}`;
}

describe('KV change log (what Watch streams)', () => {
  test('a put records the new pair with its revisions and version', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('1')));
    r.run(putOp(b('k'), b('2')));
    expect(changes(r)).toEqual([
      { revision: 2, kind: 'put', key: b('k'), value: b('1'), createRevision: 2, modRevision: 2, version: 1, lease: 0 },
      { revision: 3, kind: 'put', key: b('k'), value: b('2'), createRevision: 2, modRevision: 3, version: 2, lease: 0 },
    ]);
  });

  test('a delete records an etcd tombstone; deleting nothing records nothing', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('1')));
    r.run(deleteOp(b('missing')));
    r.run(deleteOp(b('k')));
    expect(changes(r)).toEqual([
      { revision: 2, kind: 'put', key: b('k'), value: b('1'), createRevision: 2, modRevision: 2, version: 1, lease: 0 },
      { revision: 3, kind: 'delete', key: b('k'), createRevision: 0, modRevision: 3, version: 0, lease: 0 },
    ]);
  });

  test('a deleteRange records one change per deleted key, in key order, numbered within the revision', () => {
    const r = new Replica();
    for (const k of ['a/2', 'a/1', 'a/3', 'b']) r.run(putOp(b(k), b('x')));
    r.run(deleteRangeOp(b('a/'), prefixEnd(b('a/'))));
    expect(changes(r, 6).map(brief)).toEqual(['6 delete a/1 c0 m6 v0', '6 delete a/2 c0 m6 v0', '6 delete a/3 c0 m6 v0']);
    r.persist();
    expect(r.db.has(Buffer.from(changeRecordKey(6, 2)).toString('latin1'))).toBe(true);
    expect(r.db.has(Buffer.from(changeRecordKey(6, 3)).toString('latin1'))).toBe(false);
  });

  test('a txn records its writes in op order at one revision; reads and failed compares record nothing', () => {
    const r = new Replica();
    r.run(putOp(b('old'), b('o')));
    r.run({
      type: 'txn',
      compare: [],
      success: [putOp(b('z'), b('1')), { type: 'range', key: b('z') }, deleteOp(b('old')), putOp(b('a'), b('2'))],
      failure: [],
    });
    r.run(casOp(b('z'), b('nope'), b('3'))); // compare fails: the failure branch only reads
    expect(changes(r, 3).map(brief)).toEqual(['3 put z=1 c3 m3 v1', '3 delete old c0 m3 v0', '3 put a=2 c3 m3 v1']);
    expect(changes(r, 4)).toEqual([]);
  });

  test('topic ops record no KV change; the range from a revision starts exactly there', () => {
    const r = new Replica();
    r.run(putOp(b('a'), b('1')));
    r.run({ type: 'createTopic', topic: 't', policy: { kind: 'retain' } });
    r.run({ type: 'append', topic: 't', records: [{ value: b('v') }] });
    r.run(putOp(b('a'), b('2')));
    expect(changes(r).map((c) => c.revision)).toEqual([2, 3]);
    expect(changes(r, 3).map((c) => c.revision)).toEqual([3]);
    expect(changes(r, 4)).toEqual([]);
  });

  test('change and history records are lazy: never in snapshotRecords, and restore does not need them', () => {
    const r = new Replica();
    r.run(putOp(b('a'), b('1')));
    r.run(deleteOp(b('a')));
    r.persist();
    expect(r.sm.snapshotRecords().some(([k]) => k[0] === 0x63 || k[0] === 0x68)).toBe(false);
    const withoutLazy = [...r.db.values()].filter(([k]) => k[0] !== 0x63 && k[0] !== 0x68);
    expect(StateMachine.restore(withoutLazy, r.dbAppliedIndex).stateDigest()).toBe(r.sm.stateDigest());
    // Given to restore anyway, they are checked and dropped.
    expect(StateMachine.restore(r.db.values(), r.dbAppliedIndex).stateDigest()).toBe(r.sm.stateDigest());
  });

  test('a change record carries the lease of the put; changes of format v1 decode with lease 0', () => {
    const r = new Replica();
    const grant = r.run({ type: 'leaseGrant', id: 7, ttlSeconds: 10 });
    expect(grant.revision).toBe(1); // a grant is not a KV write
    r.run(putOp(b('k'), b('v'), { lease: 7 }));
    r.run({ type: 'leaseRevoke', id: 7 });
    expect(changes(r).map((c) => [c.kind, c.revision, c.lease])).toEqual([
      ['put', 2, 7],
      ['delete', 3, 0],
    ]);
    // v1: version, kind, revision, createRevision, modRevision, version, key, value.
    const v1 = Uint8Array.of(1, 1, 5, 4, 5, 2, 1, 0x6b, 0x76);
    expect(decodeChangeRecord(v1)).toEqual({ revision: 5, kind: 'put', key: b('k'), value: b('v'), createRevision: 4, modRevision: 5, version: 2, lease: 0 });
    expect(() => decodeChangeRecord(Uint8Array.of(3, 1, 5, 4, 5, 2, 0, 1, 0x6b))).toThrow(/change record version 3/);
  });
});
