import { rmSync } from 'node:fs';
import { ALL_NEMESES, checkNemeses, parseNemeses } from '../../src/chaos/nemesis';
import { runChaos } from '../../src/chaos/run';
import { RegisterWorkload } from '../../src/chaos/workloads/register';
import { fastTiming, processesUsing } from './support';

/**
 * The member nemesis on a real 3-node cluster: nodes 4 and 5 join (through node.sh add, their
 * links out proxied), voters leave or are killed and replaced, between kills and partitions.
 * Longer runs: `npm run chaos -- --nemesis member,kill,partition --duration 120`.
 */
describe('member nemesis on a real cluster', () => {
  it('membership changes amid kills and partitions: the history stays linearizable, the final members converge', async () => {
    const report = await runChaos({
      durationS: 30,
      nodes: 3,
      nemeses: ['member', 'kill', 'partition'],
      seed: 12, // about: add 4, kill, replace 4 by 5, partition, remove a voter, kill
      basePort: 29500,
      workloads: [new RegisterWorkload({ clients: 10, keys: 4, keyWindowMs: 10_000, thinkMsMax: 30 })],
      timing: fastTiming,
    });
    try {
      expect(report.verdicts.filter((v) => !v.ok)).toEqual([]); // on failure, shows the explanation
      expect(report.verdicts[0].verdict).toMatch(/^linearizable /);
      expect(report.converged).toMatchObject({ ok: true });
      expect(report.ok).toBe(true);
      // Membership changes were made, and the convergence check covered the members they left.
      const done = report.faultLog.map((l) => /member: node (\d+) (?:joined as a voter|removed and stopped); members ([\d,]+)$/.exec(l)).filter((m) => m !== null);
      expect(done.length).toBeGreaterThanOrEqual(1);
      expect(report.faultLog.filter((l) => / member: .* failed: /.test(l))).toEqual([]);
      expect(report.converged.detail).toContain(`members (${done[done.length - 1][2]}) at index`);
      expect(report.faults).toBeGreaterThanOrEqual(5);
      expect(processesUsing(report.dataDir)).toEqual([]);
    } finally {
      if (report.ok) rmSync(report.dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('member nemesis selection', () => {
  it('is not part of all, joins it by name, and needs a 3-node cluster', () => {
    expect(parseNemeses('all')).toEqual(ALL_NEMESES);
    expect(parseNemeses('all')).not.toContain('member');
    expect(parseNemeses('all,member')).toEqual([...ALL_NEMESES, 'member']);
    expect(() => checkNemeses(parseNemeses('all'), 5)).not.toThrow();
    expect(() => checkNemeses(['kill', 'member'], 5)).toThrow(/member nemesis needs a 3-node cluster/);
  });
});
