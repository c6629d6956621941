/** The kv model: get / put / append, and P-compositionality (per-key partitions). */

import { formatResult, kvModel } from '../../src/check';
import { check, verdictOf } from './helpers';

const kv = kvModel();

describe('kv: get / put / append', () => {
  test('get of an absent key returns "" (nil reads as "")', () => {
    expect(verdictOf(kv, '1 invoke get key=a\n1 ok get key=a ""')).toBe('linearizable');
    expect(verdictOf(kv, '1 invoke get key=a\n1 ok get key=a null')).toBe('linearizable');
    expect(verdictOf(kv, '1 invoke get key=a\n1 ok get key=a "x"')).toBe('not-linearizable');
  });

  test('append concatenates, in the order the appends took effect', () => {
    const h = `
      1 invoke append key=a "x"
      1 ok append key=a "x"
      1 invoke append key=a "y"
      1 ok append key=a "y"
      2 invoke get key=a
      2 ok get key=a RESULT`;
    expect(verdictOf(kv, h.replace('RESULT', '"xy"'))).toBe('linearizable');
    expect(verdictOf(kv, h.replace('RESULT', '"yx"'))).toBe('not-linearizable');
    expect(verdictOf(kv, h.replace('RESULT', '"x"'))).toBe('not-linearizable');
  });

  test('concurrent appends may take effect in either order', () => {
    const h = `
      1 invoke append key=a "x"
      2 invoke append key=a "y"
      1 ok append key=a "x"
      2 ok append key=a "y"
      3 invoke get key=a
      3 ok get key=a RESULT`;
    expect(verdictOf(kv, h.replace('RESULT', '"xy"'))).toBe('linearizable');
    expect(verdictOf(kv, h.replace('RESULT', '"yx"'))).toBe('linearizable');
    expect(verdictOf(kv, h.replace('RESULT', '"xyx"'))).toBe('not-linearizable');
  });

  test('put replaces the whole string', () => {
    const h = `
      1 invoke append key=a "x"
      1 ok append key=a "x"
      1 invoke put key=a "p"
      1 ok put key=a "p"
      1 invoke append key=a "y"
      1 ok append key=a "y"
      2 invoke get key=a
      2 ok get key=a RESULT`;
    expect(verdictOf(kv, h.replace('RESULT', '"py"'))).toBe('linearizable');
    expect(verdictOf(kv, h.replace('RESULT', '"xpy"'))).toBe('not-linearizable');
  });

  test('a failed append is dropped; an info append may or may not apply', () => {
    const failed = `
      1 invoke append key=a "x"
      1 fail append key=a "x"
      2 invoke get key=a
      2 ok get key=a "x"`;
    expect(verdictOf(kv, failed)).toBe('not-linearizable');
    const info = `
      1 invoke append key=a "x"
      1 info append key=a
      2 invoke get key=a
      2 ok get key=a RESULT`;
    expect(verdictOf(kv, info.replace('RESULT', '"x"'))).toBe('linearizable');
    expect(verdictOf(kv, info.replace('RESULT', '""'))).toBe('linearizable');
  });

  test('every operation needs a key', () => {
    expect(() => check(kv, '1 invoke get\n1 ok get ""')).toThrow(/no key/);
  });
});

describe('kv: per-key partitions', () => {
  const h = `
    1 invoke append key=a "1"
    2 invoke append key=b "2"
    1 ok append key=a "1"
    2 ok append key=b "2"
    3 invoke get key=a
    3 ok get key=a "1"
    4 invoke get key=b
    4 ok get key=b B_RESULT`;

  test('keys are checked independently, one partition each', () => {
    const result = check(kv, h.replace('B_RESULT', '"2"'));
    expect(result.verdict).toBe('linearizable');
    expect(result.partitionCount).toBe(2);
    expect(result.partitions.map((p) => [p.key, p.opCount, p.verdict])).toEqual([
      ['a', 2, 'linearizable'],
      ['b', 2, 'linearizable'],
    ]);
  });

  test('a stale read on one key is reported with that key and its operations only', () => {
    const result = check(kv, h.replace('B_RESULT', '""'));
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    expect(result.violation.key).toBe('b');
    expect(result.violation.ops.map((o) => o.process)).toEqual([2, 4]);
    const text = formatResult(kv, result);
    expect(text).toContain('partition: key "b", 2 operations');
    expect(text).toContain('p4 get "b" -> ""');
    expect(text).not.toContain('"a"');
  });

  test('a value written to one key is not visible under another', () => {
    const cross = `
      1 invoke put key=a "v"
      1 ok put key=a "v"
      2 invoke get key=b
      2 ok get key=b "v"`;
    expect(verdictOf(kv, cross)).toBe('not-linearizable');
  });
});
