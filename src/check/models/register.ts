/**
 * A single register with read / write / compare-and-set, as Jepsen's etcd test drives it.
 * The register starts absent (`null`, a read returns nil until the first write). Operations
 * carrying a `key` (jsonl) name one of several independent registers (P-compositionality).
 *
 * Failed operations:
 * - `fail cas [FROM TO]`: by default (`failedCas: 'compare-failed'`) a definite outcome, as the
 *   jepsen-etcd format defines it and Porcupine checks it: the compare failed, so at its
 *   linearization point the register did not hold FROM, and nothing changed. With
 *   `failedCas: 'dropped'` it is dropped like any failed operation (Knossos' cas-register).
 * - `fail write`: dropped (it definitely did not happen).
 * - `fail read` (jepsen-etcd's `:fail :read :timed-out`): the result is unknown; a read changes
 *   nothing, so this is the same as dropping it.
 */

import { HistoryError, showValue, type HistoryOp, type Json } from '../history';
import { assertNever, type Interpretation, type Model, type StepResult } from '../model';

export type RegisterValue = number | string | null;

/** `key` names the register: a history of several registers is checked one register at a time. */
export type RegisterInput = { readonly key: string } & (
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: RegisterValue }
  | { readonly f: 'cas'; readonly from: RegisterValue; readonly to: RegisterValue }
);

/** read: the value read. write: null (nothing to check). cas: whether it swapped. */
export type RegisterOutput = RegisterValue | boolean;

export interface RegisterModelOptions {
  readonly failedCas?: 'compare-failed' | 'dropped';
}

function registerValue(v: Json | undefined, op: HistoryOp, what: string): RegisterValue {
  if (v === null || typeof v === 'number' || typeof v === 'string') return v;
  throw new HistoryError(`${op.f}: ${what} must be nil, a number or a string, got ${showValue(v)}`, op.callLine);
}

function interpretCas(op: HistoryOp, failedCas: 'compare-failed' | 'dropped'): Interpretation<RegisterInput, RegisterOutput> {
  const arg = op.invokeValue;
  if (!Array.isArray(arg) || arg.length !== 2) {
    throw new HistoryError(`cas: argument must be [FROM TO], got ${showValue(arg)}`, op.callLine);
  }
  const pair = arg as readonly Json[];
  const input: RegisterInput = { key: op.key ?? '', f: 'cas', from: registerValue(pair[0], op, 'FROM'), to: registerValue(pair[1], op, 'TO') };
  switch (op.completion) {
    case 'ok':
      return { kind: 'op', input, output: true };
    case 'fail':
      return failedCas === 'dropped' ? { kind: 'drop' } : { kind: 'op', input, output: false };
    case 'info':
    case 'none':
      return { kind: 'op', input, output: undefined };
    default:
      return assertNever(op.completion);
  }
}

function interpret(op: HistoryOp, failedCas: 'compare-failed' | 'dropped'): Interpretation<RegisterInput, RegisterOutput> {
  switch (op.f) {
    case 'read':
      return {
        kind: 'op',
        input: { key: op.key ?? '', f: 'read' },
        output: op.completion === 'ok' ? registerValue(op.completeValue, op, 'read result') : undefined,
      };
    case 'write': {
      if (op.completion === 'fail') return { kind: 'drop' };
      const input: RegisterInput = { key: op.key ?? '', f: 'write', value: registerValue(op.invokeValue, op, 'written value') };
      return { kind: 'op', input, output: op.completion === 'ok' ? null : undefined };
    }
    case 'cas':
      return interpretCas(op, failedCas);
    default:
      throw new HistoryError(`register model: unknown operation ${op.f} (expected read, write or cas)`, op.callLine);
  }
}

function step(state: RegisterValue, input: RegisterInput, output: RegisterOutput | undefined): StepResult<RegisterValue> {
  switch (input.f) {
    case 'read':
      return { ok: output === undefined || output === state, state };
    case 'write':
      return { ok: true, state: input.value };
    case 'cas': {
      const matches = state === input.from;
      if (output === undefined) return { ok: true, state: matches ? input.to : state };
      return output === true ? { ok: matches, state: input.to } : { ok: !matches, state };
    }
    default:
      return assertNever(input);
  }
}

function describe(input: RegisterInput, output: RegisterOutput | undefined): string {
  switch (input.f) {
    case 'read':
      return `read -> ${output === undefined ? '?' : showValue(output)}`;
    case 'write':
      return `write ${showValue(input.value)}${output === undefined ? ' ?' : ''}`;
    case 'cas': {
      const outcome = output === undefined ? '?' : output === true ? 'ok' : 'failed';
      return `cas ${showValue(input.from)}->${showValue(input.to)} ${outcome}`;
    }
    default:
      return assertNever(input);
  }
}

function hash(state: RegisterValue): string {
  if (state === null) return 'n';
  return typeof state === 'number' ? `d${state}` : `s${state}`;
}

export function registerModel(options: RegisterModelOptions = {}): Model<RegisterValue, RegisterInput, RegisterOutput> {
  const failedCas = options.failedCas ?? 'compare-failed';
  return {
    name: 'register',
    init: () => null,
    step,
    hash,
    equal: (a, b) => a === b,
    partition: (input) => input.key,
    describe,
    describeState: (s) => showValue(s),
    interpret: (op) => interpret(op, failedCas),
  };
}
