/**
 * The durable log of one node: hard state, entries, the latest snapshot's metadata, and the
 * state machine's records with its applied index, in one LevelDB (docs/architecture.md, "On
 * disk"). A class because it owns a database handle; the decisions live in pure functions
 * (load.ts reads, write-plan.ts checks writes, snapshot-install.ts sequences an install).
 */
import type { HardState, RaftInitialState, SnapshotMeta } from '../core/types';
import { StorageBusyError, StorageClosedError, StorageInvariantError } from './errors';
import { STATE_MACHINE_KEYS_END, stateMachineKey } from './keys';
import { openNodeDb, writeBatch, type NodeDb } from './level-db';
import { loadOrInitialize, loadState, segmentsAround, type KeySegment } from './load';
import { decideInstall, finishInstall } from './snapshot-install';
import { SnapshotStaging, stagingDirOf } from './snapshot-staging';
import { StateReader, verifiedStateMachineRecord } from './state-reader';
import { lastIndexOf, planInstall, planWrite, type PersistBatch, type WritePlan } from './write-plan';

export interface LogStoreOptions {
  /**
   * State-machine key prefixes (SM keyspace, without 'm/') whose records open() leaves on disk:
   * they are neither read nor returned in stateMachineRecords, and are verified when
   * scanStateMachine reads them. Each prefix must be non-empty.
   */
  readonly lazyStateMachinePrefixes?: readonly Uint8Array[];
}

export interface OpenedLogStore {
  readonly store: LogStore;
  readonly initial: RaftInitialState;
  /** Every non-lazy state-machine record in key byte order, keys without the storage prefix. */
  readonly stateMachineRecords: Array<[Uint8Array, Uint8Array]>;
}

/** Most records one scanStateMachine call returns (each call holds its page in memory). */
export const SCAN_RECORDS_MAX = 100_000;

/** The store's mirror of what is durable: a DurableState whose terms grow in place. */
interface DurableView {
  hardState: HardState;
  applied: number;
  snapshot: SnapshotMeta | null;
  firstIndex: number;
  readonly terms: number[];
}

function viewOf(initial: RaftInitialState): DurableView {
  const snapshot = initial.snapshot ?? null;
  const firstIndex = initial.entries[0]?.index ?? (snapshot?.index ?? 0) + 1;
  return { hardState: initial.hardState, applied: initial.applied, snapshot, firstIndex, terms: initial.entries.map((e) => e.term) };
}

export class LogStore {
  /** Enough of the disk's content to check a write without reading the disk. */
  private durable: DurableView;
  private staging: SnapshotStaging | null = null;
  private isWriting = false;
  private isClosed = false;
  /** Set when a synced write failed: after a failed fsync the disk's content is unknown. */
  private writeFailure: { readonly cause: unknown } | null = null;

  private constructor(
    private readonly db: NodeDb,
    readonly dir: string,
    /** The key space minus the lazy state-machine prefixes: what a load reads. */
    private readonly segments: readonly KeySegment[],
    initial: RaftInitialState,
  ) {
    this.durable = viewOf(initial);
  }

  /**
   * Opens (creating if missing) the store in `dir` and reads everything back, verified, except
   * the state-machine records under `opts.lazyStateMachinePrefixes`. A snapshot install that a
   * crash interrupted after it was decided is finished first. Throws RangeError on an empty
   * prefix, StorageCorruptionError / StorageVersionError on bad data.
   */
  static async open(dir: string, opts: LogStoreOptions = {}): Promise<OpenedLogStore> {
    const segments = segmentsAround(opts.lazyStateMachinePrefixes ?? []); // throws on a bad prefix before the database is touched
    const db = await openNodeDb(dir);
    try {
      const { initial, stateMachineRecords } = await loadOrInitialize(db, dir, segments);
      return { store: new LogStore(db, dir, segments, initial), initial, stateMachineRecords };
    } catch (error) {
      await db.close(); // release the LOCK so the operator (or a test) can inspect the dir
      throw error;
    }
  }

  /**
   * Persists the batch as ONE LevelDB batch with sync: true. The caller merges everything of a
   * loop turn into one call (group commit) and awaits it before the next: one fsync per turn.
   */
  async write(batch: PersistBatch): Promise<void> {
    this.checkWritable();
    const plan = planWrite(this.durable, batch, this.dir);
    if (plan.ops.length === 0) return;
    await this.whileWriting(() => writeBatch(this.db, plan.ops, plan.mustSync));
    this.adopt(plan);
  }

  /** Whether `hs` differs from the durable hard state in the commit index alone (if at all). */
  differsOnlyInCommit(hs: HardState): boolean {
    return hs.term === this.durable.hardState.term && hs.vote === this.durable.hardState.vote;
  }

  /** Index of the last entry; the snapshot's index when none after it is stored. */
  lastIndex(): number {
    return lastIndexOf(this.durable);
  }

  /** Index of the first stored entry; lastIndex() + 1 when none is stored. */
  firstIndex(): number {
    return this.durable.firstIndex;
  }

  /** The durable snapshot metadata; null until the log is first compacted or a snapshot installed. */
  snapshot(): SnapshotMeta | null {
    return this.durable.snapshot;
  }

  /**
   * A consistent point-in-time view of the state machine (what a leader streams for
   * InstallSnapshot): writes completed after this call are invisible to it. The caller closes it.
   * Throws StorageBusyError during a snapshot install.
   */
  async openStateReader(): Promise<StateReader> {
    this.checkStateMachineAccess();
    return StateReader.open(this.db, this.dir);
  }

  /**
   * Starts staging the snapshot `meta` streamed from the leader, in `<dir>.snapshot-incoming`
   * (whatever an earlier staging left there is wiped). One staging at a time: abort or install
   * the previous one first.
   */
  async beginSnapshotStaging(meta: SnapshotMeta): Promise<SnapshotStaging> {
    this.checkUsable(); // a write may be in flight: staging does not touch the node's LevelDB
    if (this.staging?.isPending()) {
      throw new StorageInvariantError(this.dir, `the snapshot at index ${this.staging.meta.index} is still staged in ${this.staging.dir}; abort or install it first`);
    }
    const staging = new SnapshotStaging(stagingDirOf(this.dir), meta);
    this.staging = staging;
    await staging.open();
    return staging;
  }

  /**
   * Raft paper section 7, Figure 13 rule 7: replaces the log and the state machine with the
   * complete `staging`, atomically with respect to crashes (snapshot-install.ts), and writes
   * `hardState` with its commit index raised to the snapshot's. The log is then empty, from
   * index meta.index + 1. Returns the installed non-lazy state-machine records (as open does)
   * so the caller can rebuild its state machine. A failure after the install was decided
   * poisons the store: reopening it finishes the install.
   */
  async installSnapshot(staging: SnapshotStaging, hardState: HardState): Promise<{ stateMachineRecords: Array<[Uint8Array, Uint8Array]> }> {
    this.checkWritable();
    if (staging !== this.staging) throw new StorageInvariantError(this.dir, `the snapshot at index ${staging.meta.index} was not staged by this store`);
    const marker = planInstall(this.durable, staging.meta, hardState, this.dir);
    staging.handOverToInstall();
    const loaded = await this.whileWriting(async () => {
      await decideInstall(this.db, marker);
      await finishInstall(this.db, this.dir, marker);
      return loadState(this.db, this.dir, this.segments);
    });
    staging.markInstalled();
    this.durable = viewOf(loaded.initial);
    return { stateMachineRecords: loaded.stateMachineRecords };
  }

  /**
   * State-machine records with keys in [gte, lt) (SM keyspace; an empty `lt` means "to the end"),
   * in key order, at most `limit` (1..SCAN_RECORDS_MAX), keys without the storage prefix. Each
   * record is checksum-verified: a bad one throws StorageCorruptionError naming its key and the
   * dir. Sees every write that completed before the call (LevelDB snapshot per iterator).
   * `reverse` returns the last `limit` records of the range, last first. Throws
   * StorageBusyError during a snapshot install.
   */
  async scanStateMachine(gte: Uint8Array, lt: Uint8Array, limit: number, reverse = false): Promise<Array<[Uint8Array, Uint8Array]>> {
    this.checkStateMachineAccess();
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > SCAN_RECORDS_MAX) {
      throw new RangeError(`scanStateMachine: limit must be 1..${SCAN_RECORDS_MAX}, got ${limit}`);
    }
    const range = { gte: stateMachineKey(gte), lt: lt.length === 0 ? STATE_MACHINE_KEYS_END : stateMachineKey(lt) };
    if (Buffer.compare(range.gte, range.lt) >= 0) return [];
    const rows = await this.db.iterator({ ...range, limit, reverse }).all();
    return rows.map(([key, value]) => verifiedStateMachineRecord(key, value, this.dir));
  }

  /**
   * Deletes state-machine records outside the Raft write path, without fsync: only records no
   * reader can reach any more (history below a compaction), so losing the delete in a crash
   * merely leaves garbage that the next pass removes. Throws StorageBusyError during a snapshot
   * install (it would delete installed records).
   */
  async deleteUnreachable(keys: readonly Uint8Array[]): Promise<void> {
    this.checkStateMachineAccess();
    if (keys.length === 0) return;
    await writeBatch(this.db, keys.map((key) => ({ type: 'del' as const, key: stateMachineKey(key) })), false);
  }

  /** Closes the database; a snapshot still being received is aborted (a complete one stays for the next open to ignore). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.staging?.isReceiving()) await this.staging.abort();
    await this.db.close();
  }

  /** State-machine reads and deletes outside write(): refused while an install replaces the records. */
  private checkStateMachineAccess(): void {
    if (this.isClosed) throw new StorageClosedError(this.dir);
    if (this.staging?.isInstalling()) throw new StorageBusyError(this.dir);
  }

  private checkWritable(): void {
    this.checkUsable();
    if (this.isWriting) throw new StorageInvariantError(this.dir, 'a write is already in flight; merge batches instead');
  }

  private checkUsable(): void {
    if (this.isClosed) throw new StorageInvariantError(this.dir, 'store is closed');
    if (this.writeFailure !== null) {
      throw new StorageInvariantError(this.dir, 'an earlier write failed; reopen to learn what is durable', this.writeFailure.cause);
    }
  }

  private async whileWriting<T>(io: () => Promise<T>): Promise<T> {
    this.isWriting = true;
    try {
      return await io();
    } catch (error) {
      // Retrying could acknowledge entries that never reached the disk (the fsync failure of
      // PostgreSQL, 2018): poison the store, the node must restart and read back what is there.
      this.writeFailure = { cause: error };
      throw error;
    } finally {
      this.isWriting = false;
    }
  }

  /** Mirrors a landed write in memory; only called after the synced batch succeeded. */
  private adopt(plan: WritePlan): void {
    const durable = this.durable;
    durable.hardState = plan.hardState;
    durable.applied = plan.applied;
    if (plan.logChange !== null) {
      durable.terms.length = plan.logChange.firstIndex - durable.firstIndex;
      for (const term of plan.logChange.terms) durable.terms.push(term);
    }
    if (plan.compaction !== null) {
      durable.terms.splice(0, plan.compaction.firstIndex - durable.firstIndex);
      durable.firstIndex = plan.compaction.firstIndex;
      durable.snapshot = plan.compaction.snapshot;
    }
  }
}
