import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Target, alive, freeBase, killAllAndRemove, killHard, runningTargets, sleep, waitGone } from './common';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const SCRIPTS = join(ROOT, 'cluster-scripts');
const NODES = 3;

/**
 * A fresh 3-node ordo cluster from cluster-scripts/start.sh in a temp dir, at the first free base
 * port from 27500 (clients P..P+2, peers P+50..P+52). Stopped by pid, its dir removed, by stop().
 */
export async function startOrdo(log: (line: string) => void): Promise<Target> {
  const base = await freeBase(
    Array.from({ length: 10 }, (_, k) => 27500 + 100 * k),
    [0, 1, 2, 50, 51, 52],
  );
  const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-ordo-'));
  const pidOf = (id: number) => Number(readFileSync(join(dir, `n${id}.pid`), 'utf8').trim());
  const pids: number[] = [];
  const endpoints: string[] = [];
  let stopped = false;

  const target: Target = {
    name: 'ordo',
    endpoints,
    pids: () => [...pids],
    async kill(i) {
      killHard(pids[i]);
      await waitGone(pids[i]);
    },
    async restart(i) {
      await run(join(SCRIPTS, 'node.sh'), ['restart', String(i + 1), '--data-dir', dir], { cwd: ROOT });
      pids[i] = pidOf(i + 1);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      runningTargets.delete(target);
      for (const pid of pids.filter((p) => p > 0)) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
      const end = Date.now() + 5000;
      while (Date.now() < end && pids.some(alive)) await sleep(50);
      for (const pid of pids) killHard(pid);
      for (const pid of pids) await waitGone(pid, 2000);
      rmSync(dir, { recursive: true, force: true });
    },
    abandon() {
      stopped = true;
      runningTargets.delete(target);
      killAllAndRemove(pids, dir);
    },
  };
  runningTargets.add(target);
  log(`ordo: starting 3 nodes at base port ${base} in ${dir}`);
  try {
    await run(join(SCRIPTS, 'start.sh'), ['--nodes', String(NODES), '--base-port', String(base), '--data-dir', dir], { cwd: ROOT });
  } catch (e) {
    // start.sh stops what it started when a node fails; pick up whatever pid files remain anyway.
    for (let id = 1; id <= NODES; id++) {
      try {
        pids.push(pidOf(id));
      } catch {
        /* never started */
      }
    }
    const logs = Array.from({ length: NODES }, (_, k) => {
      try {
        return readFileSync(join(dir, `n${k + 1}.log`), 'utf8').split('\n').slice(-5).join('\n');
      } catch {
        return '';
      }
    });
    await target.stop();
    const err = e as { stderr?: string; message: string };
    throw new Error(`cluster-scripts/start.sh failed: ${err.stderr || err.message}\n${logs.join('\n')}`);
  }
  for (let id = 1; id <= NODES; id++) pids.push(pidOf(id));
  endpoints.push(...readFileSync(join(dir, 'endpoints'), 'utf8').trim().split(','));
  return target;
}
