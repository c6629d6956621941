import type { Entry, NodeId, RaftStatus } from '../raft/core/types';

/** A broken safety or liveness property, with enough context to replay and read the trace. */
export class Violation extends Error {
  constructor(
    readonly property: string,
    detail: string,
  ) {
    super(`${property}: ${detail}`);
  }
}

interface EntryRecord {
  readonly term: number;
  readonly prevTerm: number;
  readonly data: Uint8Array;
}

/** What the checker may ask a node about its log. */
export interface LogView {
  termAt(index: number): number | undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The Raft safety properties (paper Figure 3), checked incrementally after every simulated step
 * so each check costs what the step changed, not the length of the logs.
 */
export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** (index, term) -> the one entry any log may hold there: Log Matching, inductively. */
  private readonly entries = new Map<number, Map<number, EntryRecord>>();
  /** index -> entry known committed, and the term of the leader that committed it. */
  private readonly committed = new Map<number, { entry: EntryRecord; commitTerm: number }>();
  private readonly applied = new Map<number, EntryRecord>();
  maxCommitted = 0;
  elections = 0;

  /** Election Safety: at most one leader per term. */
  onStatus(s: RaftStatus, wasLeader: boolean, log: LogView): void {
    if (s.role !== 'leader') return;
    const known = this.leaderOfTerm.get(s.term);
    if (known !== undefined && known !== s.id) {
      throw new Violation('Election Safety', `nodes ${known} and ${s.id} both leaders in term ${s.term}`);
    }
    if (known === undefined) {
      this.leaderOfTerm.set(s.term, s.id);
      this.elections++;
    }
    if (!wasLeader) this.checkLeaderCompleteness(s, log);
  }

  /** Leader Completeness: a new leader holds every entry committed in an earlier term. */
  private checkLeaderCompleteness(s: RaftStatus, log: LogView): void {
    for (const [index, c] of this.committed) {
      if (c.commitTerm >= s.term) continue;
      if (log.termAt(index) !== c.entry.term) {
        throw new Violation(
          'Leader Completeness',
          `leader ${s.id} of term ${s.term} lacks entry ${index} (term ${c.entry.term}) committed in term ${c.commitTerm}`,
        );
      }
    }
  }

  /** Log Matching: entries handed out for persistence agree with every other log at (index, term). */
  onEntries(node: NodeId, entries: readonly Entry[], log: LogView): void {
    for (const e of entries) {
      const prevTerm = log.termAt(e.index - 1) ?? -1;
      let byTerm = this.entries.get(e.index);
      if (!byTerm) this.entries.set(e.index, (byTerm = new Map()));
      const rec = byTerm.get(e.term);
      if (!rec) {
        byTerm.set(e.term, { term: e.term, prevTerm, data: e.data });
      } else if (rec.prevTerm !== prevTerm || !sameBytes(rec.data, e.data)) {
        throw new Violation('Log Matching', `node ${node} holds a different entry at index ${e.index} term ${e.term}`);
      }
    }
  }

  /** State Machine Safety at commit time: no two nodes commit different entries at one index. */
  onCommit(node: NodeId, from: number, to: number, log: LogView & { entryAt(i: number): Entry | undefined }, term: number): void {
    // `term` is exact on the leader that commits and an upper bound on a follower that learns it
    // (it heard from a leader of at most its term), so Leader Completeness is never over-checked.
    for (let i = from + 1; i <= to; i++) {
      const e = log.entryAt(i);
      if (!e) throw new Violation('Commit', `node ${node} commits ${i} beyond its log`);
      const known = this.committed.get(i);
      if (!known) {
        this.committed.set(i, { entry: { term: e.term, prevTerm: 0, data: e.data }, commitTerm: term });
        this.maxCommitted = Math.max(this.maxCommitted, i);
      } else if (known.entry.term !== e.term || !sameBytes(known.entry.data, e.data)) {
        throw new Violation('State Machine Safety', `node ${node} commits term ${e.term} at ${i}, term ${known.entry.term} was committed there`);
      }
    }
  }

  /** State Machine Safety at apply time, and applies happen in log order with no gap. */
  onApply(node: NodeId, appliedBefore: number, e: Entry): void {
    if (e.index !== appliedBefore + 1) {
      throw new Violation('Apply Order', `node ${node} applies ${e.index} after ${appliedBefore}`);
    }
    const known = this.applied.get(e.index);
    if (!known) this.applied.set(e.index, { term: e.term, prevTerm: 0, data: e.data });
    else if (known.term !== e.term || !sameBytes(known.data, e.data)) {
      throw new Violation('State Machine Safety', `node ${node} applies a different entry at ${e.index}`);
    }
  }

  appliedEntry(index: number): EntryRecord | undefined {
    return this.applied.get(index);
  }
}
