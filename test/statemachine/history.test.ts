import fc from 'fast-check';
import { compactOp, deleteOp, leaseGrantOp, leaseRevokeOp, putOp, type Op } from '../../src/statemachine/command';
import { HistoryCompactor, historyGarbage, HistoryResolver, resolveHistory } from '../../src/statemachine/history';
import { prefixEnd, RANGE_END_ALL, rangeContains } from '../../src/statemachine/key-range';
import {
  changeRecordRange,
  changeRecordsBelow,
  decodeChangeRecord,
  encodeChangeRecord,
  historyRange,
  historyRecordKey,
  parseHistoryRecordKey,
  previousVersionRange,
  type RecordRange,
} from '../../src/statemachine/log-records';
import { RecordDecodeError } from '../../src/statemachine/records';
import type { KeyValue } from '../../src/statemachine/results';
import { StateMachine } from '../../src/statemachine/state-machine';
import { compareArb, deleteArb, putArb, rangeArb, type CommandShape, type EtcdShape } from './arbitraries';
import { b, Replica, scanDb, text } from './helpers';
import { ModelKv, type ModelOp } from './model';

type Row = [Uint8Array, Uint8Array];

const cmp = (x: Uint8Array, y: Uint8Array): number => Buffer.compare(x, y);

/** Every history record in storage, in key order (selected by prefix byte, independently of historyRange). */
function historyRows(r: Replica): Row[] {
  r.persist();
  return [...r.db.values()].filter(([k]) => k[0] === 0x68).sort((x, y) => cmp(x[0], y[0]));
}

function inRange(rows: readonly Row[], range: RecordRange): Row[] {
  return rows.filter(([k]) => cmp(k, range.gte) >= 0 && cmp(k, range.lt) < 0);
}

/** Pushes `rows` in pages cut at `cuts` (positions, any order, repeats allowed). */
function inPages<T>(rows: readonly Row[], cuts: readonly number[], push: (page: Row[]) => T[], finish: () => T[]): T[] {
  const at = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((x, y) => x - y);
  const out: T[] = [];
  let from = 0;
  for (const cut of [...at, rows.length]) {
    out.push(...push(rows.slice(from, cut)));
    from = cut;
  }
  out.push(...finish());
  return out;
}

describe('history record keys', () => {
  const keyArb = fc.uint8Array({ minLength: 1, maxLength: 6 }).map((k) => k.map((x) => [0, 1, 0xfe, 0xff, 0x61][x % 5]!));
  const revArb = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat());

  test('property: byte order of history keys is (key, revision) order, and keys parse back', () => {
    fc.assert(
      fc.property(keyArb, revArb, keyArb, revArb, (k1, r1, k2, r2) => {
        const expected = Math.sign(cmp(k1, k2) || r1 - r2);
        expect(Math.sign(cmp(historyRecordKey(k1, r1), historyRecordKey(k2, r2)))).toBe(expected);
        expect(parseHistoryRecordKey(historyRecordKey(k1, r1))).toEqual({ key: k1, revision: r1 });
      }),
      { numRuns: 2000 },
    );
  });

  test('0x00 bytes are escaped as 0x00 0xff; the key ends with 0x00 0x00 and the revision', () => {
    expect([...historyRecordKey(Uint8Array.of(0x61, 0, 0x62), 258)]).toEqual([0x68, 0x61, 0, 0xff, 0x62, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  });

  test('malformed history keys do not parse', () => {
    const good = historyRecordKey(b('a'), 1);
    expect(parseHistoryRecordKey(good.subarray(0, good.length - 1))).toBeNull();
    expect(parseHistoryRecordKey(Uint8Array.of(0x68, 0x61, 0, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))).toBeNull(); // bad escape
    expect(parseHistoryRecordKey(Uint8Array.of(0x68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))).toBeNull(); // empty key
    expect(parseHistoryRecordKey(Uint8Array.of(0x63, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))).toBeNull(); // another prefix
  });

  test('property: historyRange selects exactly the records of the keys in etcd\'s (key, rangeEnd)', () => {
    const rangeEndArb = fc.oneof(fc.constant(undefined), fc.constant(new Uint8Array(0)), fc.constant(RANGE_END_ALL), keyArb, keyArb.map(prefixEnd));
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, fc.integer({ min: 0, max: 5 }))), keyArb, rangeEndArb, (versions, key, rangeEnd) => {
        const rows: Row[] = versions.map(([k, rev]) => [historyRecordKey(k, rev), new Uint8Array(0)]);
        rows.sort((x, y) => cmp(x[0], y[0]));
        const range = historyRange(key, rangeEnd);
        expect(range.lt.length).toBeGreaterThan(0); // an empty lt means "to the end" to scanStateMachine
        const selected = inRange(rows, range).map(([k]) => k);
        const expected = rows.map(([k]) => k).filter((k) => rangeContains(key, rangeEnd, parseHistoryRecordKey(k)!.key));
        expect(selected).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('previousVersionRange and changeRecordsBelow', () => {
    const rows: Row[] = [1, 2, 5, 9].map((rev) => [historyRecordKey(b('k'), rev), new Uint8Array(0)]);
    rows.push([historyRecordKey(b('k\u0000'), 3), new Uint8Array(0)], [historyRecordKey(b('j'), 3), new Uint8Array(0)]);
    rows.sort((x, y) => cmp(x[0], y[0]));
    const revisions = (range: RecordRange): number[] => inRange(rows, range).map(([k]) => parseHistoryRecordKey(k)!.revision);
    expect(revisions(previousVersionRange(b('k'), 5))).toEqual([1, 2]);
    expect(revisions(previousVersionRange(b('k'), 1))).toEqual([]);
    expect(revisions(previousVersionRange(b('k'), 100))).toEqual([1, 2, 5, 9]);
    const below = changeRecordsBelow(7);
    const all = changeRecordRange(0);
    expect(cmp(below.gte, all.gte)).toBeLessThanOrEqual(0);
    expect(cmp(below.lt, changeRecordRange(7).gte)).toBe(0);
  });
});

describe('history records written by the state machine', () => {
  test('every KV change writes one history record with the change record value', () => {
    const r = new Replica();
    r.run(leaseGrantOp(10, 4));
    r.run(putOp(b('k'), b('1'), { lease: 4 }));
    r.run(putOp(b('k'), b('2')));
    r.run(deleteOp(b('k')));
    const rows = historyRows(r);
    expect(rows.map(([k]) => parseHistoryRecordKey(k))).toEqual([2, 3, 4].map((revision) => ({ key: b('k'), revision })));
    expect(rows.map(([, v]) => decodeChangeRecord(v))).toEqual([
      { revision: 2, kind: 'put', key: b('k'), value: b('1'), createRevision: 2, modRevision: 2, version: 1, lease: 4 },
      { revision: 3, kind: 'put', key: b('k'), value: b('2'), createRevision: 2, modRevision: 3, version: 2, lease: 0 },
      { revision: 4, kind: 'delete', key: b('k'), createRevision: 0, modRevision: 4, version: 0, lease: 0 },
    ]);
    const changes = scanDb(r, changeRecordRange(0)).map(([, v]) => v);
    expect(rows.map(([, v]) => v)).toEqual(changes);
  });

  test('replicas whose KV histories differ have different digests, even with equal current states', () => {
    const x = new Replica();
    const y = new Replica();
    x.run(putOp(b('k'), b('1')));
    y.run(putOp(b('k'), b('other')));
    for (const r of [x, y]) r.run(putOp(b('k'), b('2')));
    expect(x.sm.read({ key: b('k') })).toEqual(y.sm.read({ key: b('k') }));
    expect(x.sm.stateDigest()).not.toBe(y.sm.stateDigest());
  });

  test('restore checks history records it is given: a value under the wrong key or revision is corrupt', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('1')));
    r.persist();
    const records = [...r.db.values()];
    expect(StateMachine.restore(records, 1).stateDigest()).toBe(r.sm.stateDigest());
    const value = encodeChangeRecord({ revision: 2, kind: 'put', key: b('k'), value: b('1'), createRevision: 2, modRevision: 2, version: 1, lease: 0 });
    expect(() => StateMachine.restore([...records, [historyRecordKey(b('j'), 2), value]], 1)).toThrow(/another key/);
    expect(() => StateMachine.restore([...records, [historyRecordKey(b('k'), 3), value]], 1)).toThrow(/revision 2 under the key of revision 3/);
    expect(() => StateMachine.restore([...records, [Uint8Array.of(0x68, 0x6b), value]], 1)).toThrow(RecordDecodeError);
  });

  test('the resolver reads a key as it was at each revision', () => {
    const r = new Replica();
    r.run(putOp(b('a'), b('1'))); // 2
    r.run(putOp(b('b'), b('1'))); // 3
    r.run(putOp(b('a'), b('2'))); // 4
    r.run(deleteOp(b('a'))); // 5
    r.run(putOp(b('a'), b('3'))); // 6
    const rows = historyRows(r);
    const at = (rev: number): string[] => resolveHistory(rows, rev).map((kv) => `${text(kv.key)}=${text(kv.value)}@${kv.createRevision}/${kv.modRevision}/${kv.version}`);
    expect(at(1)).toEqual([]);
    expect(at(2)).toEqual(['a=1@2/2/1']);
    expect(at(3)).toEqual(['a=1@2/2/1', 'b=1@3/3/1']);
    expect(at(4)).toEqual(['a=2@2/4/2', 'b=1@3/3/1']);
    expect(at(5)).toEqual(['b=1@3/3/1']);
    expect(at(6)).toEqual(['a=3@6/6/1', 'b=1@3/3/1']);
  });

  test('the resolver refuses records out of order, and pushes after finish', () => {
    const r = new Replica();
    r.run(putOp(b('a'), b('1')));
    r.run(putOp(b('b'), b('1')));
    const rows = historyRows(r);
    expect(() => new HistoryResolver(5).push([rows[1]!, rows[0]!])).toThrow(RangeError);
    expect(() => new HistoryResolver(5).push([rows[0]!, rows[0]!])).toThrow(RangeError);
    expect(() => new HistoryResolver(5).push([[b('kx'), rows[0]![1]]])).toThrow(RecordDecodeError);
    const resolver = new HistoryResolver(5);
    resolver.finish();
    expect(() => resolver.push(rows)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- against the model

// Keys with 0x00 and 0xff bytes and prefixes of each other, so escaping and group boundaries matter.
const keys = [b('a'), b('a\u0000'), b('a\u0000b'), b('a\u0000\u0000'), b('a/1'), b('ab'), Uint8Array.of(0), Uint8Array.of(0xff), b('b')];
const etcd: EtcdShape = { leaseId: fc.constantFrom(0, 1, 2), ttlSeconds: fc.constant(10), revision: fc.integer({ min: 0, max: 40 }) };
const shape: CommandShape = {
  key: fc.constantFrom(...keys),
  value: fc.constantFrom(b(''), b('x'), b('yy')),
  clientId: fc.constant('c'),
  seq: fc.constant(1),
  stampMs: fc.constant(0),
  count: fc.integer({ min: 0, max: 3 }),
  opsMax: 3,
  etcd,
};
const sub = fc.oneof(putArb(shape), deleteArb(shape), rangeArb(shape));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: putArb(shape) },
  { weight: 2, arbitrary: deleteArb(shape) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(compareArb(shape), { maxLength: 2 }), fc.array(sub, { maxLength: 3 }), fc.array(sub, { maxLength: 3 }))
      .map(([compare, success, failure]): Op => ({ type: 'txn', compare, success, failure })),
  },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2).map((id) => leaseGrantOp(10, id)) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2).map(leaseRevokeOp) },
  { weight: 1, arbitrary: etcd.revision.map(compactOp) },
);

interface Run {
  readonly replica: Replica;
  /** The model's pairs at every revision, index = revision (0 unused). */
  readonly states: KeyValue[][];
  readonly rows: Row[];
}

/** Applies `ops` to a replica and the model; returns the model's state at every revision and the history records. */
function run(ops: readonly Op[]): Run {
  const replica = new Replica();
  const model = new ModelKv();
  const states: KeyValue[][] = [[], []];
  for (const op of ops) {
    const result = replica.run(op);
    if (result.kind === 'error' && result.error.code === 'invalid_command') continue;
    const expected = model.apply(op as ModelOp);
    if (result.kind === 'ok') expect(result.response).toEqual(expected);
    else expect(result.kind === 'error' && result.error).toEqual(expected);
    expect(replica.sm.revision).toBe(model.revision);
    states[model.revision] = model.all();
  }
  expect(states.length).toBe(model.revision + 1); // one state per revision, none skipped
  return { replica, states, rows: historyRows(replica) };
}

const filterRange = (kvs: readonly KeyValue[], key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyValue[] =>
  kvs.filter((kv) => rangeContains(key, rangeEnd, kv.key));

describe('history against the model (property)', () => {
  test('the resolver over the history records gives the model state at every past revision, paged anywhere', () => {
    const rangeEndArb = fc.oneof(fc.constant(undefined), fc.constant(RANGE_END_ALL), fc.constantFrom(...keys));
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(...keys),
        rangeEndArb,
        (ops, cuts, key, rangeEnd) => {
          const { states, rows } = run(ops);
          for (let rev = 1; rev < states.length; rev++) {
            expect(resolveHistory(rows, rev)).toEqual(states[rev]);
            const ranged = inRange(rows, historyRange(key, rangeEnd));
            const resolver = new HistoryResolver(rev);
            const paged = inPages(ranged, cuts, (page) => resolver.push(page), () => resolver.finish());
            expect(paged).toEqual(filterRange(states[rev]!, key, rangeEnd));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('previousVersionRange: its last record, when a put, is the pair before each change (etcd prev_kv)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const { states, rows } = run(ops);
        for (const [k, v] of rows) {
          const { key, revision } = parseHistoryRecordKey(k)!;
          const before = inRange(rows, previousVersionRange(key, revision));
          const last = before.length === 0 ? undefined : decodeChangeRecord(before[before.length - 1]![1]);
          const prev = last?.kind === 'put' ? { key: last.key, value: last.value, createRevision: last.createRevision, modRevision: last.modRevision, version: last.version, lease: last.lease } : undefined;
          expect(prev).toEqual(states[revision - 1]!.find((kv) => cmp(kv.key, key) === 0));
          expect(decodeChangeRecord(v).revision).toBe(revision);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('historyGarbage: removing it keeps every read at revisions >= compactRevision, and removes all else below it', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.nat(), fc.array(fc.nat(), { maxLength: 6 }), (ops, pick, cuts) => {
        const { states, rows } = run(ops);
        const current = states.length - 1;
        const compactRevision = 1 + (pick % current);
        const garbage = historyGarbage(rows, compactRevision);
        // Streaming over pages finds the same garbage.
        const compactor = new HistoryCompactor(compactRevision);
        expect(inPages(rows, cuts, (page) => compactor.push(page), () => compactor.finish())).toEqual(garbage);
        const doomed = new Set(garbage.map((k) => Buffer.from(k).toString('latin1')));
        expect(doomed.size).toBe(garbage.length);
        const kept = rows.filter(([k]) => !doomed.has(Buffer.from(k).toString('latin1')));
        for (let rev = compactRevision; rev <= current; rev++) expect(resolveHistory(kept, rev)).toEqual(states[rev]);
        // What stays at or below compactRevision is exactly one put per key live at compactRevision.
        const keptLow = kept.filter(([k]) => parseHistoryRecordKey(k)!.revision <= compactRevision).map(([, v]) => decodeChangeRecord(v));
        expect(keptLow.every((c) => c.kind === 'put')).toBe(true);
        const live = states[compactRevision]!;
        expect(keptLow.filter((c) => !live.some((kv) => kv.modRevision === c.revision && cmp(kv.key, c.key) === 0))).toEqual([]);
        // Compacting again finds nothing more.
        expect(historyGarbage(kept, compactRevision)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
