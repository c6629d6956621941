/**
 * Turning one PersistBatch into LevelDB operations, after checking it against what is already
 * durable. Pure: the store applies the returned state only once the synced batch has landed, so a
 * failed write leaves its in-memory view equal to the disk.
 */
import type { Entry, HardState, SnapshotMeta } from '../core/types';
import { StorageInvariantError } from './errors';
import type { BatchOp } from './level-db';
import { entryKey, stateMachineKey } from './keys';
import {
  STATE_MACHINE_KEY_BYTES_MAX,
  encodeAppliedIndex,
  encodeEntry,
  encodeHardState,
  encodeSnapshotMeta,
  encodeStateMachineRecord,
  type InstallMarker,
} from './records';

/** The core's CompactResult: it recorded `snapshot` and dropped its log below `firstIndex`. */
export interface Compaction {
  readonly snapshot: SnapshotMeta;
  readonly firstIndex: number;
}

/** One group commit: synced whenever it carries entries or a new term or vote. */
export interface PersistBatch {
  hardState?: HardState | null;
  /** entries[0].index onward replaces whatever the log held from there; stored entries after the last one are deleted */
  entries?: readonly Entry[];
  /** state-machine mutations applied atomically with its applied index */
  stateMachine?: {
    puts: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
    dels: ReadonlyArray<Uint8Array>;
    applied: number;
  };
  /** Records the snapshot and deletes the stored entries below firstIndex (after `entries` and `stateMachine`). */
  compact?: Compaction;
}

/** What is on disk, as far as write needs to know. */
export interface DurableState {
  readonly hardState: HardState;
  readonly applied: number;
  /** The latest snapshot; null until the log is first compacted or a snapshot installed. */
  readonly snapshot: SnapshotMeta | null;
  /** Index of the first stored entry; lastIndex + 1 when none is stored. */
  readonly firstIndex: number;
  /** Terms of the stored entries firstIndex, firstIndex + 1, ... */
  readonly terms: readonly number[];
}

/** The last index of the log; the snapshot's index when no entry after it is stored. */
export function lastIndexOf(state: DurableState): number {
  return state.firstIndex + state.terms.length - 1;
}

/**
 * The term at `index`: a stored entry's, the snapshot's at its index, 0 at index 0 (before the
 * log); undefined beyond the log, or below the first stored entry where compaction took it.
 */
function termAt(state: DurableState, index: number): number | undefined {
  if (index >= state.firstIndex) return state.terms[index - state.firstIndex];
  if (state.snapshot !== null && index === state.snapshot.index) return state.snapshot.term;
  return index === 0 ? 0 : undefined;
}

export interface WritePlan {
  readonly ops: readonly BatchOp[];
  readonly hardState: HardState;
  readonly applied: number;
  /** Log from this index on is replaced by `terms` (absent when the batch carries no entries). */
  readonly logChange: { readonly firstIndex: number; readonly terms: readonly number[] } | null;
  /** The batch's compaction, applied after logChange. */
  readonly compaction: Compaction | null;
  /** False for a batch of commit-index and state-machine progress alone (see writeBatch). */
  readonly mustSync: boolean;
}

export function planWrite(state: DurableState, batch: PersistBatch, dir: string): WritePlan {
  const check = checker(dir);
  const hardState = batch.hardState ?? state.hardState;
  const entries = batch.entries ?? [];
  const lastIndexBefore = lastIndexOf(state);
  const lastIndexAfter = entries.length === 0 ? lastIndexBefore : entries[entries.length - 1]!.index;
  if (batch.hardState) checkHardState(state.hardState, batch.hardState, check);
  checkEntries(state, entries, hardState.term, check);
  check(hardState.commit <= lastIndexAfter, `commit index ${hardState.commit} beyond last index ${lastIndexAfter}`);
  const applied = batch.stateMachine?.applied ?? state.applied;
  if (batch.stateMachine) checkStateMachine(state.applied, batch.stateMachine, lastIndexAfter, check);
  const compaction = batch.compact ?? null;
  if (compaction) checkCompaction(state, compaction, { entries, applied, commit: hardState.commit }, check);

  const ops: BatchOp[] = [];
  if (batch.hardState) ops.push({ type: 'put', ...encodeHardState(batch.hardState) });
  for (const entry of entries) ops.push({ type: 'put', ...encodeEntry(entry) });
  // Per-key deletes inside the same batch (not db.clear) so truncation and append are atomic.
  for (let index = lastIndexAfter + 1; index <= lastIndexBefore; index++) ops.push({ type: 'del', key: entryKey(index) });
  if (batch.stateMachine) ops.push(...stateMachineOps(batch.stateMachine));
  if (compaction) ops.push(...compactionOps(state.firstIndex, compaction));
  const logChange = entries.length === 0 ? null : { firstIndex: entries[0]!.index, terms: entries.map((e) => e.term) };
  // Term, vote and entries are what a node promises on (Figure 2's persistent state). The commit
  // index is volatile state (Figure 2) that peers re-teach after a crash: a batch that only moves
  // it, or the state machine's progress, skips the fsync, like etcd's MustSync. LevelDB loses only
  // a suffix of unsynced batches, so a surviving applied index never passes a lost commit index.
  // A compaction promises nothing either: losing it brings back the previous snapshot and the
  // entries it deleted, which is the consistent state before it.
  const promises = batch.hardState !== undefined && batch.hardState !== null && (batch.hardState.term !== state.hardState.term || batch.hardState.vote !== state.hardState.vote);
  const mustSync = promises || entries.length > 0;
  return { ops, hardState, applied, logChange, compaction, mustSync };
}

/**
 * Checks installing `marker.snapshot` with `hardState` (Raft paper section 7, Figure 13 rule 7:
 * the snapshot replaces the whole log and the state machine). Returns what step (c) of the
 * install writes: the hard state with its commit index raised to the snapshot's index, which
 * the leader's state machine had applied, so it is committed.
 */
export function planInstall(state: DurableState, snapshot: SnapshotMeta, hardState: HardState, dir: string): InstallMarker {
  const check = checker(dir);
  const raised = { ...hardState, commit: Math.max(hardState.commit, snapshot.index) };
  checkHardState(state.hardState, raised, check);
  check(raised.term >= snapshot.term, `hard state term ${raised.term} is below the snapshot's term ${snapshot.term}`);
  check(raised.commit <= snapshot.index, `commit index ${raised.commit} beyond the snapshot's index ${snapshot.index}, the last index once it is installed`);
  // The state machine never goes back; a snapshot it already holds carries nothing new.
  check(snapshot.index > state.applied, `snapshot at index ${snapshot.index} is not above the applied index ${state.applied}`);
  return { hardState: raised, snapshot };
}

type Check = (condition: boolean, reason: string) => void;

function checker(dir: string): Check {
  return (condition, reason) => {
    if (!condition) throw new StorageInvariantError(dir, reason);
  };
}

function checkHardState(before: HardState, after: HardState, check: Check): void {
  const fields: ReadonlyArray<readonly [string, number]> = [['term', after.term], ['vote', after.vote], ['commit', after.commit]];
  for (const [field, n] of fields) {
    check(Number.isSafeInteger(n) && n >= 0, `hard state ${field} ${n} is not a non-negative safe integer`);
  }
  check(after.term >= before.term, `term would go back from ${before.term} to ${after.term}`);
  const revote = after.term === before.term && before.vote !== 0 && after.vote !== before.vote;
  check(!revote, `vote in term ${after.term} would change from ${before.vote} to ${after.vote}`);
  check(after.commit >= before.commit, `commit index would go back from ${before.commit} to ${after.commit}`);
}

function checkEntries(state: DurableState, entries: readonly Entry[], hardTerm: number, check: Check): void {
  if (entries.length === 0) return;
  const lastIndexBefore = lastIndexOf(state);
  const firstIndex = entries[0]!.index;
  check(Number.isSafeInteger(firstIndex) && firstIndex >= 1, `first entry index ${firstIndex} is not a positive integer`);
  check(firstIndex >= state.firstIndex, `first entry index ${firstIndex} is below the first stored index ${state.firstIndex} (compacted away)`);
  check(firstIndex <= lastIndexBefore + 1, `first entry index ${firstIndex} leaves a gap after last index ${lastIndexBefore}`);
  // Entries up to the durable commit (or applied) index are settled: rewriting one with another
  // term, or truncating below it, would undo a committed entry (Raft's State Machine Safety).
  const settledIndex = Math.max(state.hardState.commit, state.applied);
  const lastIndexAfter = firstIndex + entries.length - 1;
  check(lastIndexAfter >= settledIndex, `would truncate the log to ${lastIndexAfter}, below settled index ${settledIndex}`);
  // Below a trailing margin (firstIndex <= snapshot.index) the predecessor's term is compacted
  // away; the entries from there are settled, so the check below pins them to their stored terms.
  let previousTerm = termAt(state, firstIndex - 1) ?? 0;
  // Per entry, the messages are built only on failure: this loop runs for every entry written.
  entries.forEach((entry, i) => {
    if (entry.index !== firstIndex + i) check(false, `entries not contiguous: index ${entry.index} at position ${i} after ${firstIndex}`);
    if (!Number.isSafeInteger(entry.term) || entry.term < previousTerm) check(false, `entry ${entry.index} term ${entry.term} below previous term ${previousTerm}`);
    const storedTerm = termAt(state, entry.index);
    const rewritesSettled = entry.index <= settledIndex && storedTerm !== undefined && storedTerm !== entry.term;
    if (rewritesSettled) check(false, `would rewrite settled entry ${entry.index} of term ${String(storedTerm)} with term ${entry.term}`);
    previousTerm = entry.term;
  });
  check(previousTerm <= hardTerm, `entry term ${previousTerm} is above the hard state term ${hardTerm}`);
}

function checkStateMachine(appliedBefore: number, sm: NonNullable<PersistBatch['stateMachine']>, lastIndexAfter: number, check: Check): void {
  check(Number.isSafeInteger(sm.applied) && sm.applied >= appliedBefore, `applied index would go from ${appliedBefore} to ${sm.applied}`);
  check(sm.applied <= lastIndexAfter, `applied index ${sm.applied} beyond last index ${lastIndexAfter}`);
  for (const key of sm.dels) check(key.length <= STATE_MACHINE_KEY_BYTES_MAX, `state-machine key of ${key.length} bytes`);
  // LevelDB would apply a put and a del of one key in batch order; refuse the ambiguity instead.
  if (sm.dels.length === 0) return; // most batches: no hex string per put key on the hot path
  const deleted = new Set(sm.dels.map((key) => Buffer.from(key).toString('hex')));
  for (const [key] of sm.puts) check(!deleted.has(Buffer.from(key).toString('hex')), 'a state-machine key is both put and deleted in one batch');
}

/** The rest of the batch, as a compaction must see it: the log after its entries, the indexes after it. */
interface AfterBatch {
  readonly entries: readonly Entry[];
  readonly applied: number;
  readonly commit: number;
}

/**
 * Raft paper section 7: a snapshot may only stand for entries the state machine has applied,
 * which are committed; and the log it leaves must still start where the snapshot ends, or
 * earlier (dissertation 5.1.3's trailing entries for followers that lag a little).
 */
function checkCompaction(state: DurableState, compaction: Compaction, after: AfterBatch, check: Check): void {
  const { snapshot, firstIndex } = compaction;
  const previousIndex = state.snapshot?.index ?? 0;
  check(snapshot.index > previousIndex, `snapshot at index ${snapshot.index} is not above the current one at ${previousIndex}`);
  check(snapshot.index <= after.applied, `snapshot at index ${snapshot.index} is beyond the applied index ${after.applied}`);
  check(snapshot.index <= after.commit, `snapshot at index ${snapshot.index} is beyond the commit index ${after.commit}`);
  check(Number.isSafeInteger(firstIndex) && firstIndex >= state.firstIndex, `first index would go back from ${state.firstIndex} to ${firstIndex}`);
  check(firstIndex <= snapshot.index + 1, `first index ${firstIndex} is beyond the snapshot's index ${snapshot.index} + 1: entries it does not cover would go`);
  const batchFirstIndex = after.entries[0]?.index ?? firstIndex;
  check(batchFirstIndex >= firstIndex, `the batch writes entry ${batchFirstIndex}, below the first index ${firstIndex} it compacts to`);
  const batchTerm = after.entries[snapshot.index - batchFirstIndex]?.term;
  const logTerm = batchTerm ?? termAt(state, snapshot.index);
  check(logTerm === snapshot.term, `snapshot at index ${snapshot.index} has term ${snapshot.term}, the log has term ${String(logTerm)} there`);
}

function stateMachineOps(sm: NonNullable<PersistBatch['stateMachine']>): BatchOp[] {
  const ops: BatchOp[] = [];
  for (const key of sm.dels) ops.push({ type: 'del', key: stateMachineKey(key) });
  for (const [key, value] of sm.puts) ops.push({ type: 'put', ...encodeStateMachineRecord(key, value) });
  ops.push({ type: 'put', ...encodeAppliedIndex(sm.applied) });
  return ops;
}

function compactionOps(firstIndexBefore: number, compaction: Compaction): BatchOp[] {
  const ops: BatchOp[] = [{ type: 'put', ...encodeSnapshotMeta(compaction.snapshot) }];
  for (let index = firstIndexBefore; index < compaction.firstIndex; index++) ops.push({ type: 'del', key: entryKey(index) });
  return ops;
}
