import fc from 'fast-check';
import { Fnv1a64 } from '../../src/statemachine/digest';
import { b } from './helpers';

/** Straightforward BigInt FNV-1a 64, the reference for the limb arithmetic. */
function referenceFnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of bytes) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

describe('FNV-1a 64', () => {
  test.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('published vector %j', (input, hex) => {
    expect(new Fnv1a64().update(b(input)).hex()).toBe(hex);
  });

  test('property: equals the BigInt reference, also when fed in pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (bytes, cut) => {
        const at = cut % (bytes.length + 1);
        const pieces = new Fnv1a64().update(bytes.subarray(0, at)).update(bytes.subarray(at)).hex();
        expect(pieces).toBe(referenceFnv1a64(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

describe('FNV-1a 64 state persistence (the running log digest)', () => {
  test('property: resuming from toBytes() equals hashing without a break', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (first, second) => {
        const saved = new Fnv1a64().update(first).toBytes();
        expect(saved).toHaveLength(8);
        expect(Fnv1a64.fromBytes(saved).update(second).hex()).toBe(new Fnv1a64().update(first).update(second).hex());
        expect(Buffer.from(saved).toString('hex')).toBe(new Fnv1a64().update(first).hex());
      }),
      { numRuns: 300 },
    );
    expect(() => Fnv1a64.fromBytes(new Uint8Array(7))).toThrow(RangeError);
  });
});
