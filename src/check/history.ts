/**
 * Histories as recorded by a client harness: a sequence of events (a call, then its completion),
 * and the operations obtained by pairing each call with its completion. Format-neutral: the
 * parsers (parse/*.ts) produce `HistoryEvent`s, the models interpret `HistoryOp`s.
 */

/** A JSON-like value: what a history records as an operation's argument or result. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** `invoke`: a call. `ok`: it completed and took effect. `fail`: it completed and definitely did
 *  not take effect (models may define a failure as a definite outcome, see register.ts).
 *  `info`: its outcome is unknown. */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

export type ProcessId = number | string;

export interface HistoryEvent {
  readonly process: ProcessId;
  readonly type: EventType;
  readonly f: string;
  readonly key?: string;
  /** Invocation: the argument. Completion: the result (Jepsen's convention). */
  readonly value: Json;
  readonly timeNs?: number;
  /** 1-based line of the source file, for explanations. */
  readonly line?: number;
}

/** How an operation ended. `none`: no completion before the end of the history. */
export type Completion = 'ok' | 'fail' | 'info' | 'none';

export interface HistoryOp {
  /** 0-based, in invocation order. */
  readonly id: number;
  readonly process: ProcessId;
  readonly f: string;
  readonly key?: string;
  readonly invokeValue: Json;
  readonly completion: Completion;
  /** The completion's value; undefined for `info` and `none`. */
  readonly completeValue: Json | undefined;
  /** Index of the call in the event sequence. */
  readonly callEvent: number;
  /** Index of the completion in the event sequence; Infinity for `info` and `none` (the
   *  operation may take effect at any time after its call, or never). */
  readonly returnEvent: number;
  readonly callLine?: number;
  readonly returnLine?: number;
}

/** A malformed history. `line` is 1-based when known. */
export class HistoryError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'HistoryError';
  }
}

interface Pending {
  readonly event: HistoryEvent;
  readonly index: number;
  readonly id: number;
}

/**
 * Pairs each invocation with the next completion of the same process. A process may have at most
 * one call in flight (Jepsen's rule: after an `info` it may call again, since that call is over
 * for the client). Throws `HistoryError` on a completion without a call, a second call while one
 * is in flight, or a completion whose `f` or `key` differs from its call's.
 */
export function pairEvents(events: readonly HistoryEvent[]): HistoryOp[] {
  const inFlight = new Map<ProcessId, Pending>();
  const ops: (HistoryOp | undefined)[] = [];
  let nextId = 0;
  events.forEach((event, index) => {
    if (event.type === 'invoke') {
      const prior = inFlight.get(event.process);
      if (prior !== undefined) {
        throw new HistoryError(`process ${String(event.process)} calls ${event.f} while its ${prior.event.f} (line ${prior.event.line ?? '?'}) is in flight`, event.line);
      }
      inFlight.set(event.process, { event, index, id: nextId });
      ops.push(undefined);
      nextId += 1;
      return;
    }
    const call = inFlight.get(event.process);
    if (call === undefined) {
      throw new HistoryError(`process ${String(event.process)}: ${event.type} ${event.f} without a call`, event.line);
    }
    if (call.event.f !== event.f) {
      throw new HistoryError(`process ${String(event.process)}: completion ${event.f} does not match call ${call.event.f}`, event.line);
    }
    if (event.key !== undefined && call.event.key !== undefined && event.key !== call.event.key) {
      throw new HistoryError(`process ${String(event.process)}: completion key ${event.key} does not match call key ${call.event.key}`, event.line);
    }
    inFlight.delete(event.process);
    ops[call.id] = completed(call, event, index);
  });
  for (const call of inFlight.values()) ops[call.id] = completed(call, undefined, Infinity);
  return ops.map((op, i) => {
    if (op === undefined) throw new Error(`pairEvents: operation ${i} lost`);
    return op;
  });
}

function completed(call: Pending, done: HistoryEvent | undefined, index: number): HistoryOp {
  const completion: Completion = done === undefined ? 'none' : done.type === 'invoke' ? 'none' : done.type;
  const known = completion === 'ok' || completion === 'fail';
  const op: {
    -readonly [K in keyof HistoryOp]: HistoryOp[K];
  } = {
    id: call.id,
    process: call.event.process,
    f: call.event.f,
    invokeValue: call.event.value,
    completion,
    completeValue: known && done !== undefined ? done.value : undefined,
    callEvent: call.index,
    returnEvent: known ? index : Infinity,
  };
  const key = call.event.key ?? done?.key;
  if (key !== undefined) op.key = key;
  if (call.event.line !== undefined) op.callLine = call.event.line;
  if (done?.line !== undefined) op.returnLine = done.line;
  return op;
}

/** A short, stable rendering of a JSON-like value (strings quoted, nil for null). */
export function showValue(v: Json | undefined): string {
  if (v === undefined) return '?';
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${(v as readonly Json[]).map(showValue).join(' ')}]`;
  return JSON.stringify(v);
}
