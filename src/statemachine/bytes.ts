/**
 * Byte helpers shared by the store, the codecs and the digest. Keys and values are raw bytes
 * (etcd semantics); these helpers give them a total order and a Map-friendly identity.
 */

const utf8Encoder = new TextEncoder();
// `fatal` so malformed UTF-8 is reported instead of silently becoming U+FFFD: two different
// byte strings must never decode to the same client id.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Throws TypeError on malformed UTF-8 (callers translate it into their own typed error). */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Lexicographic byte order, the order of etcd's key space. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Latin-1 string with one UTF-16 code unit per byte. JavaScript compares strings by code unit,
 * so `<` on these strings is exactly byte order: the sorted key index can hold plain strings.
 */
export function bytesToKeyString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The inverse of bytesToKeyString: a fresh Uint8Array. */
export function keyStringToBytes(key: string): Uint8Array {
  return Uint8Array.from(Buffer.from(key, 'latin1'));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const TWO_POW_32 = 0x1_0000_0000;

/** Writes a safe integer as 8 big-endian bytes at `at` (so byte order is numeric order). */
export function writeU64BE(out: Uint8Array, at: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`u64 out of range: ${n}`);
  writeU32BE(out, at, Math.floor(n / TWO_POW_32));
  writeU32BE(out, at + 4, n % TWO_POW_32);
}

/** Reads 8 big-endian bytes; null when the number is beyond 2^53 - 1 (never written by us). */
export function readU64BE(bytes: Uint8Array, at: number): number | null {
  const high = readU32BE(bytes, at);
  if (high > 0x1f_ffff) return null;
  return high * TWO_POW_32 + readU32BE(bytes, at + 4);
}

export function writeU32BE(out: Uint8Array, at: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= TWO_POW_32) throw new RangeError(`u32 out of range: ${n}`);
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

export function readU32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

/** ASCII text (a topic name) as bytes, one byte per character; the caller checked it is ASCII. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function asciiText(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
