import type { Compare as WireCompare } from '../generated/ordo/v1/Compare';
import type { DeleteRangeRequest } from '../generated/ordo/v1/DeleteRangeRequest';
import type { KeyValue as WireKeyValue } from '../generated/ordo/v1/KeyValue';
import type { PutRequest } from '../generated/ordo/v1/PutRequest';
import type { RangeRequest } from '../generated/ordo/v1/RangeRequest';
import type { RequestOp } from '../generated/ordo/v1/RequestOp';
import type { ResponseOp } from '../generated/ordo/v1/ResponseOp';
import type { Session as WireSession } from '../generated/ordo/v1/Session';
import type { TxnRequest } from '../generated/ordo/v1/TxnRequest';
import type { Compare, DeleteOp, KeyValue, PutOp, RangeOp, Session, TxnOp, TxnOpResponse, TxnRequestOp } from '../statemachine';
import { InvalidRequestError } from './grpc-errors';

/**
 * Wire messages (etcd-shaped, proto/kv.proto) <-> state machine ops. Shape errors become
 * InvalidRequestError naming the field; limits are checked afterwards by validateCommand.
 */
type Bytes = Buffer | Uint8Array | string | undefined;

function bytes(b: Bytes): Uint8Array {
  if (b === undefined) return new Uint8Array(0);
  return typeof b === 'string' ? Buffer.from(b) : b;
}

function optionalBytes(b: Bytes): Uint8Array | undefined {
  const out = bytes(b);
  return out.length === 0 ? undefined : out;
}

function nonNegative(field: string, v: number | string | undefined | object): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidRequestError(`${field} must be a non-negative integer, got ${String(v)}`);
  return n;
}

export function toSession(s: WireSession | null | undefined): Session | undefined {
  if (!s || !s.clientId) return undefined;
  const seq = nonNegative('session.seq', s.seq);
  if (seq < 1) throw new InvalidRequestError('session.seq must be >= 1 when session.client_id is set');
  return { clientId: s.clientId, seq };
}

export function toPutOp(r: PutRequest): PutOp {
  return { type: 'put', key: bytes(r.key), value: bytes(r.value), ...(r.prevKv ? { prevKv: true } : {}) };
}

export function toDeleteOp(r: DeleteRangeRequest): DeleteOp {
  const rangeEnd = optionalBytes(r.rangeEnd);
  return { type: 'delete', key: bytes(r.key), ...(rangeEnd ? { rangeEnd } : {}), ...(r.prevKv ? { prevKv: true } : {}) };
}

export function toRangeOp(r: RangeRequest): RangeOp {
  const rangeEnd = optionalBytes(r.rangeEnd);
  const limit = nonNegative('limit', r.limit);
  return { type: 'range', key: bytes(r.key), ...(rangeEnd ? { rangeEnd } : {}), ...(limit > 0 ? { limit } : {}) };
}

const RESULTS = { EQUAL: 'equal', GREATER: 'greater', LESS: 'less', NOT_EQUAL: 'notEqual' } as const;
const TARGETS = { VERSION: 'version', CREATE: 'createRevision', MOD: 'modRevision' } as const;

function toCompare(c: WireCompare, i: number): Compare {
  const result = RESULTS[String(c.result ?? 'EQUAL') as keyof typeof RESULTS];
  if (!result) throw new InvalidRequestError(`compare[${i}].result ${String(c.result)} is not EQUAL, GREATER, LESS or NOT_EQUAL`);
  const key = bytes(c.key);
  const target = String(c.target ?? 'VERSION');
  if (target === 'VALUE') return { key, target: 'value', result, value: bytes(c.value) };
  const numeric = TARGETS[target as keyof typeof TARGETS];
  if (!numeric) throw new InvalidRequestError(`compare[${i}].target ${target} is not VERSION, CREATE, MOD or VALUE`);
  const raw = numeric === 'version' ? c.version : numeric === 'createRevision' ? c.createRevision : c.modRevision;
  return { key, target: numeric, result, value: nonNegative(`compare[${i}].${numeric}`, raw) };
}

function toRequestOp(op: RequestOp, where: string): TxnRequestOp {
  if (op.requestPut) return toPutOp(op.requestPut);
  if (op.requestDeleteRange) return toDeleteOp(op.requestDeleteRange);
  if (op.requestRange) return toRangeOp(op.requestRange);
  throw new InvalidRequestError(`${where} holds no request (set request_put, request_range or request_delete_range)`);
}

export function toTxnOp(r: TxnRequest): TxnOp {
  return {
    type: 'txn',
    compare: (r.compare ?? []).map(toCompare),
    success: (r.success ?? []).map((op, i) => toRequestOp(op, `success[${i}]`)),
    failure: (r.failure ?? []).map((op, i) => toRequestOp(op, `failure[${i}]`)),
  };
}

export function toWireKv(kv: KeyValue): WireKeyValue {
  return { key: Buffer.from(kv.key), value: Buffer.from(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
}

export function toWireResponseOp(r: TxnOpResponse, header: object): ResponseOp {
  switch (r.type) {
    case 'put':
      return { responsePut: { header, ...(r.prevKv ? { prevKv: toWireKv(r.prevKv) } : {}) } };
    case 'delete':
      return { responseDeleteRange: { header, deleted: r.deleted, prevKvs: (r.prevKvs ?? []).map(toWireKv) } };
    case 'range':
      return { responseRange: { header, kvs: r.kvs.map(toWireKv), more: r.more, count: r.count } };
  }
}
