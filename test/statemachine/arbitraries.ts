/** fast-check generators of commands in canonical form (absent rather than empty/false/0). */

import fc from 'fast-check';
import type {
  AppendOp,
  AppendRecord,
  Command,
  CommitOffsetOp,
  CompactOp,
  Compare,
  CompareResult,
  CreateTopicOp,
  DeleteOp,
  LeaseGrantOp,
  LeaseRevokeOp,
  Op,
  PutOp,
  RangeOp,
  TopicOp,
  TopicPolicy,
  TxnOp,
  TxnRequestOp,
} from '../../src/statemachine/command';

export interface CommandShape {
  readonly key: fc.Arbitrary<Uint8Array>;
  readonly value: fc.Arbitrary<Uint8Array>;
  readonly clientId: fc.Arbitrary<string>;
  readonly seq: fc.Arbitrary<number>;
  readonly stampMs: fc.Arbitrary<number>;
  readonly count: fc.Arbitrary<number>;
  readonly opsMax: number;
  /** When present, commands include topic ops (createTopic, append, commitOffset). */
  readonly topics?: TopicShape;
  /** When present, puts carry leases and ignore flags, compares target leases, and commands include leaseGrant, leaseRevoke and compact. */
  readonly etcd?: EtcdShape;
}

export interface EtcdShape {
  /** Lease ids in puts, grants (0 = assign), revokes and compares. */
  readonly leaseId: fc.Arbitrary<number>;
  readonly ttlSeconds: fc.Arbitrary<number>;
  /** Compact revisions. */
  readonly revision: fc.Arbitrary<number>;
}

export interface TopicShape {
  readonly topic: fc.Arbitrary<string>;
  readonly group: fc.Arbitrary<string>;
  readonly headerName: fc.Arbitrary<string>;
  /** Record keys: absent (null) or bytes. */
  readonly recordKey: fc.Arbitrary<Uint8Array | null>;
  readonly recordValue: fc.Arbitrary<Uint8Array>;
  /** retainRecords / retainBytes values when present. */
  readonly retainRecords: fc.Arbitrary<number>;
  readonly retainBytes: fc.Arbitrary<number>;
  readonly offset: fc.Arbitrary<number>;
  readonly recordsMin: number;
  readonly recordsMax: number;
  readonly headersMax: number;
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
  etcd: { leaseId: fc.maxSafeNat(), ttlSeconds: fc.maxSafeNat(), revision: fc.maxSafeNat() },
};

const nonEmpty = (a: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> => a.filter((x) => x.length > 0);
const results: readonly CompareResult[] = ['equal', 'notEqual', 'less', 'greater'];

export function putArb(s: CommandShape): fc.Arbitrary<PutOp> {
  if (s.etcd === undefined) {
    return fc
      .tuple(s.key, s.value, fc.boolean())
      .map(([key, value, prevKv]): PutOp => (prevKv ? { type: 'put', key, value, prevKv } : { type: 'put', key, value }));
  }
  const flag = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc.tuple(s.key, s.value, fc.boolean(), fc.option(s.etcd.leaseId), flag, flag).map(([key, value, prevKv, lease, ignoreValue, ignoreLease]) => {
    const op: { type: 'put'; key: Uint8Array; value: Uint8Array; prevKv?: boolean; lease?: number; ignoreValue?: boolean; ignoreLease?: boolean } = {
      type: 'put',
      key,
      value: ignoreValue ? new Uint8Array(0) : value,
    };
    if (prevKv) op.prevKv = true;
    if (lease !== null && lease !== 0 && !ignoreLease) op.lease = lease;
    if (ignoreValue) op.ignoreValue = true;
    if (ignoreLease) op.ignoreLease = true;
    return op;
  });
}

export function leaseGrantArb(e: EtcdShape): fc.Arbitrary<LeaseGrantOp> {
  return fc.tuple(e.leaseId, e.ttlSeconds).map(([id, ttlSeconds]): LeaseGrantOp => ({ type: 'leaseGrant', id, ttlSeconds }));
}

export function leaseRevokeArb(e: EtcdShape): fc.Arbitrary<LeaseRevokeOp> {
  return e.leaseId.map((id): LeaseRevokeOp => ({ type: 'leaseRevoke', id }));
}

export function compactArb(e: EtcdShape): fc.Arbitrary<CompactOp> {
  return e.revision.map((revision): CompactOp => ({ type: 'compact', revision }));
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
  const numeric = fc
    .tuple(s.key, fc.constantFrom('version' as const, 'createRevision' as const, 'modRevision' as const), result, s.count)
    .map(([key, target, r, value]): Compare => ({ key, target, result: r, value }));
  const byValue = fc.tuple(s.key, result, s.value).map(([key, r, value]): Compare => ({ key, target: 'value', result: r, value }));
  if (s.etcd === undefined) return fc.oneof(byValue, numeric);
  const byLease = fc.tuple(s.key, result, s.etcd.leaseId).map(([key, r, value]): Compare => ({ key, target: 'lease', result: r, value }));
  return fc.oneof(byValue, numeric, byLease);
}

export function txnArb(s: CommandShape): fc.Arbitrary<TxnOp> {
  const sub: fc.Arbitrary<TxnRequestOp> = fc.oneof(putArb(s), deleteArb(s), rangeArb(s));
  const branch = fc.array(sub, { maxLength: s.opsMax });
  return fc
    .tuple(fc.array(compareArb(s), { maxLength: s.opsMax }), branch, branch)
    .map(([compare, success, failure]): TxnOp => ({ type: 'txn', compare, success, failure }));
}

export function policyArb(t: TopicShape): fc.Arbitrary<TopicPolicy> {
  return fc.oneof(
    fc.constant<TopicPolicy>({ kind: 'compact' }),
    fc.tuple(fc.option(t.retainRecords), fc.option(t.retainBytes)).map(([records, bytes]): TopicPolicy => {
      const policy: { kind: 'retain'; retainRecords?: number; retainBytes?: number } = { kind: 'retain' };
      if (records !== null) policy.retainRecords = records;
      if (bytes !== null) policy.retainBytes = bytes;
      return policy;
    }),
  );
}

export function createTopicArb(t: TopicShape): fc.Arbitrary<CreateTopicOp> {
  return fc.tuple(t.topic, policyArb(t)).map(([topic, policy]): CreateTopicOp => ({ type: 'createTopic', topic, policy }));
}

export function appendRecordArb(t: TopicShape): fc.Arbitrary<AppendRecord> {
  const headers = fc.array(fc.tuple(t.headerName, t.recordValue), { maxLength: t.headersMax });
  return fc.tuple(t.recordKey, t.recordValue, headers).map(([key, value, hs]) => {
    const record: { key?: Uint8Array; value: Uint8Array; headers?: Array<[string, Uint8Array]> } = { value };
    if (key !== null) record.key = key;
    if (hs.length > 0) record.headers = hs;
    return record;
  });
}

export function appendArb(t: TopicShape): fc.Arbitrary<AppendOp> {
  return fc
    .tuple(t.topic, fc.array(appendRecordArb(t), { minLength: t.recordsMin, maxLength: t.recordsMax }))
    .map(([topic, records]): AppendOp => ({ type: 'append', topic, records }));
}

export function commitOffsetArb(t: TopicShape): fc.Arbitrary<CommitOffsetOp> {
  return fc.tuple(t.group, t.topic, t.offset, fc.boolean()).map(
    ([group, topic, offset, force]): CommitOffsetOp =>
      force ? { type: 'commitOffset', group, topic, offset, force } : { type: 'commitOffset', group, topic, offset },
  );
}

export function topicOpArb(t: TopicShape): fc.Arbitrary<TopicOp> {
  return fc.oneof(
    { weight: 1, arbitrary: createTopicArb(t) },
    { weight: 3, arbitrary: appendArb(t) },
    { weight: 1, arbitrary: commitOffsetArb(t) },
  );
}

export function opArb(s: CommandShape): fc.Arbitrary<Op> {
  const kinds: Array<fc.Arbitrary<Op>> = [putArb(s), deleteArb(s), txnArb(s)];
  if (s.etcd !== undefined) kinds.push(leaseGrantArb(s.etcd), leaseRevokeArb(s.etcd), compactArb(s.etcd));
  const kv = fc.oneof(...kinds);
  return s.topics === undefined ? kv : fc.oneof(kv, topicOpArb(s.topics));
}

/** Anything the codec must carry, topic ops included: any strings, any numbers, empty keys. */
export const wideTopicShape: TopicShape = {
  topic: fc.string({ unit: 'binary', maxLength: 8 }),
  group: fc.string({ unit: 'binary', maxLength: 8 }),
  headerName: fc.string({ unit: 'binary', maxLength: 6 }),
  recordKey: fc.option(fc.uint8Array({ maxLength: 8 })),
  recordValue: fc.uint8Array({ maxLength: 12 }),
  retainRecords: fc.maxSafeNat(),
  retainBytes: fc.maxSafeNat(),
  offset: fc.maxSafeNat(),
  recordsMin: 0,
  recordsMax: 4,
  headersMax: 3,
};

export function commandArb(s: CommandShape): fc.Arbitrary<Command> {
  const session = fc.option(fc.record({ clientId: s.clientId, seq: s.seq }));
  return fc
    .tuple(session, s.stampMs, opArb(s))
    .map(([sess, stampMs, op]): Command => (sess === null ? { stampMs, op } : { session: sess, stampMs, op }));
}
