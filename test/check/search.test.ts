/** The search itself: limits (time, memo), operations built directly, the bitset. */

import {
  Bitset,
  checkHistory,
  checkOperations,
  formatResult,
  kvModel,
  pairEvents,
  registerModel,
  type HistoryEvent,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
} from '../../src/check';

/** `n` concurrent appends of distinct values, then a get no order explains: the memo cannot help
 *  (every order of every subset is a distinct state), about e * n! configurations. */
function pathological(n: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (let p = 0; p < n; p++) events.push({ process: p, type: 'invoke', f: 'append', key: 'k', value: `<${p}>` });
  for (let p = 0; p < n; p++) events.push({ process: p, type: 'ok', f: 'append', key: 'k', value: `<${p}>` });
  events.push({ process: n, type: 'invoke', f: 'get', key: 'k', value: null });
  events.push({ process: n, type: 'ok', f: 'get', key: 'k', value: 'impossible' });
  return events;
}

describe('limits', () => {
  test('a pathological history with a tiny time limit gives unknown, promptly', () => {
    const t0 = performance.now();
    const result = checkHistory(kvModel(), pairEvents(pathological(12)), { timeLimitMs: 50 });
    const elapsedMs = performance.now() - t0;
    expect(result.verdict).toBe('unknown');
    if (result.verdict !== 'unknown') return;
    expect(result.reason).toBe('time-limit');
    expect(result.partitionKey).toBe('k');
    expect(elapsedMs).toBeLessThan(2000);
    expect(formatResult(kvModel(), result)).toMatch(/^unknown: time limit reached in partition key "k"/);
  });

  test('the time limit is read from the injected clock', () => {
    let now = 0;
    const nowMs = () => (now += 1);
    const result = checkHistory(kvModel(), pairEvents(pathological(10)), { timeLimitMs: 100, nowMs });
    expect(result.verdict).toBe('unknown');
    expect(result.partitions[0].explored).toBeLessThan(100 * 256 + 512);
  });

  test('the same history, small enough, is decided: not linearizable', () => {
    expect(checkHistory(kvModel(), pairEvents(pathological(5))).verdict).toBe('not-linearizable');
  });

  test('a memo bound gives unknown instead of exhausting memory', () => {
    const result = checkHistory(kvModel(), pairEvents(pathological(9)), { memoEntriesMax: 1000 });
    expect(result.verdict).toBe('unknown');
    if (result.verdict === 'unknown') expect(result.reason).toBe('memo-limit');
  });

  test('after a time-out the remaining partitions are not checked', () => {
    const events = [
      ...pathological(12),
      { process: 99, type: 'invoke', f: 'get', key: 'other', value: null },
      { process: 99, type: 'ok', f: 'get', key: 'other', value: '' },
    ] as const;
    const result = checkHistory(kvModel(), pairEvents(events), { timeLimitMs: 20 });
    expect(result.verdict).toBe('unknown');
    expect(result.partitions.map((p) => p.verdict)).toEqual(['unknown', 'not-checked']);
  });
});

describe('operations built directly (timestamps as call/ret)', () => {
  const op = (id: number, input: RegisterInput, output: RegisterOutput | undefined, call: number, ret: number): Operation<RegisterInput, RegisterOutput> => ({
    id,
    process: id,
    input,
    output,
    call,
    ret,
  });

  test('operations that touch at the same instant overlap', () => {
    // The write returns at t=10 and the read is called at t=10: concurrent, so the read may miss it.
    const ops = [op(0, { key: '', f: 'write', value: 1 }, null, 0, 10), op(1, { key: '', f: 'read' }, null, 10, 20)];
    expect(checkOperations(registerModel(), ops).verdict).toBe('linearizable');
    const later = [op(0, { key: '', f: 'write', value: 1 }, null, 0, 10), op(1, { key: '', f: 'read' }, null, 11, 20)];
    expect(checkOperations(registerModel(), later).verdict).toBe('not-linearizable');
  });

  test('a return before its call is refused', () => {
    expect(() => checkOperations(registerModel(), [op(0, { key: '', f: 'read' }, null, 5, 4)])).toThrow(RangeError);
  });

  test('a linearizable result reports no violation and counts every partition', () => {
    const ops = [op(0, { key: '', f: 'write', value: 1 }, null, 0, 10), op(1, { key: '', f: 'read' }, 1, 5, 20), op(2, { key: '', f: 'cas', from: 1, to: 2 }, undefined, 6, Infinity)];
    const result = checkOperations(registerModel(), ops);
    expect(result).toMatchObject({ verdict: 'linearizable', partitionCount: 1, opCount: 3 });
  });
});

describe('Bitset', () => {
  test('set, clear, has, count across word boundaries', () => {
    const b = new Bitset(70);
    const k0 = b.key();
    for (const i of [0, 31, 32, 63, 69]) b.set(i);
    expect([0, 1, 31, 32, 33, 63, 69].map((i) => b.has(i))).toEqual([true, false, true, true, false, true, true]);
    expect(b.count()).toBe(5);
    const k1 = b.key();
    expect(k1).not.toBe(k0);
    expect(k1.length).toBe(k0.length);
    for (const i of [0, 31, 32, 63, 69]) b.clear(i);
    expect(b.key()).toBe(k0);
    expect(b.count()).toBe(0);
    expect(() => b.set(70)).toThrow(RangeError);
  });
});
