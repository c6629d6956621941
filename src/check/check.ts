/**
 * The checker: interpret a history with a model, split it into partitions (P-compositionality:
 * a history is linearizable iff each partition is), search each one, and explain a violation.
 */

import type { HistoryOp } from './history';
import type { Model, Operation } from './model';
import { searchPartition, type SearchOutcome, type UnknownReason } from './search';

export const DEFAULT_TIME_LIMIT_MS = 10_000;
/** About 100 to 300 bytes each: a bound of a few hundred MB on the memo. */
export const DEFAULT_MEMO_ENTRIES_MAX = 2_000_000;

export interface CheckOptions {
  /** For the whole history, all partitions together. Default 10 s. */
  readonly timeLimitMs?: number;
  readonly memoEntriesMax?: number;
  /** Monotonic clock in ms; default `performance.now`. */
  readonly nowMs?: () => number;
}

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface PartitionReport {
  readonly key: string;
  readonly opCount: number;
  readonly verdict: Verdict | 'not-checked';
  readonly reason?: UnknownReason;
  /** Search iterations. */
  readonly explored: number;
  readonly elapsedMs: number;
}

export interface LinearizedStep<S, I, O> {
  readonly op: Operation<I, O>;
  readonly stateAfter: S;
}

export interface Violation<S, I, O> {
  readonly key: string;
  /** All operations of the partition, in call order. */
  readonly ops: readonly Operation<I, O>[];
  /** The longest order of operations the search could linearize. */
  readonly longestPrefix: readonly LinearizedStep<S, I, O>[];
  /** The state after that prefix (`init()` when it is empty). */
  readonly stuckState: S;
  /** The remaining operation with the earliest return: it had to take effect by then. */
  readonly blocking: Operation<I, O>;
  /** Remaining operations called before `blocking` returned, i.e. those that could take effect
   *  next, and whether the model accepts each from `stuckState` (accepted ones lead to dead ends). */
  readonly candidates: readonly { readonly op: Operation<I, O>; readonly accepted: boolean }[];
}

interface ResultBase {
  /** Reports of the partitions looked at, in order (checking stops at the first violation). */
  readonly partitions: readonly PartitionReport[];
  readonly partitionCount: number;
  /** Operations the model dropped (failed operations that definitely did not happen). */
  readonly droppedCount: number;
  readonly opCount: number;
  readonly elapsedMs: number;
}

export type CheckResult<S, I, O> =
  | (ResultBase & { readonly verdict: 'linearizable' })
  | (ResultBase & { readonly verdict: 'not-linearizable'; readonly violation: Violation<S, I, O> })
  | (ResultBase & { readonly verdict: 'unknown'; readonly reason: UnknownReason; readonly partitionKey: string });

/** Applies `model.interpret` to each operation; throws `HistoryError` on malformed ones. */
export function interpretHistory<S, I, O>(
  model: Model<S, I, O>,
  history: readonly HistoryOp[],
): { readonly ops: Operation<I, O>[]; readonly droppedCount: number } {
  const ops: Operation<I, O>[] = [];
  let droppedCount = 0;
  for (const h of history) {
    const it = model.interpret(h);
    if (it.kind === 'drop') {
      droppedCount += 1;
      continue;
    }
    ops.push({ id: h.id, process: h.process, input: it.input, output: it.output, call: h.callEvent, ret: h.returnEvent, source: h });
  }
  return { ops, droppedCount };
}

/** Groups operations by `model.partition`, in order of first appearance. */
export function partitionOps<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): Map<string, Operation<I, O>[]> {
  const parts = new Map<string, Operation<I, O>[]>();
  for (const op of ops) {
    const key = model.partition(op.input);
    const part = parts.get(key);
    if (part === undefined) parts.set(key, [op]);
    else part.push(op);
  }
  return parts;
}

export function checkHistory<S, I, O>(model: Model<S, I, O>, history: readonly HistoryOp[], options: CheckOptions = {}): CheckResult<S, I, O> {
  const { ops, droppedCount } = interpretHistory(model, history);
  return checkOperations(model, ops, options, droppedCount);
}

/** Checks operations directly (e.g. from a test harness with timestamps as `call`/`ret`). Stops at
 *  the first partition found not linearizable. */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  options: CheckOptions = {},
  droppedCount = 0,
): CheckResult<S, I, O> {
  const nowMs = options.nowMs ?? (() => performance.now());
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  if (!(timeLimitMs >= 0)) throw new RangeError(`timeLimitMs ${timeLimitMs}`);
  const startMs = nowMs();
  const limits = { deadlineMs: startMs + timeLimitMs, memoEntriesMax: options.memoEntriesMax ?? DEFAULT_MEMO_ENTRIES_MAX, nowMs };
  const reports: PartitionReport[] = [];
  const parts = partitionOps(model, ops);
  const base = () => ({ partitions: reports, partitionCount: parts.size, droppedCount, opCount: ops.length, elapsedMs: nowMs() - startMs });
  let unknown: { reason: UnknownReason; key: string } | undefined;

  for (const [key, part] of parts) {
    if (unknown !== undefined && unknown.reason === 'time-limit') {
      reports.push({ key, opCount: part.length, verdict: 'not-checked', explored: 0, elapsedMs: 0 });
      continue;
    }
    const partStartMs = nowMs();
    const outcome = searchPartition(model, part, limits);
    const report = { key, opCount: part.length, explored: outcome.explored, elapsedMs: nowMs() - partStartMs };
    switch (outcome.kind) {
      case 'linearizable':
        reports.push({ ...report, verdict: 'linearizable' });
        break;
      case 'unknown':
        reports.push({ ...report, verdict: 'unknown', reason: outcome.reason });
        unknown ??= { reason: outcome.reason, key };
        break;
      case 'illegal':
        reports.push({ ...report, verdict: 'not-linearizable' });
        return { ...base(), verdict: 'not-linearizable', violation: explainViolation(model, key, part, outcome) };
    }
  }
  if (unknown !== undefined) return { ...base(), verdict: 'unknown', reason: unknown.reason, partitionKey: unknown.key };
  return { ...base(), verdict: 'linearizable' };
}

function explainViolation<S, I, O>(
  model: Model<S, I, O>,
  key: string,
  part: readonly Operation<I, O>[],
  outcome: Extract<SearchOutcome<S>, { kind: 'illegal' }>,
): Violation<S, I, O> {
  const longestPrefix = outcome.longestPrefix.map((p) => ({ op: part[p.index], stateAfter: p.stateAfter }));
  const stuckState = longestPrefix.length === 0 ? model.init() : longestPrefix[longestPrefix.length - 1].stateAfter;
  const done = new Set(outcome.longestPrefix.map((p) => p.index));
  const remaining = part.filter((_, i) => !done.has(i));
  let blocking: Operation<I, O> | undefined;
  for (const op of remaining) if (op.ret !== Infinity && (blocking === undefined || op.ret < blocking.ret)) blocking = op;
  if (blocking === undefined) throw new Error('explainViolation: an illegal partition must have a pending operation with a known return');
  const deadline = blocking.ret;
  const candidates = remaining
    .filter((op) => op.call <= deadline)
    .sort((a, b) => a.call - b.call)
    .map((op) => ({ op, accepted: model.step(stuckState, op.input, op.output).ok }));
  return { key, ops: [...part].sort((a, b) => a.call - b.call), longestPrefix, stuckState, blocking, candidates };
}
