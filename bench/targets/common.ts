import * as grpc from '@grpc/grpc-js';
import { rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { KVClient } from '../../src/generated/etcd/etcdserverpb/KV';
import type { MaintenanceClient } from '../../src/generated/etcd/etcdserverpb/Maintenance';
import type { StatusResponse__Output } from '../../src/generated/etcd/etcdserverpb/StatusResponse';
import { etcdProto } from '../../src/rpc/proto';

export type TargetName = 'ordo' | 'etcd';

/** A running 3-member cluster the benchmark drives; member i serves clients on endpoints[i]. */
export interface Target {
  readonly name: TargetName;
  readonly endpoints: readonly string[];
  /** Current pid of each member (a restarted member has a new one). */
  pids(): number[];
  /** SIGKILL member i and wait until it is gone. */
  kill(i: number): Promise<void>;
  /** Start member i again on its data and wait until it listens. */
  restart(i: number): Promise<void>;
  /** Kill every member by pid and remove the data dir. Idempotent; never throws. */
  stop(): Promise<void>;
  /** The same, synchronously and at once (SIGKILL): for process exit. */
  abandon(): void;
}

/** Channel options of every bench channel: own TCP connection each (no shared subchannel pool). */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': 16 << 20,
  'grpc.max_send_message_length': 16 << 20,
};

export function newChannel(endpoint: string): grpc.Channel {
  return new grpc.Channel(endpoint, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

export function kvClient(endpoint: string, channel: grpc.Channel): KVClient {
  return new (etcdProto().etcdserverpb.KV)(endpoint, grpc.credentials.createInsecure(), { channelOverride: channel });
}

export function maintenanceClient(endpoint: string): MaintenanceClient {
  return new (etcdProto().etcdserverpb.Maintenance)(endpoint, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function status(c: MaintenanceClient, timeoutMs: number): Promise<StatusResponse__Output | null> {
  return new Promise((resolve) => c.Status({}, { deadline: Date.now() + timeoutMs }, (err, res) => resolve(err || !res ? null : res)));
}

/**
 * Index of the leader: every endpoint answers etcd's Maintenance.Status, all name the same nonzero
 * leader, that leader is the member_id of one of them, twice in a row. Same call for both targets.
 */
export async function waitForLeader(endpoints: readonly string[], timeoutMs = 30_000): Promise<number> {
  const clients = endpoints.map(maintenanceClient);
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  try {
    while (Date.now() < deadline) {
      const all = await Promise.all(clients.map((c) => status(c, 1000)));
      let found = -1;
      if (all.every((s) => s !== null)) {
        const leaders = new Set(all.map((s) => s!.leader));
        const leader = all[0]!.leader;
        if (leaders.size === 1 && leader !== '0') found = all.findIndex((s) => s!.header?.member_id === leader);
      }
      if (found >= 0 && found === previous) return found;
      previous = found;
      await sleep(found >= 0 ? 200 : 100);
    }
  } finally {
    for (const c of clients) c.close();
  }
  throw new Error(`no stable leader among ${endpoints.join(',')} within ${timeoutMs} ms`);
}

/** True if nothing listens on 127.0.0.1:port. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The first base in `candidates` for which every port base+offset is free. */
export async function freeBase(candidates: readonly number[], offsets: readonly number[]): Promise<number> {
  for (const base of candidates) {
    let ok = true;
    for (const o of offsets) if (!(await portFree(base + o))) ok = false;
    if (ok) return base;
  }
  throw new Error(`no free port range among bases ${candidates.join(', ')}`);
}

/** Waits until a process is gone (polling kill -0). */
export async function waitGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return !alive(pid);
}

export function alive(pid: number): boolean {
  if (!(pid > 0)) return false; // never signal a process group (0) or everything (-1)
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Last resort on SIGINT or an error: SIGKILL every member and remove the cluster's directory. */
export function killAllAndRemove(pids: readonly number[], dir: string): void {
  for (const pid of pids) killHard(pid);
  rmSync(dir, { recursive: true, force: true });
}

/** SIGKILL a pid if it still runs; ignores errors. */
export function killHard(pid: number): void {
  if (!(pid > 0)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

/** True if 127.0.0.1:port accepts a TCP connection. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Waits until 127.0.0.1:port accepts connections. */
export async function waitListening(port: number, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await portOpen(port)) return;
    if (!isAlive()) throw new Error(`process for port ${port} exited during start-up`);
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}

/** Every target still running, so SIGINT / errors can stop them all. */
export const runningTargets = new Set<Target>();
