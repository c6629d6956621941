/**
 * Binary form of a CommandOutcome, stored inside session records so a retry after a restart
 * still gets the original answer. Same primitives as the command codec (binary.ts).
 *
 *   outcome  := revision:uvarint response
 *   response := 1 put    hasPrev:bool kv?
 *             | 2 delete deleted:uvarint hasPrevKvs:bool (n:uvarint kv*n)?
 *             | 3 range  count:uvarint more:bool n:uvarint kv*n
 *             | 4 txn    succeeded:bool n:uvarint response*n      (no nesting)
 *   kv       := key:bytes value:bytes createRevision:uvarint modRevision:uvarint version:uvarint
 */

import type { ByteReader, ByteWriter } from './binary';
import type { CommandOutcome, KeyValue, OpResponse, RangeResponse, TxnOpResponse } from './results';

const TAG_PUT = 1;
const TAG_DELETE = 2;
const TAG_RANGE = 3;
const TAG_TXN = 4;
const KV_BYTES_MIN = 5;
const RESPONSE_BYTES_MIN = 2;

export function writeOutcome(w: ByteWriter, outcome: CommandOutcome): void {
  w.uvarint(outcome.revision);
  writeResponse(w, outcome.response);
}

export function readOutcome(r: ByteReader): CommandOutcome {
  const revision = r.uvarint();
  return { revision, response: readResponse(r, false) };
}

export function writeKv(w: ByteWriter, kv: KeyValue): void {
  w.bytes(kv.key).bytes(kv.value).uvarint(kv.createRevision).uvarint(kv.modRevision).uvarint(kv.version);
}

export function readKv(r: ByteReader): KeyValue {
  const key = r.bytes();
  const value = r.bytes();
  const createRevision = r.uvarint();
  const modRevision = r.uvarint();
  const version = r.uvarint();
  return { key, value, createRevision, modRevision, version };
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

function readKvs(r: ByteReader): KeyValue[] {
  const n = r.count(KV_BYTES_MIN);
  const kvs: KeyValue[] = [];
  for (let i = 0; i < n; i++) kvs.push(readKv(r));
  return kvs;
}

function readResponse(r: ByteReader, insideTxn: true): TxnOpResponse;
function readResponse(r: ByteReader, insideTxn: false): OpResponse;
function readResponse(r: ByteReader, insideTxn: boolean): OpResponse | TxnOpResponse {
  const tag = r.u8();
  if (tag === TAG_PUT) return r.bool() ? { type: 'put', prevKv: readKv(r) } : { type: 'put' };
  if (tag === TAG_DELETE) {
    const deleted = r.uvarint();
    return r.bool() ? { type: 'delete', deleted, prevKvs: readKvs(r) } : { type: 'delete', deleted };
  }
  if (tag === TAG_RANGE && insideTxn) return readRange(r);
  if (tag === TAG_TXN && !insideTxn) {
    const succeeded = r.bool();
    const n = r.count(RESPONSE_BYTES_MIN);
    const responses: TxnOpResponse[] = [];
    for (let i = 0; i < n; i++) responses.push(readResponse(r, true));
    return { type: 'txn', succeeded, responses };
  }
  throw r.failure(`response tag ${tag} not allowed ${insideTxn ? 'inside a txn' : 'at top level'}`);
}

function readRange(r: ByteReader): RangeResponse {
  const count = r.uvarint();
  const more = r.bool();
  return { type: 'range', kvs: readKvs(r), more, count };
}
