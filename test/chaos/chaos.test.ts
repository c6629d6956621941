import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChaos } from '../../src/chaos/run';
import { ALL_NEMESES } from '../../src/chaos/nemesis';
import { RegisterWorkload } from '../../src/chaos/workloads/register';
import { SetWorkload } from '../../src/chaos/workloads/set';
import { fastTiming, processesUsing } from './support';

/**
 * The short CI variant of `npm run chaos`: a real 3-node cluster (cluster-scripts, LevelDB,
 * gRPC) with proxied peer links, every nemesis on a seeded schedule, register and set workloads.
 * Longer runs: `npm run chaos -- --duration 300 --nodes 5 --nemesis all`.
 */


describe('chaos on a real cluster', () => {
  it('a correct build survives every nemesis: histories linearizable, no lost writes, identical state', async () => {
    const report = await runChaos({
      durationS: 45,
      nodes: 3,
      nemeses: [...ALL_NEMESES],
      seed: 7,
      basePort: 28300,
      workloads: [new RegisterWorkload({ clients: 10, keys: 4, keyWindowMs: 10_000, thinkMsMax: 30 }), new SetWorkload()],
      timing: fastTiming,
    });
    try {
      expect(report.verdicts.filter((v) => !v.ok)).toEqual([]); // on failure, shows each verdict's explanation
      expect(report.verdicts.map((v) => v.name)).toEqual(['register', 'set']);
      expect(report.converged).toMatchObject({ ok: true });
      expect(report.ok).toBe(true);
      // The run did something: faults were injected and most operations succeeded.
      expect(report.faults).toBeGreaterThanOrEqual(5);
      expect(report.operations.ok).toBeGreaterThan(1000);
      expect(processesUsing(report.dataDir)).toEqual([]);
    } finally {
      if (report.ok) rmSync(report.dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('catches a deliberately broken build that serves reads from local state', async () => {
    const report = await runChaos({
      durationS: 25,
      nodes: 3,
      nemeses: ['partition'],
      seed: 3,
      basePort: 28400,
      workloads: [new RegisterWorkload({ clients: 10, keys: 4, keyWindowMs: 10_000, thinkMsMax: 20 })],
      env: { ORDO_UNSAFE_STALE_READS: '1' },
      timing: fastTiming,
    });
    rmSync(report.dataDir, { recursive: true, force: true });
    expect(report.ok).toBe(false);
    expect(report.verdicts[0].verdict).toMatch(/^not linearizable/);
    expect(report.verdicts[0].detail).toMatch(/longest linearizable prefix/);
  }, 180_000);

  it('leaves no process behind when interrupted (SIGINT)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-chaos-int-'));
    const cli = join(__dirname, '..', '..', 'dist', 'src', 'chaos', 'cli.js');
    const child = spawn(process.execPath, [cli, '--duration', '120', '--nodes', '3', '--base-port', '28500', '--data-dir', dir, '--seed', '1'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const end = Date.now() + 60_000;
    while (!existsSync(join(dir, 'endpoints')) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000)); // workloads and nemesis running
    expect(processesUsing(dir).length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(processesUsing(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
