/**
 * The durable log of one node: hard state, entries, and the state machine's records with its
 * applied index, in one LevelDB (ARCHITECTURE.md, "On disk"). A class because it owns a
 * database handle; the decisions live in pure functions (load.ts reads, write-plan.ts writes).
 */
import type { HardState, RaftInitialState } from '../core/types';
import { StorageClosedError, StorageCorruptionError, StorageInvariantError } from './errors';
import { STATE_MACHINE_KEYS_END, describeKey, parseKey, stateMachineKey } from './keys';
import { openNodeDb, writeBatch, type NodeDb } from './level-db';
import { loadOrInitialize, segmentsAround } from './load';
import { decodeStateMachineRecord } from './records';
import { planWrite, type PersistBatch, type WritePlan } from './write-plan';

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

export class LogStore {
  private hardState: HardState;
  private applied: number;
  /** Terms of the durable log, [0] = 0: enough to check a write without reading the disk. */
  private readonly termByIndex: number[];
  private isWriting = false;
  private isClosed = false;
  /** Set when a synced write failed: after a failed fsync the disk's content is unknown. */
  private writeFailure: { readonly cause: unknown } | null = null;

  private constructor(
    private readonly db: NodeDb,
    readonly dir: string,
    initial: RaftInitialState,
  ) {
    this.hardState = initial.hardState;
    this.applied = initial.applied;
    this.termByIndex = [0, ...initial.entries.map((entry) => entry.term)];
  }

  /**
   * Opens (creating if missing) the store in `dir` and reads everything back, verified, except
   * the state-machine records under `opts.lazyStateMachinePrefixes`. Throws RangeError on an
   * empty prefix, StorageCorruptionError / StorageVersionError on bad data.
   */
  static async open(dir: string, opts: LogStoreOptions = {}): Promise<OpenedLogStore> {
    const lazyPrefixes = opts.lazyStateMachinePrefixes ?? [];
    segmentsAround(lazyPrefixes); // throws on a bad prefix before the database is touched
    const db = await openNodeDb(dir);
    try {
      const { initial, stateMachineRecords } = await loadOrInitialize(db, dir, lazyPrefixes);
      return { store: new LogStore(db, dir, initial), initial, stateMachineRecords };
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
    if (this.isClosed) throw new StorageInvariantError(this.dir, 'store is closed');
    if (this.writeFailure !== null) {
      throw new StorageInvariantError(this.dir, 'an earlier write failed; reopen to learn what is durable', this.writeFailure.cause);
    }
    if (this.isWriting) throw new StorageInvariantError(this.dir, 'a write is already in flight; merge batches instead');
    const plan = planWrite({ hardState: this.hardState, applied: this.applied, termByIndex: this.termByIndex }, batch, this.dir);
    if (plan.ops.length === 0) return;
    this.isWriting = true;
    try {
      await writeBatch(this.db, plan.ops, plan.mustSync);
    } catch (error) {
      // Retrying could acknowledge entries that never reached the disk (the fsync failure of
      // PostgreSQL, 2018): poison the store, the node must restart and read back what is there.
      this.writeFailure = { cause: error };
      throw error;
    } finally {
      this.isWriting = false;
    }
    this.adopt(plan);
  }

  /** Whether `hs` differs from the durable hard state in the commit index alone (if at all). */
  differsOnlyInCommit(hs: HardState): boolean {
    return hs.term === this.hardState.term && hs.vote === this.hardState.vote;
  }

  lastIndex(): number {
    return this.termByIndex.length - 1;
  }

  /**
   * State-machine records with keys in [gte, lt) (SM keyspace; an empty `lt` means "to the end"),
   * in key order, at most `limit` (1..SCAN_RECORDS_MAX), keys without the storage prefix. Each
   * record is checksum-verified: a bad one throws StorageCorruptionError naming its key and the
   * dir. Sees every write that completed before the call (LevelDB snapshot per iterator).
   * `reverse` returns the last `limit` records of the range, last first.
   */
  async scanStateMachine(gte: Uint8Array, lt: Uint8Array, limit: number, reverse = false): Promise<Array<[Uint8Array, Uint8Array]>> {
    if (this.isClosed) throw new StorageClosedError(this.dir);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > SCAN_RECORDS_MAX) {
      throw new RangeError(`scanStateMachine: limit must be 1..${SCAN_RECORDS_MAX}, got ${limit}`);
    }
    const range = { gte: stateMachineKey(gte), lt: lt.length === 0 ? STATE_MACHINE_KEYS_END : stateMachineKey(lt) };
    if (Buffer.compare(range.gte, range.lt) >= 0) return [];
    const rows = await this.db.iterator({ ...range, limit, reverse }).all();
    return rows.map(([key, value]): [Uint8Array, Uint8Array] => {
      const parsed = parseKey(key);
      const site = { kind: 'record', key: describeKey(key) } as const;
      if (parsed.kind !== 'stateMachine') throw new StorageCorruptionError(this.dir, site, 'not a state-machine key inside the state-machine range');
      const decoded = decodeStateMachineRecord(parsed.userKey, value);
      if (!decoded.ok) throw new StorageCorruptionError(this.dir, site, decoded.reason);
      return [parsed.userKey, decoded.value];
    });
  }

  /**
   * Deletes state-machine records outside the Raft write path, without fsync: only records no
   * reader can reach any more (history below a compaction), so losing the delete in a crash
   * merely leaves garbage that the next pass removes.
   */
  async deleteUnreachable(keys: readonly Uint8Array[]): Promise<void> {
    if (this.isClosed) throw new StorageClosedError(this.dir);
    if (keys.length === 0) return;
    await this.db.batch(keys.map((k) => ({ type: 'del' as const, key: stateMachineKey(k) })));
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.db.close();
  }

  /** Mirrors a landed write in memory; only called after the synced batch succeeded. */
  private adopt(plan: WritePlan): void {
    this.hardState = plan.hardState;
    this.applied = plan.applied;
    if (plan.logChange === null) return;
    this.termByIndex.length = plan.logChange.firstIndex;
    for (const term of plan.logChange.terms) this.termByIndex.push(term);
  }
}
