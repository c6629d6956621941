/**
 * Executes one validated KV op against the KV store at a given revision (the store's revision
 * plus one: the revision the command's writes get if it writes anything). State checks (a put's
 * lease exists; ignoreValue / ignoreLease find the key) run before the first write, as etcd's
 * checkPut / checkTxn do, so a refusal applies nothing and a txn stays all-or-nothing.
 */

import { compareBytes } from './bytes';
import type { Compare, CompareResult, DeleteOp, KvOp, PutOp, RangeOp, TxnOp, TxnRequestOp } from './command';
import type { KvStore } from './kv-store';
import type { LeaseTable } from './leases';
import type { DeleteResponse, OpResponse, PutResponse, RangeResponse, Rejection, TxnOpResponse, TxnResponse } from './results';

/** What a KV op reads and writes. */
export interface KvContext {
  readonly store: KvStore;
  readonly leases: LeaseTable;
}

/** etcd's error texts, so the gRPC layer can pass them on unchanged. */
export const LEASE_NOT_FOUND = 'etcdserver: requested lease not found';
export const KEY_NOT_FOUND = 'etcdserver: key not found';

export function applyOp(ctx: KvContext, op: KvOp, revision: number): OpResponse | Rejection {
  switch (op.type) {
    case 'put':
      return checkPut(ctx, op) ?? applyPut(ctx.store, op, revision);
    case 'delete':
      return applyDelete(ctx.store, op, revision);
    case 'txn':
      return applyTxn(ctx, op, revision);
    default: {
      const never: never = op;
      throw new TypeError(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** etcd's checkRequestPut, against the state before the command: lease first, then the key. */
function checkPut(ctx: KvContext, op: PutOp): Rejection | null {
  const lease = op.lease ?? 0;
  if (lease !== 0 && !ctx.leases.has(lease)) return { code: 'rejected', status: 'not_found', reason: LEASE_NOT_FOUND };
  if ((op.ignoreValue === true || op.ignoreLease === true) && ctx.store.get(op.key) === undefined) {
    return { code: 'rejected', status: 'invalid_argument', reason: KEY_NOT_FOUND };
  }
  return null;
}

function applyPut(store: KvStore, op: PutOp, revision: number): PutResponse {
  const current = op.ignoreValue === true || op.ignoreLease === true ? store.get(op.key) : undefined;
  const value = op.ignoreValue === true ? current!.value : op.value;
  const lease = op.ignoreLease === true ? current!.lease : (op.lease ?? 0);
  const prev = store.put(op.key, value, lease, revision);
  return op.prevKv === true && prev !== undefined ? { type: 'put', prevKv: prev } : { type: 'put' };
}

function applyDelete(store: KvStore, op: DeleteOp, revision: number): DeleteResponse {
  const deleted = store.deleteRange(op.key, op.rangeEnd, revision);
  return op.prevKv === true
    ? { type: 'delete', deleted: deleted.length, prevKvs: deleted }
    : { type: 'delete', deleted: deleted.length };
}

function applyRange(store: KvStore, op: RangeOp): RangeResponse {
  const { kvs, more, count } = store.range(op.key, op.rangeEnd, op.limit ?? 0);
  return { type: 'range', kvs, more, count };
}

function applyTxn(ctx: KvContext, op: TxnOp, revision: number): TxnResponse | Rejection {
  // Every compare sees the state before any op of the txn runs.
  const succeeded = op.compare.every((c) => compareHolds(ctx.store, c));
  const branch = succeeded ? op.success : op.failure;
  // etcd checks the branch that will run before applying any of it. The state before the txn is
  // the state each put sees: a branch writes a key at most once and never puts a key it deletes.
  for (const sub of branch) {
    if (sub.type !== 'put') continue;
    const refused = checkPut(ctx, sub);
    if (refused !== null) return refused;
  }
  // Ops run in order, so a range after a put in the same branch sees the put (as in etcd).
  const responses = branch.map((sub) => applyTxnRequest(ctx.store, sub, revision));
  return { type: 'txn', succeeded, responses };
}

function applyTxnRequest(store: KvStore, op: TxnRequestOp, revision: number): TxnOpResponse {
  switch (op.type) {
    case 'put':
      return applyPut(store, op, revision);
    case 'delete':
      return applyDelete(store, op, revision);
    case 'range':
      return applyRange(store, op);
    default: {
      const never: never = op;
      throw new TypeError(`unknown txn op ${JSON.stringify(never)}`);
    }
  }
}

/** etcd's applyCompare on a single key. */
export function compareHolds(store: KvStore, c: Compare): boolean {
  const kv = store.get(c.key);
  if (c.target === 'value') {
    // etcd: a value compare on a missing key always fails, whatever the result operator.
    return kv !== undefined && holds(compareBytes(kv.value, c.value), c.result);
  }
  const actual = kv === undefined ? 0 : kv[c.target];
  return holds(actual - c.value, c.result);
}

function holds(sign: number, result: CompareResult): boolean {
  switch (result) {
    case 'equal':
      return sign === 0;
    case 'notEqual':
      return sign !== 0;
    case 'less':
      return sign < 0;
    case 'greater':
      return sign > 0;
    default: {
      const never: never = result;
      throw new TypeError(`unknown compare result ${String(never)}`);
    }
  }
}
