/**
 * Binary form of a Command, written into Raft entries by the proposer.
 *
 *   command  := version:u8(=1) flags:u8 [clientId:str seq:uvarint]? stampMs:uvarint op
 *               flags bit 0: has session; other bits must be 0
 *   op       := 1 put | 2 delete | 3 txn          (top level)
 *   txnOp    := 1 put | 2 delete | 4 range        (inside a txn; no nesting)
 *   put      := key:bytes value:bytes opts:u8     opts bit 0: prevKv
 *   delete   := key:bytes rangeEnd:bytes opts:u8  opts bit 0: prevKv
 *   range    := key:bytes rangeEnd:bytes limit:uvarint
 *   txn      := n:uvarint compare*n  n:uvarint txnOp*n  n:uvarint txnOp*n
 *   compare  := key:bytes target:u8 result:u8 (value:bytes if target = value, else uvarint)
 *   bytes    := len:uvarint raw*len;  str := bytes holding UTF-8
 *
 * The decoder is total: any input either yields a Command or throws CommandDecodeError.
 * Semantic limits (key sizes, op counts) are checked later by validate.ts, so that a decodable
 * but oversized command becomes an error *result* that every replica agrees on.
 */

import { ByteReader, ByteWriter } from './binary';
import { fromUtf8, utf8 } from './bytes';
import type {
  Command,
  Compare,
  CompareNumberTarget,
  CompareResult,
  CompareTarget,
  DeleteOp,
  Op,
  PutOp,
  RangeOp,
  Session,
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
const EMPTY = new Uint8Array(0);

const TAG_PUT = 1;
const TAG_DELETE = 2;
const TAG_TXN = 3;
const TAG_RANGE = 4;

// Index in the array = wire value; the arrays are the single source of the mapping.
const TARGETS: readonly CompareTarget[] = ['value', 'modRevision', 'createRevision', 'version'];
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
      w.u8(TAG_PUT).bytes(op.key).bytes(op.value).u8(op.prevKv === true ? OPT_PREV_KV : 0);
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
    default: {
      const never: never = op;
      throw new TypeError(`unknown op ${JSON.stringify(never)}`);
    }
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
  const raw = r.bytes();
  let clientId: string;
  try {
    clientId = fromUtf8(raw);
  } catch {
    throw new CommandDecodeError('client id is not valid UTF-8');
  }
  return { clientId, seq: r.uvarint() };
}

function readOp(r: ByteReader, insideTxn: true): TxnRequestOp;
function readOp(r: ByteReader, insideTxn: false): Op;
function readOp(r: ByteReader, insideTxn: boolean): Op | TxnRequestOp {
  const tag = r.u8();
  if (tag === TAG_PUT) return readPut(r);
  if (tag === TAG_DELETE) return readDelete(r);
  if (tag === TAG_RANGE && insideTxn) return readRange(r);
  if (tag === TAG_TXN && !insideTxn) return readTxn(r);
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
  return readOpts(r) ? { type: 'put', key, value, prevKv: true } : { type: 'put', key, value };
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
