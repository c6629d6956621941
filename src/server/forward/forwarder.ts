import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { SessionPool } from '../../client/session-pool';
import type { ForwardClient } from '../../generated/ordo/raft/v1/Forward';
import { LeaderTransferError, LeadershipLostError, NotLeaderError, ProposalDroppedError } from '../../raft/node/errors';
import type { RaftNode } from '../../raft/node/raft-node';
import { GRPC_MESSAGE_BYTES_MAX, raftProto } from '../../rpc/proto';
import { encodeCommand } from '../../statemachine';
import type { ApplyResult, Op } from '../../statemachine';

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
/** Pause between attempts while leadership settles. */
const RETRY_PAUSE_MS = 50;

/**
 * Lets every member serve writes and linearizable reads, as etcd's members do: on the leader
 * they run locally; a follower forwards the command to the leader over the peer port and then
 * waits for the entry in its own log (so the answer is computed by its own state machine), or
 * asks the leader for a ReadIndex and waits until it has applied that far (dissertation 6.4).
 *
 * Every forwarded write carries an exactly-once session (dissertation 6.3), so a write whose
 * outcome is unknown (leader crashed, entry replaced, stream broken) is simply retried with the
 * same session until the deadline: it applies once, and the retry reads its cached answer.
 */
export class Forwarder {
  private readonly clients = new Map<number, ForwardClient>();
  private readonly sessions: SessionPool;

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
        const at = await this.unary<{ index: number; term: number }>(leader, 'Propose', { cluster: this.cluster, command }, deadline);
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
      const { index } = await this.unary<{ index: number }>(leader, 'ReadIndex', { cluster: this.cluster }, deadline);
      await this.untilLeaderChanges(this.node.waitApplied(index), leader, st.term, deadline);
    });
  }

  /** Asks the leader's lessor (`local` when this node leads); resolves to the TTL (-1: no such lease). */
  async lease(method: 'LeaseKeepAlive' | 'LeaseTimeToLive', id: number, deadline: number, local: () => number): Promise<number> {
    return this.retry(deadline, async () => {
      if (this.node.status().role === 'leader') return local();
      const r = await this.unary<{ ttl: number }>(this.leaderOrThrow(), method, { cluster: this.cluster, id }, deadline);
      return r.ttl;
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
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
      const poll = setInterval(() => {
        const st = this.node.status();
        if (st.leaderId !== leader || st.term !== term) finish(() => reject(new LeadershipLostError()));
        else if (Date.now() >= deadline) finish(() => reject(new RequestTimeoutError('waiting for the leader')));
      }, RETRY_PAUSE_MS);
      const finish = (f: () => void) => {
        clearInterval(poll);
        f();
      };
      p.then(
        (v) => finish(() => resolve(v)),
        (e: unknown) => finish(() => reject(e)),
      );
    });
  }

  private unary<T>(peer: number, method: 'Propose' | 'ReadIndex' | 'LeaseKeepAlive' | 'LeaseTimeToLive', request: object, deadline: number): Promise<T> {
    const client = this.client(peer);
    return new Promise<T>((resolve, reject) => {
      const fn = client[method].bind(client) as unknown as (
        req: object,
        md: grpc.Metadata,
        opts: grpc.CallOptions,
        cb: (err: grpc.ServiceError | null, res?: T) => void,
      ) => void;
      fn(request, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res as T)));
    });
  }

  private client(peer: number): ForwardClient {
    let c = this.clients.get(peer);
    if (c) return c;
    const address = this.peerAddressOf(peer);
    if (address === undefined) throw new NoLeaderError();
    const Forward = raftProto().ordo.raft.v1.Forward;
    c = new Forward(address, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
      'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
      'grpc.keepalive_time_ms': 2000,
      'grpc.keepalive_timeout_ms': 2000,
      'grpc.initial_reconnect_backoff_ms': 50,
      'grpc.max_reconnect_backoff_ms': 1000,
    });
    this.clients.set(peer, c);
    return c;
  }
}

/** Outcomes that a retry (same session) may still turn into an answer. */
function isRetryable(e: unknown): boolean {
  if (e instanceof NotLeaderError || e instanceof NoLeaderError || e instanceof LeadershipLostError) return true;
  if (e instanceof ProposalDroppedError || e instanceof LeaderTransferError) return true;
  const code = (e as Partial<grpc.ServiceError>).code;
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
