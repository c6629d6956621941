import type { Entry } from './types';

/**
 * The in-memory Raft log of one node, with the bookkeeping the Ready contract needs:
 * `stableIndex` (persisted, as reported by the driver), `commitIndex`, and how far committed
 * entries have been handed out and applied. Indexes start at 1; index 0 has term 0.
 */
export class RaftLog {
  private readonly entries: Entry[] = [];
  /** Highest index the driver reported durable; entries after it are handed out again. */
  stableIndex = 0;
  commitIndex = 0;
  /** Highest index handed out in a Ready's committedEntries. */
  appliedHandedOut: number;
  /** Highest index the driver reported applied (advance). */
  appliedIndex: number;

  constructor(entries: readonly Entry[], commitIndex: number, appliedIndex: number) {
    entries.forEach((e, i) => {
      if (e.index !== i + 1) throw new Error(`log must be contiguous from 1: entry ${i} has index ${e.index}`);
    });
    this.entries.push(...entries);
    this.stableIndex = entries.length;
    // The applied index is persisted with the state machine, never ahead of a durable commit.
    this.commitIndex = Math.min(Math.max(commitIndex, appliedIndex), this.lastIndex());
    this.appliedIndex = Math.min(appliedIndex, this.commitIndex);
    this.appliedHandedOut = this.appliedIndex;
  }

  lastIndex(): number {
    return this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term at `index`, 0 for index 0, undefined when the log does not reach it. */
  term(index: number): number | undefined {
    if (index === 0) return 0;
    return this.entries[index - 1]?.term;
  }

  entry(index: number): Entry | undefined {
    return this.entries[index - 1];
  }

  /** Section 5.4.1: a candidate's log is at least as up-to-date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, hi], at most `maxCount`, and at most `maxBytes` of data (always at least one). */
  slice(lo: number, hi: number, maxCount: number, maxBytes: number): Entry[] {
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i <= hi && out.length < maxCount; i++) {
      const e = this.entries[i - 1];
      if (out.length > 0 && bytes + e.data.length > maxBytes) break;
      bytes += e.data.length;
      out.push(e);
    }
    return out;
  }

  /** Leader append (no conflict possible: a leader never overwrites its log, Leader Append-Only). */
  append(entry: Entry): void {
    if (entry.index !== this.lastIndex() + 1) throw new Error(`append at ${entry.index}, last is ${this.lastIndex()}`);
    this.entries.push(entry);
  }

  /**
   * Follower side of AppendEntries after the consistency check passed (Figure 2, receiver
   * rules 3-4): an existing entry that conflicts with a new one is deleted with all that
   * follow it; entries already present are kept. Returns the index of the last new entry.
   */
  appendFromLeader(prevLogIndex: number, entries: readonly Entry[]): number {
    for (const e of entries) {
      const t = this.term(e.index);
      if (t === e.term) continue;
      if (t !== undefined) {
        if (e.index <= this.commitIndex) {
          throw new Error(`safety: leader overwrites committed entry ${e.index} (commit ${this.commitIndex})`);
        }
        this.entries.length = e.index - 1;
        this.stableIndex = Math.min(this.stableIndex, e.index - 1);
      }
      this.entries.push(e);
    }
    return prevLogIndex + entries.length;
  }

  /** First index of the term held at `index` (the fast-backtracking hint). */
  firstIndexOfTerm(index: number): number {
    const t = this.term(index);
    let i = index;
    while (i > 1 && this.term(i - 1) === t) i--;
    return i;
  }

  /** Last index holding `term`, or 0 if the log has no entry of that term. */
  lastIndexOfTerm(term: number): number {
    for (let i = this.lastIndex(); i >= 1; i--) {
      const t = this.entries[i - 1].term;
      if (t === term) return i;
      if (t < term) return 0; // terms only grow along a log
    }
    return 0;
  }

  unstableEntries(): Entry[] {
    return this.entries.slice(this.stableIndex);
  }

  /**
   * The driver persisted `entries` (a former Ready's). Entries truncated meanwhile must not be
   * counted as stable, so only a prefix that still matches index and term is.
   */
  stableTo(persisted: readonly Entry[]): void {
    for (let k = persisted.length - 1; k >= 0; k--) {
      const e = persisted[k];
      if (this.term(e.index) === e.term) {
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
  takeCommitted(): Entry[] {
    const out = this.entries.slice(this.appliedHandedOut, this.commitIndex);
    this.appliedHandedOut = this.commitIndex;
    return out;
  }

  hasCommittedToHandOut(): boolean {
    return this.commitIndex > this.appliedHandedOut;
  }

  appliedTo(index: number): void {
    this.appliedIndex = Math.max(this.appliedIndex, index);
  }
}
