/**
 * A deliberately naive reference for the KV semantics (no index, no persistence): a Map that is
 * filtered and sorted on every read. The property test checks the real store against it.
 */

import type { Compare, KvOp, TxnRequestOp } from '../../src/statemachine/command';
import type { KeyValue, OpResponse, TxnOpResponse } from '../../src/statemachine/results';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function inRange(k: Uint8Array, key: Uint8Array, rangeEnd: Uint8Array | undefined): boolean {
  if (rangeEnd === undefined || rangeEnd.length === 0) return Buffer.compare(k, key) === 0;
  if (Buffer.compare(k, key) < 0) return false;
  return (rangeEnd.length === 1 && rangeEnd[0] === 0) || Buffer.compare(k, rangeEnd) < 0;
}

export class ModelKv {
  private readonly kvs = new Map<string, KeyValue>();
  revision = 0;

  all(): KeyValue[] {
    return [...this.kvs.values()].sort((a, b) => Buffer.compare(a.key, b.key));
  }

  apply(op: KvOp, index: number): OpResponse {
    if (op.type !== 'txn') return this.applySub(op, index) as OpResponse;
    const succeeded = op.compare.every((c) => this.holds(c));
    const responses = (succeeded ? op.success : op.failure).map((sub) => this.applySub(sub, index));
    return { type: 'txn', succeeded, responses };
  }

  private applySub(op: TxnRequestOp, index: number): TxnOpResponse {
    if (op.type === 'range') {
      const matching = this.all().filter((kv) => inRange(kv.key, op.key, op.rangeEnd));
      const kvs = op.limit ? matching.slice(0, op.limit) : matching;
      return { type: 'range', kvs, more: kvs.length < matching.length, count: matching.length };
    }
    if (op.type === 'put') {
      const prev = this.kvs.get(hex(op.key));
      this.kvs.set(hex(op.key), {
        key: op.key,
        value: op.value,
        createRevision: prev?.createRevision ?? index,
        modRevision: index,
        version: (prev?.version ?? 0) + 1,
      });
      this.revision = index;
      return op.prevKv && prev ? { type: 'put', prevKv: prev } : { type: 'put' };
    }
    const deleted = this.all().filter((kv) => inRange(kv.key, op.key, op.rangeEnd));
    for (const kv of deleted) this.kvs.delete(hex(kv.key));
    if (deleted.length > 0) this.revision = index;
    return op.prevKv ? { type: 'delete', deleted: deleted.length, prevKvs: deleted } : { type: 'delete', deleted: deleted.length };
  }

  private holds(c: Compare): boolean {
    const kv = this.kvs.get(hex(c.key));
    let sign: number;
    if (c.target === 'value') {
      if (kv === undefined) return false;
      sign = Buffer.compare(kv.value, c.value);
    } else {
      sign = Math.sign((kv?.[c.target] ?? 0) - c.value);
    }
    return { equal: sign === 0, notEqual: sign !== 0, less: sign < 0, greater: sign > 0 }[c.result];
  }
}
