/** What applying a command or serving a read returns. Plain data, as in etcd's responses. */

import type { ConfChange } from '../raft/core/types';
import type { TopicPolicy } from './command';

/** One key's current state, with etcd's revision bookkeeping. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Revision of the write that created the key (since its last deletion). */
  readonly createRevision: number;
  /** Revision of the last write to the key. */
  readonly modRevision: number;
  /** Number of writes since creation: 1 after the creating put; reset by a delete. */
  readonly version: number;
  /** Id of the lease the key is attached to; 0 = none. */
  readonly lease: number;
}

export interface PutResponse {
  readonly type: 'put';
  /** Present when the put asked for prevKv and the key existed. */
  readonly prevKv?: KeyValue;
}

export interface DeleteResponse {
  readonly type: 'delete';
  readonly deleted: number;
  /** Present (possibly empty) when the delete asked for prevKv. */
  readonly prevKvs?: readonly KeyValue[];
}

export interface RangeResponse {
  readonly type: 'range';
  readonly kvs: readonly KeyValue[];
  /** True when `limit` cut the answer short. */
  readonly more: boolean;
  /** Number of keys in the range, regardless of `limit`. */
  readonly count: number;
}

export type TxnOpResponse = PutResponse | DeleteResponse | RangeResponse;

export interface TxnResponse {
  readonly type: 'txn';
  /** Whether every compare held, i.e. whether the success branch ran. */
  readonly succeeded: boolean;
  /** One response per op of the branch that ran, in order. */
  readonly responses: readonly TxnOpResponse[];
}

export interface CreateTopicResponse {
  readonly type: 'createTopic';
  /** False when the topic already existed with the same policy. */
  readonly created: boolean;
}

export interface AppendResponse {
  readonly type: 'append';
  /** Offset of the first record; the batch holds baseOffset .. baseOffset + count - 1. */
  readonly baseOffset: number;
  readonly count: number;
}

export interface CommitOffsetResponse {
  readonly type: 'commitOffset';
  /** The group's committed offset for the topic now (the next offset to consume). */
  readonly offset: number;
}

export type TopicOpResponse = CreateTopicResponse | AppendResponse | CommitOffsetResponse;

export interface LeaseGrantResponse {
  readonly type: 'leaseGrant';
  /** The lease's id (the assigned one when the grant asked for id 0). */
  readonly id: number;
  /** The effective TTL: the requested one, raised to leaseTtlMinSeconds. */
  readonly ttlSeconds: number;
}

export interface LeaseRevokeResponse {
  readonly type: 'leaseRevoke';
  /** Number of keys the revoke deleted (those attached to the lease). */
  readonly deleted: number;
}

export interface CompactResponse {
  readonly type: 'compact';
}

export type OpResponse = PutResponse | DeleteResponse | TxnResponse | LeaseGrantResponse | LeaseRevokeResponse | CompactResponse | TopicOpResponse;

/** Which gRPC-like status a definite refusal maps to. */
export type RejectionStatus = 'not_found' | 'failed_precondition' | 'already_exists' | 'out_of_range' | 'resource_exhausted' | 'invalid_argument';

/** A lease as the state machine holds it (no deadline: expiry is decided by the leader). */
export interface LeaseInfo {
  readonly id: number;
  /** The granted (effective) TTL. */
  readonly ttlSeconds: number;
}

/** A lease with the keys attached to it, in key order. */
export interface LeaseDetail extends LeaseInfo {
  readonly keys: Uint8Array[];
}

/**
 * A well-formed command the current state refuses (unknown topic or lease, backwards commit,
 * policy conflict, a limit on topics or offsets reached, a compaction out of range, an ignore
 * flag on an absent key). Nothing was applied. Unlike invalid_command it
 * depends on the state, so a session caches it like any answer: a retry gets the same refusal.
 */
export interface Rejection {
  readonly code: 'rejected';
  readonly status: RejectionStatus;
  readonly reason: string;
}

/** A command's effect, cached per session so a retry gets the very same answer. */
export type CommandOutcome =
  | {
      /** The store revision right after the command was first applied. */
      readonly revision: number;
      readonly response: OpResponse;
    }
  | { readonly revision: number; readonly rejection: Rejection };

export type ApplyError =
  /** The entry's data is not a command (or not a config entry); nothing but the applied index changed. */
  | { readonly code: 'decode_error'; readonly reason: string }
  /** The command decoded but breaks a limit or rule (validate.ts); nothing was applied. */
  | { readonly code: 'invalid_command'; readonly reason: string }
  /** The seq is older than the last one applied for this client; its answer is gone. */
  | {
      readonly code: 'session_seq_stale';
      readonly clientId: string;
      readonly seq: number;
      readonly lastSeq: number;
    }
  /** The state refuses the command (see Rejection); nothing was applied. */
  | Rejection;

export type ApplyErrorCode = ApplyError['code'];

/** `revision` is always the store revision the client should see for this entry. */
export type ApplyResult =
  | { readonly kind: 'noop'; readonly index: number; readonly revision: number }
  /** A membership change (the Raft core already acts on it); it writes no KV key. */
  | { readonly kind: 'config'; readonly index: number; readonly revision: number; readonly change: ConfChange }
  | {
      readonly kind: 'ok';
      readonly index: number;
      readonly revision: number;
      readonly response: OpResponse;
      /** True when this was a retry answered from the session cache without re-applying. */
      readonly duplicate: boolean;
    }
  | { readonly kind: 'error'; readonly index: number; readonly revision: number; readonly error: ApplyError };

/** A Get (no rangeEnd) or Range against local state. */
export interface ReadQuery {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** Maximum number of pairs returned; absent or 0 means no limit. */
  readonly limit?: number;
}

export interface ReadResult {
  readonly kvs: readonly KeyValue[];
  readonly more: boolean;
  readonly count: number;
  /** Store revision the answer reflects. */
  readonly revision: number;
  /** Reads at revisions below this one are refused (etcd's compacted revision; 0: none). */
  readonly compactRevision: number;
  /** Raft index the answer reflects (>= the ReadIndex for a linearizable read). */
  readonly appliedIndex: number;
}

/** A topic's metadata (kept in memory; its records are on disk). */
export interface TopicInfo {
  readonly topic: string;
  readonly policy: TopicPolicy;
  /**
   * Retain: the oldest offset still stored (records are dense from here to nextOffset - 1).
   * Compact: always 0, as Kafka's log start offset; offsets below nextOffset may be gaps.
   */
  readonly earliestOffset: number;
  /** The offset the next appended record gets. */
  readonly nextOffset: number;
  /** Records stored now (after retention or compaction). */
  readonly records: number;
  /** Accounted bytes of the records stored now (see recordBytes). */
  readonly bytes: number;
}
