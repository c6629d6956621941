import { quorumSize } from '../raft/core/quorum';
import type { HardState, LogEntry, MembershipConfig, NodeId, RaftStatus } from '../raft/core/types';

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
 * so each check costs what the step changed, not the length of the logs. With log compaction,
 * an index below a node's firstIndex is covered by its snapshot, whose state-machine digest is
 * checked against the cluster's (so a committed entry can hide in a snapshot, never vanish).
 */
export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** (index, term) -> the one entry any log may hold there: Log Matching, inductively. */
  private readonly entries = new Map<number, Map<number, EntryRecord>>();
  /** index -> entry known committed, and the term of the leader that committed it. */
  private readonly committed = new Map<number, { entry: EntryRecord; commitTerm: number }>();
  private readonly applied = new Map<number, EntryRecord>();
  /** index -> the state machine's digest after applying it (the one state every replica may hold there), and who saw it first. */
  private readonly stateAt = new Map<number, { digest: number; node: NodeId; what: string; snapshot: boolean }>();
  /** `${node}/${term}` -> the candidate that node's durable vote went to in that term. */
  private readonly durableVotes = new Map<string, NodeId>();
  maxCommitted = 0;
  elections = 0;

  /**
   * Election Safety: at most one leader per term, across configuration changes too; and the
   * leader was elected by a majority of the configuration IT believed in (durable votes of that
   * configuration's voters), each of which voted once in that term (onDurableHardState).
   */
  onStatus(s: RaftStatus, wasLeader: boolean, log: LogView): void {
    if (s.role !== 'leader') return;
    const known = this.leaderOfTerm.get(s.term);
    if (known !== undefined && known !== s.id) {
      throw new Violation('Election Safety', `nodes ${known} and ${s.id} both leaders in term ${s.term}`);
    }
    if (known === undefined) {
      this.leaderOfTerm.set(s.term, s.id);
      this.elections++;
      this.checkElectionQuorum(s.id, s.term, s.config);
    }
    if (!wasLeader) this.checkLeaderCompleteness(s, log);
  }

  private checkElectionQuorum(leader: NodeId, term: number, config: MembershipConfig): void {
    // The leader's own vote may still be in flight to its disk (a single voter wins at once).
    const votes = config.voters.filter((v) => v === leader || this.durableVotes.get(`${v}/${term}`) === leader);
    if (votes.length < quorumSize(config.voters.length)) {
      throw new Violation(
        'Election Safety',
        `node ${leader} leads term ${term} with votes of [${votes.join(',')}] only, not a majority of its voters [${config.voters.join(',')}]`,
      );
    }
  }

  /** A node's vote reached its disk: one vote per term, across crashes (Figure 2). */
  onDurableHardState(node: NodeId, hs: HardState): void {
    if (hs.vote === 0) return;
    const key = `${node}/${hs.term}`;
    const before = this.durableVotes.get(key);
    if (before === undefined) this.durableVotes.set(key, hs.vote);
    else if (before !== hs.vote) throw new Violation('Election Safety', `node ${node} voted for ${before} and for ${hs.vote} in term ${hs.term}`);
  }

  /** Leader Completeness: a new leader holds every entry committed in an earlier term (in its log or its snapshot). */
  private checkLeaderCompleteness(s: RaftStatus, log: LogView): void {
    for (const [index, c] of this.committed) {
      if (c.commitTerm >= s.term || index < s.firstIndex) continue;
      if (log.termAt(index) !== c.entry.term) {
        throw new Violation(
          'Leader Completeness',
          `leader ${s.id} of term ${s.term} lacks entry ${index} (term ${c.entry.term}) committed in term ${c.commitTerm}`,
        );
      }
    }
  }

  /** Log Matching: entries handed out for persistence agree with every other log at (index, term). */
  onEntries(node: NodeId, entries: readonly LogEntry[], log: LogView): void {
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

  /**
   * State Machine Safety at commit time: no two nodes commit different entries at one index.
   * Indexes below `firstIndex` arrived in a snapshot (checked by onSnapshotState).
   */
  onCommit(node: NodeId, from: number, to: number, firstIndex: number, log: LogView & { entryAt(i: number): LogEntry | undefined }, term: number): void {
    // `term` is exact on the leader that commits and an upper bound on a follower that learns it
    // (it heard from a leader of at most its term), so Leader Completeness is never over-checked.
    for (let i = Math.max(from + 1, firstIndex); i <= to; i++) {
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
    this.maxCommitted = Math.max(this.maxCommitted, to);
  }

  /**
   * State Machine Safety at apply time, and applies happen in log order with no gap: the entry
   * and the resulting state (digest) must be those every other replica had at that index.
   */
  onApply(node: NodeId, appliedBefore: number, e: LogEntry, digestAfter: number): void {
    if (e.index !== appliedBefore + 1) {
      throw new Violation('Apply Order', `node ${node} applies ${e.index} after ${appliedBefore}`);
    }
    const known = this.applied.get(e.index);
    if (!known) this.applied.set(e.index, { term: e.term, prevTerm: 0, data: e.data });
    else if (known.term !== e.term || !sameBytes(known.data, e.data)) {
      throw new Violation('State Machine Safety', `node ${node} applies a different entry at ${e.index}`);
    }
    this.checkState(node, e.index, digestAfter, false, 'after applying');
  }

  /**
   * Snapshots: a snapshot taken, or restored from, at `index` holds exactly the state every
   * replica had after applying `index` (so no committed entry is lost inside a snapshot).
   */
  onSnapshotState(node: NodeId, index: number, digest: number, what: string): void {
    this.checkState(node, index, digest, true, what);
  }

  private checkState(node: NodeId, index: number, digest: number, snapshot: boolean, what: string): void {
    const known = this.stateAt.get(index);
    if (known === undefined) this.stateAt.set(index, { digest, node, what, snapshot });
    else if (known.digest !== digest) {
      throw new Violation(
        snapshot || known.snapshot ? 'Snapshot State' : 'State Machine Safety',
        `node ${node}'s state machine ${what} ${index} (digest ${hex(digest)}) differs from node ${known.node}'s ${known.what} ${index} (${hex(known.digest)})`,
      );
    }
  }

  appliedEntry(index: number): EntryRecord | undefined {
    return this.applied.get(index);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
