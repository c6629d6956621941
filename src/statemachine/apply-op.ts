/**
 * Executes one validated op against the KV store at a given revision (the entry's Raft index).
 * Nothing here can fail half way: validation already ran, so a txn is all-or-nothing.
 */

import { compareBytes } from './bytes';
import type { Compare, CompareResult, DeleteOp, KvOp, PutOp, RangeOp, TxnOp, TxnRequestOp } from './command';
import type { KvStore } from './kv-store';
import type { DeleteResponse, OpResponse, PutResponse, RangeResponse, TxnOpResponse, TxnResponse } from './results';

export function applyOp(store: KvStore, op: KvOp, revision: number): OpResponse {
  switch (op.type) {
    case 'put':
      return applyPut(store, op, revision);
    case 'delete':
      return applyDelete(store, op, revision);
    case 'txn':
      return applyTxn(store, op, revision);
    default: {
      const never: never = op;
      throw new TypeError(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

function applyPut(store: KvStore, op: PutOp, revision: number): PutResponse {
  const prev = store.put(op.key, op.value, revision);
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

function applyTxn(store: KvStore, op: TxnOp, revision: number): TxnResponse {
  // Every compare sees the state before any op of the txn runs.
  const succeeded = op.compare.every((c) => compareHolds(store, c));
  const branch = succeeded ? op.success : op.failure;
  // Ops run in order, so a range after a put in the same branch sees the put (as in etcd).
  const responses = branch.map((sub) => applyTxnRequest(store, sub, revision));
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
