/**
 * Value encoding of every record. Each value is framed as
 *
 *   crc32c u32 BE | payloadBytes u32 BE | payload
 *
 * where the checksum covers the record's key, then the length and the payload. Covering the key
 * catches a value stored under the wrong key; the explicit length tells a truncated value apart
 * from a flipped bit. Integers are u64 big-endian, limited to safe JavaScript integers.
 *
 * The framing of the `v` record must never change: it is how a future build recognises us.
 */
import type { Entry, EntryType, HardState, MembershipConfig, NodeId, SnapshotMeta } from '../core/types';
import { crc32c } from './crc32c';
import {
  KEY_APPLIED_INDEX,
  KEY_FORMAT_VERSION,
  KEY_HARD_STATE,
  KEY_INSTALL_MARKER,
  KEY_SNAPSHOT,
  KEY_STAGING_COMPLETE,
  entryKey,
  stateMachineKey,
} from './keys';

/**
 * Bump on any incompatible change of keys or values, and teach `open` to migrate or refuse.
 * Version 2 added the 's' and 'i' records and entry type code 3 ('config'); a version-1 database
 * holds none of them, so it is a valid version-2 database as it stands (load.ts upgrades it).
 */
export const FORMAT_VERSION = 2;

/** Upper bound of one record's payload: an entry (maxEntryBytes is 2 MiB) or a state-machine value. */
export const RECORD_PAYLOAD_BYTES_MAX = 64 << 20;
/** Upper bound of a state-machine key, so a runaway key cannot bloat every index block. */
export const STATE_MACHINE_KEY_BYTES_MAX = 16 << 10;

const HEADER_BYTES = 8;
const U64_BYTES = 8;
const HARD_STATE_PAYLOAD_BYTES = 3 * U64_BYTES;
const ENTRY_HEADER_BYTES = U64_BYTES + 1; // term, type code
const FORMAT_VERSION_PAYLOAD_BYTES = 4;
const U32_BYTES = 4;
const SNAPSHOT_FIXED_BYTES = 2 * U64_BYTES; // index, term; the two id lists follow

const ENTRY_TYPE_CODES: Readonly<Record<EntryType, number>> = { normal: 1, noop: 2, config: 3 };

export interface StoredRecord {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Decoding never throws on bad bytes: the caller knows the data dir and reports it. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

function fail<T>(reason: string): Decoded<T> {
  return { ok: false, reason };
}

function frame(key: Uint8Array, payload: Uint8Array): StoredRecord {
  if (payload.length > RECORD_PAYLOAD_BYTES_MAX) {
    throw new RangeError(`record payload of ${payload.length} bytes exceeds ${RECORD_PAYLOAD_BYTES_MAX}`);
  }
  const value = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(value.buffer);
  view.setUint32(4, payload.length);
  value.set(payload, HEADER_BYTES);
  view.setUint32(0, crc32c(value.subarray(4), crc32c(key)));
  return { key, value };
}

function unframe(key: Uint8Array, value: Uint8Array): Decoded<Uint8Array> {
  if (value.length < HEADER_BYTES) return fail(`truncated: ${value.length} bytes, header alone is ${HEADER_BYTES}`);
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const payloadBytes = view.getUint32(4);
  const actualBytes = value.length - HEADER_BYTES;
  // The length field is checked before the checksum so a short value reads "truncated", which
  // points at a torn or partial write rather than at media corruption.
  if (actualBytes < payloadBytes) return fail(`truncated: payload has ${actualBytes} of ${payloadBytes} bytes`);
  if (actualBytes > payloadBytes) return fail(`${actualBytes - payloadBytes} bytes beyond the declared payload length`);
  if (view.getUint32(0) !== crc32c(value.subarray(4), crc32c(key))) return fail('checksum mismatch');
  return { ok: true, value: value.subarray(HEADER_BYTES) };
}

function putU64(view: DataView, offsetBytes: number, n: number, field: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${field} ${n} is not a non-negative safe integer`);
  view.setBigUint64(offsetBytes, BigInt(n));
}

/** null when the stored number does not fit a safe integer (we never write such a number). */
function getU64(view: DataView, offsetBytes: number): number | null {
  const n = view.getBigUint64(offsetBytes);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(n);
}

function payloadView(payload: Uint8Array): DataView {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
}

export function encodeFormatVersion(version: number): StoredRecord {
  const payload = new Uint8Array(FORMAT_VERSION_PAYLOAD_BYTES);
  payloadView(payload).setUint32(0, version);
  return frame(KEY_FORMAT_VERSION, payload);
}

export function decodeFormatVersion(value: Uint8Array): Decoded<number> {
  const framed = unframe(KEY_FORMAT_VERSION, value);
  if (!framed.ok) return framed;
  if (framed.value.length !== FORMAT_VERSION_PAYLOAD_BYTES) return fail(`version payload of ${framed.value.length} bytes`);
  return { ok: true, value: payloadView(framed.value).getUint32(0) };
}

export function encodeHardState(hardState: HardState): StoredRecord {
  return frame(KEY_HARD_STATE, hardStatePayload(hardState));
}

export function decodeHardState(value: Uint8Array): Decoded<HardState> {
  const framed = unframe(KEY_HARD_STATE, value);
  return framed.ok ? readHardState(framed.value) : framed;
}

function hardStatePayload(hardState: HardState): Uint8Array {
  const payload = new Uint8Array(HARD_STATE_PAYLOAD_BYTES);
  const view = payloadView(payload);
  putU64(view, 0, hardState.term, 'term');
  putU64(view, U64_BYTES, hardState.vote, 'vote');
  putU64(view, 2 * U64_BYTES, hardState.commit, 'commit');
  return payload;
}

function readHardState(payload: Uint8Array): Decoded<HardState> {
  if (payload.length !== HARD_STATE_PAYLOAD_BYTES) return fail(`hard state payload of ${payload.length} bytes, expected ${HARD_STATE_PAYLOAD_BYTES}`);
  const view = payloadView(payload);
  const term = getU64(view, 0);
  const vote = getU64(view, U64_BYTES);
  const commit = getU64(view, 2 * U64_BYTES);
  if (term === null || vote === null || commit === null) return fail('hard state field beyond the safe integer range');
  return { ok: true, value: { term, vote, commit } };
}

export function encodeEntry(entry: Entry): StoredRecord {
  const payload = new Uint8Array(ENTRY_HEADER_BYTES + entry.data.length);
  const view = payloadView(payload);
  if (entry.term < 1) throw new RangeError(`entry ${entry.index} has term ${entry.term}; terms start at 1`);
  putU64(view, 0, entry.term, 'term');
  const typeCode = ENTRY_TYPE_CODES[entry.type];
  if (typeCode === undefined) throw new RangeError(`entry ${entry.index} has unknown type ${String(entry.type)}`);
  view.setUint8(U64_BYTES, typeCode);
  payload.set(entry.data, ENTRY_HEADER_BYTES);
  return frame(entryKey(entry.index), payload);
}

export function decodeEntry(index: number, value: Uint8Array): Decoded<Entry> {
  const framed = unframe(entryKey(index), value);
  if (!framed.ok) return framed;
  if (framed.value.length < ENTRY_HEADER_BYTES) return fail(`entry payload of ${framed.value.length} bytes`);
  const view = payloadView(framed.value);
  const term = getU64(view, 0);
  if (term === null || term < 1) return fail(`entry term ${String(term)} out of range`);
  const type = entryTypeOf(view.getUint8(U64_BYTES));
  if (type === null) return fail(`unknown entry type code ${view.getUint8(U64_BYTES)}`);
  // slice, not subarray: the entry outlives the iterator's buffer and must not alias it.
  return { ok: true, value: { index, term, type, data: framed.value.slice(ENTRY_HEADER_BYTES) } };
}

function entryTypeOf(code: number): EntryType | null {
  if (code === ENTRY_TYPE_CODES.normal) return 'normal';
  if (code === ENTRY_TYPE_CODES.noop) return 'noop';
  if (code === ENTRY_TYPE_CODES.config) return 'config';
  return null;
}

export function encodeStateMachineRecord(userKey: Uint8Array, value: Uint8Array): StoredRecord {
  if (userKey.length > STATE_MACHINE_KEY_BYTES_MAX) {
    throw new RangeError(`state-machine key of ${userKey.length} bytes exceeds ${STATE_MACHINE_KEY_BYTES_MAX}`);
  }
  return frame(stateMachineKey(userKey), value);
}

export function decodeStateMachineRecord(userKey: Uint8Array, value: Uint8Array): Decoded<Uint8Array> {
  const framed = unframe(stateMachineKey(userKey), value);
  return framed.ok ? { ok: true, value: framed.value.slice() } : framed;
}

export function encodeAppliedIndex(appliedIndex: number): StoredRecord {
  return encodeU64Record(KEY_APPLIED_INDEX, appliedIndex, 'applied index');
}

export function decodeAppliedIndex(value: Uint8Array): Decoded<number> {
  return decodeU64Record(KEY_APPLIED_INDEX, value, 'applied index');
}

/** The 'c' record of a staging dir: the number of state-machine records staged. */
export function encodeStagedRecordCount(count: number): StoredRecord {
  return encodeU64Record(KEY_STAGING_COMPLETE, count, 'staged record count');
}

export function decodeStagedRecordCount(value: Uint8Array): Decoded<number> {
  return decodeU64Record(KEY_STAGING_COMPLETE, value, 'staged record count');
}

function encodeU64Record(key: Uint8Array, n: number, field: string): StoredRecord {
  const payload = new Uint8Array(U64_BYTES);
  putU64(payloadView(payload), 0, n, field);
  return frame(key, payload);
}

function decodeU64Record(key: Uint8Array, value: Uint8Array, field: string): Decoded<number> {
  const framed = unframe(key, value);
  if (!framed.ok) return framed;
  if (framed.value.length !== U64_BYTES) return fail(`${field} payload of ${framed.value.length} bytes`);
  const n = getU64(payloadView(framed.value), 0);
  return n === null ? fail(`${field} beyond the safe integer range`) : { ok: true, value: n };
}

/**
 * The 's' record (and a staging dir's): the latest snapshot's metadata, Raft paper section 7's
 * "last included index and term" plus the configuration as of that index (dissertation 5.1):
 *
 *   index u64 | term u64 | voter count u32 | voters u64... | learner count u32 | learners u64...
 */
export function encodeSnapshotMeta(meta: SnapshotMeta): StoredRecord {
  return frame(KEY_SNAPSHOT, snapshotMetaPayload(meta));
}

export function decodeSnapshotMeta(value: Uint8Array): Decoded<SnapshotMeta> {
  const framed = unframe(KEY_SNAPSHOT, value);
  return framed.ok ? readSnapshotMeta(framed.value) : framed;
}

/** What step (c) of a snapshot install writes, kept in the 'i' record so a restart can redo it. */
export interface InstallMarker {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMeta;
}

/** The 'i' record: the hard state payload, then the snapshot metadata payload. */
export function encodeInstallMarker(marker: InstallMarker): StoredRecord {
  const hardState = hardStatePayload(marker.hardState);
  const snapshot = snapshotMetaPayload(marker.snapshot);
  const payload = new Uint8Array(hardState.length + snapshot.length);
  payload.set(hardState);
  payload.set(snapshot, hardState.length);
  return frame(KEY_INSTALL_MARKER, payload);
}

export function decodeInstallMarker(value: Uint8Array): Decoded<InstallMarker> {
  const framed = unframe(KEY_INSTALL_MARKER, value);
  if (!framed.ok) return framed;
  if (framed.value.length < HARD_STATE_PAYLOAD_BYTES) return fail(`install marker payload of ${framed.value.length} bytes`);
  const hardState = readHardState(framed.value.subarray(0, HARD_STATE_PAYLOAD_BYTES));
  if (!hardState.ok) return hardState;
  const snapshot = readSnapshotMeta(framed.value.subarray(HARD_STATE_PAYLOAD_BYTES));
  return snapshot.ok ? { ok: true, value: { hardState: hardState.value, snapshot: snapshot.value } } : snapshot;
}

function snapshotMetaPayload(meta: SnapshotMeta): Uint8Array {
  if (meta.index < 1 || meta.term < 1) throw new RangeError(`snapshot at index ${meta.index}, term ${meta.term}: both start at 1`);
  const problem = configProblem(meta.config);
  if (problem !== null) throw new RangeError(`snapshot at index ${meta.index}: ${problem}`);
  const { voters, learners } = meta.config;
  const payload = new Uint8Array(SNAPSHOT_FIXED_BYTES + 2 * U32_BYTES + (voters.length + learners.length) * U64_BYTES);
  const view = payloadView(payload);
  putU64(view, 0, meta.index, 'snapshot index');
  putU64(view, U64_BYTES, meta.term, 'snapshot term');
  const afterVoters = putIds(view, SNAPSHOT_FIXED_BYTES, voters, 'voter');
  putIds(view, afterVoters, learners, 'learner');
  return payload;
}

/** Writes count u32 then the ids; returns the offset after them. */
function putIds(view: DataView, offsetBytes: number, ids: readonly NodeId[], field: string): number {
  view.setUint32(offsetBytes, ids.length);
  ids.forEach((id, i) => putU64(view, offsetBytes + U32_BYTES + i * U64_BYTES, id, field));
  return offsetBytes + U32_BYTES + ids.length * U64_BYTES;
}

function readSnapshotMeta(payload: Uint8Array): Decoded<SnapshotMeta> {
  if (payload.length < SNAPSHOT_FIXED_BYTES) return fail(`snapshot payload of ${payload.length} bytes, shorter than index and term`);
  const view = payloadView(payload);
  const index = getU64(view, 0);
  const term = getU64(view, U64_BYTES);
  if (index === null || index < 1 || term === null || term < 1) return fail(`snapshot index ${String(index)} or term ${String(term)} out of range`);
  const voters = readIds(view, SNAPSHOT_FIXED_BYTES, 'voter');
  if (!voters.ok) return voters;
  const learners = readIds(view, voters.value.next, 'learner');
  if (!learners.ok) return learners;
  const trailing = payload.length - learners.value.next;
  if (trailing !== 0) return fail(`${trailing} bytes after the learner list`);
  const config: MembershipConfig = { voters: voters.value.ids, learners: learners.value.ids };
  const problem = configProblem(config);
  return problem === null ? { ok: true, value: { index, term, config } } : fail(problem);
}

/** Reads count u32 then the ids; the count is checked against the bytes left before anything is allocated. */
function readIds(view: DataView, offsetBytes: number, field: string): Decoded<{ ids: NodeId[]; next: number }> {
  if (view.byteLength - offsetBytes < U32_BYTES) return fail(`${field} count cut off at byte ${offsetBytes}`);
  const count = view.getUint32(offsetBytes);
  const start = offsetBytes + U32_BYTES;
  const bytesLeft = view.byteLength - start;
  if (count > bytesLeft / U64_BYTES) return fail(`${field} count ${count} needs ${count * U64_BYTES} bytes, ${bytesLeft} left`);
  const ids: NodeId[] = [];
  for (let i = 0; i < count; i++) {
    const id = getU64(view, start + i * U64_BYTES);
    if (id === null) return fail(`${field} id beyond the safe integer range`);
    ids.push(id);
  }
  return { ok: true, value: { ids, next: start + count * U64_BYTES } };
}

/** MembershipConfig's own rules (types.ts): each list ascending, no node in both. */
function configProblem(config: MembershipConfig): string | null {
  const lists: ReadonlyArray<readonly [string, readonly NodeId[]]> = [['voters', config.voters], ['learners', config.learners]];
  for (const [field, ids] of lists) {
    for (let i = 1; i < ids.length; i++) {
      if (ids[i]! <= ids[i - 1]!) return `${field} not strictly ascending: ${ids[i - 1]} then ${ids[i]}`;
    }
  }
  const voters = new Set(config.voters);
  const both = config.learners.find((id) => voters.has(id));
  return both === undefined ? null : `node ${both} is both a voter and a learner`;
}
