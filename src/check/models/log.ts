/**
 * An append-only log per topic (the operation's key; absent = the "" topic), offsets dense from 0.
 * - append VALUE -> OFFSET: legal iff OFFSET is the log's length; the log grows by VALUE.
 * - read-range [FROM TO) -> VALUES: legal iff VALUES are the log's entries FROM..TO-1, cut at the
 *   log's end (TO null or absent: to the end). So a read returning fewer entries than appends
 *   acknowledged before it began is illegal.
 * Failed operations are dropped; unknown outcomes accept any result.
 * Values are compared by their JSON encoding.
 */

import { HistoryError, showValue, type HistoryOp, type Json } from '../history';
import { assertNever, type Interpretation, type Model, type StepResult } from '../model';

export interface LogState {
  /** JSON encodings of the entries, offset order. */
  readonly entries: readonly string[];
  /** Faithful encoding of `entries` (JSON text never contains U+0001 raw). */
  readonly key: string;
}

export type LogInput =
  | { readonly f: 'append'; readonly topic: string; readonly value: string }
  | { readonly f: 'read-range'; readonly topic: string; readonly from: number; readonly to: number | null };

/** append: the offset. read-range: the JSON encodings of the entries read. */
export type LogOutput = number | readonly string[];

const EMPTY: LogState = { entries: [], key: '' };

function offset(v: Json | undefined, op: HistoryOp, what: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new HistoryError(`${op.f}: ${what} must be a non-negative integer, got ${showValue(v)}`, op.callLine);
}

function appendOffset(v: Json | undefined, op: HistoryOp): number {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return offset((v as { readonly [k: string]: Json })['offset'], op, 'offset');
  return offset(v, op, 'offset');
}

function range(v: Json, op: HistoryOp): { from: number; to: number | null } {
  let from: Json | undefined;
  let to: Json | undefined;
  if (Array.isArray(v)) [from, to] = v as readonly Json[];
  else if (v !== null && typeof v === 'object') ({ from, to } = v as { readonly [k: string]: Json });
  else throw new HistoryError(`read-range: argument must be [FROM TO] or {"from":..,"to":..}, got ${showValue(v)}`, op.callLine);
  return { from: offset(from, op, 'FROM'), to: to === undefined || to === null ? null : offset(to, op, 'TO') };
}

function interpret(op: HistoryOp): Interpretation<LogInput, LogOutput> {
  if (op.completion === 'fail') return { kind: 'drop' };
  const topic = op.key ?? '';
  const known = op.completion === 'ok';
  switch (op.f) {
    case 'append':
      return {
        kind: 'op',
        input: { f: 'append', topic, value: JSON.stringify(op.invokeValue) },
        output: known ? appendOffset(op.completeValue, op) : undefined,
      };
    case 'read':
    case 'read-range': {
      const input: LogInput = { f: 'read-range', topic, ...range(op.invokeValue, op) };
      if (!known) return { kind: 'op', input, output: undefined };
      const values = op.completeValue;
      if (!Array.isArray(values)) throw new HistoryError(`read-range: result must be a list, got ${showValue(values)}`, op.returnLine);
      return { kind: 'op', input, output: (values as readonly Json[]).map((x) => JSON.stringify(x)) };
    }
    default:
      throw new HistoryError(`log model: unknown operation ${op.f} (expected append or read-range)`, op.callLine);
  }
}

function step(state: LogState, input: LogInput, output: LogOutput | undefined): StepResult<LogState> {
  switch (input.f) {
    case 'append': {
      const next: LogState = { entries: [...state.entries, input.value], key: `${state.key}\u0001${input.value}` };
      return { ok: output === undefined || output === state.entries.length, state: next };
    }
    case 'read-range': {
      if (output === undefined) return { ok: true, state };
      if (typeof output === 'number') return { ok: false, state };
      const end = Math.min(input.to ?? state.entries.length, state.entries.length);
      const want = Math.max(0, end - input.from);
      if (output.length !== want) return { ok: false, state };
      for (let i = 0; i < want; i++) if (output[i] !== state.entries[input.from + i]) return { ok: false, state };
      return { ok: true, state };
    }
    default:
      return assertNever(input);
  }
}

function describe(input: LogInput, output: LogOutput | undefined): string {
  const topic = input.topic === '' ? '' : `${showValue(input.topic)} `;
  switch (input.f) {
    case 'append':
      return `append ${topic}${input.value} -> ${output === undefined ? '?' : `offset ${String(output)}`}`;
    case 'read-range': {
      const result = output === undefined ? '?' : typeof output === 'number' ? String(output) : `[${output.join(' ')}]`;
      return `read-range ${topic}[${input.from}, ${input.to ?? 'end'}) -> ${result}`;
    }
    default:
      return assertNever(input);
  }
}

export function logModel(): Model<LogState, LogInput, LogOutput> {
  return {
    name: 'log',
    init: () => EMPTY,
    step,
    hash: (s) => s.key,
    equal: (a, b) => a.key === b.key,
    partition: (input) => input.topic,
    describe,
    describeState: (s) => `[${s.entries.join(' ')}]`,
    interpret,
  };
}
