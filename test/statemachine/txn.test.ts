import { casOp, deleteOp, putOp, rangeOp, type TxnOp } from '../../src/statemachine/command';
import type { TxnResponse } from '../../src/statemachine/results';
import { b, okResponse, Replica, text } from './helpers';

function txnResponse(r: Replica, op: TxnOp): TxnResponse {
  const res = okResponse(r.run(op));
  if (res.type !== 'txn') throw new Error(`expected a txn response, got ${res.type}`);
  return res;
}

describe('txn', () => {
  test('a failing compare runs the failure branch and nothing of the success branch', () => {
    const r = new Replica();
    r.run(putOp(b('flag'), b('off'))); // revision 2
    const recordsBefore = r.sm.snapshotRecords();
    const res = txnResponse(r, {
      type: 'txn',
      compare: [{ key: b('flag'), target: 'value', result: 'equal', value: b('on') }],
      success: [putOp(b('a'), b('1')), putOp(b('b'), b('2')), deleteOp(b('flag'))],
      failure: [rangeOp(b('flag'))],
    });
    expect(res.succeeded).toBe(false);
    expect(res.responses).toHaveLength(1);
    expect(res.responses[0]).toMatchObject({ type: 'range', count: 1 });
    expect(r.keys()).toEqual(['flag']);
    expect(r.sm.revision).toBe(2); // a read-only branch changes no revision
    // Only the applied index moved: every persisted record is as before.
    expect(r.sm.snapshotRecords()).toEqual(recordsBefore);
  });

  test('a passing compare applies every success op at one revision', () => {
    const r = new Replica();
    r.run(putOp(b('flag'), b('on'))); // revision 2
    const res = txnResponse(r, {
      type: 'txn',
      compare: [
        { key: b('flag'), target: 'value', result: 'equal', value: b('on') },
        { key: b('flag'), target: 'version', result: 'equal', value: 1 },
      ],
      success: [putOp(b('a'), b('1')), putOp(b('b'), b('2')), deleteOp(b('flag'))],
      failure: [],
    });
    expect(res.succeeded).toBe(true);
    expect(r.keys()).toEqual(['a', 'b']);
    expect(r.get('a')?.modRevision).toBe(3);
    expect(r.get('b')?.modRevision).toBe(3);
    expect(r.sm.revision).toBe(3);
  });

  test('all compares must hold (AND)', () => {
    const r = new Replica();
    r.run(putOp(b('x'), b('1')));
    const res = txnResponse(r, {
      type: 'txn',
      compare: [
        { key: b('x'), target: 'value', result: 'equal', value: b('1') },
        { key: b('x'), target: 'version', result: 'greater', value: 1 },
      ],
      success: [putOp(b('y'), b('1'))],
      failure: [],
    });
    expect(res.succeeded).toBe(false);
    expect(r.value('y')).toBeUndefined();
  });

  test('a range after a put in the same branch sees the put', () => {
    const r = new Replica();
    const res = txnResponse(r, {
      type: 'txn',
      compare: [],
      success: [putOp(b('k'), b('new')), rangeOp(b('k'))],
      failure: [],
    });
    const range = res.responses[1];
    expect(range?.type === 'range' && text(range.kvs[0]!.value)).toBe('new');
  });

  test('a value compare on a missing key is false, even notEqual (etcd)', () => {
    const r = new Replica();
    const res = txnResponse(r, {
      type: 'txn',
      compare: [{ key: b('missing'), target: 'value', result: 'notEqual', value: b('x') }],
      success: [putOp(b('hit'), b('1'))],
      failure: [],
    });
    expect(res.succeeded).toBe(false);
  });

  test('number compares treat a missing key as version/createRevision/modRevision 0', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('v'))); // revision 2
    r.run(putOp(b('k'), b('w'))); // 3
    const cases: Array<[TxnOp['compare'][number], boolean]> = [
      [{ key: b('missing'), target: 'createRevision', result: 'equal', value: 0 }, true],
      [{ key: b('missing'), target: 'modRevision', result: 'less', value: 1 }, true],
      [{ key: b('missing'), target: 'lease', result: 'equal', value: 0 }, true],
      [{ key: b('k'), target: 'lease', result: 'equal', value: 0 }, true],
      [{ key: b('k'), target: 'createRevision', result: 'equal', value: 2 }, true],
      [{ key: b('k'), target: 'modRevision', result: 'greater', value: 2 }, true],
      [{ key: b('k'), target: 'version', result: 'less', value: 2 }, false],
      [{ key: b('k'), target: 'version', result: 'notEqual', value: 3 }, true],
      [{ key: b('k'), target: 'value', result: 'greater', value: b('v') }, true],
      [{ key: b('k'), target: 'value', result: 'less', value: b('w') }, false],
    ];
    for (const [compare, expected] of cases) {
      expect(txnResponse(r, { type: 'txn', compare: [compare], success: [], failure: [] }).succeeded).toBe(expected);
    }
  });
});

describe('casOp', () => {
  test('null expects an absent key; the loser reads the winning value', () => {
    const r = new Replica();
    expect(txnResponse(r, casOp(b('lock'), null, b('alice'))).succeeded).toBe(true);
    const lost = txnResponse(r, casOp(b('lock'), null, b('bob')));
    expect(lost.succeeded).toBe(false);
    const seen = lost.responses[0];
    expect(seen?.type === 'range' && text(seen.kvs[0]!.value)).toBe('alice');
    expect(r.value('lock')).toBe('alice');
  });

  test('swaps only when the current value is the expected one', () => {
    const r = new Replica();
    r.run(putOp(b('n'), b('1')));
    expect(txnResponse(r, casOp(b('n'), b('2'), b('3'))).succeeded).toBe(false);
    expect(r.value('n')).toBe('1');
    expect(txnResponse(r, casOp(b('n'), b('1'), b('2'))).succeeded).toBe(true);
    expect(r.get('n')).toMatchObject({ version: 2, modRevision: 3 }); // two writing commands: revisions 2 and 3
  });

  test('expecting a value fails on an absent key', () => {
    const r = new Replica();
    expect(txnResponse(r, casOp(b('n'), b(''), b('x'))).succeeded).toBe(false);
    expect(r.value('n')).toBeUndefined();
  });
});

describe('validation: errors are results, never throws, nothing applied', () => {
  const cases: Array<[string, TxnOp | ReturnType<typeof putOp>]> = [
    ['two puts of one key in a branch', { type: 'txn', compare: [], success: [putOp(b('k'), b('1')), putOp(b('k'), b('2'))], failure: [] }],
    [
      'a put inside a range the branch deletes',
      { type: 'txn', compare: [], success: [{ type: 'delete', key: b('a'), rangeEnd: b('c') }, putOp(b('b'), b('1'))], failure: [] },
    ],
    ['an empty key', putOp(new Uint8Array(0), b('v'))],
    ['an oversized value', putOp(b('k'), new Uint8Array(65))],
    ['an oversized key in a failure branch', { type: 'txn', compare: [], success: [], failure: [putOp(new Uint8Array(17), b('v'))] }],
    ['too many ops', { type: 'txn', compare: [], success: Array.from({ length: 5 }, (_, i) => putOp(b(`k${i}`), b('v'))), failure: [] }],
  ];

  test.each(cases)('%s', (_name, op) => {
    const r = new Replica({ valueBytesMax: 64, keyBytesMax: 16, txnOpsMax: 4 });
    r.run(putOp(b('seed'), b('v'))); // index 1, revision 2
    const records = r.sm.snapshotRecords();
    const res = r.run(op);
    expect(res).toMatchObject({ kind: 'error', index: 2, revision: 2, error: { code: 'invalid_command' } });
    expect(r.sm.appliedIndex).toBe(2);
    expect(r.sm.snapshotRecords()).toEqual(records);
  });

  test('puts of one key in different branches are fine', () => {
    const r = new Replica();
    const res = r.run({ type: 'txn', compare: [], success: [putOp(b('k'), b('1'))], failure: [putOp(b('k'), b('2'))] });
    expect(res.kind).toBe('ok');
  });
});
