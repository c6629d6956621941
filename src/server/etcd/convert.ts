import type { Compare__Output } from '../../generated/etcd/etcdserverpb/Compare';
import type { DeleteRangeRequest__Output } from '../../generated/etcd/etcdserverpb/DeleteRangeRequest';
import type { PutRequest__Output } from '../../generated/etcd/etcdserverpb/PutRequest';
import type { RequestOp__Output } from '../../generated/etcd/etcdserverpb/RequestOp';
import type { TxnRequest__Output } from '../../generated/etcd/etcdserverpb/TxnRequest';
import type { KeyValue as WireKeyValue } from '../../generated/etcd/mvccpb/KeyValue';
import type { Compare, CompareResult, DeleteOp, KeyValue, PutOp, TxnOp, TxnRequestOp } from '../../statemachine';
import { rangeContains } from '../../statemachine';
import { compareBytes as compareKeys } from '../../statemachine/bytes';
import { ETCD, unsupported } from './errors';
import { rangeShape, smLimit, type RangeShape } from './range';
import { int64 } from './wire';

/**
 * etcd's wire requests -> state machine ops, with etcd's own request checks (v3rpc/key.go) and
 * error texts. Limits beyond those (key and value sizes) are the state machine's validation.
 */

function nonEmptyKey(key: Uint8Array): Uint8Array {
  if (key.length === 0) throw ETCD.emptyKey;
  return key;
}

function optionalEnd(end: Uint8Array): Uint8Array | undefined {
  return end.length === 0 ? undefined : end;
}

export function toPutOp(req: PutRequest__Output): PutOp {
  const key = nonEmptyKey(req.key);
  const lease = int64('lease', req.lease);
  if (req.ignore_value && req.value.length > 0) throw ETCD.valueProvided;
  if (req.ignore_lease && lease !== 0) throw ETCD.leaseProvided;
  return {
    type: 'put',
    key,
    value: req.value,
    ...(lease !== 0 ? { lease } : {}),
    ...(req.prev_kv ? { prevKv: true } : {}),
    ...(req.ignore_value ? { ignoreValue: true } : {}),
    ...(req.ignore_lease ? { ignoreLease: true } : {}),
  };
}

export function toDeleteOp(req: DeleteRangeRequest__Output): DeleteOp {
  const end = optionalEnd(req.range_end);
  return { type: 'delete', key: nonEmptyKey(req.key), ...(end ? { rangeEnd: end } : {}), ...(req.prev_kv ? { prevKv: true } : {}) };
}

const RESULTS: Record<string, CompareResult> = { EQUAL: 'equal', NOT_EQUAL: 'notEqual', LESS: 'less', GREATER: 'greater' };

function toCompare(c: Compare__Output): Compare {
  const key = nonEmptyKey(c.key);
  if (c.range_end.length > 0) throw unsupported('a compare over a key range (range_end) is not supported; compare single keys');
  const result = RESULTS[c.result];
  if (result === undefined) throw unsupported(`unknown compare result ${String(c.result)}`);
  switch (c.target) {
    case 'VALUE':
      return { key, target: 'value', result, value: c.value ?? new Uint8Array(0) };
    case 'VERSION':
      return { key, target: 'version', result, value: int64('compare.version', c.version) };
    case 'CREATE':
      return { key, target: 'createRevision', result, value: int64('compare.create_revision', c.create_revision) };
    case 'MOD':
      return { key, target: 'modRevision', result, value: int64('compare.mod_revision', c.mod_revision) };
    case 'LEASE':
      return { key, target: 'lease', result, value: int64('compare.lease', c.lease) };
    default:
      throw unsupported(`unknown compare target ${String(c.target)}`);
  }
}

/** A branch op, plus how to shape its answer when it is a range (sort, filters, keys_only ...). */
interface BranchOp {
  readonly op: TxnRequestOp;
  readonly shape: RangeShape | null;
}

function toBranchOp(r: RequestOp__Output): BranchOp {
  if (r.request_put) return { op: toPutOp(r.request_put), shape: null };
  if (r.request_delete_range) return { op: toDeleteOp(r.request_delete_range), shape: null };
  if (r.request_range) {
    const req = r.request_range;
    if (int64('revision', req.revision) !== 0) throw unsupported('a range at a past revision inside a txn is not supported; read it outside the txn');
    const shape = rangeShape(req);
    const end = optionalEnd(req.range_end);
    const limit = smLimit(shape);
    return { op: { type: 'range', key: nonEmptyKey(req.key), ...(end ? { rangeEnd: end } : {}), ...(limit > 0 ? { limit } : {}) }, shape };
  }
  if (r.request_txn) throw unsupported('nested txn requests are not supported');
  throw unsupported('a txn request op with no request set');
}

export interface TxnPlan {
  readonly op: TxnOp;
  readonly successShapes: readonly (RangeShape | null)[];
  readonly failureShapes: readonly (RangeShape | null)[];
}

/** etcd's checkTxnRequest and checkIntervals: op count limit, empty keys, duplicate writes. */
export function toTxnPlan(req: TxnRequestOp__Txn, txnOpsMax: number): TxnPlan {
  if (Math.max(req.compare.length, req.success.length, req.failure.length) > txnOpsMax) throw ETCD.tooManyOps;
  const compare = req.compare.map(toCompare);
  const success = req.success.map(toBranchOp);
  const failure = req.failure.map(toBranchOp);
  checkNoDuplicateWrites(success.map((b) => b.op));
  checkNoDuplicateWrites(failure.map((b) => b.op));
  return {
    op: { type: 'txn', compare, success: success.map((b) => b.op), failure: failure.map((b) => b.op) },
    successShapes: success.map((b) => b.shape),
    failureShapes: failure.map((b) => b.shape),
  };
}
type TxnRequestOp__Txn = TxnRequest__Output;

/** etcd refuses a branch that puts one key twice, or puts a key that a delete in it covers. */
function checkNoDuplicateWrites(ops: readonly TxnRequestOp[]): void {
  const puts = ops.filter((o): o is PutOp => o.type === 'put').map((o) => o.key);
  const sorted = [...puts].sort(compareKeys);
  for (let i = 1; i < sorted.length; i++) if (compareKeys(sorted[i - 1]!, sorted[i]!) === 0) throw ETCD.duplicateKey;
  for (const del of ops) {
    if (del.type !== 'delete') continue;
    if (puts.some((k) => rangeContains(del.key, del.rangeEnd, k))) throw ETCD.duplicateKey;
  }
}

export function toWireKv(kv: KeyValue, keysOnly = false): WireKeyValue {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: keysOnly ? new Uint8Array(0) : kv.value,
    lease: kv.lease,
  };
}
