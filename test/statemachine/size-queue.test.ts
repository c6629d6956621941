import fc from 'fast-check';
import { SizeQueue } from '../../src/statemachine/size-queue';

describe('SizeQueue (retained record sizes)', () => {
  test('property: behaves like an array used as a FIFO, across wrap-arounds and growth', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.maxSafeNat(), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const q = new SizeQueue();
        const model: number[] = [];
        for (const op of ops) {
          if (op >= 0) {
            q.push(op);
            model.push(op);
          } else if (model.length > 0) {
            expect(q.shift()).toBe(model.shift());
          } else {
            expect(() => q.shift()).toThrow(/empty/);
          }
          expect(q.length).toBe(model.length);
        }
        expect([...q.values()]).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});
