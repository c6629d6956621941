/**
 * A key/value map of strings with get / put / append (Porcupine's kv model, Jepsen's kv format).
 * A get returns the whole string for its key, "" if absent (nil is read as ""); append
 * concatenates. Keys are independent, so the model partitions by key and its state is the string
 * of one key. Failed operations are dropped; a get with unknown result accepts any string.
 */

import { HistoryError, showValue, type HistoryOp, type Json } from '../history';
import { assertNever, type Interpretation, type Model, type StepResult } from '../model';

export type KvInput =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'put'; readonly key: string; readonly value: string }
  | { readonly f: 'append'; readonly key: string; readonly value: string };

/** get: the string read. put, append: null (nothing to check). */
export type KvOutput = string | null;

function text(v: Json | undefined, op: HistoryOp, what: string): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new HistoryError(`${op.f}: ${what} must be a string, got ${showValue(v)}`, op.callLine);
}

function interpret(op: HistoryOp): Interpretation<KvInput, KvOutput> {
  if (op.key === undefined) throw new HistoryError(`kv model: ${op.f} has no key`, op.callLine);
  const key = op.key;
  if (op.completion === 'fail') return { kind: 'drop' };
  const known = op.completion === 'ok';
  switch (op.f) {
    case 'get':
      return { kind: 'op', input: { f: 'get', key }, output: known ? text(op.completeValue, op, 'get result') : undefined };
    case 'put':
    case 'append':
      return { kind: 'op', input: { f: op.f, key, value: text(op.invokeValue, op, 'value') }, output: known ? null : undefined };
    default:
      throw new HistoryError(`kv model: unknown operation ${op.f} (expected get, put or append)`, op.callLine);
  }
}

function step(state: string, input: KvInput, output: KvOutput | undefined): StepResult<string> {
  switch (input.f) {
    case 'get':
      return { ok: output === undefined || output === state, state };
    case 'put':
      return { ok: true, state: input.value };
    case 'append':
      return { ok: true, state: state + input.value };
    default:
      return assertNever(input);
  }
}

function describe(input: KvInput, output: KvOutput | undefined): string {
  switch (input.f) {
    case 'get':
      return `get ${showValue(input.key)} -> ${output === undefined || output === null ? '?' : showValue(output)}`;
    case 'put':
    case 'append':
      return `${input.f} ${showValue(input.key)} ${showValue(input.value)}${output === undefined ? ' ?' : ''}`;
    default:
      return assertNever(input);
  }
}

export function kvModel(): Model<string, KvInput, KvOutput> {
  return {
    name: 'kv',
    init: () => '',
    step,
    hash: (s) => s,
    equal: (a, b) => a === b,
    partition: (input) => input.key,
    describe,
    describeState: (s) => showValue(s),
    interpret,
  };
}
