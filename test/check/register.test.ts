/** The register model and the search's rules, one tiny history per rule (linearizable and not). */

import { checkHistory, formatResult, parseHistory, registerModel } from '../../src/check';
import { check, verdictOf } from './helpers';

const register = registerModel();

describe('register: completed operations', () => {
  test('a read after a completed write must see it (stale read is not linearizable)', () => {
    const h = `
      1 invoke write 1
      1 ok write 1
      2 invoke read
      2 ok read null`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });

  test('a read concurrent with a write may see the old value', () => {
    const h = `
      1 invoke write 1
      2 invoke read
      2 ok read null
      1 ok write 1`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('a read concurrent with a write may see the new value', () => {
    const h = `
      2 invoke read
      1 invoke write 1
      2 ok read 1
      1 ok write 1`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('once a read saw the new value, a later read may not see the old one', () => {
    const h = `
      1 invoke write 0
      1 ok write 0
      1 invoke write 1
      2 invoke read
      2 ok read 1
      3 invoke read
      3 ok read 0
      1 ok write 1`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });

  test('a read may not see a value before its write was called', () => {
    const h = `
      2 invoke read
      2 ok read 7
      1 invoke write 7
      1 ok write 7`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });

  test('the register starts absent: a first read of a value is not linearizable', () => {
    expect(verdictOf(register, '1 invoke read\n1 ok read 0')).toBe('not-linearizable');
    expect(verdictOf(register, '1 invoke read\n1 ok read null')).toBe('linearizable');
  });

  test('an empty history is linearizable', () => {
    expect(verdictOf(register, '')).toBe('linearizable');
  });
});

describe('register: unknown outcomes (info, no completion)', () => {
  test('an info write may take effect late, after later operations', () => {
    const h = `
      1 invoke write 1
      1 info write
      2 invoke read
      2 ok read null
      2 invoke read
      2 ok read 1`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('an info write may never take effect', () => {
    const h = `
      1 invoke write 1
      1 info write
      2 invoke read
      2 ok read null
      2 invoke read
      2 ok read null`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('an info write cannot take effect before its call', () => {
    const h = `
      2 invoke read
      2 ok read 1
      1 invoke write 1
      1 info write`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });

  test('an info write takes effect once: its value cannot come back after being overwritten', () => {
    const h = `
      1 invoke write 1
      1 info write
      3 invoke read
      3 ok read 1
      2 invoke write 2
      2 ok write 2
      3 invoke read
      3 ok read 1`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });

  test('a call with no completion by the end is an unknown outcome', () => {
    const h = `
      1 invoke write 5
      2 invoke read
      2 ok read 5
      2 invoke read
      2 ok read 5`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('a process may call again after an info; the info write may land after its next write', () => {
    const h = `
      1 invoke write 1
      1 info write
      1 invoke write 2
      1 ok write 2
      2 invoke read
      2 ok read 1`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('a history of unknown outcomes only is linearizable', () => {
    expect(verdictOf(register, '1 invoke write 1\n2 invoke cas [5,6]\n3 invoke read')).toBe('linearizable');
  });
});

describe('register: failed operations', () => {
  test('a failed write is dropped: its value cannot be read', () => {
    const h = `
      1 invoke write 1
      1 fail write 1
      2 invoke read
      2 ok read 1`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });

  test('a failed write is dropped: reads of the old value are fine', () => {
    const h = `
      1 invoke write 1
      1 fail write 1
      2 invoke read
      2 ok read null`;
    const result = check(register, h);
    expect(result.verdict).toBe('linearizable');
    expect(result.droppedCount).toBe(1);
  });

  test('a failed (timed-out) read accepts any value', () => {
    const h = `
      1 invoke write 1
      1 ok write 1
      2 invoke read
      2 fail read ":timed-out"`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });
});

describe('register: compare-and-set', () => {
  test('a successful cas needs the register to hold FROM', () => {
    const ok = `
      1 invoke write 0
      1 ok write 0
      2 invoke cas [0,1]
      2 ok cas [0,1]
      3 invoke read
      3 ok read 1`;
    expect(verdictOf(register, ok)).toBe('linearizable');
    const bad = `
      1 invoke write 0
      1 ok write 0
      2 invoke cas [3,1]
      2 ok cas [3,1]`;
    expect(verdictOf(register, bad)).toBe('not-linearizable');
  });

  test('a cas on an absent register fails to compare', () => {
    expect(verdictOf(register, '1 invoke cas [0,1]\n1 ok cas [0,1]')).toBe('not-linearizable');
    expect(verdictOf(register, '1 invoke cas [0,1]\n1 fail cas [0,1]')).toBe('linearizable');
  });

  test('a failed cas is a definite outcome: the register did not hold FROM', () => {
    const h = `
      1 invoke write 0
      1 ok write 0
      2 invoke cas [0,1]
      2 fail cas [0,1]`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
    // Knossos' reading (a failed cas is dropped) accepts it.
    expect(verdictOf(registerModel({ failedCas: 'dropped' }), h)).toBe('linearizable');
  });

  test('a failed cas changes nothing', () => {
    const h = `
      1 invoke write 2
      1 ok write 2
      2 invoke cas [0,1]
      2 fail cas [0,1]
      3 invoke read
      3 ok read 2`;
    expect(verdictOf(register, h)).toBe('linearizable');
    expect(verdictOf(register, h.replace('ok read 2', 'ok read 1'))).toBe('not-linearizable');
  });

  test('a failed cas concurrent with a write may be ordered before it', () => {
    const h = `
      1 invoke write 0
      1 ok write 0
      3 invoke write 5
      2 invoke cas [0,1]
      3 ok write 5
      2 fail cas [0,1]`;
    expect(verdictOf(register, h)).toBe('linearizable');
  });

  test('an info cas may or may not have swapped', () => {
    const base = `
      1 invoke write 0
      1 ok write 0
      2 invoke cas [0,1]
      2 info cas
      3 invoke read
      3 ok read X`;
    expect(verdictOf(register, base.replace('X', '1'))).toBe('linearizable');
    expect(verdictOf(register, base.replace('X', '0'))).toBe('linearizable');
    expect(verdictOf(register, base.replace('X', '7'))).toBe('not-linearizable');
  });

  test('a cas chain: each success consumes the value it compared', () => {
    const h = `
      1 invoke write 0
      1 ok write 0
      2 invoke cas [0,1]
      3 invoke cas [0,2]
      2 ok cas [0,1]
      3 ok cas [0,2]`;
    expect(verdictOf(register, h)).toBe('not-linearizable');
  });
});

describe('register: explanation of a violation', () => {
  test('names the partition, the operations and the longest linearizable prefix', () => {
    const h = `
      1 invoke write 1
      1 ok write 1
      2 invoke write 2
      2 ok write 2
      3 invoke read
      3 ok read 1`;
    const result = check(register, h);
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    const v = result.violation;
    expect(v.key).toBe('');
    expect(v.longestPrefix.map((s) => s.op.input)).toEqual([
      { key: '', f: 'write', value: 1 },
      { key: '', f: 'write', value: 2 },
    ]);
    expect(v.blocking.process).toBe(3);
    expect(v.candidates.map((c) => [c.op.process, c.accepted])).toEqual([[3, false]]);
    const text = formatResult(register, result);
    expect(text.split('\n')[0]).toMatch(/^not linearizable \(model register: 3 operations/);
    expect(text).toContain('longest linearizable prefix: 2 of 3 operations');
    expect(text).toContain('p1 write 1  (called line 2, returned line 3)  => 1');
    expect(text).toContain('p3 read -> 1  (called line 6, returned line 7)  -- illegal in this state');
  });
});

describe('register: several registers in one history (jsonl key)', () => {
  const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n');
  const history = jsonl([
    { process: 1, type: 'invoke', f: 'write', key: 'a', value: 1 },
    { process: 1, type: 'ok', f: 'write', key: 'a', value: 1 },
    { process: 2, type: 'invoke', f: 'read', key: 'b', value: null },
    { process: 2, type: 'ok', f: 'read', key: 'b', value: null },
  ]);

  it('checks each key as its own register', () => {
    expect(checkHistory(registerModel(), parseHistory(history, 'jsonl')).verdict).toBe('linearizable');
  });

  it('still catches a stale read on one key', () => {
    const stale = jsonl([
      { process: 1, type: 'invoke', f: 'write', key: 'a', value: 1 },
      { process: 1, type: 'ok', f: 'write', key: 'a', value: 1 },
      { process: 2, type: 'invoke', f: 'read', key: 'a', value: null },
      { process: 2, type: 'ok', f: 'read', key: 'a', value: null },
    ]);
    const r = checkHistory(registerModel(), parseHistory(stale, 'jsonl'));
    if (r.verdict !== 'not-linearizable') throw new Error(`expected a violation, got ${r.verdict}`);
    expect(r.violation.key).toBe('a');
  });
});
