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
