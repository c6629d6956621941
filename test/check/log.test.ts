/** The log model: append returns a dense offset, read-range [from, to) returns the entries. */

import { logModel } from '../../src/check';
import { check, verdictOf } from './helpers';

const log = logModel();

describe('log: appends', () => {
  test('sequential appends get offsets 0, 1, 2', () => {
    const h = `
      1 invoke append "a"
      1 ok append 0
      1 invoke append "b"
      1 ok append 1
      2 invoke append "c"
      2 ok append 2`;
    expect(verdictOf(log, h)).toBe('linearizable');
  });

  test('concurrent appends may get their offsets in either order', () => {
    const h = `
      1 invoke append "a"
      2 invoke append "b"
      2 ok append 0
      1 ok append 1`;
    expect(verdictOf(log, h)).toBe('linearizable');
  });

  test('two appends acknowledged with the same offset are not linearizable', () => {
    const sequential = `
      1 invoke append "a"
      1 ok append 0
      2 invoke append "b"
      2 ok append 0`;
    expect(verdictOf(log, sequential)).toBe('not-linearizable');
    const concurrent = `
      1 invoke append "a"
      2 invoke append "b"
      1 ok append 0
      2 ok append 0`;
    expect(verdictOf(log, concurrent)).toBe('not-linearizable');
  });

  test('a gap in the offsets is not linearizable', () => {
    expect(verdictOf(log, '1 invoke append "a"\n1 ok append 1')).toBe('not-linearizable');
    const h = `
      1 invoke append "a"
      1 ok append 0
      1 invoke append "b"
      1 ok append 2`;
    expect(verdictOf(log, h)).toBe('not-linearizable');
  });

  test('an append with unknown outcome may fill the gap', () => {
    const h = `
      3 invoke append "x"
      3 info append
      1 invoke append "a"
      1 ok append 0
      1 invoke append "b"
      1 ok append 2`;
    expect(verdictOf(log, h)).toBe('linearizable');
  });

  test('the offset may be given as {"offset": N}', () => {
    expect(verdictOf(log, '1 invoke append "a"\n1 ok append {"offset":0}')).toBe('linearizable');
  });

  test('topics (keys) are independent logs, each from offset 0', () => {
    const h = `
      1 invoke append key=t1 "a"
      1 ok append key=t1 0
      2 invoke append key=t2 "b"
      2 ok append key=t2 0
      2 invoke read-range key=t2 [0,null]
      2 ok read-range key=t2 ["b"]`;
    const result = check(log, h);
    expect(result.verdict).toBe('linearizable');
    expect(result.partitionCount).toBe(2);
  });
});

describe('log: read-range', () => {
  const twoAppends = `
    1 invoke append "a"
    1 ok append 0
    1 invoke append "b"
    1 ok append 1`;

  test('a read after acknowledged appends returns them', () => {
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [0,2]\n2 ok read-range ["a","b"]`)).toBe('linearizable');
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [1,null]\n2 ok read-range ["b"]`)).toBe('linearizable');
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range {"from":0,"to":1}\n2 ok read-range ["a"]`)).toBe('linearizable');
  });

  test('a read returning fewer entries than appends acknowledged before it began is not linearizable', () => {
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [0,10]\n2 ok read-range ["a"]`)).toBe('not-linearizable');
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [0,null]\n2 ok read-range []`)).toBe('not-linearizable');
  });

  test('a read stops at the end of the log; it may not invent or reorder entries', () => {
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [0,5]\n2 ok read-range ["a","b"]`)).toBe('linearizable');
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [0,5]\n2 ok read-range ["b","a"]`)).toBe('not-linearizable');
    expect(verdictOf(log, `${twoAppends}\n2 invoke read-range [0,5]\n2 ok read-range ["a","b","c"]`)).toBe('not-linearizable');
  });

  test('a read concurrent with an append may or may not see it', () => {
    const h = `
      1 invoke append "a"
      2 invoke read-range [0,null]
      2 ok read-range RESULT
      1 ok append 0`;
    expect(verdictOf(log, h.replace('RESULT', '[]'))).toBe('linearizable');
    expect(verdictOf(log, h.replace('RESULT', '["a"]'))).toBe('linearizable');
  });

  test('values compare by their JSON encoding (numbers and objects too)', () => {
    const h = `
      1 invoke append {"n":1}
      1 ok append 0
      1 invoke append 7
      1 ok append 1
      2 invoke read-range [0,null]
      2 ok read-range [{"n":1},7]`;
    expect(verdictOf(log, h)).toBe('linearizable');
    expect(verdictOf(log, h.replace('[{"n":1},7]', '[{"n":1},"7"]'))).toBe('not-linearizable');
  });

  test('a failed append is dropped: a read cannot see it', () => {
    const h = `
      1 invoke append "a"
      1 fail append
      2 invoke read-range [0,null]
      2 ok read-range ["a"]`;
    expect(verdictOf(log, h)).toBe('not-linearizable');
  });
});
