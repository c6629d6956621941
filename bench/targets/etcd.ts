import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Target, alive, freeBase, killAllAndRemove, killHard, runningTargets, waitGone, waitListening } from './common';

const ETCD = '/usr/bin/etcd';
const MEMBERS = 3;

/** Debian's etcd (package etcd-server); installed with apt-get when missing and we are root. */
export function ensureEtcd(log: (line: string) => void): string {
  if (existsSync(ETCD)) return ETCD;
  if (process.getuid?.() !== 0) throw new Error(`${ETCD} is missing: apt-get install -y etcd-server (as root)`);
  log('etcd: installing etcd-server with apt-get');
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('apt-get', ['install', '-y', 'etcd-server'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return ETCD;
}

/**
 * A fresh 3-member etcd cluster on loopback with etcd's defaults (fsync on, heartbeat 100 ms,
 * election 1000 ms): clients on B..B+2, peers on B+10..B+12 with B = 23790 or the next free range.
 */
export async function startEtcd(log: (line: string) => void): Promise<Target> {
  const bin = ensureEtcd(log);
  const base = await freeBase(
    Array.from({ length: 10 }, (_, k) => 23790 + 100 * k),
    [0, 1, 2, 10, 11, 12],
  );
  const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-etcd-'));
  const token = `bench-${randomBytes(4).toString('hex')}`;
  const clientPort = (i: number) => base + i;
  const peerPort = (i: number) => base + 10 + i;
  const initialCluster = Array.from({ length: MEMBERS }, (_, i) => `m${i + 1}=http://127.0.0.1:${peerPort(i)}`).join(',');
  const endpoints = Array.from({ length: MEMBERS }, (_, i) => `127.0.0.1:${clientPort(i)}`);
  const pids: number[] = [];
  let stopped = false;

  const spawnMember = (i: number): void => {
    const out = openSync(join(dir, `m${i + 1}.log`), 'a');
    const args = [
      '--name', `m${i + 1}`,
      '--data-dir', join(dir, `m${i + 1}`),
      '--listen-client-urls', `http://127.0.0.1:${clientPort(i)}`,
      '--advertise-client-urls', `http://127.0.0.1:${clientPort(i)}`,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort(i)}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort(i)}`,
      '--initial-cluster', initialCluster,
      '--initial-cluster-token', token,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
    ];
    // Own process group: a Ctrl-C reaches only the bench, which then stops the members by pid.
    const child = spawn(bin, args, { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    child.on('error', () => undefined);
    pids[i] = child.pid ?? -1;
  };

  const target: Target = {
    name: 'etcd',
    endpoints,
    pids: () => [...pids],
    async kill(i) {
      killHard(pids[i]);
      await waitGone(pids[i]);
    },
    async restart(i) {
      if (alive(pids[i])) await target.kill(i);
      spawnMember(i);
      await waitListening(clientPort(i), 30_000, () => alive(pids[i]));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      runningTargets.delete(target);
      for (const pid of pids) killHard(pid);
      for (const pid of pids) await waitGone(pid, 5000);
      rmSync(dir, { recursive: true, force: true });
    },
    abandon() {
      stopped = true;
      runningTargets.delete(target);
      killAllAndRemove(pids, dir);
    },
  };
  runningTargets.add(target);
  log(`etcd: starting 3 members at client ports ${clientPort(0)}-${clientPort(2)} in ${dir}`);
  try {
    for (let i = 0; i < MEMBERS; i++) spawnMember(i);
    for (let i = 0; i < MEMBERS; i++) await waitListening(clientPort(i), 30_000, () => alive(pids[i]));
  } catch (e) {
    const tail = (i: number) => {
      try {
        return readFileSync(join(dir, `m${i + 1}.log`), 'utf8').split('\n').slice(-3).join('\n');
      } catch {
        return '';
      }
    };
    const logs = [0, 1, 2].map(tail).join('\n');
    await target.stop();
    throw new Error(`etcd did not start: ${(e as Error).message}\n${logs}`);
  }
  return target;
}
