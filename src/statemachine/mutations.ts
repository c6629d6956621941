/**
 * Record writes accumulated between two drains, coalesced per record key: only the latest write
 * of each key survives, so the drained puts and dels are disjoint and a storage layer may apply
 * them in any order (a delete followed by a re-create within one batch stays a put).
 */

import { bytesToKeyString, compareBytes } from './bytes';

/** What the storage layer writes, atomically, into the state machine's LevelDB keyspace. */
export interface StateMutations {
  /** Sorted by record key; disjoint from `dels`. */
  readonly puts: Array<[Uint8Array, Uint8Array]>;
  /** Sorted; disjoint from `puts`. */
  readonly dels: Uint8Array[];
  /** Persist with the batch, so a restart resumes right after the last applied entry. */
  readonly appliedIndex: number;
}

export class PendingMutations {
  private readonly latest = new Map<string, { key: Uint8Array; value: Uint8Array | null }>();

  put(key: Uint8Array, value: Uint8Array): void {
    this.latest.set(bytesToKeyString(key), { key, value });
  }

  del(key: Uint8Array): void {
    this.latest.set(bytesToKeyString(key), { key, value: null });
  }

  /** Returns everything pending and forgets it. */
  drain(appliedIndex: number): StateMutations {
    const puts: Array<[Uint8Array, Uint8Array]> = [];
    const dels: Uint8Array[] = [];
    // Sorted so two replicas that applied the same entries hand storage identical batches.
    const writes = [...this.latest.values()].sort((a, b) => compareBytes(a.key, b.key));
    for (const { key, value } of writes) {
      if (value === null) dels.push(key);
      else puts.push([key, value]);
    }
    this.latest.clear();
    return { puts, dels, appliedIndex };
  }
}
