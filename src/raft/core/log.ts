import type { LogEntry, MembershipConfig, SnapshotMeta } from './types';

/**
 * The in-memory Raft log of one node, with the bookkeeping the Ready contract needs:
 * `stableIndex` (persisted, as reported by the driver), `commitIndex`, and how far committed
 * entries have been handed out and applied.
 *
 * Log compaction (Raft paper section 7, dissertation chapter 5): a prefix may be dropped. The log
 * then holds `snapshot` (the latest state-machine snapshot: index, term, configuration) and the
 * entries after its compaction point `compactedIndex` (<= snapshot.index: entries between the two
 * are the trailing margin kept for followers that lag a little). `firstIndex = compactedIndex +
 * 1`, which is `snapshot.index + 1` when no margin is kept. The terms at `compactedIndex` and at
 * `snapshot.index` stay known; below `firstIndex`, `entry` and `slice` answer undefined.
 * Without compaction: index 0 has term 0 and the snapshot is the bootstrap configuration.
 */
export class RaftLog {
  private entries: LogEntry[] = [];
  /** Index of the last dropped entry: entries[k] has index compactedIndex + 1 + k. */
  private compactedIndex: number;
  private compactedTerm: number;
  /** The latest state-machine snapshot (index 0: none, the bootstrap configuration). */
  snapshot: SnapshotMeta;
  /** Indexes of the 'config' entries held above the snapshot, ascending. */
  private configIndexes: number[] = [];
  /** Highest index the driver reported durable; entries after it are handed out again. */
  stableIndex = 0;
  commitIndex = 0;
  /** Highest index handed out in a Ready's committedEntries. */
  appliedHandedOut: number;
  /** Highest index the driver reported applied (advance). */
  appliedIndex: number;

  constructor(snapshot: SnapshotMeta, entries: readonly LogEntry[], commitIndex: number, appliedIndex: number) {
    this.snapshot = snapshot;
    this.compactedIndex = snapshot.index;
    this.compactedTerm = snapshot.term;
    let rest = entries;
    if (entries.length > 0 && entries[0].index <= snapshot.index) {
      // Entries kept below the snapshot (the trailing margin): the first one becomes the
      // compaction point, whose term we need as the predecessor of the second.
      this.compactedIndex = entries[0].index;
      this.compactedTerm = entries[0].term;
      rest = entries.slice(1);
    }
    rest.forEach((e, k) => {
      if (e.index !== this.compactedIndex + 1 + k) {
        throw new Error(`log must be contiguous from ${this.compactedIndex + 1}: entry ${k} has index ${e.index}`);
      }
    });
    this.entries = [...rest];
    const termAtSnapshot = snapshot.index > this.compactedIndex ? this.entries[snapshot.index - this.compactedIndex - 1]?.term : snapshot.index === this.compactedIndex ? this.compactedTerm : snapshot.term;
    if (termAtSnapshot !== snapshot.term) {
      throw new Error(`log entry ${snapshot.index} has term ${String(termAtSnapshot)}, the snapshot says ${snapshot.term}`);
    }
    for (const e of this.entries) if (e.type === 'config' && e.index > snapshot.index) this.configIndexes.push(e.index);
    this.stableIndex = this.lastIndex();
    // The applied index is persisted with the state machine, never ahead of a durable commit; the
    // state machine holds at least the snapshot.
    const applied = Math.max(appliedIndex, snapshot.index);
    this.commitIndex = Math.min(Math.max(commitIndex, applied), this.lastIndex());
    this.appliedIndex = Math.min(applied, this.commitIndex);
    this.appliedHandedOut = this.appliedIndex;
  }

  firstIndex(): number {
    return this.compactedIndex + 1;
  }

  lastIndex(): number {
    return this.compactedIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term at `index`: known from the compaction point to the last index, undefined elsewhere. */
  term(index: number): number | undefined {
    if (index > this.compactedIndex) return this.entries[index - this.compactedIndex - 1]?.term;
    if (index === this.compactedIndex) return this.compactedTerm;
    return index === this.snapshot.index ? this.snapshot.term : undefined;
  }

  /** The entry at `index`, undefined below firstIndex (compacted) or beyond the last index. */
  entry(index: number): LogEntry | undefined {
    if (index <= this.compactedIndex) return undefined;
    return this.entries[index - this.compactedIndex - 1];
  }

  /** Section 5.4.1: a candidate's log is at least as up-to-date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Entries in [lo, hi], at most `maxCount`, and at most `maxBytes` of data (always at least
   * one); undefined when `lo` was compacted away.
   */
  slice(lo: number, hi: number, maxCount: number, maxBytes: number): LogEntry[] | undefined {
    if (lo <= this.compactedIndex) return undefined;
    const out: LogEntry[] = [];
    let bytes = 0;
    const last = Math.min(hi, this.lastIndex());
    for (let i = lo; i <= last && out.length < maxCount; i++) {
      const e = this.entries[i - this.compactedIndex - 1];
      if (out.length > 0 && bytes + e.data.length > maxBytes) break;
      bytes += e.data.length;
      out.push(e);
    }
    return out;
  }

  /** Leader append (no conflict possible: a leader never overwrites its log, Leader Append-Only). */
  append(entry: LogEntry): void {
    if (entry.index !== this.lastIndex() + 1) throw new Error(`append at ${entry.index}, last is ${this.lastIndex()}`);
    this.entries.push(entry);
    if (entry.type === 'config') this.configIndexes.push(entry.index);
  }

  /**
   * Follower side of AppendEntries after the consistency check passed (Figure 2, receiver
   * rules 3-4): an existing entry that conflicts with a new one is deleted with all that
   * follow it; entries already present are kept. Returns the index of the last new entry.
   */
  appendFromLeader(prevLogIndex: number, entries: readonly LogEntry[]): number {
    for (const e of entries) {
      if (e.index <= this.compactedIndex) throw new Error(`append at ${e.index}, below the compaction point ${this.compactedIndex}`);
      const t = this.term(e.index);
      if (t === e.term) continue;
      if (t !== undefined) {
        if (e.index <= this.commitIndex) {
          throw new Error(`safety: leader overwrites committed entry ${e.index} (commit ${this.commitIndex})`);
        }
        this.truncateFrom(e.index);
      }
      this.entries.push(e);
      if (e.type === 'config') this.configIndexes.push(e.index);
    }
    return prevLogIndex + entries.length;
  }

  private truncateFrom(index: number): void {
    this.entries.length = index - this.compactedIndex - 1;
    this.stableIndex = Math.min(this.stableIndex, index - 1);
    while (this.configIndexes.length > 0 && this.configIndexes[this.configIndexes.length - 1] >= index) this.configIndexes.pop();
  }

  /** First index of the term held at `index` (the fast-backtracking hint), not below firstIndex. */
  firstIndexOfTerm(index: number): number {
    const t = this.term(index);
    let i = index;
    while (i > this.firstIndex() && this.term(i - 1) === t) i--;
    return i;
  }

  /** Last index holding `term` (down to the compaction point), or 0 if none is known to. */
  lastIndexOfTerm(term: number): number {
    for (let i = this.lastIndex(); i >= this.compactedIndex; i--) {
      const t = this.term(i)!;
      if (t === term) return i;
      if (t < term) return 0; // terms only grow along a log
    }
    return 0;
  }

  /** The index of the latest config entry at or below `upTo` held above the snapshot, or 0. */
  lastConfigIndex(upTo = Infinity): number {
    for (let k = this.configIndexes.length - 1; k >= 0; k--) if (this.configIndexes[k] <= upTo) return this.configIndexes[k];
    return 0;
  }

  unstableEntries(): LogEntry[] {
    return this.entries.slice(Math.max(0, this.stableIndex - this.compactedIndex));
  }

  /**
   * The driver persisted `entries` (a former Ready's). Entries truncated meanwhile must not be
   * counted as stable, so only a prefix that still matches index and term is.
   */
  stableTo(persisted: readonly LogEntry[]): void {
    for (let k = persisted.length - 1; k >= 0; k--) {
      const e = persisted[k];
      if (e.index > this.compactedIndex && this.term(e.index) === e.term) {
        this.stableIndex = Math.max(this.stableIndex, e.index);
        return;
      }
    }
  }

  commitTo(index: number): boolean {
    if (index <= this.commitIndex) return false;
    if (index > this.lastIndex()) throw new Error(`commit ${index} beyond last index ${this.lastIndex()}`);
    this.commitIndex = index;
    return true;
  }

  /** Committed entries not yet handed out, marked as handed out. */
  takeCommitted(): LogEntry[] {
    const from = Math.max(this.appliedHandedOut, this.compactedIndex) - this.compactedIndex;
    const out = this.entries.slice(from, this.commitIndex - this.compactedIndex);
    this.appliedHandedOut = this.commitIndex;
    return out;
  }

  hasCommittedToHandOut(): boolean {
    return this.commitIndex > this.appliedHandedOut;
  }

  appliedTo(index: number): void {
    this.appliedIndex = Math.max(this.appliedIndex, index);
  }

  /**
   * The state machine has a snapshot at `index` with configuration `config`: record it and drop
   * the entries up to `index - trailing` (never beyond what is already dropped). A state machine
   * holding `index` has applied, hence committed, everything up to it.
   */
  compact(index: number, config: MembershipConfig, trailing: number): void {
    const term = this.term(index);
    if (term === undefined) throw new Error(`compact at ${index}: no term known there (log ${this.firstIndex()}..${this.lastIndex()})`);
    this.snapshot = { index, term, config };
    const upTo = Math.max(this.compactedIndex, index - Math.max(0, trailing));
    if (upTo > this.compactedIndex) {
      const upToTerm = this.term(upTo)!;
      this.entries = this.entries.slice(upTo - this.compactedIndex);
      this.compactedIndex = upTo;
      this.compactedTerm = upToTerm;
    }
    while (this.configIndexes.length > 0 && this.configIndexes[0] <= index) this.configIndexes.shift();
    this.commitIndex = Math.max(this.commitIndex, index);
    this.appliedHandedOut = Math.max(this.appliedHandedOut, index);
    this.appliedIndex = Math.max(this.appliedIndex, index);
    this.stableIndex = Math.max(this.stableIndex, this.compactedIndex);
  }

  /**
   * Figure 13, receiver rule 7: the leader's snapshot replaces the whole log (the caller checked
   * that it is ahead of our commit index and that rule 6 does not apply). The state machine is
   * restored from it, so it counts as handed out; `appliedIndex` moves when the driver advances.
   */
  restore(snapshot: SnapshotMeta): void {
    this.entries = [];
    this.configIndexes = [];
    this.snapshot = snapshot;
    this.compactedIndex = snapshot.index;
    this.compactedTerm = snapshot.term;
    this.commitIndex = snapshot.index;
    this.appliedHandedOut = snapshot.index;
    this.stableIndex = snapshot.index;
  }
}
