/**
 * Key layout of a node's LevelDB (ARCHITECTURE.md, "On disk"). Single-byte prefixes keep the
 * keys short; the entry index is big-endian so LevelDB's byte order is index order and a plain
 * iteration yields the log in sequence.
 *
 *   a              applied index of the state machine
 *   c              (staging dir only) a complete staged snapshot: its record count
 *   e/<u64 BE>     log entry
 *   h              hard state (term, vote, commit)
 *   i              install marker: a snapshot install is decided (hard state + snapshot metadata)
 *   m/<key bytes>  state-machine record, key chosen by the state machine (some of them "lazy":
 *                  left on disk at start-up and read with LogStore.scanStateMachine)
 *   s              snapshot metadata (index, term, configuration) of the latest snapshot
 *   v              on-disk format version
 *
 * An incoming snapshot is staged in a LevelDB of its own (snapshot-staging.ts) with the same
 * 's' and 'm/' records, plus 'c'.
 */

const ASCII_A = 0x61;
const ASCII_C = 0x63;
const ASCII_E = 0x65;
const ASCII_H = 0x68;
const ASCII_I = 0x69;
const ASCII_M = 0x6d;
const ASCII_S = 0x73;
const ASCII_V = 0x76;
const ASCII_SLASH = 0x2f;

export const KEY_APPLIED_INDEX: Uint8Array = Uint8Array.of(ASCII_A);
export const KEY_STAGING_COMPLETE: Uint8Array = Uint8Array.of(ASCII_C);
export const KEY_HARD_STATE: Uint8Array = Uint8Array.of(ASCII_H);
export const KEY_INSTALL_MARKER: Uint8Array = Uint8Array.of(ASCII_I);
export const KEY_SNAPSHOT: Uint8Array = Uint8Array.of(ASCII_S);
export const KEY_FORMAT_VERSION: Uint8Array = Uint8Array.of(ASCII_V);

const PREFIX_BYTES = 2;
const ENTRY_KEY_BYTES = PREFIX_BYTES + 8;

export type ParsedKey =
  | { readonly kind: 'applied' }
  | { readonly kind: 'hardState' }
  | { readonly kind: 'formatVersion' }
  | { readonly kind: 'snapshot' }
  | { readonly kind: 'installMarker' }
  | { readonly kind: 'entry'; readonly index: number }
  | { readonly kind: 'stateMachine'; readonly userKey: Uint8Array }
  | { readonly kind: 'invalid'; readonly reason: string };

export function entryKey(index: number): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 1) throw new RangeError(`entry index ${index} is not a positive safe integer`);
  const key = new Uint8Array(ENTRY_KEY_BYTES);
  key[0] = ASCII_E;
  key[1] = ASCII_SLASH;
  new DataView(key.buffer).setBigUint64(PREFIX_BYTES, BigInt(index));
  return key;
}

export function stateMachineKey(userKey: Uint8Array): Uint8Array {
  const key = new Uint8Array(PREFIX_BYTES + userKey.length);
  key[0] = ASCII_M;
  key[1] = ASCII_SLASH;
  key.set(userKey, PREFIX_BYTES);
  return key;
}

/** Every storage key of state-machine records whose SM key starts with `prefix`: [gte, lt). */
export function stateMachinePrefixRange(prefix: Uint8Array): { gte: Uint8Array; lt: Uint8Array } {
  if (prefix.length === 0) throw new RangeError('state-machine key prefix is empty');
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const end = Uint8Array.from(prefix.subarray(0, i + 1));
      end[i] = end[i]! + 1;
      return { gte: stateMachineKey(prefix), lt: stateMachineKey(end) };
    }
  }
  return { gte: stateMachineKey(prefix), lt: STATE_MACHINE_KEYS_END }; // a prefix of 0xff bytes only
}

/** The first storage key after every state-machine key ('m' then the byte after '/'). */
export const STATE_MACHINE_KEYS_END: Uint8Array = Uint8Array.of(ASCII_M, ASCII_SLASH + 1);

/** Every state-machine key, [gte, lt). */
export const STATE_MACHINE_KEY_RANGE: { readonly gte: Uint8Array; readonly lt: Uint8Array } = { gte: Uint8Array.of(ASCII_M, ASCII_SLASH), lt: STATE_MACHINE_KEYS_END };

/** Every log entry key, [gte, lt). */
export const ENTRY_KEY_RANGE: { readonly gte: Uint8Array; readonly lt: Uint8Array } = { gte: Uint8Array.of(ASCII_E, ASCII_SLASH), lt: Uint8Array.of(ASCII_E, ASCII_SLASH + 1) };

export function parseKey(key: Uint8Array): ParsedKey {
  if (key.length === 1) {
    if (key[0] === ASCII_A) return { kind: 'applied' };
    if (key[0] === ASCII_H) return { kind: 'hardState' };
    if (key[0] === ASCII_V) return { kind: 'formatVersion' };
    if (key[0] === ASCII_S) return { kind: 'snapshot' };
    if (key[0] === ASCII_I) return { kind: 'installMarker' };
  }
  if (key.length >= PREFIX_BYTES && key[1] === ASCII_SLASH) {
    if (key[0] === ASCII_M) return { kind: 'stateMachine', userKey: key.slice(PREFIX_BYTES) };
    if (key[0] === ASCII_E) return parseEntryKey(key);
  }
  return { kind: 'invalid', reason: 'unknown key' };
}

function parseEntryKey(key: Uint8Array): ParsedKey {
  if (key.length !== ENTRY_KEY_BYTES) return { kind: 'invalid', reason: `entry key of ${key.length} bytes, expected ${ENTRY_KEY_BYTES}` };
  const index = new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(PREFIX_BYTES);
  if (index < 1n || index > BigInt(Number.MAX_SAFE_INTEGER)) return { kind: 'invalid', reason: `entry index ${index} out of range` };
  return { kind: 'entry', index: Number(index) };
}

/** A printable rendering for error messages: printable ASCII as is, anything else as hex. */
export function describeKey(key: Uint8Array): string {
  const printable = key.every((byte) => byte >= 0x20 && byte < 0x7f && byte !== 0x27);
  if (printable) return String.fromCharCode(...key);
  const prefixIsAscii = key.length >= PREFIX_BYTES && key[1] === ASCII_SLASH;
  const head = prefixIsAscii ? String.fromCharCode(key[0]!, ASCII_SLASH) : '';
  return `${head}0x${Buffer.from(key.subarray(head.length)).toString('hex')}`;
}
