/** Test drivers for the state machine: entries from commands, and a Map standing in for LevelDB. */

import type { Entry } from '../../src/raft/core/types';
import { fromUtf8, utf8 } from '../../src/statemachine/bytes';
import type { Command, Op, Session } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import type { StateMachineConfig } from '../../src/statemachine/config';
import type { StateMutations } from '../../src/statemachine/mutations';
import type { ApplyResult, KeyValue, OpResponse } from '../../src/statemachine/results';
import { StateMachine } from '../../src/statemachine/state-machine';

export const b = utf8;
export const text = fromUtf8;

export function entryOf(index: number, data: Uint8Array, type: Entry['type'] = 'normal'): Entry {
  return { index, term: 1, type, data };
}

/** One replica: a state machine, the next index to feed it, and its "LevelDB". */
export class Replica {
  sm: StateMachine;
  /** Record store as a storage layer would hold it: key (latin1) -> [key, value]. */
  readonly db = new Map<string, [Uint8Array, Uint8Array]>();
  dbAppliedIndex = 0;

  constructor(readonly config: Partial<StateMachineConfig> = {}) {
    this.sm = new StateMachine(config);
  }

  /** Applies `op` as the next entry, stamped `stampMs`, optionally with a session. */
  run(op: Op, opts: { stampMs?: number; session?: Session } = {}): ApplyResult {
    const cmd: Command = { stampMs: opts.stampMs ?? 0, op, ...(opts.session ? { session: opts.session } : {}) };
    return this.applyData(encodeCommand(cmd));
  }

  applyData(data: Uint8Array, type: Entry['type'] = 'normal'): ApplyResult {
    return this.sm.apply(entryOf(this.sm.appliedIndex + 1, data, type));
  }

  /** Drains the pending mutations into `db`, as the storage layer's batch write would; returns them. */
  persist(): StateMutations {
    const m = this.sm.takeMutations();
    for (const [k, v] of m.puts) this.db.set(Buffer.from(k).toString('latin1'), [k, v]);
    for (const k of m.dels) this.db.delete(Buffer.from(k).toString('latin1'));
    this.dbAppliedIndex = m.appliedIndex;
    return m;
  }

  /** A state machine rebuilt from `db`, as after a restart. */
  restoreFromDb(): StateMachine {
    return StateMachine.restore(this.db.values(), this.dbAppliedIndex, this.config);
  }

  get(key: string): KeyValue | undefined {
    return this.sm.read({ key: b(key) }).kvs[0];
  }

  value(key: string): string | undefined {
    const kv = this.get(key);
    return kv === undefined ? undefined : text(kv.value);
  }

  keys(): string[] {
    return this.sm.read({ key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) }).kvs.map((kv) => text(kv.key));
  }
}

/** Narrows an ApplyResult to 'ok' (failing the test otherwise) and returns its response. */
export function okResponse(result: ApplyResult): OpResponse {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.response;
}

/** Whether a record key is under one of the lazy prefixes (topic records, KV change log). */
export function isLazy(key: Uint8Array): boolean {
  return StateMachine.lazyRecordPrefixes().some((p) => Buffer.from(key.subarray(0, p.length)).equals(p));
}

/** The mutations without the lazy records. */
export function withoutLazy(m: StateMutations): StateMutations {
  return { puts: m.puts.filter(([k]) => !isLazy(k)), dels: m.dels.filter((k) => !isLazy(k)), appliedIndex: m.appliedIndex };
}

/** The db's records with keys in [gte, lt), in key order, as LogStore.scanStateMachine returns them. */
export function scanDb(r: Replica, range: { gte: Uint8Array; lt: Uint8Array }): Array<[Uint8Array, Uint8Array]> {
  return [...r.db.values()]
    .filter(([k]) => Buffer.compare(k, range.gte) >= 0 && Buffer.compare(k, range.lt) < 0)
    .sort((x, y) => Buffer.compare(x[0], y[0]));
}

/** Narrows an ApplyResult to a rejection and returns it. */
export function rejection(result: ApplyResult): { status: string; reason: string } {
  if (result.kind !== 'error' || result.error.code !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result.error;
}

/** Narrows an ApplyResult to invalid_command and returns its reason. */
export function invalidReason(result: ApplyResult): string {
  if (result.kind !== 'error' || result.error.code !== 'invalid_command') throw new Error(`expected invalid_command, got ${JSON.stringify(result)}`);
  return result.error.reason;
}
