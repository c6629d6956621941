/**
 * The commands a client proposes through Raft and the state machine applies: etcd's Put,
 * DeleteRange, Txn, LeaseGrant, LeaseRevoke and Compact; Kafka-style topics (CreateTopic, Append, CommitOffset); plus an optional
 * exactly-once session (Raft dissertation 6.3), which for Append is the idempotent producer.
 * Plain data only; the binary form lives in command-codec.ts.
 *
 * Optional fields are canonical when absent: the codec never produces `prevKv: false`,
 * `ignoreValue: false`, `ignoreLease: false`, `lease: 0`, an empty `rangeEnd`, `limit: 0`,
 * `force: false` or an empty `headers`, so decode(encode(c)) deep-equals c for canonical c.
 */

/** Identifies one client's request stream; `seq` grows by at least one per new command. */
export interface Session {
  /** Opaque client identity, at most `clientIdBytesMax` bytes of UTF-8. */
  readonly clientId: string;
  /** Positive, increasing per client; a retry reuses the seq of the command it retries. */
  readonly seq: number;
}

/**
 * etcd Put. The key moves from its current lease (if any) to `lease` (absent or 0: none).
 * A lease that does not exist is refused (rejection not_found), as is `ignoreValue` or
 * `ignoreLease` on an absent key (rejection invalid_argument, etcd's "key not found").
 */
export interface PutOp {
  readonly type: 'put';
  readonly key: Uint8Array;
  /** Must be empty with `ignoreValue`. */
  readonly value: Uint8Array;
  /** Return the key-value pair as it was before this put. */
  readonly prevKv?: boolean;
  /** Lease id to attach the key to; absent (canonical) or 0 means no lease. Must be absent with `ignoreLease`. */
  readonly lease?: number;
  /** Keep the key's current value (etcd's ignore_value). */
  readonly ignoreValue?: boolean;
  /** Keep the key's current lease (etcd's ignore_lease). */
  readonly ignoreLease?: boolean;
}

/** etcd DeleteRange: a single key when `rangeEnd` is absent (see key-range.ts for the conventions). */
export interface DeleteOp {
  readonly type: 'delete';
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** Return the deleted key-value pairs. */
  readonly prevKv?: boolean;
}

/** A read inside a transaction, so a client can learn the state its compare saw atomically. */
export interface RangeOp {
  readonly type: 'range';
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** Maximum number of pairs returned; absent means no limit. */
  readonly limit?: number;
}

export type CompareResult = 'equal' | 'notEqual' | 'less' | 'greater';
export type CompareNumberTarget = 'modRevision' | 'createRevision' | 'version' | 'lease';
export type CompareTarget = 'value' | CompareNumberTarget;

/**
 * etcd's Compare on one key. An absent key has version, createRevision, modRevision and lease 0;
 * a 'value' compare on an absent key is always false (etcd: no way to represent a missing value).
 */
export type Compare =
  | {
      readonly key: Uint8Array;
      readonly target: 'value';
      readonly result: CompareResult;
      readonly value: Uint8Array;
    }
  | {
      readonly key: Uint8Array;
      readonly target: CompareNumberTarget;
      readonly result: CompareResult;
      readonly value: number;
    };

export type TxnRequestOp = PutOp | DeleteOp | RangeOp;

/** If every compare holds, apply `success` in order, else `failure`; atomically, at one revision. */
export interface TxnOp {
  readonly type: 'txn';
  readonly compare: readonly Compare[];
  readonly success: readonly TxnRequestOp[];
  readonly failure: readonly TxnRequestOp[];
}

/**
 * How a topic keeps its records. `retain` drops the oldest records beyond `retainRecords` and/or
 * `retainBytes` (neither: keep everything); `compact` keeps the latest record of each key
 * (Kafka's cleanup.policy=compact), and a record with an empty value is a tombstone.
 */
export type TopicPolicy =
  | { readonly kind: 'retain'; readonly retainRecords?: number; readonly retainBytes?: number }
  | { readonly kind: 'compact' };

/** Creates a topic; creating it again with an equal policy is a no-op (`created: false`). */
export interface CreateTopicOp {
  readonly type: 'createTopic';
  /** 1..249 characters of [a-zA-Z0-9._-], not "." or ".." (Kafka's rule). */
  readonly topic: string;
  readonly policy: TopicPolicy;
}

/** One record of an append. An absent key is "no key" (Kafka's null key), distinct from any key. */
export interface AppendRecord {
  readonly key?: Uint8Array;
  readonly value: Uint8Array;
  /** Kafka record headers, in order; names may repeat. Absent rather than empty. */
  readonly headers?: ReadonlyArray<readonly [string, Uint8Array]>;
}

/** Appends a batch atomically: all records get dense offsets base..base+n-1, or none is written. */
export interface AppendOp {
  readonly type: 'append';
  readonly topic: string;
  readonly records: readonly AppendRecord[];
}

/**
 * Stores a consumer group's position in a topic: the next offset to consume (Kafka semantics).
 * Going backwards is refused unless `force` (a deliberate rewind).
 */
export interface CommitOffsetOp {
  readonly type: 'commitOffset';
  readonly group: string;
  readonly topic: string;
  readonly offset: number;
  readonly force?: boolean;
}

/**
 * etcd LeaseGrant. `id` 0 asks the state machine for the next unused id (a persisted counter:
 * 1, 2, ... skipping ids in use). A `ttlSeconds` below the config's leaseTtlMinSeconds is raised
 * to it; above MAX_LEASE_TTL_SECONDS it is refused (out_of_range). The state machine only records
 * the lease: expiry is the leader's business, which proposes a LeaseRevoke.
 */
export interface LeaseGrantOp {
  readonly type: 'leaseGrant';
  readonly id: number;
  readonly ttlSeconds: number;
}

/** etcd LeaseRevoke: deletes every key attached to the lease, at one revision, and the lease. */
export interface LeaseRevokeOp {
  readonly type: 'leaseRevoke';
  readonly id: number;
}

/**
 * etcd Compact: reads at revisions below `revision` become unavailable. The state machine only
 * records the compact revision; storage code removes the unreachable history afterwards.
 */
export interface CompactOp {
  readonly type: 'compact';
  readonly revision: number;
}

export type KvOp = PutOp | DeleteOp | TxnOp;
export type LeaseOp = LeaseGrantOp | LeaseRevokeOp;
export type TopicOp = CreateTopicOp | AppendOp | CommitOffsetOp;
export type Op = KvOp | LeaseOp | CompactOp | TopicOp;

/** etcd's MaxLeaseTTL: a longer grant is refused with out_of_range. */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

export interface Command {
  readonly session?: Session;
  /**
   * Wall-clock milliseconds stamped by the proposing leader. The state machine never reads a
   * clock: session expiry is measured in these stamps, so every replica expires identically.
   */
  readonly stampMs: number;
  readonly op: Op;
}

export interface PutOptions {
  readonly prevKv?: boolean;
  readonly lease?: number;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

/** A put in canonical form (false flags and lease 0 left out). */
export function putOp(key: Uint8Array, value: Uint8Array, opts: PutOptions = {}): PutOp {
  const op: { type: 'put'; key: Uint8Array; value: Uint8Array; prevKv?: boolean; lease?: number; ignoreValue?: boolean; ignoreLease?: boolean } = {
    type: 'put',
    key,
    value,
  };
  if (opts.prevKv === true) op.prevKv = true;
  if (opts.lease !== undefined && opts.lease !== 0) op.lease = opts.lease;
  if (opts.ignoreValue === true) op.ignoreValue = true;
  if (opts.ignoreLease === true) op.ignoreLease = true;
  return op;
}

/** LeaseGrant; `id` 0 (the default) lets the state machine choose. */
export function leaseGrantOp(ttlSeconds: number, id = 0): LeaseGrantOp {
  return { type: 'leaseGrant', id, ttlSeconds };
}

export function leaseRevokeOp(id: number): LeaseRevokeOp {
  return { type: 'leaseRevoke', id };
}

export function compactOp(revision: number): CompactOp {
  return { type: 'compact', revision };
}

export function deleteOp(key: Uint8Array, opts: { prevKv?: boolean } = {}): DeleteOp {
  return opts.prevKv === true ? { type: 'delete', key, prevKv: true } : { type: 'delete', key };
}

export function deleteRangeOp(key: Uint8Array, rangeEnd: Uint8Array, opts: { prevKv?: boolean } = {}): DeleteOp {
  const base: DeleteOp = rangeEnd.length > 0 ? { type: 'delete', key, rangeEnd } : { type: 'delete', key };
  return opts.prevKv === true ? { ...base, prevKv: true } : base;
}

export function rangeOp(key: Uint8Array, opts: { rangeEnd?: Uint8Array; limit?: number } = {}): RangeOp {
  const op: { type: 'range'; key: Uint8Array; rangeEnd?: Uint8Array; limit?: number } = { type: 'range', key };
  if (opts.rangeEnd !== undefined && opts.rangeEnd.length > 0) op.rangeEnd = opts.rangeEnd;
  if (opts.limit !== undefined && opts.limit > 0) op.limit = opts.limit;
  return op;
}

/**
 * Compare-and-set as a transaction: put `newValue` if the key currently holds `expectValue`
 * (or, with `null`, if the key is absent). On failure the transaction reads the key, so the
 * caller learns the value that beat it without a second round trip.
 */
export function casOp(key: Uint8Array, expectValue: Uint8Array | null, newValue: Uint8Array): TxnOp {
  const compare: Compare =
    expectValue === null
      ? { key, target: 'version', result: 'equal', value: 0 }
      : { key, target: 'value', result: 'equal', value: expectValue };
  return { type: 'txn', compare: [compare], success: [putOp(key, newValue)], failure: [rangeOp(key)] };
}

/**
 * Fixed bytes every record is accounted with on top of its payload, about what its stored form
 * adds (offset, raft index, timestamp, lengths). It also makes retainBytes bound the number of
 * records a topic keeps, even for records with an empty value and no key.
 */
export const RECORD_OVERHEAD_BYTES = 16;

/**
 * The bytes a record is accounted as, for appendBytesMax, retainBytes and TopicInfo.bytes:
 * RECORD_OVERHEAD_BYTES + key + value + every header's UTF-8 name and value.
 */
export function recordBytes(record: AppendRecord): number {
  let n = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + record.value.length;
  for (const [name, value] of record.headers ?? []) n += utf8ByteLength(name) + value.length;
  return n;
}

/** UTF-8 length of a string, as TextEncoder would produce it (lone surrogates count 3 bytes). */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
