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
import type { Entry, EntryType, HardState } from '../core/types';
import { crc32c } from './crc32c';
import { KEY_APPLIED_INDEX, KEY_FORMAT_VERSION, KEY_HARD_STATE, entryKey, stateMachineKey } from './keys';

/** Bump on any incompatible change of keys or values, and teach `open` to migrate or refuse. */
export const FORMAT_VERSION = 1;

/** Upper bound of one record's payload: an entry (maxEntryBytes is 2 MiB) or a state-machine value. */
export const RECORD_PAYLOAD_BYTES_MAX = 64 << 20;
/** Upper bound of a state-machine key, so a runaway key cannot bloat every index block. */
export const STATE_MACHINE_KEY_BYTES_MAX = 16 << 10;

const HEADER_BYTES = 8;
const U64_BYTES = 8;
const HARD_STATE_PAYLOAD_BYTES = 3 * U64_BYTES;
const ENTRY_HEADER_BYTES = U64_BYTES + 1; // term, type code
const FORMAT_VERSION_PAYLOAD_BYTES = 4;

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
  const payload = new Uint8Array(HARD_STATE_PAYLOAD_BYTES);
  const view = payloadView(payload);
  putU64(view, 0, hardState.term, 'term');
  putU64(view, U64_BYTES, hardState.vote, 'vote');
  putU64(view, 2 * U64_BYTES, hardState.commit, 'commit');
  return frame(KEY_HARD_STATE, payload);
}

export function decodeHardState(value: Uint8Array): Decoded<HardState> {
  const framed = unframe(KEY_HARD_STATE, value);
  if (!framed.ok) return framed;
  if (framed.value.length !== HARD_STATE_PAYLOAD_BYTES) return fail(`hard state payload of ${framed.value.length} bytes, expected ${HARD_STATE_PAYLOAD_BYTES}`);
  const view = payloadView(framed.value);
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
  const payload = new Uint8Array(U64_BYTES);
  putU64(payloadView(payload), 0, appliedIndex, 'applied index');
  return frame(KEY_APPLIED_INDEX, payload);
}

export function decodeAppliedIndex(value: Uint8Array): Decoded<number> {
  const framed = unframe(KEY_APPLIED_INDEX, value);
  if (!framed.ok) return framed;
  if (framed.value.length !== U64_BYTES) return fail(`applied index payload of ${framed.value.length} bytes`);
  const applied = getU64(payloadView(framed.value), 0);
  return applied === null ? fail('applied index beyond the safe integer range') : { ok: true, value: applied };
}
