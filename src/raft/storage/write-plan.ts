/**
 * Turning one PersistBatch into LevelDB operations, after checking it against what is already
 * durable. Pure: the store applies the returned state only once the synced batch has landed, so a
 * failed write leaves its in-memory view equal to the disk.
 */
import type { Entry, HardState } from '../core/types';
import { StorageInvariantError } from './errors';
import type { BatchOp } from './level-db';
import { entryKey, stateMachineKey } from './keys';
import { STATE_MACHINE_KEY_BYTES_MAX, encodeAppliedIndex, encodeEntry, encodeHardState, encodeStateMachineRecord } from './records';

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
}

/** What is on disk, as far as write needs to know. */
export interface DurableState {
  readonly hardState: HardState;
  readonly applied: number;
  /** termByIndex[i] is the term of entry i; [0] is 0 so entry 1 has a predecessor. Length = lastIndex + 1. */
  readonly termByIndex: readonly number[];
}

export interface WritePlan {
  readonly ops: readonly BatchOp[];
  readonly hardState: HardState;
  readonly applied: number;
  /** Log from this index on is replaced by `terms` (absent when the batch carries no entries). */
  readonly logChange: { readonly firstIndex: number; readonly terms: readonly number[] } | null;
  /** False for a batch of commit-index and state-machine progress alone (see writeBatch). */
  readonly mustSync: boolean;
}

export function planWrite(state: DurableState, batch: PersistBatch, dir: string): WritePlan {
  const check = (condition: boolean, reason: string): void => {
    if (!condition) throw new StorageInvariantError(dir, reason);
  };
  const hardState = batch.hardState ?? state.hardState;
  const entries = batch.entries ?? [];
  const lastIndexBefore = state.termByIndex.length - 1;
  const lastIndexAfter = entries.length === 0 ? lastIndexBefore : entries[entries.length - 1]!.index;
  if (batch.hardState) checkHardState(state.hardState, batch.hardState, check);
  checkEntries(state, entries, hardState.term, check);
  check(hardState.commit <= lastIndexAfter, `commit index ${hardState.commit} beyond last index ${lastIndexAfter}`);
  const applied = batch.stateMachine?.applied ?? state.applied;
  if (batch.stateMachine) checkStateMachine(state.applied, batch.stateMachine, lastIndexAfter, check);

  const ops: BatchOp[] = [];
  if (batch.hardState) ops.push({ type: 'put', ...encodeHardState(batch.hardState) });
  for (const entry of entries) ops.push({ type: 'put', ...encodeEntry(entry) });
  // Per-key deletes inside the same batch (not db.clear) so truncation and append are atomic.
  for (let index = lastIndexAfter + 1; index <= lastIndexBefore; index++) ops.push({ type: 'del', key: entryKey(index) });
  if (batch.stateMachine) ops.push(...stateMachineOps(batch.stateMachine));
  const logChange = entries.length === 0 ? null : { firstIndex: entries[0]!.index, terms: entries.map((e) => e.term) };
  // Term, vote and entries are what a node promises on (Figure 2's persistent state). The commit
  // index is volatile state (Figure 2) that peers re-teach after a crash: a batch that only moves
  // it, or the state machine's progress, skips the fsync, like etcd's MustSync. LevelDB loses only
  // a suffix of unsynced batches, so a surviving applied index never passes a lost commit index.
  const promises = batch.hardState !== undefined && batch.hardState !== null && (batch.hardState.term !== state.hardState.term || batch.hardState.vote !== state.hardState.vote);
  const mustSync = promises || entries.length > 0;
  return { ops, hardState, applied, logChange, mustSync };
}

type Check = (condition: boolean, reason: string) => void;

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
  const lastIndexBefore = state.termByIndex.length - 1;
  const firstIndex = entries[0]!.index;
  check(Number.isSafeInteger(firstIndex) && firstIndex >= 1, `first entry index ${firstIndex} is not a positive integer`);
  check(firstIndex <= lastIndexBefore + 1, `first entry index ${firstIndex} leaves a gap after last index ${lastIndexBefore}`);
  // Entries up to the durable commit (or applied) index are settled: rewriting one with another
  // term, or truncating below it, would undo a committed entry (Raft's State Machine Safety).
  const settledIndex = Math.max(state.hardState.commit, state.applied);
  const lastIndexAfter = firstIndex + entries.length - 1;
  check(lastIndexAfter >= settledIndex, `would truncate the log to ${lastIndexAfter}, below settled index ${settledIndex}`);
  let previousTerm = state.termByIndex[firstIndex - 1]!;
  entries.forEach((entry, i) => {
    check(entry.index === firstIndex + i, `entries not contiguous: index ${entry.index} at position ${i} after ${firstIndex}`);
    check(Number.isSafeInteger(entry.term) && entry.term >= previousTerm, `entry ${entry.index} term ${entry.term} below previous term ${previousTerm}`);
    const storedTerm = state.termByIndex[entry.index];
    const rewritesSettled = entry.index <= settledIndex && storedTerm !== undefined && storedTerm !== entry.term;
    check(!rewritesSettled, `would rewrite settled entry ${entry.index} of term ${String(storedTerm)} with term ${entry.term}`);
    previousTerm = entry.term;
  });
  check(previousTerm <= hardTerm, `entry term ${previousTerm} is above the hard state term ${hardTerm}`);
}

function checkStateMachine(appliedBefore: number, sm: NonNullable<PersistBatch['stateMachine']>, lastIndexAfter: number, check: Check): void {
  check(Number.isSafeInteger(sm.applied) && sm.applied >= appliedBefore, `applied index would go from ${appliedBefore} to ${sm.applied}`);
  check(sm.applied <= lastIndexAfter, `applied index ${sm.applied} beyond last index ${lastIndexAfter}`);
  for (const key of sm.dels) check(key.length <= STATE_MACHINE_KEY_BYTES_MAX, `state-machine key of ${key.length} bytes`);
  // LevelDB would apply a put and a del of one key in batch order; refuse the ambiguity instead.
  const deleted = new Set(sm.dels.map((key) => Buffer.from(key).toString('hex')));
  for (const [key] of sm.puts) check(!deleted.has(Buffer.from(key).toString('hex')), 'a state-machine key is both put and deleted in one batch');
}

function stateMachineOps(sm: NonNullable<PersistBatch['stateMachine']>): BatchOp[] {
  const ops: BatchOp[] = [];
  for (const key of sm.dels) ops.push({ type: 'del', key: stateMachineKey(key) });
  for (const [key, value] of sm.puts) ops.push({ type: 'put', ...encodeStateMachineRecord(key, value) });
  ops.push({ type: 'put', ...encodeAppliedIndex(sm.applied) });
  return ops;
}
