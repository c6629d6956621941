import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { SessionPool } from '../../client/session-pool';
import { LeaderTransferError, LeadershipLostError, NotLeaderError, ProposalDroppedError } from '../../raft/node/errors';
import type { RaftNode } from '../../raft/node/raft-node';
import { encodeCommand } from '../../statemachine';
import type { ApplyResult, Op } from '../../statemachine';
import { ForwardError, ForwardLink, type ForwardKind } from './forward-link';

/** No leader is known, or none answered before the request's deadline (etcd: "no leader"). */
export class NoLeaderError extends Error {
  constructor() {
    super('no leader is known (election in progress?)');
  }
}

/** The request's deadline passed with its outcome unknown (etcd: "request timed out"). */
export class RequestTimeoutError extends Error {
  constructor(what: string) {
    super(`${what} timed out`);
  }
}

/** How long a request may take when the client set no deadline (etcd's request timeout is 5 s + 2 elections). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 7000;
/** Pause between attempts while leadership settles; also how often waits are checked. */
const RETRY_PAUSE_MS = 50;

/** A wait on this node's log that a leader change (or the deadline) must cut short. */
interface Wait {
  readonly leader: number;
  readonly term: number;
  readonly deadline: number;
  readonly reject: (e: Error) => void;
}

/**
 * Lets every member serve writes and linearizable reads, as etcd's members do: on the leader
 * they run locally; a follower forwards the command to the leader over the peer port and then
 * waits for the entry in its own log (so the answer is computed by its own state machine), or
 * asks the leader for a ReadIndex and waits until it has applied that far (dissertation 6.4).
 *
 * Every forwarded write carries an exactly-once session (dissertation 6.3), so a write whose
 * outcome is unknown (leader crashed, entry replaced, stream broken) is simply retried with the
 * same session until the deadline: it applies once, and the retry reads its cached answer.
 * Requests travel on one batched stream per peer (ForwardLink); one timer serves every wait.
 */
export class Forwarder {
  private readonly links = new Map<number, ForwardLink>();
  private readonly sessions: SessionPool;
  private readonly waits = new Set<Wait>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly node: RaftNode,
    private readonly cluster: string,
    private readonly peerAddressOf: (id: number) => string | undefined,
  ) {
    const self = node.status().id;
    this.sessions = new SessionPool(() => `fwd-${self}-${randomUUID()}`);
  }

  /** Applies `op` exactly once through the leader; the result is this node's apply of it. */
  async propose(op: Op, deadline: number): Promise<ApplyResult> {
    const session = this.sessions.acquire();
    try {
      const command = encodeCommand({ session, stampMs: Date.now(), op });
      return await this.retry(deadline, async () => {
        const st = this.node.status();
        if (st.role === 'leader') return this.node.propose(command);
        const leader = this.leaderOrThrow();
        const at = await this.ask(leader, { propose: command }, deadline);
        const result = await this.untilLeaderChanges(this.node.waitEntry(at.index, at.term), leader, st.term, deadline);
        // Applied before we started waiting: its answer waits in the session cache.
        if (result === null) throw new ProposalDroppedError(at.index, at.term);
        return result;
      });
    } finally {
      this.sessions.release(session);
    }
  }

  /** Resolves once a linearizable read may be served from this node's state machine. */
  async readBarrier(deadline: number): Promise<void> {
    await this.retry(deadline, async () => {
      const st = this.node.status();
      if (st.role === 'leader') return this.node.readBarrier();
      const leader = this.leaderOrThrow();
      const { index } = await this.ask(leader, { readIndex: true }, deadline);
      await this.untilLeaderChanges(this.node.waitApplied(index), leader, st.term, deadline);
    });
  }

  /** Asks the leader's lessor (`local` when this node leads); resolves to the TTL (-1: no such lease). */
  async lease(kind: 'keepAlive' | 'timeToLive', id: number, deadline: number, local: () => number): Promise<number> {
    return this.retry(deadline, async () => {
      if (this.node.status().role === 'leader') return local();
      const r = await this.ask(this.leaderOrThrow(), kind === 'keepAlive' ? { leaseKeepAlive: id } : { leaseTimeToLive: id }, deadline);
      return r.ttl;
    });
  }

  close(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    for (const w of this.waits) w.reject(new RequestTimeoutError('request (the node is stopping)'));
    this.waits.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private leaderOrThrow(): number {
    const leader = this.node.status().leaderId;
    if (leader === 0) throw new NoLeaderError();
    return leader;
  }

  /** Runs `attempt` until it succeeds, fails for good, or the deadline passes. */
  private async retry<T>(deadline: number, attempt: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await attempt();
      } catch (e) {
        if (!isRetryable(e)) throw e;
        if (Date.now() + RETRY_PAUSE_MS >= deadline) throw e instanceof RequestTimeoutError ? e : asTimeout(e);
        await sleep(RETRY_PAUSE_MS);
      }
    }
  }

  /**
   * Waits for `p`, but gives up (retryably) when the leader or term changes or the deadline
   * passes: the entry may never reach this node under the new leader, and a retry with the same
   * session is always safe.
   */
  private untilLeaderChanges<T>(p: Promise<T>, leader: number, term: number, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const wait: Wait = { leader, term, deadline, reject };
      this.waits.add(wait);
      this.sweep();
      p.then(
        (v) => {
          this.waits.delete(wait);
          resolve(v);
        },
        (e: unknown) => {
          this.waits.delete(wait);
          reject(e);
        },
      );
    });
  }

  /** One request to the leader over its stream; its reply, or a ForwardError. */
  private ask(peer: number, kind: ForwardKind, deadline: number) {
    let link = this.links.get(peer);
    if (!link) {
      const address = this.peerAddressOf(peer);
      if (address === undefined) throw new NoLeaderError();
      link = new ForwardLink(address, this.cluster);
      this.links.set(peer, link);
    }
    this.sweep();
    return link.request(kind, deadline);
  }

  /** Keeps one timer running while anything waits: it ends waits cut short and expired requests. */
  private sweep(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      const st = this.node.status();
      for (const w of this.waits) {
        if (w.leader !== st.leaderId || w.term !== st.term) w.reject(new LeadershipLostError());
        else if (now >= w.deadline) w.reject(new RequestTimeoutError('waiting for the leader'));
        else continue;
        this.waits.delete(w);
      }
      let inFlight = 0;
      for (const link of this.links.values()) {
        link.expire(now);
        inFlight += link.inFlight;
      }
      if (this.waits.size === 0 && inFlight === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = null;
      }
    }, RETRY_PAUSE_MS);
    this.sweeper.unref();
  }
}

/** Outcomes that a retry (same session) may still turn into an answer. */
function isRetryable(e: unknown): boolean {
  if (e instanceof NotLeaderError || e instanceof NoLeaderError || e instanceof LeadershipLostError) return true;
  if (e instanceof ProposalDroppedError || e instanceof LeaderTransferError) return true;
  if (!(e instanceof ForwardError)) return false;
  const code = e.code;
  // The leader moved (FAILED_PRECONDITION from its Forward service) or is unreachable.
  return code === grpc.status.UNAVAILABLE || code === grpc.status.FAILED_PRECONDITION || code === grpc.status.DEADLINE_EXCEEDED;
}

function asTimeout(e: unknown): Error {
  if (e instanceof NoLeaderError) return e;
  return new RequestTimeoutError(`request (last attempt: ${e instanceof Error ? e.message : String(e)})`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
