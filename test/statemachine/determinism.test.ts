import fc from 'fast-check';
import type { Command } from '../../src/statemachine/command';
import { decodeCommand, encodeCommand } from '../../src/statemachine/command-codec';
import type { StateMachineConfig } from '../../src/statemachine/config';
import type { ApplyResult } from '../../src/statemachine/results';
import { commandArb, type CommandShape } from './arbitraries';
import { b, Replica } from './helpers';
import { ModelKv } from './model';

// A small world so that keys collide, ranges overlap, sessions retry, expire and get evicted.
const keys = [b('a'), b('a/1'), b('a/2'), b('a/3'), b('b'), Uint8Array.of(0xff), new Uint8Array(0)];
const narrowShape: CommandShape = {
  key: fc.constantFrom(...keys),
  value: fc.constantFrom(b(''), b('x'), b('yy')),
  clientId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5'),
  seq: fc.integer({ min: 0, max: 4 }),
  stampMs: fc.integer({ min: 0, max: 400 }),
  count: fc.integer({ min: 0, max: 3 }),
  opsMax: 3,
};
const config: Partial<StateMachineConfig> = { sessionTtlMs: 100, sessionsMax: 3 };

type Step =
  | { readonly kind: 'command'; readonly cmd: Command }
  | { readonly kind: 'retry'; readonly pick: number }
  | { readonly kind: 'noop' }
  | { readonly kind: 'garbage'; readonly data: Uint8Array }
  | { readonly kind: 'persist' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: commandArb(narrowShape).map((cmd): Step => ({ kind: 'command', cmd })) },
  { weight: 3, arbitrary: fc.nat().map((pick): Step => ({ kind: 'retry', pick })) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'noop' }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((data): Step => ({ kind: 'garbage', data })) },
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'persist' }) },
);

interface Applied {
  readonly data: Uint8Array;
  readonly result: ApplyResult;
}

/** Feeds `steps` to every replica, checks they agree, and returns each entry with its result. */
function drive(replicas: Replica[], steps: readonly Step[], history: Uint8Array[]): Applied[] {
  const applied: Applied[] = [];
  for (const step of steps) {
    if (step.kind === 'persist') {
      replicas[0]!.persist();
      continue;
    }
    let data: Uint8Array;
    if (step.kind === 'command') data = encodeCommand(step.cmd);
    else if (step.kind === 'retry') data = history.length > 0 ? history[step.pick % history.length]! : new Uint8Array(0);
    else if (step.kind === 'garbage') data = step.data;
    else data = new Uint8Array(0);
    if (step.kind === 'command') history.push(data);
    const type = step.kind === 'noop' ? 'noop' : 'normal';
    const [first, ...rest] = replicas.map((r) => r.applyData(data, type));
    for (const other of rest) expect(other).toEqual(first);
    applied.push({ data, result: first! });
  }
  return applied;
}

describe('determinism (property)', () => {
  test('same entries in the same order give equal results and digests; restore equals live', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.array(stepArb, { maxLength: 30 }), (before, after) => {
        const a = new Replica(config);
        const bReplica = new Replica(config);
        const history: Uint8Array[] = [];
        drive([a, bReplica], before, history);
        expect(a.sm.stateDigest()).toBe(bReplica.sm.stateDigest());

        a.persist();
        const restored = a.restoreFromDb();
        expect(restored.stateDigest()).toBe(a.sm.stateDigest());
        const fromSnapshot = new Replica(config);
        fromSnapshot.sm = restored;

        // The restored replica must keep behaving identically (session order, expiry, eviction).
        drive([a, bReplica, fromSnapshot], after, history);
        expect(fromSnapshot.sm.stateDigest()).toBe(a.sm.stateDigest());
        a.persist();
        expect(a.restoreFromDb().stateDigest()).toBe(a.sm.stateDigest());
      }),
      { numRuns: 300 },
    );
  });

  test('the KV state and every fresh response match a naive reference model', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80 }), (steps) => {
        const r = new Replica(config);
        const model = new ModelKv();
        const history: Uint8Array[] = [];
        for (const { data, result } of drive([r], steps, history)) {
          // Only what the state machine really applied: not deduplicated retries, not rejections.
          if (result.kind !== 'ok' || result.duplicate) continue;
          const response = model.apply(decodeCommand(data).op, result.index);
          expect(result.response).toEqual(response);
          expect(result.revision).toBe(model.revision);
        }
        const all = r.sm.read({ key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) });
        expect(all.kvs).toEqual(model.all());
        expect(all.revision).toBe(model.revision);
        for (const kv of all.kvs) {
          expect(kv.createRevision).toBeLessThanOrEqual(kv.modRevision);
          expect(kv.modRevision).toBeLessThanOrEqual(all.revision);
          expect(kv.version).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
