/**
 * Exactly-once client sessions (Raft dissertation 6.3): the last seq applied per client and its
 * outcome, so a retried command is answered from here instead of being applied twice.
 *
 * Time is the leader-stamped `nowMs` handed in (the largest stampMs applied so far), never a
 * local clock. Sessions are ordered explicitly by (lastUsedMs, clientId), so expiry and
 * least-recently-used eviction pick the same victims on every replica and after a restore.
 */

import type { CommandOutcome } from './results';
import { compareStrings, insertSorted, removeSorted } from './sorted-array';

export interface SessionEntry {
  readonly clientId: string;
  readonly lastSeq: number;
  readonly lastUsedMs: number;
  readonly outcome: CommandOutcome;
}

/** Told about every change, so the owner can record it for persistence (null = dropped). */
export type SessionChangeListener = (clientId: string, entry: SessionEntry | null) => void;

export interface SessionLimits {
  readonly sessionTtlMs: number;
  readonly sessionsMax: number;
}

function byUse(a: SessionEntry, b: SessionEntry): number {
  return a.lastUsedMs - b.lastUsedMs || compareStrings(a.clientId, b.clientId);
}

export class SessionTable {
  private readonly byClient = new Map<string, SessionEntry>();
  /** Least recently used first; ties broken by client id. */
  private readonly byLastUse: SessionEntry[] = [];

  constructor(
    private readonly limits: SessionLimits,
    private readonly onChange: SessionChangeListener,
  ) {}

  /** Rebuilds a table from persisted entries without reporting them as changes. */
  static load(entries: Iterable<SessionEntry>, limits: SessionLimits, onChange: SessionChangeListener): SessionTable {
    const table = new SessionTable(limits, onChange);
    for (const e of entries) {
      if (table.byClient.has(e.clientId)) throw new Error('SessionTable.load: duplicate client id');
      table.byClient.set(e.clientId, e);
      table.byLastUse.push(e);
    }
    table.byLastUse.sort(byUse);
    if (table.byLastUse.length > limits.sessionsMax) {
      throw new Error(`SessionTable.load: ${table.byLastUse.length} sessions exceed sessionsMax ${limits.sessionsMax}`);
    }
    return table;
  }

  get size(): number {
    return this.byLastUse.length;
  }

  get(clientId: string): SessionEntry | undefined {
    return this.byClient.get(clientId);
  }

  /** Drops every session unused for sessionTtlMs or more at `nowMs`. */
  expire(nowMs: number): void {
    let n = 0;
    while (n < this.byLastUse.length && nowMs - this.byLastUse[n]!.lastUsedMs >= this.limits.sessionTtlMs) n++;
    if (n === 0) return;
    for (const e of this.byLastUse.splice(0, n)) {
      this.byClient.delete(e.clientId);
      this.onChange(e.clientId, null);
    }
  }

  /** Records the outcome of a newly applied seq, evicting the least recently used if full. */
  record(clientId: string, seq: number, nowMs: number, outcome: CommandOutcome): void {
    const prev = this.byClient.get(clientId);
    if (prev !== undefined) {
      if (seq <= prev.lastSeq) throw new Error(`SessionTable: seq ${seq} <= last seq ${prev.lastSeq} of ${clientId}`);
      removeSorted(this.byLastUse, prev, byUse);
    } else if (this.byLastUse.length >= this.limits.sessionsMax) {
      const victim = this.byLastUse.shift()!;
      this.byClient.delete(victim.clientId);
      this.onChange(victim.clientId, null);
    }
    this.store({ clientId, lastSeq: seq, lastUsedMs: nowMs, outcome });
  }

  /** Marks a session used at `nowMs` (a retry answered from the cache keeps it alive). */
  touch(clientId: string, nowMs: number): void {
    const prev = this.byClient.get(clientId);
    if (prev === undefined) throw new Error(`SessionTable: touch of unknown client ${clientId}`);
    if (prev.lastUsedMs === nowMs) return;
    removeSorted(this.byLastUse, prev, byUse);
    this.store({ ...prev, lastUsedMs: nowMs });
  }

  /** Every session, least recently used first. */
  entries(): readonly SessionEntry[] {
    return this.byLastUse;
  }

  private store(entry: SessionEntry): void {
    insertSorted(this.byLastUse, entry, byUse);
    this.byClient.set(entry.clientId, entry);
    this.onChange(entry.clientId, entry);
  }
}
