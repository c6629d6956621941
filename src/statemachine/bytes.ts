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
