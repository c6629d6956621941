/**
 * Histories recorded from an atomic register (each operation takes effect at one instant inside
 * its call..return interval) are linearizable, whatever the overlaps, unknown outcomes and
 * failures; and changing a read to a value never written makes them not linearizable.
 */

import fc from 'fast-check';
import {
  checkHistory,
  checkOperations,
  kvModel,
  pairEvents,
  registerModel,
  type HistoryEvent,
  type Json,
  type Model,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  type RegisterValue,
} from '../../src/check';

type Kind = 'read' | 'write' | 'cas';
/** normal: completes ok (or fail for a cas whose compare failed); info: unknown outcome, applied
 *  or not; none: never completes, applied or not; fail: a write that failed and did not apply. */
type Outcome = 'normal' | 'info' | 'none' | 'fail';

interface PlannedOp {
  readonly kind: Kind;
  readonly a: number;
  readonly b: number;
  readonly before: number;
  readonly after: number;
  readonly outcome: Outcome;
  readonly applied: boolean;
}

const plannedOp: fc.Arbitrary<PlannedOp> = fc.record({
  kind: fc.constantFrom<Kind>('read', 'write', 'cas'),
  a: fc.integer({ min: 0, max: 3 }),
  b: fc.integer({ min: 0, max: 3 }),
  before: fc.integer({ min: 0, max: 40 }),
  after: fc.integer({ min: 0, max: 40 }),
  outcome: fc.constantFrom<Outcome>('normal', 'normal', 'normal', 'normal', 'info', 'none', 'fail'),
  applied: fc.boolean(),
});

interface TimedEvent {
  readonly t: number;
  readonly e: HistoryEvent;
}

/** Operation i takes effect (if at all) at instant 4i + 2, strictly inside its interval. */
function simulate(plan: readonly PlannedOp[]): HistoryEvent[] {
  let reg: number | null = null;
  const timed: TimedEvent[] = [];
  plan.forEach((op, i) => {
    const point = 4 * i + 2;
    const call = point - 1 - op.before;
    const ret = point + 1 + op.after;
    const process = i;
    const outcome = op.outcome === 'fail' && op.kind !== 'write' ? 'normal' : op.outcome;
    const takesEffect = outcome === 'normal' || ((outcome === 'info' || outcome === 'none') && op.applied);
    let invokeValue: Json = null;
    let result: { type: 'ok' | 'fail'; value: Json } = { type: 'ok', value: null };
    switch (op.kind) {
      case 'read':
        result = { type: 'ok', value: reg };
        break;
      case 'write':
        invokeValue = op.a;
        if (takesEffect) reg = op.a;
        result = { type: 'ok', value: op.a };
        break;
      case 'cas': {
        invokeValue = [op.a, op.b];
        const swapped = reg === op.a;
        if (takesEffect && swapped) reg = op.b;
        result = { type: swapped ? 'ok' : 'fail', value: invokeValue };
        break;
      }
    }
    timed.push({ t: call, e: { process, type: 'invoke', f: op.kind, value: invokeValue } });
    if (outcome === 'normal') timed.push({ t: ret, e: { process, type: result.type, f: op.kind, value: result.value } });
    else if (outcome === 'info') timed.push({ t: ret, e: { process, type: 'info', f: op.kind, value: null } });
    else if (outcome === 'fail') timed.push({ t: ret, e: { process, type: 'fail', f: op.kind, value: invokeValue } });
  });
  // Stable sort: at equal instants either order is consistent with the linearization points.
  return timed.sort((x, y) => x.t - y.t).map((x) => x.e);
}

test('an atomic register with random overlaps always yields linearizable histories', () => {
  fc.assert(
    fc.property(fc.array(plannedOp, { minLength: 0, maxLength: 14 }), (plan) => {
      const result = checkHistory(registerModel(), pairEvents(simulate(plan)), { timeLimitMs: 5000 });
      expect(result.verdict).toBe('linearizable');
    }),
    { numRuns: 300 },
  );
});

test('a completed read of a value never written is never linearizable', () => {
  fc.assert(
    fc.property(fc.array(plannedOp, { minLength: 1, maxLength: 14 }), fc.nat(), (plan, pick) => {
      const events = simulate(plan);
      const readOks = events.flatMap((e, i) => (e.type === 'ok' && e.f === 'read' ? [i] : []));
      fc.pre(readOks.length > 0);
      const i = readOks[pick % readOks.length];
      events[i] = { ...events[i], value: 99 };
      expect(checkHistory(registerModel(), pairEvents(events)).verdict).toBe('not-linearizable');
    }),
    { numRuns: 200 },
  );
});

test('the kv model agrees: atomic appends and gets with random overlaps are linearizable', () => {
  const kvOp = fc.record({
    get: fc.boolean(),
    key: fc.constantFrom('a', 'b'),
    before: fc.integer({ min: 0, max: 30 }),
    after: fc.integer({ min: 0, max: 30 }),
    info: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(kvOp, { maxLength: 12 }), (plan) => {
      const store = new Map<string, string>();
      const timed: TimedEvent[] = [];
      plan.forEach((op, i) => {
        const point = 4 * i + 2;
        const current = store.get(op.key) ?? '';
        if (!op.get) store.set(op.key, `${current}<${i}>`);
        const f = op.get ? 'get' : 'append';
        const value = op.get ? null : `<${i}>`;
        timed.push({ t: point - 1 - op.before, e: { process: i, type: 'invoke', f, key: op.key, value } });
        const done: HistoryEvent = op.info && !op.get ? { process: i, type: 'info', f, key: op.key, value: null } : { process: i, type: 'ok', f, key: op.key, value: op.get ? current : value };
        timed.push({ t: point + 1 + op.after, e: done });
      });
      const events = timed.sort((x, y) => x.t - y.t).map((x) => x.e);
      expect(checkHistory(kvModel(), pairEvents(events)).verdict).toBe('linearizable');
    }),
    { numRuns: 200 },
  );
});

/** Definition-level oracle: try every order consistent with real time (x may go next unless some
 *  remaining y returned before x was called); operations with unknown outcome may be left out. */
function bruteForce<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const go = (state: S, left: readonly Operation<I, O>[]): boolean => {
    if (left.every((o) => o.ret === Infinity)) return true;
    return left.some((x, i) => {
      if (left.some((y) => y.ret < x.call)) return false;
      const res = model.step(state, x.input, x.output);
      return res.ok && go(res.state, [...left.slice(0, i), ...left.slice(i + 1)]);
    });
  };
  return go(model.init(), ops);
}

test('on small random register histories the search agrees with brute force', () => {
  const value = fc.constantFrom<RegisterValue>(null, 0, 1, 2);
  const io = fc.oneof(
    fc.record({ input: fc.constant<RegisterInput>({ key: '', f: 'read' }), output: fc.option(value, { nil: undefined }) }),
    fc.record({ input: value.map<RegisterInput>((v) => ({ key: '', f: 'write', value: v })), output: fc.constantFrom<RegisterOutput | undefined>(null, undefined) }),
    fc.record({
      input: fc.tuple(value, value).map<RegisterInput>(([from, to]) => ({ key: '', f: 'cas', from, to })),
      output: fc.option(fc.boolean(), { nil: undefined }),
    }),
  );
  const op = fc.record({ io, call: fc.integer({ min: 0, max: 20 }), len: fc.integer({ min: 0, max: 10 }), unknown: fc.boolean() });
  const model = registerModel();
  let seen = { linearizable: 0, not: 0 };
  fc.assert(
    fc.property(fc.array(op, { maxLength: 6 }), (plan) => {
      const ops: Operation<RegisterInput, RegisterOutput>[] = plan.map((p, id) => ({
        id,
        process: id,
        input: p.io.input,
        output: p.unknown ? undefined : p.io.output,
        call: p.call,
        ret: p.unknown && p.io.output === undefined ? Infinity : p.call + p.len,
      }));
      const expected = bruteForce(model, ops);
      seen = expected ? { ...seen, linearizable: seen.linearizable + 1 } : { ...seen, not: seen.not + 1 };
      expect(checkOperations(model, ops).verdict).toBe(expected ? 'linearizable' : 'not-linearizable');
    }),
    { numRuns: 1000 },
  );
  // Both verdicts were exercised.
  expect(seen.linearizable).toBeGreaterThan(50);
  expect(seen.not).toBeGreaterThan(50);
});
