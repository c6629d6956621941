import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { ClusterClient } from '../generated/ordo/v1/Cluster';
import type { DeleteRangeResponse__Output } from '../generated/ordo/v1/DeleteRangeResponse';
import type { KeyValue__Output } from '../generated/ordo/v1/KeyValue';
import type { KVClient } from '../generated/ordo/v1/KV';
import type { Member__Output } from '../generated/ordo/v1/Member';
import type { MemberChangeResponse__Output } from '../generated/ordo/v1/MemberChangeResponse';
import type { MemberListResponse__Output } from '../generated/ordo/v1/MemberListResponse';
import type { PutResponse__Output } from '../generated/ordo/v1/PutResponse';
import type { RangeRequest } from '../generated/ordo/v1/RangeRequest';
import type { RangeResponse__Output } from '../generated/ordo/v1/RangeResponse';
import type { StatusResponse__Output } from '../generated/ordo/v1/StatusResponse';
import type { TxnRequest } from '../generated/ordo/v1/TxnRequest';
import type { TxnResponse__Output } from '../generated/ordo/v1/TxnResponse';
import type { AppendResponse__Output } from '../generated/ordo/v1/AppendResponse';
import type { LogClient } from '../generated/ordo/v1/Log';
import type { ReadResponse__Output } from '../generated/ordo/v1/ReadResponse';
import type { Record__Output } from '../generated/ordo/v1/Record';
import type { TopicInfo__Output } from '../generated/ordo/v1/TopicInfo';
import type { TopicPolicy } from '../generated/ordo/v1/TopicPolicy';
import type { WatchClient } from '../generated/ordo/v1/Watch';
import type { WatchEvent__Output } from '../generated/ordo/v1/WatchEvent';
import { GRPC_MESSAGE_BYTES_MAX, kvProto, logProto } from '../rpc/proto';
import { resumableStream } from './resumable-stream';
import { LEADER_ADDRESS_KEY } from '../server/grpc-errors';
import { SessionPool } from './session-pool';

export interface ClientOptions {
  /** Overall budget of one call, retries and leader hops included. */
  readonly deadlineMs?: number;
  /**
   * Budget of one attempt on one endpoint: a paused or partitioned node must not eat the whole
   * deadline. Retrying is safe: writes keep their session seq, so they apply at most once.
   */
  readonly attemptTimeoutMs?: number;
}

interface Conn {
  readonly kv: KVClient;
  readonly cluster: ClusterClient;
  readonly log: LogClient;
  readonly watch: WatchClient;
}

/** A record to append: value required; key and headers optional. */
export interface NewRecord {
  readonly key?: string | Uint8Array;
  readonly value: string | Uint8Array;
  readonly headers?: ReadonlyArray<readonly [string, string | Uint8Array]>;
}

/** The error a call ends with once its deadline is spent: the last server answer, kept. */
export class OrdoError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.CANCELLED]);

/** How the server refuses a membership change that is already made (or, for promote, not applicable). */
const MEMBER_CHANGE_REFUSALS = new Set([grpc.status.ALREADY_EXISTS, grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION]);

/** A member to add: `clientAddress` may be empty (peers only know it then). */
export interface NewMember {
  readonly id: number;
  readonly peerAddress: string;
  readonly clientAddress: string;
  /** true: stays a learner until memberPromote; false: the server promotes it once caught up. */
  readonly learner: boolean;
}

/**
 * A client for an ordo cluster: finds the leader (following the UNAVAILABLE + leader-address
 * answers of followers), retries on other endpoints until the deadline, and makes writes
 * exactly-once with sessions: a retry reuses its (client id, seq), so the state machine
 * answers it from the session cache instead of applying it twice.
 */
export class OrdoClient {
  private readonly conns = new Map<string, Conn>();
  private readonly endpoints: string[];
  private current = 0;
  private readonly sessions = new SessionPool(() => randomUUID());
  private readonly deadlineMs: number;
  private readonly attemptTimeoutMs: number;

  constructor(endpoints: readonly string[], opts: ClientOptions = {}) {
    if (endpoints.length === 0) throw new Error('at least one endpoint is required');
    this.endpoints = [...endpoints];
    this.deadlineMs = opts.deadlineMs ?? 10_000;
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 2_000;
  }

  close(): void {
    for (const c of this.conns.values()) {
      c.kv.close();
      c.cluster.close();
      c.log.close();
      c.watch.close();
    }
    this.conns.clear();
  }

  async put(key: string | Uint8Array, value: string | Uint8Array, prevKv = false): Promise<PutResponse__Output> {
    return this.write((c, session, opts, cb) => c.kv.put({ key: buf(key), value: buf(value), prevKv, session }, opts, cb));
  }

  async delete(key: string | Uint8Array, rangeEnd?: Uint8Array): Promise<DeleteRangeResponse__Output> {
    return this.write((c, session, opts, cb) => c.kv.deleteRange({ key: buf(key), rangeEnd, session }, opts, cb));
  }

  async txn(req: Omit<TxnRequest, 'session'>): Promise<TxnResponse__Output> {
    return this.write((c, session, opts, cb) => c.kv.txn({ ...req, session }, opts, cb));
  }

  /** Compare-and-set: write `value` only if the key holds `expect` (null: only if absent). */
  async cas(key: string, expect: string | null, value: string): Promise<TxnResponse__Output> {
    const compare =
      expect === null
        ? { key: buf(key), target: 'VERSION' as const, result: 'EQUAL' as const, version: 0 }
        : { key: buf(key), target: 'VALUE' as const, result: 'EQUAL' as const, value: buf(expect) };
    return this.txn({ compare: [compare], success: [{ requestPut: { key: buf(key), value: buf(value) } }], failure: [{ requestRange: { key: buf(key) } }] });
  }

  /** Linearizable by default; `serializable` asks the first endpoint alone, from its local state. */
  async range(req: RangeRequest): Promise<RangeResponse__Output> {
    if (req.serializable) {
      const c = this.conn(this.endpoints[0]);
      return callOnce<RangeResponse__Output>((opts, cb) => c.kv.range(req, opts, cb), Date.now() + this.deadlineMs);
    }
    return this.withLeader((c, opts, cb) => c.kv.range(req, opts, cb));
  }

  async get(key: string | Uint8Array, serializable = false): Promise<KeyValue__Output | null> {
    const r = await this.range({ key: buf(key), serializable });
    return r.kvs[0] ?? null;
  }

  // ---- the log ---------------------------------------------------------------------------

  async createTopic(topic: string, policy?: TopicPolicy): Promise<{ created: boolean; info: TopicInfo__Output | null }> {
    return this.withLeader((c, opts, cb) => c.log.createTopic({ topic, policy }, opts, cb));
  }

  async listTopics(): Promise<TopicInfo__Output[]> {
    const r = await this.withLeader<{ topics: TopicInfo__Output[] }>((c, opts, cb) => c.log.listTopics({}, opts, cb));
    return r.topics;
  }

  async describeTopic(topic: string): Promise<TopicInfo__Output> {
    return this.withLeader((c, opts, cb) => c.log.describeTopic({ topic }, opts, cb));
  }

  /**
   * Appends a batch atomically, exactly once: the producer id and seq stay the same across every
   * retry (timeouts, leader changes), so a retry returns the first attempt's offsets.
   */
  async append(topic: string, records: readonly NewRecord[]): Promise<AppendResponse__Output> {
    const wire = records.map((r) => ({
      ...(r.key !== undefined ? { key: buf(r.key), hasKey: true } : {}),
      value: buf(r.value),
      headers: (r.headers ?? []).map(([key, value]) => ({ key, value: buf(value) })),
    }));
    const session = this.sessions.acquire();
    try {
      const producer = { producerId: session.clientId, seq: session.seq };
      return await this.withLeader((c, opts, cb) => c.log.append({ topic, records: wire, producer }, opts, cb));
    } finally {
      this.sessions.release(session);
    }
  }

  async read(topic: string, fromOffset: number, maxRecords = 0, serializable = false): Promise<ReadResponse__Output> {
    const req = { topic, fromOffset, maxRecords, serializable };
    if (serializable) {
      const c = this.conn(this.endpoints[0]);
      return callOnce((opts, cb) => c.log.read(req, opts, cb), Date.now() + this.deadlineMs);
    }
    return this.withLeader((c, opts, cb) => c.log.read(req, opts, cb));
  }

  async commitOffset(group: string, topic: string, offset: number, force = false): Promise<number> {
    const r = await this.write<{ offset: number }>((c, session, opts, cb) =>
      c.log.commitOffset({ group, topic, offset, force, producer: { producerId: session.clientId, seq: session.seq } }, opts, cb),
    );
    return r.offset;
  }

  async fetchOffset(group: string, topic: string): Promise<number | null> {
    const r = await this.withLeader<{ found: boolean; offset: number }>((c, opts, cb) => c.log.fetchOffset({ group, topic }, opts, cb));
    return r.found ? r.offset : null;
  }

  /**
   * Every record from `fromOffset` on, then live; survives the death of the node it reads from
   * by reopening elsewhere at the next offset (no gap, no duplicate). Stop with `signal`.
   */
  async *subscribe(topic: string, fromOffset: number, signal?: AbortSignal): AsyncGenerator<Record__Output> {
    let next = fromOffset;
    const stream = resumableStream(this.endpoints.length, (i) => this.conn(this.endpoints[i]).log.subscribe({ topic, fromOffset: next }), signal);
    for await (const msg of stream) {
      for (const r of msg.records) {
        if (r.offset < next) continue; // never hand out a record twice, whatever a node resends
        next = r.offset + 1;
        yield r;
      }
    }
  }

  /** Changes to keys in [key, rangeEnd) from `fromRevision` (0: from now), then live. */
  async *watch(key: string | Uint8Array, rangeEnd?: Uint8Array, fromRevision = 0, signal?: AbortSignal): AsyncGenerator<WatchEvent__Output> {
    // A reopened watch restarts at the revision of the last event seen (a txn's events share
    // one revision and may straddle a break): skip the ones of it already delivered.
    let seen = { revision: fromRevision, count: 0 };
    let skip = { revision: 0, left: 0 };
    const open = (i: number) => {
      skip = { revision: seen.revision, left: seen.count };
      return this.conn(this.endpoints[i]).watch.watch({ key: buf(key), rangeEnd, fromRevision: seen.revision });
    };
    for await (const msg of resumableStream(this.endpoints.length, open, signal)) {
      for (const ev of msg.events) {
        if (ev.revision === skip.revision && skip.left > 0) {
          skip.left--;
          continue;
        }
        seen = ev.revision === seen.revision ? { revision: ev.revision, count: seen.count + 1 } : { revision: ev.revision, count: 1 };
        yield ev;
      }
    }
  }

  // ---- membership ------------------------------------------------------------------------

  /** The membership the first endpoint that answers knows committed (any member answers). */
  async memberList(): Promise<MemberListResponse__Output> {
    return this.withLeader((c, opts, cb) => c.cluster.memberList({}, opts, cb));
  }

  async memberAdd(m: NewMember): Promise<MemberChangeResponse__Output> {
    const made = (members: readonly Member__Output[]) => members.some((x) => x.id === m.id && x.peerAddress === m.peerAddress && (m.learner || x.role === 'voter'));
    // Without `learner` the leader holds the call until the new member has caught up and been
    // promoted, which can take far longer than one ordinary attempt: give it the whole deadline.
    return this.memberChange((c, opts, cb) => c.cluster.memberAdd(m, opts, cb), made, m.learner ? this.attemptTimeoutMs : this.deadlineMs);
  }

  async memberPromote(id: number): Promise<MemberChangeResponse__Output> {
    const made = (members: readonly Member__Output[]) => members.some((x) => x.id === id && x.role === 'voter');
    return this.memberChange((c, opts, cb) => c.cluster.memberPromote({ id }, opts, cb), made);
  }

  async memberRemove(id: number): Promise<MemberChangeResponse__Output> {
    const made = (members: readonly Member__Output[]) => !members.some((x) => x.id === id);
    return this.memberChange((c, opts, cb) => c.cluster.memberRemove({ id }, opts, cb), made);
  }

  /** Status of one endpoint, or null when it does not answer within `timeoutMs`. */
  async status(endpoint: string, timeoutMs = 2000, withDigest = false): Promise<StatusResponse__Output | null> {
    const c = this.conn(endpoint);
    try {
      return await callOnce<StatusResponse__Output>((opts, cb) => c.cluster.status({ withDigest }, opts, cb), Date.now() + timeoutMs);
    } catch {
      return null;
    }
  }

  get endpointList(): readonly string[] {
    return this.endpoints;
  }

  private async write<T>(
    send: (c: Conn, session: { clientId: string; seq: number }, opts: grpc.CallOptions, cb: grpc.requestCallback<T>) => void,
  ): Promise<T> {
    const session = this.sessions.acquire();
    try {
      // One seq for every attempt of this write: retries are deduplicated by the state machine.
      return await this.withLeader<T>((c, opts, cb) => send(c, session, opts, cb));
    } finally {
      this.sessions.release(session);
    }
  }

  /**
   * A membership change, sent to the leader like a write. It carries no session, so unlike a
   * write its retry is not deduplicated: when an attempt timed out or broke off after it may have
   * reached the leader, the change may be committed, and the retry is then refused as a
   * duplicate (ALREADY_EXISTS, NOT_FOUND, or FAILED_PRECONDITION for a promote). Retrying is still
   * safe, since a change is never applied twice; such a refusal after an attempt of unknown outcome
   * is resolved by the committed membership: if `made` holds for it, the call succeeds with it.
   * A refusal after definite answers only (a first attempt, or a follower naming the leader) stands.
   */
  private async memberChange(
    send: (c: Conn, opts: grpc.CallOptions, cb: grpc.requestCallback<MemberChangeResponse__Output>) => void,
    made: (members: readonly Member__Output[]) => boolean,
    attemptTimeoutMs = this.attemptTimeoutMs,
  ): Promise<MemberChangeResponse__Output> {
    let outcomeUnknown = false;
    const attempt = (c: Conn, opts: grpc.CallOptions, cb: grpc.requestCallback<MemberChangeResponse__Output>) =>
      send(c, opts, (err, res) => {
        if (err && RETRYABLE.has(err.code) && !leaderHint(err)) outcomeUnknown = true;
        cb(err, res);
      });
    try {
      return await this.withLeader(attempt, attemptTimeoutMs);
    } catch (e) {
      if (!(outcomeUnknown && e instanceof OrdoError && MEMBER_CHANGE_REFUSALS.has(e.code))) throw e;
      const now = await this.memberList().catch(() => null); // unresolved: the refusal stands
      if (!now || !made(now.members)) throw e;
      return { members: now.members, configIndex: now.configIndex };
    }
  }

  private async withLeader<T>(attempt: (c: Conn, opts: grpc.CallOptions, cb: grpc.requestCallback<T>) => void, attemptTimeoutMs = this.attemptTimeoutMs): Promise<T> {
    const deadline = Date.now() + this.deadlineMs;
    let last: grpc.ServiceError | null = null;
    for (let tries = 0; Date.now() < deadline; tries++) {
      const endpoint = this.endpoints[this.current];
      try {
        return await callOnce<T>((opts, cb) => attempt(this.conn(endpoint), opts, cb), Math.min(deadline, Date.now() + attemptTimeoutMs));
      } catch (e) {
        const err = e as grpc.ServiceError;
        last = err;
        if (!RETRYABLE.has(err.code)) throw new OrdoError(err.code, err.details || err.message);
        const hint = leaderHint(err);
        if (hint && hint !== endpoint) {
          this.current = this.indexOf(hint); // follow the leader at once
          continue;
        }
        this.current = (this.current + 1) % this.endpoints.length;
        if (this.current === 0) await sleep(Math.min(50 * 2 ** Math.min(tries, 4), Math.max(0, deadline - Date.now())));
      }
    }
    const why = last ? `${grpc.status[last.code]}: ${last.details || last.message}` : 'no attempt made';
    throw new OrdoError(grpc.status.DEADLINE_EXCEEDED, `no answer within ${this.deadlineMs} ms from ${this.endpoints.join(',')} (last error ${why})`);
  }

  private indexOf(address: string): number {
    let i = this.endpoints.indexOf(address);
    if (i < 0) i = this.endpoints.push(address) - 1;
    return i;
  }

  private conn(endpoint: string): Conn {
    let c = this.conns.get(endpoint);
    if (!c) {
      const v1 = kvProto().ordo.v1;
      const opts = { 'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX, 'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX };
      const creds = grpc.credentials.createInsecure();
      const channel = new grpc.Channel(endpoint, creds, opts);
      const logV1 = logProto().ordo.v1;
      c = {
        kv: new v1.KV(endpoint, creds, { channelOverride: channel }),
        cluster: new v1.Cluster(endpoint, creds, { channelOverride: channel }),
        log: new logV1.Log(endpoint, creds, { channelOverride: channel }),
        watch: new logV1.Watch(endpoint, creds, { channelOverride: channel }),
      };
      this.conns.set(endpoint, c);
    }
    return c;
  }
}

/** The leader's client address a follower names when it refuses a request, if it named one. */
function leaderHint(err: grpc.ServiceError): string | undefined {
  const hint = err.metadata?.get(LEADER_ADDRESS_KEY)[0];
  return hint ? String(hint) : undefined;
}

function callOnce<T>(send: (opts: grpc.CallOptions, cb: grpc.requestCallback<T>) => void, deadline: number): Promise<T> {
  return new Promise((resolve, reject) => send({ deadline }, (err, res) => (err ? reject(err) : resolve(res as T))));
}

function buf(v: string | Uint8Array): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
