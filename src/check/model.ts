/**
 * A sequential specification for the checker: a pure step function over immutable states.
 * The checker never mutates a state; `step` returns a new one (or the same object when unchanged).
 */

import type { HistoryOp } from './history';

export interface StepResult<S> {
  /** Whether the operation, with this output, is legal in `state`. */
  readonly ok: boolean;
  /** The state after the operation (meaningful only when `ok`). */
  readonly state: S;
}

/** What a model makes of one operation of a history: keep it, or drop it (it definitely did not
 *  happen, e.g. a failed write). `output` undefined means unknown: any result is accepted. */
export type Interpretation<I, O> =
  | { readonly kind: 'op'; readonly input: I; readonly output: O | undefined }
  | { readonly kind: 'drop' };

/** An operation as the search sees it. `call` < `ret` are positions on one timeline (event
 *  indices or timestamps); `ret` is Infinity when the outcome is unknown. */
export interface Operation<I, O> {
  /** Caller's id (the `HistoryOp.id` when it comes from a history). */
  readonly id: number;
  readonly process: number | string;
  readonly input: I;
  /** undefined: unknown output, any result is accepted. */
  readonly output: O | undefined;
  readonly call: number;
  readonly ret: number;
  /** The history operation it came from, when there is one (for line numbers). */
  readonly source?: HistoryOp;
}

export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /** Pure. With `output` undefined it must accept (`ok: true`): an unknown outcome constrains
   *  nothing but the state it may produce. */
  step(state: S, input: I, output: O | undefined): StepResult<S>;
  /** A faithful encoding of the state: equal states give equal strings. Used, with `equal` as a
   *  guard against collisions, as the memo key of the search. */
  hash(state: S): string;
  equal(a: S, b: S): boolean;
  /** The partition key of an operation (P-compositionality): operations with different keys
   *  act on independent parts of the state, and each partition is checked alone, from `init()`. */
  partition(input: I): string;
  /** One line, e.g. `cas 3->0 ok`, `get "k" -> "ab"`; `?` marks an unknown output. */
  describe(input: I, output: O | undefined): string;
  describeState(state: S): string;
  /** Throws `HistoryError` when the operation is malformed for this model. */
  interpret(op: HistoryOp): Interpretation<I, O>;
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
