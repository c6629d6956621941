import { rmSync } from 'node:fs';
import { runChaos } from '../../src/chaos/run';
import { ETCD_REGISTER_API, RegisterWorkload } from '../../src/chaos/workloads/register';
import { fastTiming, processesUsing } from './support';

/**
 * The register workload through etcd's v3 API: every worker's EtcdClient starts on a different
 * member (followers forward writes and linearizable reads to the leader), so the history checks
 * the etcd path end to end under faults.
 */
describe('etcd-register workload on a real cluster', () => {
  it('survives kill, partition and pause: the history through the etcd API is linearizable', async () => {
    const report = await runChaos({
      durationS: 30,
      nodes: 3,
      nemeses: ['kill', 'partition', 'pause'],
      seed: 21,
      basePort: 29300,
      workloads: [new RegisterWorkload({ clients: 10, keys: 4, keyWindowMs: 10_000, thinkMsMax: 30 }, ETCD_REGISTER_API)],
      timing: fastTiming,
    });
    try {
      expect(report.verdicts.filter((v) => !v.ok)).toEqual([]); // on failure, shows the explanation
      expect(report.verdicts.map((v) => v.name)).toEqual(['etcd-register']);
      expect(report.converged).toMatchObject({ ok: true });
      expect(report.ok).toBe(true);
      // e.g. "linearizable (model register: 2345 operations, 120 failed dropped in 12 partitions; 80 ms); ok: 1000 reads, 600 writes, 90 cas; fail: 120; info: 15"
      const verdict = report.verdicts[0].verdict;
      const num = (re: RegExp) => Number(re.exec(verdict)?.[1] ?? NaN);
      expect(verdict).toMatch(/^linearizable \(model register: \d+ operations/);
      expect(num(/ok: (\d+) reads/)).toBeGreaterThan(500);
      expect(num(/ok: \d+ reads, (\d+) writes/)).toBeGreaterThan(300);
      expect(num(/writes, (\d+) cas/)).toBeGreaterThan(5);
      expect(num(/model register: (\d+) operations/)).toBeGreaterThan(1000);
      expect(report.faults).toBeGreaterThanOrEqual(5);
      expect(processesUsing(report.dataDir)).toEqual([]);
    } finally {
      if (report.ok) rmSync(report.dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('catches a deliberately broken build that serves linearizable etcd reads from local state', async () => {
    const report = await runChaos({
      durationS: 25,
      nodes: 3,
      nemeses: ['partition'],
      seed: 3,
      basePort: 29400,
      workloads: [new RegisterWorkload({ clients: 10, keys: 4, keyWindowMs: 10_000, thinkMsMax: 20 }, ETCD_REGISTER_API)],
      env: { ORDO_UNSAFE_STALE_READS: '1' },
      timing: fastTiming,
    });
    rmSync(report.dataDir, { recursive: true, force: true });
    expect(report.ok).toBe(false);
    expect(report.verdicts[0].verdict).toMatch(/^not linearizable/);
    expect(report.verdicts[0].detail).toMatch(/longest linearizable prefix/);
    expect(processesUsing(report.dataDir)).toEqual([]);
  }, 120_000);
});
