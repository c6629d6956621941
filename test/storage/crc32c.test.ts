import { crc32c } from '../../src/raft/storage/crc32c';
import { bytes } from './helpers';

describe('crc32c', () => {
  test('matches the CRC-32C check value of "123456789"', () => {
    expect(crc32c(bytes('123456789'))).toBe(0xe3069283);
  });

  test('matches published vectors (RFC 3720 B.4)', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  test('is 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  test('continues across chunks: crc32c(b, crc32c(a)) === crc32c(a ++ b)', () => {
    const whole = bytes('the quick brown fox jumps over the lazy dog');
    for (const cut of [0, 1, 17, whole.length]) {
      expect(crc32c(whole.subarray(cut), crc32c(whole.subarray(0, cut)))).toBe(crc32c(whole));
    }
  });
});

describe('crc32c (slicing-by-8) against the one-byte-at-a-time definition', () => {
  // The textbook loop over the bit-reflected polynomial: slow, obviously right.
  function reference(data: Uint8Array, previous = 0): number {
    let crc = ~previous >>> 0;
    for (const byte of data) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return ~crc >>> 0;
  }

  test('agrees on every length 0..64 and at every start offset, with and without a previous value', () => {
    let seed = 12345;
    const random = Uint8Array.from({ length: 80 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let offset = 0; offset < 8; offset++) {
      for (let length = 0; length + offset <= 72; length++) {
        const slice = random.subarray(offset, offset + length);
        expect(crc32c(slice)).toBe(reference(slice));
        expect(crc32c(slice, 0xdeadbeef)).toBe(reference(slice, 0xdeadbeef));
      }
    }
  });

  test('agrees on a 1 MiB buffer of all byte values', () => {
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31 + (i >>> 8)) & 0xff);
    expect(crc32c(big)).toBe(reference(big));
  });
});
