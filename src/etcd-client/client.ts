import * as grpc from '@grpc/grpc-js';
import type { Compare } from '../generated/etcd/etcdserverpb/Compare';
import type { DeleteRangeRequest } from '../generated/etcd/etcdserverpb/DeleteRangeRequest';
import type { DeleteRangeResponse__Output } from '../generated/etcd/etcdserverpb/DeleteRangeResponse';
import type { LeaseGrantRequest } from '../generated/etcd/etcdserverpb/LeaseGrantRequest';
import type { LeaseGrantResponse__Output } from '../generated/etcd/etcdserverpb/LeaseGrantResponse';
import type { LeaseRevokeRequest } from '../generated/etcd/etcdserverpb/LeaseRevokeRequest';
import type { LeaseRevokeResponse__Output } from '../generated/etcd/etcdserverpb/LeaseRevokeResponse';
import type { PutRequest } from '../generated/etcd/etcdserverpb/PutRequest';
import type { PutResponse__Output } from '../generated/etcd/etcdserverpb/PutResponse';
import type { RangeRequest } from '../generated/etcd/etcdserverpb/RangeRequest';
import type { RangeResponse__Output } from '../generated/etcd/etcdserverpb/RangeResponse';
import type { RequestOp } from '../generated/etcd/etcdserverpb/RequestOp';
import type { ResponseHeader__Output } from '../generated/etcd/etcdserverpb/ResponseHeader';
import type { ResponseOp__Output } from '../generated/etcd/etcdserverpb/ResponseOp';
import type { TxnRequest } from '../generated/etcd/etcdserverpb/TxnRequest';
import type { TxnResponse__Output } from '../generated/etcd/etcdserverpb/TxnResponse';
import type { CompactionRequest } from '../generated/etcd/etcdserverpb/CompactionRequest';
import type { CompactionResponse__Output } from '../generated/etcd/etcdserverpb/CompactionResponse';
import type { KeyValue__Output } from '../generated/etcd/mvccpb/KeyValue';
import { etcdProto, GRPC_MESSAGE_BYTES_MAX } from '../rpc/proto';

export interface EtcdClientOptions {
  readonly endpoints: readonly string[];
  /** Index of the endpoint tried first (taken mod the number of endpoints); default 0. */
  readonly first?: number;
  /** Budget of one attempt on one endpoint (a paused node must not eat the whole deadline). Default 2000. */
  readonly attemptTimeoutMs?: number;
  /** Overall budget of one call, every attempt included. Default 10000. */
  readonly deadlineMs?: number;
}

/** A key-value pair as etcd stores it; revisions, version and lease id as numbers (ordo keeps them below 2^53). */
export interface EtcdKeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** 0: no lease. */
  readonly lease: number;
}

export type Bytes = string | Uint8Array;

export interface PutOptions {
  readonly lease?: number;
  readonly prevKv?: boolean;
}

export interface GetOptions {
  /** Read the answering member's local state (no round trip through the leader). */
  readonly serializable?: boolean;
  /** Read as of this store revision (0: the current one). */
  readonly revision?: number;
}

export interface RangeOptions extends GetOptions {
  readonly limit?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

export interface DeleteOptions {
  /** Delete [key, rangeEnd) instead of the key alone. */
  readonly rangeEnd?: Bytes;
  readonly prevKv?: boolean;
}

export interface PutResult {
  readonly revision: number;
  readonly prevKv?: EtcdKeyValue;
}

export interface GetResult {
  readonly kv?: EtcdKeyValue;
  readonly revision: number;
}

export interface RangeResult {
  readonly kvs: EtcdKeyValue[];
  readonly more: boolean;
  readonly count: number;
  readonly revision: number;
}

export interface DeleteResult {
  readonly deleted: number;
  readonly prevKvs: EtcdKeyValue[];
  readonly revision: number;
}

export type TxnOpResult =
  | { readonly type: 'range'; readonly kvs: EtcdKeyValue[]; readonly more: boolean; readonly count: number }
  | { readonly type: 'put'; readonly prevKv?: EtcdKeyValue }
  | { readonly type: 'delete'; readonly deleted: number; readonly prevKvs: EtcdKeyValue[] }
  | { readonly type: 'txn'; readonly succeeded: boolean; readonly responses: TxnOpResult[] };

export interface TxnResult {
  readonly succeeded: boolean;
  readonly revision: number;
  readonly responses: TxnOpResult[];
}

export type CompareOp = '=' | '!=' | '<' | '>';

const COMPARE_RESULT = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '<': 'LESS', '>': 'GREATER' } as const;

/**
 * Builders of a txn's comparisons. Plain etcdserverpb.Compare objects work as well, with bytes as
 * Buffers or Uint8Arrays: protobufjs reads a string in a bytes field as base64.
 */
export const Cmp = {
  value: (key: Bytes, op: CompareOp, value: Bytes): Compare => ({ key: bytes(key), target: 'VALUE', result: COMPARE_RESULT[op], value: bytes(value) }),
  version: (key: Bytes, op: CompareOp, version: number): Compare => ({ key: bytes(key), target: 'VERSION', result: COMPARE_RESULT[op], version }),
  createRevision: (key: Bytes, op: CompareOp, revision: number): Compare => ({ key: bytes(key), target: 'CREATE', result: COMPARE_RESULT[op], create_revision: revision }),
  modRevision: (key: Bytes, op: CompareOp, revision: number): Compare => ({ key: bytes(key), target: 'MOD', result: COMPARE_RESULT[op], mod_revision: revision }),
  lease: (key: Bytes, op: CompareOp, lease: number): Compare => ({ key: bytes(key), target: 'LEASE', result: COMPARE_RESULT[op], lease }),
} as const;

/** Builders of a txn's operations (plain etcdserverpb.RequestOp objects work as well, bytes as Buffers). */
export const Op = {
  put: (key: Bytes, value: Bytes, opts: PutOptions = {}): RequestOp => ({ request_put: putRequest(key, value, opts) }),
  get: (key: Bytes, rangeEnd?: Bytes): RequestOp => ({ request_range: rangeEnd === undefined ? { key: bytes(key) } : { key: bytes(key), range_end: bytes(rangeEnd) } }),
  delete: (key: Bytes, opts: DeleteOptions = {}): RequestOp => ({ request_delete_range: deleteRequest(key, opts) }),
} as const;

/**
 * A call that failed. `sent` is false only when the request provably never reached any server
 * (no connection could be made), so a write with `sent` true and an unavailable/timeout code has
 * an unknown outcome: it may still commit.
 */
export class EtcdClientError extends Error {
  override readonly name = 'EtcdClientError';

  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly sent: boolean,
    readonly endpoint: string,
  ) {
    super(`${grpc.status[code] ?? code}: ${details}`);
  }

  /**
   * The request certainly did not take effect: etcd refused it (a malformed request, a missing
   * lease, a compacted or future revision, a failed precondition), or it was never sent.
   */
  get definite(): boolean {
    return !this.sent || DEFINITE_REFUSALS.has(this.code);
  }
}

/** etcd's refusals: the request was rejected before it could change anything. */
export const DEFINITE_REFUSALS: ReadonlySet<grpc.status> = new Set([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.OUT_OF_RANGE,
  grpc.status.FAILED_PRECONDITION,
]);

/** Answers that say "try another member": the endpoint is down, slow, or has no leader. */
const MOVE_ON = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

/** What a unary call needs of a generated method definition. */
interface Unary<Req, Res> {
  readonly path: string;
  readonly requestSerialize: (value: Req) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => Res;
}

type Channel = ReturnType<grpc.Client['getChannel']>;

interface Methods {
  readonly range: Unary<RangeRequest, RangeResponse__Output>;
  readonly put: Unary<PutRequest, PutResponse__Output>;
  readonly deleteRange: Unary<DeleteRangeRequest, DeleteRangeResponse__Output>;
  readonly txn: Unary<TxnRequest, TxnResponse__Output>;
  readonly compact: Unary<CompactionRequest, CompactionResponse__Output>;
  readonly leaseGrant: Unary<LeaseGrantRequest, LeaseGrantResponse__Output>;
  readonly leaseRevoke: Unary<LeaseRevokeRequest, LeaseRevokeResponse__Output>;
}

let methods: Methods | null = null;

function rpcs(): Methods {
  return (methods ??= loadMethods());
}

function loadMethods(): Methods {
  const pb = etcdProto().etcdserverpb;
  const kv = pb.KV.service;
  const lease = pb.Lease.service;
  return { range: kv.Range, put: kv.Put, deleteRange: kv.DeleteRange, txn: kv.Txn, compact: kv.Compact, leaseGrant: lease.LeaseGrant, leaseRevoke: lease.LeaseRevoke };
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
  // A restarted member is noticed within a second rather than after gRPC's default backoff (up to 2 min).
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

const READY = grpc.connectivityState.READY;

/**
 * A small etcd v3 client for ordo (or etcd): KV and Lease over grpc-js, one channel per endpoint.
 *
 * Every member serves every call, so there is no leader to find: the client stays on one
 * endpoint (starting at `first`) and moves to the next on UNAVAILABLE, DEADLINE_EXCEEDED or a
 * failed connection. Reads are retried there. Writes (put, delete, txn, lease grant/revoke) are
 * retried only when the request provably never left this process: the endpoint's channel was
 * not connected (refused, or never completed the HTTP/2 handshake) so nothing was sent. A write
 * that was sent and then failed is never retried; it surfaces as an EtcdClientError with `sent`
 * true, whose outcome the caller must treat as unknown unless the code is a definite refusal.
 */
export class EtcdClient {
  private readonly endpoints: readonly string[];
  private readonly clients: (grpc.Client | null)[];
  private current: number;
  private readonly attemptTimeoutMs: number;
  private readonly deadlineMs: number;
  private closed = false;

  constructor(opts: EtcdClientOptions) {
    if (opts.endpoints.length === 0) throw new Error('at least one endpoint is required');
    this.endpoints = [...opts.endpoints];
    this.clients = this.endpoints.map(() => null);
    const n = this.endpoints.length;
    this.current = (((opts.first ?? 0) % n) + n) % n;
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 2000;
    this.deadlineMs = opts.deadlineMs ?? 10_000;
  }

  /** The endpoint the next call goes to first. */
  get endpoint(): string {
    return this.endpoints[this.current];
  }

  close(): void {
    this.closed = true;
    for (const c of this.clients) c?.close();
    this.clients.fill(null);
  }

  async put(key: Bytes, value: Bytes, opts?: PutOptions): Promise<PutResult> {
    const r = await this.call(rpcs().put, putRequest(key, value, opts), true);
    return r.prev_kv ? { revision: rev(r.header), prevKv: toKv(r.prev_kv) } : { revision: rev(r.header) };
  }

  async get(key: Bytes, opts?: GetOptions): Promise<GetResult> {
    const r = await this.call(rpcs().range, rangeRequest(key, undefined, opts), false);
    return r.kvs.length > 0 ? { kv: toKv(r.kvs[0]), revision: rev(r.header) } : { revision: rev(r.header) };
  }

  /** Keys in [key, rangeEnd); an empty rangeEnd means the key alone, "\0" every key from `key` on. */
  async range(key: Bytes, rangeEnd: Bytes | undefined, opts?: RangeOptions): Promise<RangeResult> {
    const r = await this.call(rpcs().range, rangeRequest(key, rangeEnd, opts), false);
    return { kvs: r.kvs.map(toKv), more: r.more, count: Number(r.count), revision: rev(r.header) };
  }

  async delete(key: Bytes, opts?: DeleteOptions): Promise<DeleteResult> {
    const r = await this.call(rpcs().deleteRange, deleteRequest(key, opts ?? {}), true);
    return { deleted: Number(r.deleted), prevKvs: r.prev_kvs.map(toKv), revision: rev(r.header) };
  }

  async txn(compare: readonly Compare[], success: readonly RequestOp[], failure: readonly RequestOp[] = []): Promise<TxnResult> {
    const r = await this.call(rpcs().txn, { compare: compare as Compare[], success: success as RequestOp[], failure: failure as RequestOp[] }, true);
    return { succeeded: r.succeeded, revision: rev(r.header), responses: r.responses.map(toOpResult) };
  }

  /** Compare-and-set: writes `value` only if the key holds `expect` (null: only if it does not exist). */
  async cas(key: Bytes, expect: Bytes | null, value: Bytes): Promise<{ succeeded: boolean; revision: number }> {
    const k = bytes(key);
    const compare: Compare = expect === null ? { key: k, target: 'VERSION', result: 'EQUAL', version: 0 } : { key: k, target: 'VALUE', result: 'EQUAL', value: bytes(expect) };
    const r = await this.call(rpcs().txn, { compare: [compare], success: [{ request_put: { key: k, value: bytes(value) } }] }, true);
    return { succeeded: r.succeeded, revision: rev(r.header) };
  }

  /** Discards history below `revision` (etcd's Compact): reads below it fail from now on. */
  async compact(revision: number): Promise<{ revision: number }> {
    const r = await this.call(rpcs().compact, { revision }, true);
    return { revision: rev(r.header) };
  }

  /** A new lease of `ttlSeconds` (id 0: the server picks one). */
  async leaseGrant(ttlSeconds: number, id = 0): Promise<{ id: number; ttl: number }> {
    const r = await this.call(rpcs().leaseGrant, { TTL: ttlSeconds, ID: id }, true);
    if (r.error) throw new EtcdClientError(grpc.status.UNKNOWN, r.error, true, this.endpoint);
    return { id: Number(r.ID), ttl: Number(r.TTL) };
  }

  async leaseRevoke(id: number): Promise<{ revision: number }> {
    const r = await this.call(rpcs().leaseRevoke, { ID: id }, true);
    return { revision: rev(r.header) };
  }

  private async call<Req, Res>(m: Unary<Req, Res>, req: Req, write: boolean): Promise<Res> {
    if (this.closed) throw new EtcdClientError(grpc.status.CANCELLED, 'client closed', false, '');
    const n = this.endpoints.length;
    const deadline = Date.now() + this.deadlineMs;
    let lastCode = grpc.status.DEADLINE_EXCEEDED;
    let lastDetails = 'no attempt made';
    let lastEndpoint = '';
    let sent = false;
    for (let tries = 1; ; tries++) {
      const now = Date.now();
      if (now >= deadline) break;
      const i = this.current;
      const client = this.clients[i] ?? this.connect(i);
      const attemptDeadline = Math.min(deadline, now + this.attemptTimeoutMs);
      let err: grpc.ServiceError | null = null;
      // A write is only sent on a connected channel: if it cannot connect, nothing was sent.
      if (write && client.getChannel().getConnectivityState(true) !== READY && !(await whenReady(client.getChannel(), attemptDeadline))) {
        lastCode = grpc.status.UNAVAILABLE;
        lastDetails = `not connected (${grpc.connectivityState[client.getChannel().getConnectivityState(false)]})`;
      } else {
        try {
          return await unary(client, m, req, attemptDeadline);
        } catch (e) {
          err = e as grpc.ServiceError;
        }
        lastCode = err.code;
        lastDetails = err.details || err.message;
        const unsent = neverSent(err);
        if (!unsent) sent = true;
        if (!MOVE_ON.has(err.code)) throw new EtcdClientError(err.code, lastDetails, !unsent, this.endpoints[i]);
        if (write && !unsent) {
          this.moveOn(i);
          throw new EtcdClientError(err.code, lastDetails, true, this.endpoints[i]);
        }
      }
      lastEndpoint = this.endpoints[i];
      this.moveOn(i);
      if (this.closed) break;
      if (tries % n === 0) {
        // Every endpoint failed once more: pause before the next round, unless that ends past the deadline.
        const pause = 25 << Math.min(tries / n, 5);
        if (Date.now() + pause >= deadline) break;
        await sleep(pause);
      }
    }
    throw new EtcdClientError(
      lastCode === grpc.status.UNAVAILABLE || lastCode === grpc.status.DEADLINE_EXCEEDED ? lastCode : grpc.status.DEADLINE_EXCEEDED,
      `no answer within ${this.deadlineMs} ms from ${this.endpoints.join(',')} (last: ${lastEndpoint} ${grpc.status[lastCode]}: ${lastDetails})`,
      sent,
      lastEndpoint,
    );
  }

  /** The next endpoint, unless a concurrent call already moved on from `from`. */
  private moveOn(from: number): void {
    if (this.current === from) this.current = (from + 1) % this.endpoints.length;
  }

  private connect(i: number): grpc.Client {
    const c = new grpc.Client(this.endpoints[i], grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    this.clients[i] = c;
    return c;
  }
}

function unary<Req, Res>(client: grpc.Client, m: Unary<Req, Res>, req: Req, deadline: number): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    client.makeUnaryRequest<Req, Res>(m.path, m.requestSerialize, m.responseDeserialize, req, { deadline }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/**
 * grpc-js failures that prove the call never got onto a connection: the request could not be
 * serialized, the channel had no connection to pick ("No connection established ..."), or the
 * deadline passed while the call still waited for one ("Waiting for LB pick"). Anything else may
 * have reached the server.
 */
function neverSent(err: grpc.ServiceError): boolean {
  const d = err.details;
  if (typeof d !== 'string') return false;
  if (err.code === grpc.status.INTERNAL) return d.startsWith('Request message serialization failure');
  if (err.code === grpc.status.UNAVAILABLE) return d.startsWith('No connection established');
  if (err.code === grpc.status.DEADLINE_EXCEEDED) return d.includes('Waiting for LB pick') || d.includes('waiting for name resolution');
  return false;
}

/** Resolves true once the channel is READY, false on a failed connection or at the deadline. */
function whenReady(channel: Channel, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = (): void => {
      const s = channel.getConnectivityState(true);
      if (s === READY) return resolve(true);
      if (s === grpc.connectivityState.TRANSIENT_FAILURE || s === grpc.connectivityState.SHUTDOWN || Date.now() >= deadline) return resolve(false);
      channel.watchConnectivityState(s, deadline, (err) => (err ? resolve(false) : check()));
    };
    check();
  });
}

function putRequest(key: Bytes, value: Bytes, opts: PutOptions | undefined): PutRequest {
  if (opts === undefined) return { key: bytes(key), value: bytes(value) };
  return { key: bytes(key), value: bytes(value), lease: opts.lease ?? 0, prev_kv: opts.prevKv ?? false };
}

function rangeRequest(key: Bytes, rangeEnd: Bytes | undefined, opts: RangeOptions | undefined): RangeRequest {
  if (rangeEnd === undefined && opts === undefined) return { key: bytes(key) };
  return {
    key: bytes(key),
    range_end: rangeEnd === undefined ? EMPTY : bytes(rangeEnd),
    serializable: opts?.serializable ?? false,
    revision: opts?.revision ?? 0,
    limit: opts?.limit ?? 0,
    keys_only: opts?.keysOnly ?? false,
    count_only: opts?.countOnly ?? false,
  };
}

function deleteRequest(key: Bytes, opts: DeleteOptions): DeleteRangeRequest {
  return { key: bytes(key), range_end: opts.rangeEnd === undefined ? EMPTY : bytes(opts.rangeEnd), prev_kv: opts.prevKv ?? false };
}

const EMPTY = Buffer.alloc(0);

/** Bytes for the wire: a string as UTF-8 (protobufjs would read it as base64). */
function bytes(v: Bytes): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v) : v;
}

function rev(h: ResponseHeader__Output | null): number {
  return h === null ? 0 : Number(h.revision);
}

function toKv(kv: KeyValue__Output): EtcdKeyValue {
  return {
    key: kv.key,
    value: kv.value,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
    lease: Number(kv.lease),
  };
}

function toOpResult(r: ResponseOp__Output): TxnOpResult {
  if (r.response_range) return { type: 'range', kvs: r.response_range.kvs.map(toKv), more: r.response_range.more, count: Number(r.response_range.count) };
  if (r.response_put) return r.response_put.prev_kv ? { type: 'put', prevKv: toKv(r.response_put.prev_kv) } : { type: 'put' };
  if (r.response_delete_range) return { type: 'delete', deleted: Number(r.response_delete_range.deleted), prevKvs: r.response_delete_range.prev_kvs.map(toKv) };
  if (r.response_txn) return { type: 'txn', succeeded: r.response_txn.succeeded, responses: r.response_txn.responses.map(toOpResult) };
  throw new Error(`unknown txn response ${JSON.stringify(r)}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
