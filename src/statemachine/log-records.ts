/**
 * The records that make the log a product: topic records, the KV change log and the KV history.
 * They are written as mutations like every other record, but the state machine never holds them
 * in memory after apply, and storage does not load them at start-up
 * (StateMachine.lazyRecordPrefixes): readers (Read, Subscribe, Watch, Range at a revision) scan
 * them from LevelDB with the ranges below and in history.ts.
 *
 *   "r" topic 0x00 offset:be64          -> v1 offset raftIndex timestampMs flags [key:bytes]?
 *                                           n (name:str value:bytes)*n value...   (topic record)
 *   "c" revision:be64 seq:be32          -> v2 kind revision createRevision modRevision version
 *                                           lease key:bytes value...              (KV change)
 *   "h" escape(key) 0x00 0x00 revision:be64
 *                                       -> the same value as the change record    (KV history)
 *
 * Big-endian numbers make LevelDB's byte order the offset (revision, seq) order; topic names never
 * contain 0x00, so the separator keeps "a" and "a.b" apart. `seq` numbers the changes of one
 * revision (a txn or a deleteRange changes several keys at one revision) from 0. A change record
 * of format v1 (before leases) decodes with lease 0.
 *
 * History keys: escape() turns each 0x00 byte of the key into 0x00 0xFF and the key ends with
 * 0x00 0x00, which sorts below both 0x00 0xFF and any other byte: byte order of history keys is
 * (key, revision) order, and every version of one key is contiguous. A key has at most one
 * version per revision (a txn branch writes a key at most once).
 */

import { ByteReader, ByteWriter } from './binary';
import { asciiBytes, compareBytes, concatBytes, fromUtf8, readU32BE, readU64BE, utf8, writeU32BE, writeU64BE } from './bytes';
import { RecordDecodeError } from './record-error';
import { topicNameProblem } from './validate';

export const LOG_RECORD_FORMAT_VERSION = 1;
/** Change and history records: v2 added the lease. */
export const CHANGE_RECORD_FORMAT_VERSION = 2;

const PREFIX_TOPIC_RECORD = 0x72; // 'r'
const PREFIX_CHANGE = 0x63; // 'c'
const PREFIX_HISTORY = 0x68; // 'h'
const ESCAPE_FOLLOW = 0xff;
const SEPARATOR = 0x00;
const U64_BYTES = 8;
const U32_BYTES = 4;

/** Start of every topic record key (SM keyspace, i.e. without storage's own prefix). */
export const TOPIC_RECORD_PREFIX: Uint8Array = Uint8Array.of(PREFIX_TOPIC_RECORD);
/** Start of every KV change record key. */
export const CHANGE_RECORD_PREFIX: Uint8Array = Uint8Array.of(PREFIX_CHANGE);
/** Start of every KV history record key. */
export const HISTORY_RECORD_PREFIX: Uint8Array = Uint8Array.of(PREFIX_HISTORY);

/** One record of a topic as stored and as readers get it back. */
export interface TopicRecord {
  /** Dense per topic: 0, 1, 2 ... (independent of Raft indexes). */
  readonly offset: number;
  /** Absent for a record without a key. */
  readonly key?: Uint8Array;
  /** Empty in a tombstone of a compacted topic. */
  readonly value: Uint8Array;
  readonly headers: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Index of the Raft entry that appended it. */
  readonly raftIndex: number;
  /** The leader's stamp on that entry (wall-clock milliseconds). */
  readonly timestampMs: number;
}

/** One change of the KV keyspace, for Watch. A delete carries etcd's tombstone numbers. */
export interface KvChange {
  readonly revision: number;
  readonly kind: 'put' | 'delete';
  readonly key: Uint8Array;
  /** Present for a put only. */
  readonly value?: Uint8Array;
  /** A put: the key's; a delete: 0 (etcd's delete event). */
  readonly createRevision: number;
  /** A put: the revision of the put; a delete: the revision of the delete. */
  readonly modRevision: number;
  /** A put: the key's version after it; a delete: 0. */
  readonly version: number;
  /** A put: the lease the key is attached to (0: none); a delete: 0. */
  readonly lease: number;
}

/** Key range [gte, lt) in the SM keyspace, as LogStore.scanStateMachine takes it. */
export interface RecordRange {
  readonly gte: Uint8Array;
  readonly lt: Uint8Array;
}

// ---------------------------------------------------------------- keys

function checkedTopicBytes(topic: string): Uint8Array {
  const problem = topicNameProblem(topic);
  if (problem !== null) throw new RangeError(problem);
  return asciiBytes(topic);
}

/** Key of the record at `offset` of `topic`; throws RangeError on a bad name or offset. */
export function topicRecordKey(topic: string, offset: number): Uint8Array {
  const name = checkedTopicBytes(topic);
  const key = new Uint8Array(1 + name.length + 1 + U64_BYTES);
  key[0] = PREFIX_TOPIC_RECORD;
  key.set(name, 1);
  key[1 + name.length] = SEPARATOR;
  writeU64BE(key, 2 + name.length, offset);
  return key;
}

/** Every record of `topic` from `fromOffset` on, in offset order. */
export function topicRecordRange(topic: string, fromOffset: number): RecordRange {
  const gte = topicRecordKey(topic, fromOffset);
  const lt = concatBytes([Uint8Array.of(PREFIX_TOPIC_RECORD), asciiBytes(topic), Uint8Array.of(SEPARATOR + 1)]);
  return { gte, lt };
}

/** (topic, offset) of a topic record key, or null when the key is not one. */
export function parseTopicRecordKey(key: Uint8Array): { topic: string; offset: number } | null {
  if (key[0] !== PREFIX_TOPIC_RECORD || key.length < 1 + 1 + 1 + U64_BYTES) return null;
  const sep = key.length - U64_BYTES - 1;
  if (key[sep] !== SEPARATOR) return null;
  const topic = String.fromCharCode(...key.subarray(1, sep));
  if (topicNameProblem(topic) !== null) return null;
  const offset = readU64BE(key, sep + 1);
  return offset === null ? null : { topic, offset };
}

export function changeRecordKey(revision: number, seq: number): Uint8Array {
  const key = new Uint8Array(1 + U64_BYTES + U32_BYTES);
  key[0] = PREFIX_CHANGE;
  writeU64BE(key, 1, revision);
  writeU32BE(key, 1 + U64_BYTES, seq);
  return key;
}

/** Every KV change at `fromRevision` or later, in (revision, seq) order. */
export function changeRecordRange(fromRevision: number): RecordRange {
  const gte = new Uint8Array(1 + U64_BYTES);
  gte[0] = PREFIX_CHANGE;
  writeU64BE(gte, 1, fromRevision);
  return { gte, lt: Uint8Array.of(PREFIX_CHANGE + 1) };
}

/** Every KV change with a revision below `revision`: what a compaction at `revision` makes unreachable. */
export function changeRecordsBelow(revision: number): RecordRange {
  const lt = new Uint8Array(1 + U64_BYTES);
  lt[0] = PREFIX_CHANGE;
  writeU64BE(lt, 1, revision);
  return { gte: Uint8Array.of(PREFIX_CHANGE), lt };
}

/** (revision, seq) of a change record key, or null when the key is not one. */
export function parseChangeRecordKey(key: Uint8Array): { revision: number; seq: number } | null {
  if (key[0] !== PREFIX_CHANGE || key.length !== 1 + U64_BYTES + U32_BYTES) return null;
  const revision = readU64BE(key, 1);
  return revision === null ? null : { revision, seq: readU32BE(key, 1 + U64_BYTES) };
}

/** 'h' + escape(key): the part of a history key that all versions of `key` share, minus the terminator. */
function historyKeyStem(key: Uint8Array): Uint8Array {
  let zeros = 0;
  for (const byte of key) if (byte === 0) zeros++;
  const out = new Uint8Array(1 + key.length + zeros);
  out[0] = PREFIX_HISTORY;
  let at = 1;
  for (const byte of key) {
    out[at++] = byte;
    if (byte === 0) out[at++] = ESCAPE_FOLLOW;
  }
  return out;
}

/** 'h' + escape(key) + 0x00 0x00, then `tail` bytes of zeros (to be filled by the caller). */
function historyKeyGroup(key: Uint8Array, tail: number): Uint8Array {
  const stem = historyKeyStem(key);
  const out = new Uint8Array(stem.length + 2 + tail);
  out.set(stem, 0);
  return out; // the two terminator bytes are already 0x00
}

/** Key of the history record of `key` at `revision`; throws RangeError on a bad revision. */
export function historyRecordKey(key: Uint8Array, revision: number): Uint8Array {
  const out = historyKeyGroup(key, U64_BYTES);
  writeU64BE(out, out.length - U64_BYTES, revision);
  return out;
}

/** First key of the history records of `key` (every version of it sorts at or after this). */
export function historyKeyStart(key: Uint8Array): Uint8Array {
  return historyKeyGroup(key, 0);
}

/** First key after every history record of `key`. */
function historyKeyEnd(key: Uint8Array): Uint8Array {
  const out = historyKeyGroup(key, 0);
  out[out.length - 1] = 0x01;
  return out;
}

/** Just past the last history record of any key. */
const HISTORY_END: Uint8Array = Uint8Array.of(PREFIX_HISTORY + 1);

/**
 * The history records of the keys in etcd's (key, rangeEnd) (key-range.ts conventions: a single
 * key when rangeEnd is absent or empty, every key >= key when rangeEnd is "\0"), every revision,
 * in (key, revision) order. An empty range gives gte = lt.
 */
export function historyRange(key: Uint8Array, rangeEnd?: Uint8Array): RecordRange {
  const gte = historyKeyStart(key);
  if (rangeEnd === undefined || rangeEnd.length === 0) return { gte, lt: historyKeyEnd(key) };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { gte, lt: HISTORY_END.slice() };
  const lt = historyKeyStart(rangeEnd);
  return compareBytes(lt, gte) > 0 ? { gte, lt } : { gte, lt: gte.slice() };
}

/**
 * The history records of `key` with a revision below `revision`, in revision order. The last one,
 * when it is a put, is etcd's prev_kv of a watch event at `revision`.
 */
export function previousVersionRange(key: Uint8Array, revision: number): RecordRange {
  return { gte: historyKeyStart(key), lt: historyRecordKey(key, revision) };
}

/**
 * The group part of a history key (everything but the revision) and the revision, or null when
 * the key is not a history key. Cheap: the key bytes are not unescaped.
 */
export function splitHistoryRecordKey(key: Uint8Array): { group: Uint8Array; revision: number } | null {
  const n = key.length;
  if (key[0] !== PREFIX_HISTORY || n < 1 + 1 + 2 + U64_BYTES) return null;
  const end = n - U64_BYTES;
  if (key[end - 1] !== 0 || key[end - 2] !== 0) return null;
  const revision = readU64BE(key, end);
  return revision === null ? null : { group: key.subarray(0, end), revision };
}

/** (key, revision) of a history record key, or null when the key is not a well-formed one. */
export function parseHistoryRecordKey(key: Uint8Array): { key: Uint8Array; revision: number } | null {
  const split = splitHistoryRecordKey(key);
  if (split === null) return null;
  const escaped = split.group.subarray(1, split.group.length - 2);
  const out: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const byte = escaped[i]!;
    out.push(byte);
    if (byte === 0) {
      if (escaped[i + 1] !== ESCAPE_FOLLOW) return null;
      i++;
    }
  }
  if (out.length === 0) return null;
  return { key: Uint8Array.from(out), revision: split.revision };
}

// ---------------------------------------------------------------- values

const FLAG_HAS_KEY = 0x01;
const CHANGE_PUT = 1;
const CHANGE_DELETE = 2;
const HEADER_BYTES_MIN = 2;

function reader(value: Uint8Array): ByteReader {
  const r = new ByteReader(value, (reason) => new RecordDecodeError(reason));
  const version = r.u8();
  if (version !== LOG_RECORD_FORMAT_VERSION) throw new RecordDecodeError(`unsupported log record version ${version}`);
  return r;
}

export function encodeTopicRecord(record: TopicRecord): Uint8Array {
  const w = new ByteWriter().u8(LOG_RECORD_FORMAT_VERSION);
  w.uvarint(record.offset).uvarint(record.raftIndex).uvarint(record.timestampMs);
  w.u8(record.key !== undefined ? FLAG_HAS_KEY : 0);
  if (record.key !== undefined) w.bytes(record.key);
  w.uvarint(record.headers.length);
  for (const [name, value] of record.headers) w.bytes(utf8(name)).bytes(value);
  return w.raw(record.value).finish();
}

/** Throws RecordDecodeError on anything but a topic record value. */
export function decodeTopicRecord(value: Uint8Array): TopicRecord {
  const r = reader(value);
  const offset = r.uvarint();
  const raftIndex = r.uvarint();
  const timestampMs = r.uvarint();
  const flags = r.u8();
  if ((flags & ~FLAG_HAS_KEY) !== 0) throw new RecordDecodeError(`unknown topic record flags 0x${flags.toString(16)}`);
  const key = (flags & FLAG_HAS_KEY) !== 0 ? r.bytes() : undefined;
  const n = r.count(HEADER_BYTES_MIN);
  const headers: Array<[string, Uint8Array]> = [];
  for (let i = 0; i < n; i++) headers.push([readUtf8(r, 'header name'), r.bytes()]);
  const base = { offset, value: r.rest(), headers, raftIndex, timestampMs };
  return key === undefined ? base : { ...base, key };
}

/** The value of a change record and of a history record. */
export function encodeChangeRecord(change: KvChange): Uint8Array {
  const w = new ByteWriter().u8(CHANGE_RECORD_FORMAT_VERSION).u8(change.kind === 'put' ? CHANGE_PUT : CHANGE_DELETE);
  w.uvarint(change.revision).uvarint(change.createRevision).uvarint(change.modRevision).uvarint(change.version).uvarint(change.lease);
  w.bytes(change.key);
  if (change.kind === 'put') w.raw(change.value ?? new Uint8Array(0));
  return w.finish();
}

/** Throws RecordDecodeError on anything but a change (or history) record value; v1 decodes with lease 0. */
export function decodeChangeRecord(value: Uint8Array): KvChange {
  const r = new ByteReader(value, (reason) => new RecordDecodeError(reason));
  const formatVersion = r.u8();
  if (formatVersion !== 1 && formatVersion !== CHANGE_RECORD_FORMAT_VERSION) throw new RecordDecodeError(`unsupported change record version ${formatVersion}`);
  const kindByte = r.u8();
  if (kindByte !== CHANGE_PUT && kindByte !== CHANGE_DELETE) throw new RecordDecodeError(`unknown change kind ${kindByte}`);
  const revision = r.uvarint();
  const createRevision = r.uvarint();
  const modRevision = r.uvarint();
  const version = r.uvarint();
  const lease = formatVersion === 1 ? 0 : r.uvarint();
  const key = r.bytes();
  if (kindByte === CHANGE_PUT) return { revision, kind: 'put', key, value: r.rest(), createRevision, modRevision, version, lease };
  r.end();
  return { revision, kind: 'delete', key, createRevision, modRevision, version, lease };
}

/** Whether a change (or history) record value is a delete, without decoding the rest; throws RecordDecodeError. */
export function isDeleteChange(value: Uint8Array): boolean {
  const formatVersion = value[0];
  if (formatVersion !== 1 && formatVersion !== CHANGE_RECORD_FORMAT_VERSION) throw new RecordDecodeError(`unsupported change record version ${String(formatVersion)}`);
  const kindByte = value[1];
  if (kindByte !== CHANGE_PUT && kindByte !== CHANGE_DELETE) throw new RecordDecodeError(`unknown change kind ${String(kindByte)}`);
  return kindByte === CHANGE_DELETE;
}

function readUtf8(r: ByteReader, what: string): string {
  const raw = r.bytes();
  try {
    return fromUtf8(raw);
  } catch {
    throw new RecordDecodeError(`${what} is not valid UTF-8`);
  }
}

/**
 * Checks that a lazy record (key and value) is well formed and that the value belongs under the
 * key; throws RecordDecodeError. Returns false when the key is not a lazy record key at all.
 */
export function checkLazyRecord(key: Uint8Array, value: Uint8Array): boolean {
  if (key[0] === PREFIX_TOPIC_RECORD) {
    const at = parseTopicRecordKey(key);
    if (at === null) throw new RecordDecodeError(`malformed topic record key (length ${key.length})`);
    const record = decodeTopicRecord(value);
    if (record.offset !== at.offset) throw new RecordDecodeError(`topic record of offset ${record.offset} under the key of offset ${at.offset}`);
    return true;
  }
  if (key[0] === PREFIX_CHANGE) {
    const at = parseChangeRecordKey(key);
    if (at === null) throw new RecordDecodeError(`malformed change record key (length ${key.length})`);
    const change = decodeChangeRecord(value);
    if (change.revision !== at.revision) throw new RecordDecodeError(`change of revision ${change.revision} under the key of revision ${at.revision}`);
    return true;
  }
  if (key[0] === PREFIX_HISTORY) {
    const at = parseHistoryRecordKey(key);
    if (at === null) throw new RecordDecodeError(`malformed history record key (length ${key.length})`);
    const change = decodeChangeRecord(value);
    if (change.revision !== at.revision) throw new RecordDecodeError(`history record of revision ${change.revision} under the key of revision ${at.revision}`);
    if (compareBytes(change.key, at.key) !== 0) throw new RecordDecodeError('history record of another key than its record key names');
    return true;
  }
  return false;
}

/** The key prefixes of the lazy records, fresh copies, in byte order. */
export function lazyPrefixes(): Uint8Array[] {
  return [Uint8Array.of(PREFIX_CHANGE), Uint8Array.of(PREFIX_HISTORY), Uint8Array.of(PREFIX_TOPIC_RECORD)];
}
