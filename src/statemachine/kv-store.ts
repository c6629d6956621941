/**
 * The KV keyspace with etcd's revision bookkeeping (latest version of each key; no history yet).
 * Keys live in a Map for lookups plus an explicitly sorted index for ranges, so iteration
 * order is byte order on every replica, whatever order the keys were written in.
 */

import { bytesToKeyString } from './bytes';
import { isSingleKey, isUnbounded } from './key-range';
import type { KeyValue } from './results';
import { compareStrings, insertSorted, lowerBound } from './sorted-array';

/**
 * Told about every change, in order, so the owner can record it for persistence and for the
 * change log (null = deleted). `revision` is the revision the change happened at.
 */
export type KvChangeListener = (key: Uint8Array, kv: KeyValue | null, revision: number) => void;

export interface RangeAnswer {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export class KvStore {
  private readonly byKey = new Map<string, KeyValue>();
  /** Latin-1 key strings in byte order (see bytesToKeyString). */
  private readonly sortedKeys: string[] = [];
  private currentRevision = 0;

  constructor(private readonly onChange: KvChangeListener) {}

  /** Rebuilds a store from persisted pairs without reporting them as changes. */
  static load(kvs: Iterable<KeyValue>, revision: number, onChange: KvChangeListener): KvStore {
    const store = new KvStore(onChange);
    for (const kv of kvs) {
      const k = bytesToKeyString(kv.key);
      if (store.byKey.has(k)) throw new Error('KvStore.load: duplicate key');
      if (kv.modRevision > revision) throw new Error(`KvStore.load: modRevision ${kv.modRevision} > revision ${revision}`);
      store.byKey.set(k, kv);
      store.sortedKeys.push(k);
    }
    store.sortedKeys.sort(compareStrings); // once, at load; writes keep it sorted incrementally
    store.currentRevision = revision;
    return store;
  }

  /** Raft index of the last entry that changed the keyspace. */
  get revision(): number {
    return this.currentRevision;
  }

  get size(): number {
    return this.sortedKeys.length;
  }

  get(key: Uint8Array): KeyValue | undefined {
    return this.byKey.get(bytesToKeyString(key));
  }

  /** Pairs in [key, rangeEnd) in key order, at most `limit` of them (0 = all). */
  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, limit: number): RangeAnswer {
    const [lo, hi] = this.bounds(key, rangeEnd);
    const count = hi - lo;
    const take = limit > 0 ? Math.min(count, limit) : count;
    const kvs: KeyValue[] = [];
    for (let i = lo; i < lo + take; i++) kvs.push(this.byKey.get(this.sortedKeys[i]!)!);
    return { kvs, more: take < count, count };
  }

  /** Writes `value` at `revision`; returns the pair it replaced, if any. */
  put(key: Uint8Array, value: Uint8Array, revision: number): KeyValue | undefined {
    this.advanceTo(revision);
    const k = bytesToKeyString(key);
    const prev = this.byKey.get(k);
    const kv: KeyValue =
      prev === undefined
        ? { key, value, createRevision: revision, modRevision: revision, version: 1 }
        : { key: prev.key, value, createRevision: prev.createRevision, modRevision: revision, version: prev.version + 1 };
    if (prev === undefined) insertSorted(this.sortedKeys, k, compareStrings);
    this.byKey.set(k, kv);
    this.onChange(kv.key, kv, revision);
    return prev;
  }

  /** Deletes every key in [key, rangeEnd) at `revision`; returns the deleted pairs in key order. */
  deleteRange(key: Uint8Array, rangeEnd: Uint8Array | undefined, revision: number): KeyValue[] {
    const [lo, hi] = this.bounds(key, rangeEnd);
    if (hi <= lo) return []; // nothing changed: the revision must not move
    this.advanceTo(revision);
    const removed = this.sortedKeys.splice(lo, hi - lo);
    const deleted: KeyValue[] = [];
    for (const k of removed) {
      const kv = this.byKey.get(k)!;
      this.byKey.delete(k);
      deleted.push(kv);
      this.onChange(kv.key, null, revision);
    }
    return deleted;
  }

  /** Every pair in key order. */
  *entries(): IterableIterator<KeyValue> {
    for (const k of this.sortedKeys) yield this.byKey.get(k)!;
  }

  /** Index range [lo, hi) of sortedKeys covered by etcd's (key, rangeEnd). */
  private bounds(key: Uint8Array, rangeEnd: Uint8Array | undefined): [number, number] {
    const start = bytesToKeyString(key);
    const lo = lowerBound(this.sortedKeys, start, compareStrings);
    if (isSingleKey(rangeEnd)) return [lo, this.sortedKeys[lo] === start ? lo + 1 : lo];
    if (isUnbounded(rangeEnd)) return [lo, this.sortedKeys.length];
    const hi = lowerBound(this.sortedKeys, bytesToKeyString(rangeEnd!), compareStrings);
    return [lo, Math.max(lo, hi)];
  }

  /** Revisions only grow; several writes of one entry (a txn) share its revision. */
  private advanceTo(revision: number): void {
    if (!Number.isSafeInteger(revision) || revision < this.currentRevision || revision < 1) {
      throw new Error(`KvStore: write at revision ${revision} after revision ${this.currentRevision}`);
    }
    this.currentRevision = revision;
  }
}
