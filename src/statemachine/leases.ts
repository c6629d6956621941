/**
 * etcd's leases as the state machine keeps them: which leases exist, their granted TTLs, and
 * which keys are attached to each. No deadlines: expiry is decided outside the state machine (the
 * leader's lessor proposes a LeaseRevoke), so no replica ever reads a clock.
 *
 * Deterministic: every iteration the outside can observe goes through sorted ids or sorted keys.
 */

import { keyStringToBytes } from './bytes';
import type { LeaseDetail, LeaseInfo } from './results';
import { compareStrings } from './sorted-array';

interface LeaseState {
  readonly id: number;
  readonly ttlSeconds: number;
  /** Attached keys as latin-1 key strings (bytesToKeyString). */
  readonly keys: Set<string>;
}

export class LeaseTable {
  private readonly byId = new Map<number, LeaseState>();

  /** Rebuilds the table from lease records; keys are attached afterwards (from the KV records). */
  static load(leases: Iterable<LeaseInfo>): LeaseTable {
    const table = new LeaseTable();
    for (const { id, ttlSeconds } of leases) {
      if (table.byId.has(id)) throw new Error(`LeaseTable.load: duplicate lease ${id}`);
      table.byId.set(id, { id, ttlSeconds, keys: new Set() });
    }
    return table;
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The lease and its keys in key order, or undefined. */
  detail(id: number): LeaseDetail | undefined {
    const lease = this.byId.get(id);
    if (lease === undefined) return undefined;
    return { id, ttlSeconds: lease.ttlSeconds, keys: this.sortedKeys(id).map(keyStringToBytes) };
  }

  /** Every lease, sorted by id. */
  list(): LeaseInfo[] {
    const ids = [...this.byId.keys()].sort((a, b) => a - b);
    return ids.map((id) => ({ id, ttlSeconds: this.byId.get(id)!.ttlSeconds }));
  }

  /** The keys attached to `id` in key order (latin-1 key strings); [] for an unknown lease. */
  sortedKeys(id: number): string[] {
    const lease = this.byId.get(id);
    return lease === undefined ? [] : [...lease.keys].sort(compareStrings);
  }

  grant(id: number, ttlSeconds: number): void {
    if (this.byId.has(id)) throw new Error(`LeaseTable.grant: lease ${id} exists`);
    this.byId.set(id, { id, ttlSeconds, keys: new Set() });
  }

  /** Forgets the lease; its keys must have been deleted (detached) first. */
  remove(id: number): void {
    const lease = this.byId.get(id);
    if (lease === undefined) throw new Error(`LeaseTable.remove: no lease ${id}`);
    if (lease.keys.size > 0) throw new Error(`LeaseTable.remove: lease ${id} still has ${lease.keys.size} keys`);
    this.byId.delete(id);
  }

  attach(id: number, key: string): void {
    const lease = this.byId.get(id);
    if (lease === undefined) throw new Error(`LeaseTable.attach: no lease ${id}`);
    lease.keys.add(key);
  }

  detach(id: number, key: string): void {
    const lease = this.byId.get(id);
    if (lease === undefined || !lease.keys.delete(key)) throw new Error(`LeaseTable.detach: key not attached to lease ${id}`);
  }
}
