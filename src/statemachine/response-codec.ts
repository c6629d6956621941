/**
 * Binary form of a CommandOutcome, stored inside session records so a retry after a restart
 * still gets the original answer. Same primitives as the command codec (binary.ts).
 *
 *   outcome  := revision:uvarint (response | 8 rejected status:u8 reason:str)
 *   response := 1 put    hasPrev:bool kv?
 *             | 2 delete deleted:uvarint hasPrevKvs:bool (n:uvarint kv*n)?
 *             | 3 range  count:uvarint more:bool n:uvarint kv*n
 *             | 4 txn    succeeded:bool n:uvarint response*n      (no nesting)
 *             | 5 createTopic created:bool
 *             | 6 append baseOffset:uvarint count:uvarint
 *             | 7 commitOffset offset:uvarint
 *             | 9 leaseGrant id:uvarint ttlSeconds:uvarint
 *             | 10 leaseRevoke deleted:uvarint
 *             | 11 compact
 *   status   := index in REJECTION_STATUSES
 *   kv       := key:bytes value:bytes createRevision:uvarint modRevision:uvarint version:uvarint lease:uvarint
 *
 * Format 1 (session records v1, before leases) has no lease in a kv; it still decodes, with
 * lease 0. Format 2 is the current one.
 */

import type { ByteReader, ByteWriter } from './binary';
import { fromUtf8, utf8 } from './bytes';
import type { CommandOutcome, KeyValue, OpResponse, RangeResponse, Rejection, RejectionStatus, TxnOpResponse } from './results';

const TAG_PUT = 1;
const TAG_DELETE = 2;
const TAG_RANGE = 3;
const TAG_TXN = 4;
const TAG_CREATE_TOPIC = 5;
const TAG_APPEND = 6;
const TAG_COMMIT_OFFSET = 7;
const TAG_REJECTED = 8;
const TAG_LEASE_GRANT = 9;
const TAG_LEASE_REVOKE = 10;
const TAG_COMPACT = 11;
// Index in the array = wire value.
const REJECTION_STATUSES: readonly RejectionStatus[] = [
  'not_found',
  'failed_precondition',
  'already_exists',
  'out_of_range',
  'resource_exhausted',
  'invalid_argument',
];
const KV_BYTES_MIN = 5;

/** 1: kvs without lease (session records v1); 2: current. */
export type OutcomeFormat = 1 | 2;
export const OUTCOME_FORMAT: OutcomeFormat = 2;
const RESPONSE_BYTES_MIN = 2;

export function writeOutcome(w: ByteWriter, outcome: CommandOutcome): void {
  w.uvarint(outcome.revision);
  if ('rejection' in outcome) {
    w.u8(TAG_REJECTED).u8(REJECTION_STATUSES.indexOf(outcome.rejection.status)).bytes(utf8(outcome.rejection.reason));
  } else {
    writeResponse(w, outcome.response);
  }
}

export function readOutcome(r: ByteReader, format: OutcomeFormat = OUTCOME_FORMAT): CommandOutcome {
  const revision = r.uvarint();
  if (r.peek() === TAG_REJECTED) {
    r.u8();
    return { revision, rejection: readRejection(r) };
  }
  return { revision, response: readResponse(r, false, format) };
}

function readRejection(r: ByteReader): Rejection {
  const statusByte = r.u8();
  const status = REJECTION_STATUSES[statusByte];
  if (status === undefined) throw r.failure(`unknown rejection status ${statusByte}`);
  let reason: string;
  try {
    reason = fromUtf8(r.bytes());
  } catch {
    throw r.failure('rejection reason is not valid UTF-8');
  }
  return { code: 'rejected', status, reason };
}

export function writeKv(w: ByteWriter, kv: KeyValue): void {
  w.bytes(kv.key).bytes(kv.value).uvarint(kv.createRevision).uvarint(kv.modRevision).uvarint(kv.version).uvarint(kv.lease);
}

export function readKv(r: ByteReader, format: OutcomeFormat = OUTCOME_FORMAT): KeyValue {
  const key = r.bytes();
  const value = r.bytes();
  const createRevision = r.uvarint();
  const modRevision = r.uvarint();
  const version = r.uvarint();
  const lease = format === 1 ? 0 : r.uvarint();
  return { key, value, createRevision, modRevision, version, lease };
}

function writeResponse(w: ByteWriter, response: OpResponse | TxnOpResponse): void {
  switch (response.type) {
    case 'put':
      w.u8(TAG_PUT).bool(response.prevKv !== undefined);
      if (response.prevKv !== undefined) writeKv(w, response.prevKv);
      return;
    case 'delete':
      w.u8(TAG_DELETE).uvarint(response.deleted).bool(response.prevKvs !== undefined);
      if (response.prevKvs !== undefined) writeKvs(w, response.prevKvs);
      return;
    case 'range':
      w.u8(TAG_RANGE).uvarint(response.count).bool(response.more);
      writeKvs(w, response.kvs);
      return;
    case 'txn':
      w.u8(TAG_TXN).bool(response.succeeded).uvarint(response.responses.length);
      for (const sub of response.responses) writeResponse(w, sub);
      return;
    case 'createTopic':
      w.u8(TAG_CREATE_TOPIC).bool(response.created);
      return;
    case 'append':
      w.u8(TAG_APPEND).uvarint(response.baseOffset).uvarint(response.count);
      return;
    case 'commitOffset':
      w.u8(TAG_COMMIT_OFFSET).uvarint(response.offset);
      return;
    case 'leaseGrant':
      w.u8(TAG_LEASE_GRANT).uvarint(response.id).uvarint(response.ttlSeconds);
      return;
    case 'leaseRevoke':
      w.u8(TAG_LEASE_REVOKE).uvarint(response.deleted);
      return;
    case 'compact':
      w.u8(TAG_COMPACT);
      return;
    default: {
      const never: never = response;
      throw new TypeError(`unknown response ${JSON.stringify(never)}`);
    }
  }
}

function writeKvs(w: ByteWriter, kvs: readonly KeyValue[]): void {
  w.uvarint(kvs.length);
  for (const kv of kvs) writeKv(w, kv);
}

function readKvs(r: ByteReader, format: OutcomeFormat): KeyValue[] {
  const n = r.count(KV_BYTES_MIN);
  const kvs: KeyValue[] = [];
  for (let i = 0; i < n; i++) kvs.push(readKv(r, format));
  return kvs;
}

function readResponse(r: ByteReader, insideTxn: true, format: OutcomeFormat): TxnOpResponse;
function readResponse(r: ByteReader, insideTxn: false, format: OutcomeFormat): OpResponse;
function readResponse(r: ByteReader, insideTxn: boolean, format: OutcomeFormat): OpResponse | TxnOpResponse {
  const tag = r.u8();
  if (tag === TAG_PUT) return r.bool() ? { type: 'put', prevKv: readKv(r, format) } : { type: 'put' };
  if (tag === TAG_DELETE) {
    const deleted = r.uvarint();
    return r.bool() ? { type: 'delete', deleted, prevKvs: readKvs(r, format) } : { type: 'delete', deleted };
  }
  if (tag === TAG_RANGE && insideTxn) return readRange(r, format);
  if (tag === TAG_TXN && !insideTxn) {
    const succeeded = r.bool();
    const n = r.count(RESPONSE_BYTES_MIN);
    const responses: TxnOpResponse[] = [];
    for (let i = 0; i < n; i++) responses.push(readResponse(r, true, format));
    return { type: 'txn', succeeded, responses };
  }
  if (!insideTxn) {
    if (tag === TAG_CREATE_TOPIC) return { type: 'createTopic', created: r.bool() };
    if (tag === TAG_APPEND) return { type: 'append', baseOffset: r.uvarint(), count: r.uvarint() };
    if (tag === TAG_COMMIT_OFFSET) return { type: 'commitOffset', offset: r.uvarint() };
    if (format >= 2) {
      if (tag === TAG_LEASE_GRANT) return { type: 'leaseGrant', id: r.uvarint(), ttlSeconds: r.uvarint() };
      if (tag === TAG_LEASE_REVOKE) return { type: 'leaseRevoke', deleted: r.uvarint() };
      if (tag === TAG_COMPACT) return { type: 'compact' };
    }
  }
  throw r.failure(`response tag ${tag} not allowed ${insideTxn ? 'inside a txn' : 'at top level'}`);
}

function readRange(r: ByteReader, format: OutcomeFormat): RangeResponse {
  const count = r.uvarint();
  const more = r.bool();
  return { type: 'range', kvs: readKvs(r, format), more, count };
}
