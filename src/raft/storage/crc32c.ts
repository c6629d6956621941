/**
 * CRC-32C (Castagnoli): the checksum LevelDB uses for its own blocks. We add our own per record
 * because LevelDB only checks what it wrote; it cannot tell that a value was written under the
 * wrong key or cut short by a buggy writer, and `paranoid_checks` is off by default.
 */

/** The Castagnoli polynomial 0x1EDC6F41, bit-reversed for the LSB-first (reflected) algorithm. */
const POLYNOMIAL_REFLECTED = 0x82f63b78;

const TABLE: Uint32Array = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL_REFLECTED : crc >>> 1;
    }
    table[byte] = crc >>> 0;
  }
  return table;
}

/**
 * CRC-32C of `data`, as an unsigned 32-bit number. Pass the result of an earlier call as
 * `previous` to continue it: crc32c(b, crc32c(a)) === crc32c(a ++ b), so a record can be
 * checksummed over its key and value without concatenating them.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) {
    crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}
