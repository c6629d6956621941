/**
 * A deliberately naive reference for the etcd KV semantics (no index, no persistence): a Map that
 * is filtered and sorted on every read, leases as a Map of TTLs (a key's lease lives on the key
 * only), and the revision as a counter. The property tests check the real store against it.
 */

import type { Compare, KvOp, LeaseOp, CompactOp, PutOp, TxnRequestOp } from '../../src/statemachine/command';
import type { KeyValue, OpResponse, Rejection, TxnOpResponse } from '../../src/statemachine/results';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function inRange(k: Uint8Array, key: Uint8Array, rangeEnd: Uint8Array | undefined): boolean {
  if (rangeEnd === undefined || rangeEnd.length === 0) return Buffer.compare(k, key) === 0;
  if (Buffer.compare(k, key) < 0) return false;
  return (rangeEnd.length === 1 && rangeEnd[0] === 0) || Buffer.compare(k, rangeEnd) < 0;
}

const rejected = (status: Rejection['status'], reason: string): Rejection => ({ code: 'rejected', status, reason });

export type ModelOp = KvOp | LeaseOp | CompactOp;

export class ModelKv {
  private readonly kvs = new Map<string, KeyValue>();
  private readonly leases = new Map<number, number>();
  private nextLeaseId = 1;
  revision = 1;
  compactRevision = 0;
  /** Revision the current command writes at, and whether it wrote. */
  private writeRevision = 0;
  private wrote = false;

  constructor(private readonly leaseTtlMinSeconds = 1) {}

  all(): KeyValue[] {
    return [...this.kvs.values()].sort((a, b) => Buffer.compare(a.key, b.key));
  }

  leaseList(): Array<{ id: number; ttlSeconds: number }> {
    return [...this.leases].sort((a, b) => a[0] - b[0]).map(([id, ttlSeconds]) => ({ id, ttlSeconds }));
  }

  leaseKeys(id: number): Uint8Array[] {
    return this.all()
      .filter((kv) => kv.lease === id)
      .map((kv) => kv.key);
  }

  apply(op: ModelOp): OpResponse | Rejection {
    this.writeRevision = this.revision + 1;
    this.wrote = false;
    const out = this.applyTop(op);
    if (this.wrote) this.revision = this.writeRevision;
    return out;
  }

  private applyTop(op: ModelOp): OpResponse | Rejection {
    switch (op.type) {
      case 'leaseGrant': {
        if (op.ttlSeconds > 9_000_000_000) return rejected('out_of_range', 'etcdserver: too large lease TTL');
        let id = op.id;
        if (id === 0) {
          while (this.leases.has(this.nextLeaseId)) this.nextLeaseId++;
          id = this.nextLeaseId++;
        } else if (this.leases.has(id)) {
          return rejected('failed_precondition', 'etcdserver: lease already exists');
        }
        const ttlSeconds = Math.max(op.ttlSeconds, this.leaseTtlMinSeconds);
        this.leases.set(id, ttlSeconds);
        return { type: 'leaseGrant', id, ttlSeconds };
      }
      case 'leaseRevoke': {
        if (!this.leases.has(op.id)) return rejected('not_found', 'etcdserver: requested lease not found');
        const doomed = this.all().filter((kv) => kv.lease === op.id);
        for (const kv of doomed) this.kvs.delete(hex(kv.key));
        if (doomed.length > 0) this.wrote = true;
        this.leases.delete(op.id);
        return { type: 'leaseRevoke', deleted: doomed.length };
      }
      case 'compact':
        if (op.revision <= this.compactRevision) return rejected('out_of_range', 'etcdserver: mvcc: required revision has been compacted');
        if (op.revision > this.revision) return rejected('out_of_range', 'etcdserver: mvcc: required revision is a future revision');
        this.compactRevision = op.revision;
        return { type: 'compact' };
      case 'txn': {
        const succeeded = op.compare.every((c) => this.holds(c));
        const branch = succeeded ? op.success : op.failure;
        for (const sub of branch) {
          if (sub.type !== 'put') continue;
          const refused = this.checkPut(sub);
          if (refused !== null) return refused;
        }
        const responses = branch.map((sub) => this.applySub(sub));
        return { type: 'txn', succeeded, responses };
      }
      case 'put':
        return this.checkPut(op) ?? (this.applySub(op) as OpResponse);
      default:
        return this.applySub(op) as OpResponse;
    }
  }

  private checkPut(op: PutOp): Rejection | null {
    if ((op.lease ?? 0) !== 0 && !this.leases.has(op.lease!)) return rejected('not_found', 'etcdserver: requested lease not found');
    if ((op.ignoreValue || op.ignoreLease) && !this.kvs.has(hex(op.key))) return rejected('invalid_argument', 'etcdserver: key not found');
    return null;
  }

  private applySub(op: TxnRequestOp): TxnOpResponse {
    const index = this.writeRevision;
    if (op.type === 'range') {
      const matching = this.all().filter((kv) => inRange(kv.key, op.key, op.rangeEnd));
      const kvs = op.limit ? matching.slice(0, op.limit) : matching;
      return { type: 'range', kvs, more: kvs.length < matching.length, count: matching.length };
    }
    if (op.type === 'put') {
      const prev = this.kvs.get(hex(op.key));
      this.kvs.set(hex(op.key), {
        key: op.key,
        value: op.ignoreValue ? prev!.value : op.value,
        createRevision: prev?.createRevision ?? index,
        modRevision: index,
        version: (prev?.version ?? 0) + 1,
        lease: op.ignoreLease ? prev!.lease : (op.lease ?? 0),
      });
      this.wrote = true;
      return op.prevKv && prev ? { type: 'put', prevKv: prev } : { type: 'put' };
    }
    const deleted = this.all().filter((kv) => inRange(kv.key, op.key, op.rangeEnd));
    for (const kv of deleted) this.kvs.delete(hex(kv.key));
    if (deleted.length > 0) this.wrote = true;
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
