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
      { revision: 1, kind: 'put', key: b('k'), value: b('1'), createRevision: 1, modRevision: 1, version: 1 },
      { revision: 2, kind: 'put', key: b('k'), value: b('2'), createRevision: 1, modRevision: 2, version: 2 },
    ]);
  });

  test('a delete records an etcd tombstone; deleting nothing records nothing', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('1')));
    r.run(deleteOp(b('missing')));
    r.run(deleteOp(b('k')));
    expect(changes(r)).toEqual([
      { revision: 1, kind: 'put', key: b('k'), value: b('1'), createRevision: 1, modRevision: 1, version: 1 },
      { revision: 3, kind: 'delete', key: b('k'), createRevision: 0, modRevision: 3, version: 0 },
    ]);
  });

  test('a deleteRange records one change per deleted key, in key order, numbered within the revision', () => {
    const r = new Replica();
    for (const k of ['a/2', 'a/1', 'a/3', 'b']) r.run(putOp(b(k), b('x')));
    r.run(deleteRangeOp(b('a/'), prefixEnd(b('a/'))));
    expect(changes(r, 5).map(brief)).toEqual(['5 delete a/1 c0 m5 v0', '5 delete a/2 c0 m5 v0', '5 delete a/3 c0 m5 v0']);
    r.persist();
    expect(r.db.has(Buffer.from(changeRecordKey(5, 2)).toString('latin1'))).toBe(true);
    expect(r.db.has(Buffer.from(changeRecordKey(5, 3)).toString('latin1'))).toBe(false);
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
    expect(changes(r, 2).map(brief)).toEqual(['2 put z=1 c2 m2 v1', '2 delete old c0 m2 v0', '2 put a=2 c2 m2 v1']);
  });

  test('topic ops record no KV change; the range from a revision starts exactly there', () => {
    const r = new Replica();
    r.run(putOp(b('a'), b('1')));
    r.run({ type: 'createTopic', topic: 't', policy: { kind: 'retain' } });
    r.run({ type: 'append', topic: 't', records: [{ value: b('v') }] });
    r.run(putOp(b('a'), b('2')));
    expect(changes(r).map((c) => c.revision)).toEqual([1, 4]);
    expect(changes(r, 2).map((c) => c.revision)).toEqual([4]);
    expect(changes(r, 5)).toEqual([]);
  });

  test('change records are lazy: never in snapshotRecords, and restore does not need them', () => {
    const r = new Replica();
    r.run(putOp(b('a'), b('1')));
    r.run(deleteOp(b('a')));
    r.persist();
    expect(r.sm.snapshotRecords().some(([k]) => k[0] === 0x63)).toBe(false);
    const withoutChanges = [...r.db.values()].filter(([k]) => k[0] !== 0x63);
    expect(StateMachine.restore(withoutChanges, r.dbAppliedIndex).stateDigest()).toBe(r.sm.stateDigest());
  });
});
