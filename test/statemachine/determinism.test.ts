import fc from 'fast-check';
import type { Command, Op } from '../../src/statemachine/command';
import { decodeCommand, encodeCommand } from '../../src/statemachine/command-codec';
import type { StateMachineConfig } from '../../src/statemachine/config';
import type { ApplyResult } from '../../src/statemachine/results';
import { commandArb, type CommandShape, type EtcdShape, type TopicShape } from './arbitraries';
import { b, isLazy, Replica } from './helpers';
import { ModelKv, type ModelOp } from './model';

// A small world so that keys collide, ranges overlap, sessions retry, expire and get evicted.
const keys = [b('a'), b('a/1'), b('a/2'), b('a/3'), b('b'), Uint8Array.of(0xff), new Uint8Array(0)];
// Few lease ids so grants collide and puts find their lease; TTLs below the minimum and too large.
const narrowEtcd: EtcdShape = {
  leaseId: fc.constantFrom(0, 0, 1, 2, 3),
  ttlSeconds: fc.constantFrom(0, 1, 5, 9_000_000_001),
  revision: fc.integer({ min: 0, max: 12 }),
};
const narrowShape: CommandShape = {
  key: fc.constantFrom(...keys),
  value: fc.constantFrom(b(''), b('x'), b('yy')),
  clientId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5'),
  seq: fc.integer({ min: 0, max: 4 }),
  stampMs: fc.integer({ min: 0, max: 400 }),
  count: fc.integer({ min: 0, max: 3 }),
  opsMax: 3,
  etcd: narrowEtcd,
};
// Topics of every policy, few enough that appends collide on keys, retention and compaction run,
// topicsMax and groupOffsetsMax are reached, and retried appends hit the session cache.
const narrowTopics: TopicShape = {
  topic: fc.constantFrom('t1', 't2', 't3'),
  group: fc.constantFrom('g1', 'g2'),
  headerName: fc.constantFrom('h', 'trace'),
  recordKey: fc.constantFrom(null, b('a'), b('b')),
  recordValue: fc.constantFrom(b(''), b('x'), b('yyyy')),
  retainRecords: fc.integer({ min: 1, max: 3 }),
  retainBytes: fc.integer({ min: 17, max: 60 }),
  offset: fc.integer({ min: 0, max: 6 }),
  recordsMin: 1,
  recordsMax: 3,
  headersMax: 1,
};
const withTopics: CommandShape = { ...narrowShape, topics: narrowTopics };
const config: Partial<StateMachineConfig> = { sessionTtlMs: 100, sessionsMax: 3, topicsMax: 2, groupOffsetsMax: 3, leaseTtlMinSeconds: 2 };

type Step =
  | { readonly kind: 'command'; readonly cmd: Command }
  | { readonly kind: 'retry'; readonly pick: number }
  | { readonly kind: 'noop' }
  | { readonly kind: 'garbage'; readonly data: Uint8Array }
  | { readonly kind: 'persist' };

function stepsOf(shape: CommandShape): fc.Arbitrary<Step> {
  return fc.oneof(
    { weight: 10, arbitrary: commandArb(shape).map((cmd): Step => ({ kind: 'command', cmd })) },
    { weight: 3, arbitrary: fc.nat().map((pick): Step => ({ kind: 'retry', pick })) },
    { weight: 1, arbitrary: fc.constant<Step>({ kind: 'noop' }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((data): Step => ({ kind: 'garbage', data })) },
    { weight: 2, arbitrary: fc.constant<Step>({ kind: 'persist' }) },
  );
}
const stepArb = stepsOf(narrowShape);
const stepWithTopicsArb = stepsOf(withTopics);

function isModelOp(op: Op): op is ModelOp {
  return ['put', 'delete', 'txn', 'leaseGrant', 'leaseRevoke', 'compact'].includes(op.type);
}

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
  test('same entries in the same order give equal results and digests; restore equals live (KV, topics, offsets, sessions)', () => {
    fc.assert(
      fc.property(fc.array(stepWithTopicsArb, { maxLength: 60 }), fc.array(stepWithTopicsArb, { maxLength: 30 }), (before, after) => {
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
        expect(fromSnapshot.sm.listTopics()).toEqual(a.sm.listTopics());
        a.persist();
        expect(a.restoreFromDb().stateDigest()).toBe(a.sm.stateDigest());
        // What a restart keeps in memory is exactly what the live machine holds, lazy records aside.
        // (The meta record is written on its first change; until then restore assumes zeros.)
        const inDb = [...a.db.values()].filter(([k]) => !isLazy(k)).sort((x, y) => Buffer.compare(x[0], y[0]));
        const metaWritten = a.db.has('m');
        expect(inDb).toEqual(a.sm.snapshotRecords().filter(([k]) => metaWritten || Buffer.from(k).toString('latin1') !== 'm'));
      }),
      { numRuns: 300 },
    );
  });

  test('the KV and lease state and every fresh response or rejection match a naive reference model', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80 }), (steps) => {
        const r = new Replica(config);
        const model = new ModelKv(config.leaseTtlMinSeconds);
        const history: Uint8Array[] = [];
        for (const { data, result } of drive([r], steps, history)) {
          if (result.kind === 'noop' || (result.kind === 'error' && result.error.code === 'decode_error')) continue;
          const cmd = decodeCommand(data);
          if (!isModelOp(cmd.op)) throw new Error(`unexpected ${cmd.op.type} in a KV-only world`);
          if (result.kind === 'ok' && !result.duplicate) {
            // Applied for real: the model must answer the same and reach the same revision.
            expect(result.response).toEqual(model.apply(cmd.op));
            expect(result.revision).toBe(model.revision);
          } else if (result.kind === 'error' && result.error.code === 'rejected' && cmd.session === undefined) {
            // A fresh refusal (a session's could be a cached one): the model refuses too, and changes nothing.
            expect(model.apply(cmd.op)).toEqual(result.error);
            expect(result.revision).toBe(model.revision);
          }
        }
        const all = r.sm.read({ key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) });
        expect(all.kvs).toEqual(model.all());
        expect(all.revision).toBe(model.revision);
        expect(all.compactRevision).toBe(model.compactRevision);
        expect(r.sm.leases()).toEqual(model.leaseList());
        for (const { id } of r.sm.leases()) expect(r.sm.lease(id)?.keys).toEqual(model.leaseKeys(id));
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
