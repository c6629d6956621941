import type { Op, TopicPolicy } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import { StateMachine } from '../../src/statemachine/state-machine';
import { b, entryOf } from './helpers';

const APPENDS = 100_000;

/**
 * Applies `count` single-record appends (record i keyed "k<i % keys>") to a fresh topic with
 * `policy`, draining the mutations every 1000 entries into a counter (as storage would persist
 * and forget them). Returns the machine and how many topic-record puts left it.
 */
function appendMany(policy: TopicPolicy, count: number, keys: number): { sm: StateMachine; recordPuts: number; samples: number[] } {
  const sm = new StateMachine();
  let index = 0;
  const apply = (op: Op) => sm.apply(entryOf(++index, encodeCommand({ stampMs: index, op })));
  apply({ type: 'createTopic', topic: 't', policy });
  const value = new Uint8Array(100).fill(7);
  let recordPuts = 0;
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = apply({ type: 'append', topic: 't', records: [{ key: b(`k${i % keys}`), value }] });
    if (res.kind !== 'ok') throw new Error(`append ${i}: ${JSON.stringify(res)}`);
    if (index % 1000 === 0) {
      recordPuts += sm.takeMutations().puts.filter(([k]) => k[0] === 0x72).length;
      const c = sm.residentCounts();
      samples.push(c.kvKeys + c.sessions + c.topics + c.groupOffsets + c.compactKeys + c.retainedSizes);
    }
  }
  recordPuts += sm.takeMutations().puts.filter(([k]) => k[0] === 0x72).length;
  return { sm, recordPuts, samples };
}

describe('memory does not grow with topic size', () => {
  test(`${APPENDS} appends to a retain-everything topic: every record leaves as a mutation, none stays in memory`, () => {
    const { sm, recordPuts, samples } = appendMany({ kind: 'retain' }, APPENDS, APPENDS);
    expect(recordPuts).toBe(APPENDS);
    expect(sm.topicInfo('t')).toMatchObject({ earliestOffset: 0, nextOffset: APPENDS, records: APPENDS });
    expect(sm.residentCounts()).toEqual({ kvKeys: 0, leases: 0, sessions: 0, topics: 1, groupOffsets: 0, compactKeys: 0, retainedSizes: 0 });
    expect(new Set(samples)).toEqual(new Set([1])); // flat from the first sample to the last
    // Nothing in the in-memory state's records either: the snapshot is the topic and meta records.
    expect(sm.snapshotRecords().map(([k]) => String.fromCharCode(k[0]!))).toEqual(['m', 't']);
  });

  test('a compacted topic holds one index entry per distinct key, however many appends', () => {
    const { sm, samples } = appendMany({ kind: 'compact' }, 20_000, 50);
    expect(sm.residentCounts().compactKeys).toBe(50);
    expect(sm.topicInfo('t')).toMatchObject({ nextOffset: 20_000, records: 50 });
    expect(Math.max(...samples)).toBe(51);
  });

  test('a topic with retainRecords holds one size per retained record, bounded by the limit', () => {
    const { sm, samples } = appendMany({ kind: 'retain', retainRecords: 100 }, 20_000, 20_000);
    expect(sm.residentCounts().retainedSizes).toBe(100);
    expect(sm.topicInfo('t')).toMatchObject({ earliestOffset: 19_900, nextOffset: 20_000, records: 100 });
    expect(Math.max(...samples)).toBe(101);
  });
});
