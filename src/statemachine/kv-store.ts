/**
 * The KV keyspace with etcd's revision bookkeeping: the latest version of each key (the history
 * of past versions is written as lazy records by the owner, from the change listener). Keys live
 * in a Map for lookups plus an explicitly sorted index for ranges, so iteration order is byte
 * order on every replica, whatever order the keys were written in.
 *
 * Revisions as etcd's: an empty store is at revision 1; a command that writes moves it by one,
 * and every write of that command (a txn, a deleteRange, a lease revoke) carries the new revision.
 */

import { bytesToKeyString } from './bytes';
import { isSingleKey, isUnbounded } from './key-range';
import type { KeyValue } from './results';
import { compareStrings, insertSorted, lowerBound, removeSorted } from './sorted-array';

/**
 * Told about every change, in order, so the owner can record it for persistence, the change log,
 * the history and the lease index (null = deleted). `revision` is the revision the change
 * happened at; `prev` the pair it replaced or deleted.
 */
export type KvChangeListener = (key: Uint8Array, kv: KeyValue | null, revision: number, prev: KeyValue | undefined) => void;

/** The revision of a store that has never been written (etcd's). */
export const INITIAL_REVISION = 1;

/** Up to this many keys, deleteKeys splices them out of the sorted index one by one. */
const SPLICE_DELETES_MAX = 16;

export interface RangeAnswer {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export class KvStore {
  private readonly byKey = new Map<string, KeyValue>();
  /** Latin-1 key strings in byte order (see bytesToKeyString). */
  private sortedKeys: string[] = [];
  private currentRevision = INITIAL_REVISION;

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
    if (!Number.isSafeInteger(revision) || revision < INITIAL_REVISION) throw new Error(`KvStore.load: bad revision ${revision}`);
    store.currentRevision = revision;
    return store;
  }

  /** The store revision: 1 when never written, then +1 per command that wrote. */
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

  /** Writes `value`, attached to `lease` (0: none), at `revision`; returns the pair it replaced, if any. */
  put(key: Uint8Array, value: Uint8Array, lease: number, revision: number): KeyValue | undefined {
    this.advanceTo(revision);
    const k = bytesToKeyString(key);
    const prev = this.byKey.get(k);
    const kv: KeyValue =
      prev === undefined
        ? { key, value, createRevision: revision, modRevision: revision, version: 1, lease }
        : { key: prev.key, value, createRevision: prev.createRevision, modRevision: revision, version: prev.version + 1, lease };
    if (prev === undefined) insertSorted(this.sortedKeys, k, compareStrings);
    this.byKey.set(k, kv);
    this.onChange(kv.key, kv, revision, prev);
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
      this.onChange(kv.key, null, revision, kv);
    }
    return deleted;
  }

  /**
   * Deletes the given keys (latin-1 key strings, see bytesToKeyString; in key order, each
   * present) at `revision`; returns the deleted pairs. Nothing to delete leaves the revision.
   */
  deleteKeys(keys: readonly string[], revision: number): KeyValue[] {
    if (keys.length === 0) return [];
    this.advanceTo(revision);
    const deleted: KeyValue[] = [];
    for (const k of keys) {
      const kv = this.byKey.get(k);
      if (kv === undefined) throw new Error('KvStore.deleteKeys: key not present');
      deleted.push(kv);
    }
    // One pass over the index for many keys rather than a splice (a memmove) per key.
    if (keys.length <= SPLICE_DELETES_MAX) {
      for (const k of keys) removeSorted(this.sortedKeys, k, compareStrings);
    } else {
      const doomed = new Set(keys);
      this.sortedKeys = this.sortedKeys.filter((k) => !doomed.has(k));
    }
    for (const kv of deleted) {
      this.byKey.delete(bytesToKeyString(kv.key));
      this.onChange(kv.key, null, revision, kv);
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

  /** A command's first write moves the revision by one; its later writes share that revision. */
  private advanceTo(revision: number): void {
    if (revision !== this.currentRevision && revision !== this.currentRevision + 1) {
      throw new Error(`KvStore: write at revision ${revision} after revision ${this.currentRevision}`);
    }
    this.currentRevision = revision;
  }
}
