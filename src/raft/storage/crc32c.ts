/**
 * CRC-32C (Castagnoli): the checksum LevelDB uses for its own blocks. We add our own per record
 * because LevelDB only checks what it wrote; it cannot tell that a value was written under the
 * wrong key or cut short by a buggy writer, and `paranoid_checks` is off by default.
 */

/** The Castagnoli polynomial 0x1EDC6F41, bit-reversed for the LSB-first (reflected) algorithm. */
const POLYNOMIAL_REFLECTED = 0x82f63b78;

/**
 * Slicing-by-8 (Kounavis and Berry, 2005): eight 256-entry tables, T[k][b] being the CRC of byte b
 * followed by k zero bytes, so eight input bytes cost eight lookups and one XOR chain instead of
 * eight dependent steps. Every stored record and snapshot chunk is checksummed on the hot path;
 * this is about 4x faster than one byte at a time in V8. One array keeps the tables together.
 */
const TABLE: Uint32Array = buildTables();

function buildTables(): Uint32Array {
  const table = new Uint32Array(8 * 256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL_REFLECTED : crc >>> 1;
    }
    table[byte] = crc >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let byte = 0; byte < 256; byte++) {
      const previous = table[(k - 1) * 256 + byte]!;
      table[k * 256 + byte] = ((previous >>> 8) ^ table[previous & 0xff]!) >>> 0;
    }
  }
  return table;
}

/**
 * CRC-32C of `data`, as an unsigned 32-bit number. Pass the result of an earlier call as
 * `previous` to continue it: crc32c(b, crc32c(a)) === crc32c(a ++ b), so a record can be
 * checksummed over its key and value without concatenating them.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous;
  let i = 0;
  for (const end8 = data.length - 7; i < end8; i += 8) {
    // The reflected CRC consumes bytes little-endian: the low byte of crc meets data[i].
    const low = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    crc =
      TABLE[7 * 256 + (low & 0xff)]! ^
      TABLE[6 * 256 + ((low >>> 8) & 0xff)]! ^
      TABLE[5 * 256 + ((low >>> 16) & 0xff)]! ^
      TABLE[4 * 256 + (low >>> 24)]! ^
      TABLE[3 * 256 + data[i + 4]!]! ^
      TABLE[2 * 256 + data[i + 5]!]! ^
      TABLE[256 + data[i + 6]!]! ^
      TABLE[data[i + 7]!]!;
  }
  for (; i < data.length; i++) {
    crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}
