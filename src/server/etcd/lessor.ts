import type { Logger } from 'pino';
import type { RaftNode } from '../../raft/node/raft-node';

/** How often the leader looks for expired leases. */
const CHECK_MS = 100;

/**
 * Lease liveness, kept by the leader alone, as etcd's lessor: the state machine holds which
 * leases exist and their granted TTLs; this holds when each expires, in the leader's clock.
 * An expired lease is revoked through the log (the revoke deletes its keys at one revision on
 * every member), so no follower's clock ever deletes anything.
 *
 * A new leader cannot know how much time the old one had left: like etcd, it starts every lease
 * over at its full TTL, so leadership changes extend leases rather than expire them at once.
 */
export class Lessor {
  private readonly deadlines = new Map<number, number>();
  private readonly revoking = new Set<number>();
  private leaderTerm = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly node: RaftNode,
    private readonly revoke: (id: number) => Promise<unknown>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Keep-alive on the leader: the lease starts over at its TTL; -1 when there is no such lease. */
  renew(id: number): number {
    this.followTerm();
    const lease = this.node.stateMachine.lease(id);
    if (lease === undefined) return -1;
    this.deadlines.set(id, this.now() + lease.ttlSeconds * 1000);
    return lease.ttlSeconds;
  }

  /** Seconds left (rounded up) on the leader; -1 when there is no such lease. */
  remaining(id: number): number {
    if (!this.followTerm()) return -1;
    const lease = this.node.stateMachine.lease(id);
    if (lease === undefined) return -1;
    let deadline = this.deadlines.get(id);
    if (deadline === undefined) this.deadlines.set(id, (deadline = this.now() + lease.ttlSeconds * 1000));
    return Math.max(0, Math.ceil((deadline - this.now()) / 1000));
  }

  private check(): void {
    if (!this.sync()) return;
    const now = this.now();
    for (const [id, deadline] of this.deadlines) {
      if (deadline > now || this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.log.info({ lease: id }, 'lease expired; revoking it');
      this.revoke(id)
        .catch((e: unknown) => this.log.warn({ lease: id, err: e }, 'revoking an expired lease failed; will retry'))
        .finally(() => this.revoking.delete(id));
    }
  }

  /**
   * Drops every deadline when this node stops leading or a new term begins (a new leader starts
   * each lease over); false when it does not lead. Cheap: keep-alives call it, not the full sync.
   */
  private followTerm(): boolean {
    const st = this.node.status();
    if (st.role !== 'leader') {
      this.deadlines.clear();
      this.leaderTerm = 0;
      return false;
    }
    if (st.term !== this.leaderTerm) {
      this.leaderTerm = st.term;
      this.deadlines.clear();
    }
    return true;
  }

  /**
   * Brings the deadlines in line with the leases the state machine holds; false when this node
   * does not lead (then it keeps no deadlines: a later term starts them over).
   */
  private sync(): boolean {
    if (!this.followTerm()) return false;
    const now = this.now();
    const live = new Set<number>();
    for (const { id, ttlSeconds } of this.node.stateMachine.leases()) {
      live.add(id);
      if (!this.deadlines.has(id)) this.deadlines.set(id, now + ttlSeconds * 1000);
    }
    for (const id of this.deadlines.keys()) if (!live.has(id)) this.deadlines.delete(id);
    return true;
  }
}
