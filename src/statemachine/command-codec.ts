/**
 * Binary form of a Command, written into Raft entries by the proposer.
 *
 *   command  := version:u8(=1) flags:u8 [clientId:str seq:uvarint]? stampMs:uvarint op
 *               flags bit 0: has session; other bits must be 0
 *   op       := 1 put | 2 delete | 3 txn          (top level)
 *             | 5 createTopic | 6 append | 7 commitOffset
 *             | 8 leaseGrant | 9 leaseRevoke | 10 compact
 *   txnOp    := 1 put | 2 delete | 4 range        (inside a txn; no nesting)
 *   put      := key:bytes value:bytes opts:u8 [lease:uvarint]?
 *                 opts bit 0: prevKv, bit 1: ignoreValue, bit 2: ignoreLease,
 *                 bit 3: lease present (then lease > 0: lease 0 is written as absent)
 *   delete   := key:bytes rangeEnd:bytes opts:u8  opts bit 0: prevKv
 *   range    := key:bytes rangeEnd:bytes limit:uvarint
 *   txn      := n:uvarint compare*n  n:uvarint txnOp*n  n:uvarint txnOp*n
 *   compare  := key:bytes target:u8 result:u8 (value:bytes if target = value, else uvarint)
 *                 target: 0 value, 1 modRevision, 2 createRevision, 3 version, 4 lease
 *   leaseGrant   := id:uvarint ttlSeconds:uvarint
 *   leaseRevoke  := id:uvarint
 *   compact      := revision:uvarint
 *   createTopic  := topic:str policy
 *   policy       := 1 (retain) flags:u8 [retainRecords:uvarint]? [retainBytes:uvarint]?
 *                     flags bit 0: retainRecords present, bit 1: retainBytes present
 *                 | 2 (compact)
 *   append       := topic:str n:uvarint record*n
 *   record       := flags:u8 [key:bytes]? value:bytes n:uvarint (name:str value:bytes)*n
 *                     flags bit 0: key present (an empty key is still a key)
 *   commitOffset := group:str topic:str offset:uvarint opts:u8      opts bit 0: force
 *   bytes    := len:uvarint raw*len;  str := bytes holding UTF-8
 *
 * Tags 5..10, put option bits 1..3 and compare target 4 extend format version 1 without changing
 * any earlier encoding: every command an older build wrote decodes to the same Command. (An older
 * build decodes the new tags and bits as decode_error, so every replica must run this build
 * before the first command that uses them is proposed.)
 *
 * The decoder is total: any input either yields a Command or throws CommandDecodeError.
 * Semantic limits (key sizes, op counts) are checked later by validate.ts, so that a decodable
 * but oversized command becomes an error *result* that every replica agrees on.
 */

import { ByteReader, ByteWriter } from './binary';
import { fromUtf8, utf8 } from './bytes';
import type {
  AppendOp,
  AppendRecord,
  CommitOffsetOp,
  Command,
  Compare,
  CompareNumberTarget,
  CompareResult,
  CompareTarget,
  CompactOp,
  CreateTopicOp,
  DeleteOp,
  LeaseGrantOp,
  LeaseRevokeOp,
  Op,
  PutOp,
  RangeOp,
  Session,
  TopicPolicy,
  TxnOp,
  TxnRequestOp,
} from './command';

export const COMMAND_FORMAT_VERSION = 1;

export class CommandDecodeError extends Error {
  constructor(reason: string) {
    super(`cannot decode command: ${reason}`);
    this.name = 'CommandDecodeError';
  }
}

const FLAG_SESSION = 0x01;
const OPT_PREV_KV = 0x01;
const PUT_IGNORE_VALUE = 0x02;
const PUT_IGNORE_LEASE = 0x04;
const PUT_HAS_LEASE = 0x08;
const PUT_OPTS = OPT_PREV_KV | PUT_IGNORE_VALUE | PUT_IGNORE_LEASE | PUT_HAS_LEASE;
const EMPTY = new Uint8Array(0);

const TAG_PUT = 1;
const TAG_DELETE = 2;
const TAG_TXN = 3;
const TAG_RANGE = 4;
const TAG_CREATE_TOPIC = 5;
const TAG_APPEND = 6;
const TAG_COMMIT_OFFSET = 7;
const TAG_LEASE_GRANT = 8;
const TAG_LEASE_REVOKE = 9;
const TAG_COMPACT = 10;

const POLICY_RETAIN = 1;
const POLICY_COMPACT = 2;
const RETAIN_RECORDS = 0x01;
const RETAIN_BYTES = 0x02;
const RECORD_HAS_KEY = 0x01;
const OPT_FORCE = 0x01;

// Index in the array = wire value; the arrays are the single source of the mapping.
const TARGETS: readonly CompareTarget[] = ['value', 'modRevision', 'createRevision', 'version', 'lease'];
const RESULTS: readonly CompareResult[] = ['equal', 'notEqual', 'less', 'greater'];

// ---------------------------------------------------------------- encode

/** Throws RangeError if a number field is not a non-negative safe integer (a proposer bug). */
export function encodeCommand(cmd: Command): Uint8Array {
  const w = new ByteWriter();
  w.u8(COMMAND_FORMAT_VERSION);
  w.u8(cmd.session !== undefined ? FLAG_SESSION : 0);
  if (cmd.session !== undefined) {
    w.bytes(utf8(cmd.session.clientId));
    w.uvarint(cmd.session.seq);
  }
  w.uvarint(cmd.stampMs);
  writeOp(w, cmd.op);
  return w.finish();
}

function writeOp(w: ByteWriter, op: Op | TxnRequestOp): void {
  switch (op.type) {
    case 'put':
      writePut(w, op);
      return;
    case 'delete':
      w.u8(TAG_DELETE).bytes(op.key).bytes(op.rangeEnd ?? EMPTY).u8(op.prevKv === true ? OPT_PREV_KV : 0);
      return;
    case 'range':
      w.u8(TAG_RANGE).bytes(op.key).bytes(op.rangeEnd ?? EMPTY).uvarint(op.limit ?? 0);
      return;
    case 'txn':
      writeTxn(w, op);
      return;
    case 'createTopic':
      w.u8(TAG_CREATE_TOPIC).bytes(utf8(op.topic));
      writePolicy(w, op.policy);
      return;
    case 'append':
      writeAppend(w, op);
      return;
    case 'commitOffset':
      w.u8(TAG_COMMIT_OFFSET).bytes(utf8(op.group)).bytes(utf8(op.topic)).uvarint(op.offset);
      w.u8(op.force === true ? OPT_FORCE : 0);
      return;
    case 'leaseGrant':
      w.u8(TAG_LEASE_GRANT).uvarint(op.id).uvarint(op.ttlSeconds);
      return;
    case 'leaseRevoke':
      w.u8(TAG_LEASE_REVOKE).uvarint(op.id);
      return;
    case 'compact':
      w.u8(TAG_COMPACT).uvarint(op.revision);
      return;
    default: {
      const never: never = op;
      throw new TypeError(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** An old-style put (prevKv at most) keeps its one-byte options and nothing after them. */
function writePut(w: ByteWriter, op: PutOp): void {
  const lease = op.lease ?? 0;
  let opts = op.prevKv === true ? OPT_PREV_KV : 0;
  if (op.ignoreValue === true) opts |= PUT_IGNORE_VALUE;
  if (op.ignoreLease === true) opts |= PUT_IGNORE_LEASE;
  if (lease !== 0) opts |= PUT_HAS_LEASE;
  w.u8(TAG_PUT).bytes(op.key).bytes(op.value).u8(opts);
  if (lease !== 0) w.uvarint(lease);
}

/** Shared with the topic metadata record (records.ts). */
export function writePolicy(w: ByteWriter, policy: TopicPolicy): void {
  if (policy.kind === 'compact') {
    w.u8(POLICY_COMPACT);
    return;
  }
  const { retainRecords, retainBytes } = policy;
  w.u8(POLICY_RETAIN).u8((retainRecords !== undefined ? RETAIN_RECORDS : 0) | (retainBytes !== undefined ? RETAIN_BYTES : 0));
  if (retainRecords !== undefined) w.uvarint(retainRecords);
  if (retainBytes !== undefined) w.uvarint(retainBytes);
}

function writeAppend(w: ByteWriter, op: AppendOp): void {
  w.u8(TAG_APPEND).bytes(utf8(op.topic)).uvarint(op.records.length);
  for (const record of op.records) {
    w.u8(record.key !== undefined ? RECORD_HAS_KEY : 0);
    if (record.key !== undefined) w.bytes(record.key);
    w.bytes(record.value);
    const headers = record.headers ?? [];
    w.uvarint(headers.length);
    for (const [name, value] of headers) w.bytes(utf8(name)).bytes(value);
  }
}

function writeTxn(w: ByteWriter, op: TxnOp): void {
  w.u8(TAG_TXN).uvarint(op.compare.length);
  for (const c of op.compare) {
    w.bytes(c.key).u8(TARGETS.indexOf(c.target)).u8(RESULTS.indexOf(c.result));
    if (c.target === 'value') w.bytes(c.value);
    else w.uvarint(c.value);
  }
  for (const branch of [op.success, op.failure]) {
    w.uvarint(branch.length);
    for (const sub of branch) writeOp(w, sub);
  }
}

// ---------------------------------------------------------------- decode

/** Throws CommandDecodeError, and nothing else, on any malformed input. */
export function decodeCommand(data: Uint8Array): Command {
  const r = new ByteReader(data, (reason) => new CommandDecodeError(reason));
  const version = r.u8();
  if (version !== COMMAND_FORMAT_VERSION) throw new CommandDecodeError(`unsupported format version ${version}`);
  const flags = r.u8();
  if ((flags & ~FLAG_SESSION) !== 0) throw new CommandDecodeError(`unknown flags 0x${flags.toString(16)}`);
  const session = (flags & FLAG_SESSION) !== 0 ? readSession(r) : undefined;
  const stampMs = r.uvarint();
  const op = readOp(r, false);
  r.end();
  return session !== undefined ? { session, stampMs, op } : { stampMs, op };
}

function readSession(r: ByteReader): Session {
  const clientId = readString(r, 'client id');
  return { clientId, seq: r.uvarint() };
}

function readString(r: ByteReader, what: string): string {
  const raw = r.bytes();
  try {
    return fromUtf8(raw);
  } catch {
    throw new CommandDecodeError(`${what} is not valid UTF-8`);
  }
}

function readOp(r: ByteReader, insideTxn: true): TxnRequestOp;
function readOp(r: ByteReader, insideTxn: false): Op;
function readOp(r: ByteReader, insideTxn: boolean): Op | TxnRequestOp {
  const tag = r.u8();
  if (tag === TAG_PUT) return readPut(r);
  if (tag === TAG_DELETE) return readDelete(r);
  if (tag === TAG_RANGE && insideTxn) return readRange(r);
  if (tag === TAG_TXN && !insideTxn) return readTxn(r);
  if (tag === TAG_CREATE_TOPIC && !insideTxn) return readCreateTopic(r);
  if (tag === TAG_APPEND && !insideTxn) return readAppend(r);
  if (tag === TAG_COMMIT_OFFSET && !insideTxn) return readCommitOffset(r);
  if (tag === TAG_LEASE_GRANT && !insideTxn) return readLeaseGrant(r);
  if (tag === TAG_LEASE_REVOKE && !insideTxn) return readLeaseRevoke(r);
  if (tag === TAG_COMPACT && !insideTxn) return readCompact(r);
  throw new CommandDecodeError(`op tag ${tag} not allowed ${insideTxn ? 'inside a txn' : 'at top level'}`);
}

function readOpts(r: ByteReader): boolean {
  const opts = r.u8();
  if ((opts & ~OPT_PREV_KV) !== 0) throw new CommandDecodeError(`unknown op options 0x${opts.toString(16)}`);
  return (opts & OPT_PREV_KV) !== 0;
}

function readPut(r: ByteReader): PutOp {
  const key = r.bytes();
  const value = r.bytes();
  const opts = r.u8();
  if ((opts & ~PUT_OPTS) !== 0) throw new CommandDecodeError(`unknown put options 0x${opts.toString(16)}`);
  const op: { type: 'put'; key: Uint8Array; value: Uint8Array; prevKv?: boolean; lease?: number; ignoreValue?: boolean; ignoreLease?: boolean } = {
    type: 'put',
    key,
    value,
  };
  if ((opts & OPT_PREV_KV) !== 0) op.prevKv = true;
  if ((opts & PUT_HAS_LEASE) !== 0) {
    const lease = r.uvarint();
    if (lease === 0) throw new CommandDecodeError('put lease 0 must be written as absent');
    op.lease = lease;
  }
  if ((opts & PUT_IGNORE_VALUE) !== 0) op.ignoreValue = true;
  if ((opts & PUT_IGNORE_LEASE) !== 0) op.ignoreLease = true;
  return op;
}

function readDelete(r: ByteReader): DeleteOp {
  const key = r.bytes();
  const rangeEnd = r.bytes();
  const prevKv = readOpts(r);
  const op: { type: 'delete'; key: Uint8Array; rangeEnd?: Uint8Array; prevKv?: boolean } = { type: 'delete', key };
  if (rangeEnd.length > 0) op.rangeEnd = rangeEnd;
  if (prevKv) op.prevKv = true;
  return op;
}

function readRange(r: ByteReader): RangeOp {
  const key = r.bytes();
  const rangeEnd = r.bytes();
  const limit = r.uvarint();
  const op: { type: 'range'; key: Uint8Array; rangeEnd?: Uint8Array; limit?: number } = { type: 'range', key };
  if (rangeEnd.length > 0) op.rangeEnd = rangeEnd;
  if (limit > 0) op.limit = limit;
  return op;
}

// Smallest encodings: a compare is key-len + target + result + 1-byte value = 4 bytes,
// an op is tag + key-len + 2 more one-byte fields = 4 bytes.
const COMPARE_BYTES_MIN = 4;
const TXN_OP_BYTES_MIN = 4;

function readTxn(r: ByteReader): TxnOp {
  const compare: Compare[] = [];
  const nCompare = r.count(COMPARE_BYTES_MIN);
  for (let i = 0; i < nCompare; i++) compare.push(readCompare(r));
  const success = readBranch(r);
  const failure = readBranch(r);
  return { type: 'txn', compare, success, failure };
}

function readBranch(r: ByteReader): TxnRequestOp[] {
  const ops: TxnRequestOp[] = [];
  const n = r.count(TXN_OP_BYTES_MIN);
  for (let i = 0; i < n; i++) ops.push(readOp(r, true));
  return ops;
}

function readCompare(r: ByteReader): Compare {
  const key = r.bytes();
  const targetByte = r.u8();
  const resultByte = r.u8();
  const target = TARGETS[targetByte];
  const result = RESULTS[resultByte];
  if (target === undefined) throw new CommandDecodeError(`unknown compare target ${targetByte}`);
  if (result === undefined) throw new CommandDecodeError(`unknown compare result ${resultByte}`);
  if (target === 'value') return { key, target, result, value: r.bytes() };
  const numberTarget: CompareNumberTarget = target;
  return { key, target: numberTarget, result, value: r.uvarint() };
}

function readCreateTopic(r: ByteReader): CreateTopicOp {
  const topic = readString(r, 'topic');
  return { type: 'createTopic', topic, policy: readPolicy(r) };
}

/** Failures go through the reader, so records.ts gets RecordDecodeError from the same code. */
export function readPolicy(r: ByteReader): TopicPolicy {
  const kind = r.u8();
  if (kind === POLICY_COMPACT) return { kind: 'compact' };
  if (kind !== POLICY_RETAIN) throw r.failure(`unknown topic policy ${kind}`);
  const flags = r.u8();
  if ((flags & ~(RETAIN_RECORDS | RETAIN_BYTES)) !== 0) throw r.failure(`unknown retain flags 0x${flags.toString(16)}`);
  const policy: { kind: 'retain'; retainRecords?: number; retainBytes?: number } = { kind: 'retain' };
  if ((flags & RETAIN_RECORDS) !== 0) policy.retainRecords = r.uvarint();
  if ((flags & RETAIN_BYTES) !== 0) policy.retainBytes = r.uvarint();
  return policy;
}

// Smallest encodings: a record is flags + value length + header count = 3 bytes; a header is
// name length + value length = 2 bytes.
const RECORD_BYTES_MIN = 3;
const HEADER_BYTES_MIN = 2;

function readAppend(r: ByteReader): AppendOp {
  const topic = readString(r, 'topic');
  const n = r.count(RECORD_BYTES_MIN);
  const records: AppendRecord[] = [];
  for (let i = 0; i < n; i++) records.push(readAppendRecord(r));
  return { type: 'append', topic, records };
}

function readAppendRecord(r: ByteReader): AppendRecord {
  const flags = r.u8();
  if ((flags & ~RECORD_HAS_KEY) !== 0) throw new CommandDecodeError(`unknown record flags 0x${flags.toString(16)}`);
  const key = (flags & RECORD_HAS_KEY) !== 0 ? r.bytes() : undefined;
  const value = r.bytes();
  const nHeaders = r.count(HEADER_BYTES_MIN);
  const headers: Array<[string, Uint8Array]> = [];
  for (let i = 0; i < nHeaders; i++) headers.push([readString(r, 'header name'), r.bytes()]);
  const record: { key?: Uint8Array; value: Uint8Array; headers?: Array<[string, Uint8Array]> } = { value };
  if (key !== undefined) record.key = key;
  if (headers.length > 0) record.headers = headers;
  return record;
}

function readLeaseGrant(r: ByteReader): LeaseGrantOp {
  const id = r.uvarint();
  return { type: 'leaseGrant', id, ttlSeconds: r.uvarint() };
}

function readLeaseRevoke(r: ByteReader): LeaseRevokeOp {
  return { type: 'leaseRevoke', id: r.uvarint() };
}

function readCompact(r: ByteReader): CompactOp {
  return { type: 'compact', revision: r.uvarint() };
}

function readCommitOffset(r: ByteReader): CommitOffsetOp {
  const group = readString(r, 'group');
  const topic = readString(r, 'topic');
  const offset = r.uvarint();
  const opts = r.u8();
  if ((opts & ~OPT_FORCE) !== 0) throw new CommandDecodeError(`unknown commitOffset options 0x${opts.toString(16)}`);
  return (opts & OPT_FORCE) !== 0 ? { type: 'commitOffset', group, topic, offset, force: true } : { type: 'commitOffset', group, topic, offset };
}
