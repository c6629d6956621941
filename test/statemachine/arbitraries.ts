/** fast-check generators of commands in canonical form (absent rather than empty/false/0). */

import fc from 'fast-check';
import type { Command, Compare, CompareResult, DeleteOp, Op, PutOp, RangeOp, TxnOp, TxnRequestOp } from '../../src/statemachine/command';

export interface CommandShape {
  readonly key: fc.Arbitrary<Uint8Array>;
  readonly value: fc.Arbitrary<Uint8Array>;
  readonly clientId: fc.Arbitrary<string>;
  readonly seq: fc.Arbitrary<number>;
  readonly stampMs: fc.Arbitrary<number>;
  readonly count: fc.Arbitrary<number>;
  readonly opsMax: number;
}

/** Anything the codec must carry: arbitrary bytes and numbers up to 2^53 - 1. */
export const wideShape: CommandShape = {
  key: fc.uint8Array({ maxLength: 12 }),
  value: fc.uint8Array({ maxLength: 24 }),
  clientId: fc.string({ unit: 'binary', maxLength: 8 }),
  seq: fc.maxSafeNat(),
  stampMs: fc.maxSafeNat(),
  count: fc.maxSafeNat(),
  opsMax: 4,
};

const nonEmpty = (a: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> => a.filter((x) => x.length > 0);
const results: readonly CompareResult[] = ['equal', 'notEqual', 'less', 'greater'];

export function putArb(s: CommandShape): fc.Arbitrary<PutOp> {
  return fc
    .tuple(s.key, s.value, fc.boolean())
    .map(([key, value, prevKv]): PutOp => (prevKv ? { type: 'put', key, value, prevKv } : { type: 'put', key, value }));
}

export function deleteArb(s: CommandShape): fc.Arbitrary<DeleteOp> {
  return fc.tuple(s.key, fc.option(nonEmpty(s.key)), fc.boolean()).map(([key, rangeEnd, prevKv]) => {
    const op: { type: 'delete'; key: Uint8Array; rangeEnd?: Uint8Array; prevKv?: boolean } = { type: 'delete', key };
    if (rangeEnd !== null) op.rangeEnd = rangeEnd;
    if (prevKv) op.prevKv = true;
    return op;
  });
}

export function rangeArb(s: CommandShape): fc.Arbitrary<RangeOp> {
  return fc.tuple(s.key, fc.option(nonEmpty(s.key)), fc.option(s.count.filter((n) => n > 0))).map(([key, rangeEnd, limit]) => {
    const op: { type: 'range'; key: Uint8Array; rangeEnd?: Uint8Array; limit?: number } = { type: 'range', key };
    if (rangeEnd !== null) op.rangeEnd = rangeEnd;
    if (limit !== null) op.limit = limit;
    return op;
  });
}

export function compareArb(s: CommandShape): fc.Arbitrary<Compare> {
  const result = fc.constantFrom(...results);
  return fc.oneof(
    fc.tuple(s.key, result, s.value).map(([key, r, value]): Compare => ({ key, target: 'value', result: r, value })),
    fc
      .tuple(s.key, fc.constantFrom('version' as const, 'createRevision' as const, 'modRevision' as const), result, s.count)
      .map(([key, target, r, value]): Compare => ({ key, target, result: r, value })),
  );
}

export function txnArb(s: CommandShape): fc.Arbitrary<TxnOp> {
  const sub: fc.Arbitrary<TxnRequestOp> = fc.oneof(putArb(s), deleteArb(s), rangeArb(s));
  const branch = fc.array(sub, { maxLength: s.opsMax });
  return fc
    .tuple(fc.array(compareArb(s), { maxLength: s.opsMax }), branch, branch)
    .map(([compare, success, failure]): TxnOp => ({ type: 'txn', compare, success, failure }));
}

export function opArb(s: CommandShape): fc.Arbitrary<Op> {
  return fc.oneof(putArb(s), deleteArb(s), txnArb(s));
}

export function commandArb(s: CommandShape): fc.Arbitrary<Command> {
  const session = fc.option(fc.record({ clientId: s.clientId, seq: s.seq }));
  return fc
    .tuple(session, s.stampMs, opArb(s))
    .map(([sess, stampMs, op]): Command => (sess === null ? { stampMs, op } : { session: sess, stampMs, op }));
}
