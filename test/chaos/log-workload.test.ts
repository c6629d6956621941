import { rmSync } from 'node:fs';
import type { HistoryEvent } from '../../src/chaos/history';
import { runChaos } from '../../src/chaos/run';
import { defaultLogOptions, judgeLog, LogWorkload, resolveUnknownAppends, type ConsumerObservation, type LogEvidence } from '../../src/chaos/workloads/log';
import { fastTiming, processesUsing } from './support';



describe('log workload on a real cluster', () => {
  it('survives kill, partition and pause: linearizable, every ack once at its offset on every node, consumers read the whole log', async () => {
    const report = await runChaos({
      durationS: 30,
      nodes: 3,
      nemeses: ['kill', 'partition', 'pause'],
      seed: 11,
      basePort: 29200,
      // Small generations, so the run moves producers, readers and consumers to fresh topics a few times.
      workloads: [new LogWorkload({ ...defaultLogOptions, appendsPerGeneration: 800 })],
      timing: fastTiming,
    });
    try {
      expect(report.verdicts.filter((v) => !v.ok)).toEqual([]); // on failure, shows the explanation
      expect(report.verdicts.map((v) => v.name)).toEqual(['log']);
      expect(report.converged).toMatchObject({ ok: true });
      expect(report.ok).toBe(true);
      const verdict = report.verdicts[0].verdict;
      const num = (re: RegExp) => Number(re.exec(verdict)?.[1] ?? NaN);
      const topics = num(/; (\d+) topics, /);
      expect(topics).toBeGreaterThanOrEqual(4);
      expect(num(/^linearizable \(model log: \d+ operations(?:, \d+ failed dropped)? in (\d+) partitions/)).toBe(topics);
      const acked = num(/(\d+) appends acknowledged/);
      expect(acked).toBeGreaterThan(1000);
      expect(verdict).toMatch(/\(\d+ unknown: \d+ landed, \d+ did not; \d+ refused\), each exactly once at its offset on 3 nodes/);
      expect(num(/(\d+) reads/)).toBeGreaterThan(100);
      // Two consumers per topic, each of which read its whole topic.
      expect(num(/(\d+) consumers saw gap-free, duplicate-free copies of the whole log/)).toBe(2 * topics);
      expect(num(/copies of the whole log \((\d+) records\)/)).toBe(2 * (acked + num(/(\d+) landed/)));
      expect(report.faults).toBeGreaterThanOrEqual(5);
      expect(processesUsing(report.dataDir)).toEqual([]);
    } finally {
      if (report.ok) rmSync(report.dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** The judgement alone, on small hand-written evidence: it must catch what it claims to. */
describe('log workload verdict', () => {
  let t = 0;
  const ev = (process: string, type: HistoryEvent['type'], f: string, key: string, value: unknown): HistoryEvent => ({ process, type, f, key, value, time: ++t });
  const append = (p: string, topic: string, value: string, outcome: 'ok' | 'info' | 'fail', offset?: number): HistoryEvent[] => [
    ev(p, 'invoke', 'append', topic, value),
    ev(p, outcome, 'append', topic, outcome === 'ok' ? offset : value),
  ];
  const read = (p: string, topic: string, from: number, values: string[]): HistoryEvent[] => [ev(p, 'invoke', 'read-range', topic, [from, null]), ev(p, 'ok', 'read-range', topic, values)];
  const nodes = (log: string[], ...others: string[][]) =>
    new Map([log, ...(others.length ? others : [log, log])].map((l, i) => [`n${i + 1}`, new Map([['t', l]])] as const));
  const consumer = (records: [number, string][]): ConsumerObservation => ({ name: 'consumer-0', topic: 't', records: records.map(([offset, value]) => ({ offset, value })), errors: [], stalls: 0 });
  const evidence = (over: Partial<LogEvidence>): LogEvidence => ({ topics: ['t'], events: [], nodeLogs: nodes([]), consumers: [], anomalies: [], setupError: null, ...over });

  const good = [...append('p0', 't', 'a', 'ok', 0), ...append('p1', 't', 'b', 'ok', 1), ...read('r0', 't', 0, ['a', 'b'])];

  it('passes a clean run and states the counts', () => {
    const v = judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b']), consumers: [consumer([[0, 'a'], [1, 'b']])] }), 5000);
    expect(v.ok).toBe(true);
    expect(v.verdict).toMatch(/^linearizable .*2 appends acknowledged \(0 unknown.*on 3 nodes; 1 reads; 1 consumers saw gap-free, duplicate-free prefixes \(2 records\)/);
  });

  it('resolves unknown appends against the final log: landed at its offset, or never', () => {
    const events = [...append('p0', 't', 'a', 'info'), ...append('p0', 't', 'b', 'ok', 1), ...append('p1', 't', 'c', 'info'), ...read('r0', 't', 0, ['a', 'b'])];
    const r = resolveUnknownAppends(events, new Map([['t', ['a', 'b']]]));
    expect([r.landed, r.lost]).toEqual([1, 1]);
    expect(r.events.slice(-2).map((e) => [e.type, e.value])).toEqual([
      ['ok', 0],
      ['fail', 'c'],
    ]);
    const v = judgeLog(evidence({ events, nodeLogs: nodes(['a', 'b']) }), 5000);
    expect(v.ok).toBe(true);
    expect(v.verdict).toMatch(/1 appends acknowledged \(2 unknown: 1 landed, 1 did not; 0 refused\)/);
  });

  it('catches an acknowledged append lost on one node', () => {
    const v = judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b'], ['a', 'b'], ['a']) }), 5000);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/node n3 t: acknowledged appends lost: 1, e.g. b@1/);
  });

  it('catches a value stored twice and a value never appended', () => {
    const v = judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b', 'b', 'zz']) }), 5000);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/values present more than once: 1, e.g. b at 1,2/);
    expect(v.detail).toMatch(/values never appended to this topic: 1, e.g. zz/);
  });

  it('catches a consumer that skipped or repeated a record', () => {
    const gap = judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b']), consumers: [consumer([[1, 'b']])] }), 5000);
    expect(gap.ok).toBe(false);
    expect(gap.detail).toMatch(/consumer-0 \(t\): record #0 has offset 1: a gap/);
    const dup = judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b']), consumers: [consumer([[0, 'a'], [0, 'a']])] }), 5000);
    expect(dup.detail).toMatch(/record #1 has offset 0: a duplicate/);
  });

  it('catches a consumer that never caught up, when it was given the time to', () => {
    const v = judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b']), consumers: [consumer([[0, 'a']])], catchUpMs: 1000 }), 5000);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/consumer-0 \(t\): at offset 1 of 2 1000 ms after convergence: it did not catch up/);
    expect(judgeLog(evidence({ events: good, nodeLogs: nodes(['a', 'b']), consumers: [consumer([[0, 'a']])] }), 5000).ok).toBe(true);
  });

  it('catches a stale read (acknowledged append missing from a later read)', () => {
    const events = [...append('p0', 't', 'a', 'ok', 0), ...read('r0', 't', 0, [])];
    const v = judgeLog(evidence({ events, nodeLogs: nodes(['a']) }), 5000);
    expect(v.ok).toBe(false);
    expect(v.verdict).toMatch(/^not linearizable/);
  });
});
