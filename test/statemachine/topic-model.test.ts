import fc from 'fast-check';
import type { TopicOp } from '../../src/statemachine/command';
import { decodeTopicRecord, topicRecordRange } from '../../src/statemachine/log-records';
import { topicOpArb, type TopicShape } from './arbitraries';
import { b, Replica, scanDb } from './helpers';
import { ModelTopics } from './topic-model';

// Valid commands only (validation has its own tests): few topics, keys and groups, so that keys
// collide, retention and compaction run, offsets go backwards and limits are reached.
const shape: TopicShape = {
  topic: fc.constantFrom('t1', 't2', 't3', 't4'),
  group: fc.constantFrom('g1', 'g2', 'g3'),
  headerName: fc.constantFrom('h', 'é'),
  recordKey: fc.constantFrom(null, b('a'), b('b'), b('c'), Uint8Array.of(0, 0xff)),
  recordValue: fc.constantFrom(b(''), b('x'), b('0123456789')),
  retainRecords: fc.integer({ min: 1, max: 4 }),
  retainBytes: fc.integer({ min: 16, max: 90 }),
  offset: fc.integer({ min: 0, max: 12 }),
  recordsMin: 1,
  recordsMax: 4,
  headersMax: 2,
};
const limits = { topicsMax: 3, groupOffsetsMax: 4 };

type Step = { readonly kind: 'op'; readonly op: TopicOp; readonly stampMs: number } | { readonly kind: 'persist' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(topicOpArb(shape), fc.nat(1000)).map(([op, stampMs]): Step => ({ kind: 'op', op, stampMs })) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'persist' }) },
);

describe('topics against a naive reference model (property)', () => {
  test('responses, refusals, metadata, offsets and the records storage ends up with all match', () => {
    const seen = { appended: 0, rejected: 0, dropped: 0 };
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 80 }), (steps) => {
        const r = new Replica(limits);
        const model = new ModelTopics(limits);
        for (const step of steps) {
          if (step.kind === 'persist') {
            r.persist();
            continue;
          }
          const result = r.run(step.op, { stampMs: step.stampMs });
          const expected = model.apply(step.op, result.index, step.stampMs);
          if ('status' in expected) {
            expect(result).toMatchObject({ kind: 'error', error: { code: 'rejected', status: expected.status } });
            seen.rejected++;
          } else {
            expect(result).toMatchObject({ kind: 'ok', response: expected, duplicate: false });
            if (expected.type === 'append') seen.appended += expected.count;
          }
          expect(r.sm.listTopics()).toEqual(model.list());
        }
        for (const key of model.offsets.keys()) {
          const [group, topic] = key.split('/') as [string, string];
          expect(r.sm.fetchOffset(group, topic)).toBe(model.offsets.get(key));
        }
        r.persist();
        for (const info of model.list()) {
          const stored = scanDb(r, topicRecordRange(info.topic, 0)).map(([, v]) => decodeTopicRecord(v));
          expect(stored).toEqual(model.topics.get(info.topic)!.records);
          seen.dropped += info.nextOffset - info.records;
        }
        expect(r.restoreFromDb().stateDigest()).toBe(r.sm.stateDigest());
      }),
      { numRuns: 300 },
    );
    // The generators really exercise the interesting paths.
    expect(seen.appended).toBeGreaterThan(2000);
    expect(seen.rejected).toBeGreaterThan(500);
    expect(seen.dropped).toBeGreaterThan(500);
  });
});
