import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, cleanEnv } from './cluster';

/**
 * `ordo <args> --endpoints ...` left running (tail, watch); stdout collected line by line. The
 * child is added to `children` until it exits, so a file's afterAll can SIGKILL leftovers.
 */
export function spawnCli(args: readonly string[], endpoints: readonly string[], children: Set<ChildProcess>) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ordo'), ...args, '--endpoints', endpoints.join(',')], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    for (let i = partial.indexOf('\n'); i >= 0; i = partial.indexOf('\n')) {
      lines.push(partial.slice(0, i));
      partial = partial.slice(i + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    lines,
    stderr: () => stderr,
    /** SIGINT (the documented way to stop tail and watch), SIGKILL if it does not exit within 10 s. */
    async interrupt() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}
