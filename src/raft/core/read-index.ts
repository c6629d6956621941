import type { ReadState } from './types';

/**
 * ReadIndex bookkeeping for a leader (dissertation 6.4). Every heartbeat broadcast opens a new
 * numbered round; a read registered now is confirmed by the first round sent after it. When a
 * quorum has acknowledged round r, every read waiting on a round <= r is released at the
 * commit index recorded when it arrived: one heartbeat round serves all reads waiting in it.
 */
interface PendingRead {
  readonly ctx: number;
  readonly index: number;
  readonly round: number;
}

export class ReadIndexTracker {
  /** Highest round broadcast in this term. */
  roundSent = 0;
  /** Highest round a quorum acknowledged. */
  roundConfirmed = 0;
  private pending: PendingRead[] = [];
  /** Reads that arrived before the leader committed an entry of its own term (6.4 step 1). */
  private awaitingFirstCommit: number[] = [];

  defer(ctx: number): void {
    this.awaitingFirstCommit.push(ctx);
  }

  takeDeferred(): number[] {
    const out = this.awaitingFirstCommit;
    this.awaitingFirstCommit = [];
    return out;
  }

  /** Registers a read at `commitIndex`; returns whether a new round must be broadcast now. */
  register(ctx: number, commitIndex: number): boolean {
    this.pending.push({ ctx, index: commitIndex, round: this.roundSent + 1 });
    return this.roundConfirmed === this.roundSent; // no round in flight: start one at once
  }

  nextRound(): number {
    return ++this.roundSent;
  }

  /** A quorum acknowledged `round`: the reads it covers, and whether reads still wait for a later one. */
  confirm(round: number): { released: ReadState[]; needRound: boolean } {
    if (round <= this.roundConfirmed) return { released: [], needRound: false };
    this.roundConfirmed = round;
    const released: ReadState[] = [];
    let k = 0;
    while (k < this.pending.length && this.pending[k].round <= round) {
      released.push({ ctx: this.pending[k].ctx, index: this.pending[k].index });
      k++;
    }
    this.pending = this.pending.slice(k);
    return { released, needRound: this.pending.length > 0 && this.roundConfirmed === this.roundSent };
  }

  hasUnconfirmed(): boolean {
    return this.pending.length > 0;
  }

  /** Leadership lost: every read not yet released fails. */
  abortAll(): number[] {
    const out = [...this.awaitingFirstCommit, ...this.pending.map((r) => r.ctx)];
    this.pending = [];
    this.awaitingFirstCommit = [];
    this.roundSent = 0;
    this.roundConfirmed = 0;
    return out;
  }
}
