import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrdoClient } from '../client/client';
import { EtcdClient } from '../etcd-client';
import { SeededRand } from '../raft/core/rand';
import { ChaosCluster } from './chaos-cluster';
import { gapsBetween, HistoryRecorder } from './history';
import { MAX_NODE_ID, Nemesis, NemesisName, NemesisTiming, checkNemeses, defaultTiming } from './nemesis';
import { ProxyMesh } from './proxy-mesh';
import type { Workload, WorkloadVerdict } from './workloads/workload';

export interface ChaosOptions {
  readonly durationS: number;
  readonly nodes: number;
  readonly nemeses: readonly NemesisName[];
  readonly seed: number;
  readonly basePort: number;
  readonly workloads: readonly Workload[];
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
  readonly timing?: NemesisTiming;
  readonly checkTimeLimitMs?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosReport {
  readonly ok: boolean;
  readonly seed: number;
  readonly nodes: number;
  readonly durationS: number;
  readonly operations: { ok: number; fail: number; info: number };
  readonly faults: number;
  readonly faultLog: readonly string[];
  readonly elections: number;
  readonly unavailableWindowsMs: readonly { fromMs: number; toMs: number }[];
  readonly converged: { ok: boolean; detail: string };
  readonly verdicts: readonly WorkloadVerdict[];
  readonly dataDir: string;
  readonly historyFiles: readonly string[];
}

/**
 * One chaos run: a real cluster with proxied peer links, workloads recording histories while the
 * nemesis injects faults, then heal, convergence (identical state on every member), and the
 * workloads' verdicts. Whatever happens, every node and proxy it started is stopped.
 *
 * With the member nemesis, ids up to MAX_NODE_ID exist from the start as far as the proxies and
 * the workloads' endpoint lists go, so a node added later reaches its peers through proxies and
 * clients find it; the final checks cover the members at the end.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  checkNemeses(o.nemeses, o.nodes);
  const say = o.log ?? (() => undefined);
  const maxId = o.nemeses.includes('member') ? MAX_NODE_ID : o.nodes;
  const cluster = new ChaosCluster({ nodes: o.nodes, maxId, basePort: o.basePort, dataDir: o.dataDir, env: o.env });
  const rand = new SeededRand(o.seed);
  const mesh = new ProxyMesh(cluster.allIds, (f, t) => cluster.proxyPort(f, t), (id) => cluster.peerPort(id), () => rand.next());
  const clients: { close(): void }[] = [];
  const t0 = process.hrtime.bigint(); // one clock for every history, so they merge
  const histories = new Map(o.workloads.map((w) => [w, new HistoryRecorder(t0)]));
  let stopped = false;
  const cleanup = async () => {
    stopped = true;
    for (const c of clients) c.close();
    await mesh.close();
    await cluster.stop();
  };
  // A signal wins over whatever the run then throws because of it (a cluster stopped while it was
  // still starting, closed clients): the process exits 130 once everything is stopped, never 2.
  let interrupted: Promise<void> | null = null;
  const onSignal = () => {
    interrupted ??= cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await mesh.start();
    await cluster.start();
    say(`cluster of ${o.nodes} up in ${cluster.dataDir}; workloads ${o.workloads.map((w) => w.name).join(', ')}; nemesis ${o.nemeses.join(',') || 'none'}`);
    const clientFor = (endpoints: string[]) => {
      const c = new OrdoClient(endpoints, { deadlineMs: 5000 });
      clients.push(c);
      return c;
    };
    const etcdClientFor = (k: number) => {
      const c = new EtcdClient({ endpoints: cluster.endpoints, first: k % cluster.endpoints.length, deadlineMs: 5000 });
      clients.push(c);
      return c;
    };
    const rotated = (k: number) => cluster.endpoints.map((_, i) => cluster.endpoints[(i + k) % cluster.endpoints.length]);
    const elections = new Set<string>();
    const watcher = watchElections(cluster, elections, () => stopped);
    const nemesis = new Nemesis(cluster, mesh, o.nemeses, o.seed, o.timing ?? defaultTiming);
    const deadline = Date.now() + o.durationS * 1000;
    const timeUp = () => stopped || Date.now() >= deadline;
    await Promise.all([
      ...o.workloads.map((w) => w.run({ endpoints: cluster.endpoints, history: histories.get(w)!, client: (k) => clientFor(rotated(k)), etcdClient: etcdClientFor, seed: o.seed, stopped: timeUp })),
      nemesis.run(timeUp),
    ]);
    say('workloads stopped; healing');
    await nemesis.healAll();
    const converged = await waitConverged(cluster, 60_000);
    say(`convergence: ${converged.detail}`);
    stopped = true;
    await watcher;
    const verdicts: WorkloadVerdict[] = [];
    const historyFiles: string[] = [];
    for (const [w, history] of histories) {
      const file = join(cluster.dataDir, `history-${w.name}.jsonl`);
      history.writeJsonl(file);
      historyFiles.push(file);
      const ctx = { endpoints: cluster.memberEndpoints, history, client: (k: number) => clientFor(rotated(k)), nodeClient: (e: string) => clientFor([e]), timeLimitMs: o.checkTimeLimitMs ?? 120_000 };
      verdicts.push(await w.verify(ctx));
    }
    const all = [...histories.values()];
    const operations = all.map((h) => h.counts()).reduce((a, b) => ({ ok: a.ok + b.ok, fail: a.fail + b.fail, info: a.info + b.info }), { ok: 0, fail: 0, info: 0 });
    const report: ChaosReport = {
      ok: converged.ok && verdicts.every((v) => v.ok),
      seed: o.seed,
      nodes: o.nodes,
      durationS: o.durationS,
      operations,
      faults: nemesis.faults,
      faultLog: nemesis.log,
      elections: elections.size,
      unavailableWindowsMs: mergedGaps(all, 1000),
      converged,
      verdicts,
      dataDir: cluster.dataDir,
      historyFiles,
    };
    writeFileSync(join(cluster.dataDir, 'report.json'), JSON.stringify(report, null, 2));
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (interrupted) await interrupted; // exits
    await cleanup();
  }
}

/** Polls every member for (term, leader) pairs: each distinct one is an election seen. */
async function watchElections(cluster: ChaosCluster, seen: Set<string>, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    for (const s of await cluster.statuses()) if (s?.role === 'leader') seen.add(`${s.term}/${s.id}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** All members up with equal commit, applied and last indexes, the same committed log (as far as comparable) and the same state. */
async function waitConverged(cluster: ChaosCluster, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    const ids = cluster.ids;
    const s = await cluster.statuses(true);
    last = s.map((x, i) => (x ? `${x.id}:${x.role}/t${x.term}/c${x.commitIndex}/a${x.appliedIndex}/f${x.firstIndex}/l${x.lastLogIndex}/${x.stateDigest.slice(0, 8)}` : `${ids[i]}:unreachable`)).join(' ');
    const up = s.filter((x) => x !== null);
    const leader = up.find((x) => x!.role === 'leader');
    if (up.length === s.length && leader) {
      // A log digest covers the entries from the node's first index on, and each node compacts its
      // log at its own pace: only digests that start where the leader's does can be compared.
      const logComparable = up.filter((x) => x!.firstIndex === leader.firstIndex);
      const same =
        up.every(
          (x) =>
            x!.commitIndex === leader.commitIndex &&
            x!.appliedIndex === leader.commitIndex &&
            x!.lastLogIndex === leader.lastLogIndex &&
            x!.stateDigest === leader.stateDigest,
        ) && logComparable.every((x) => x!.logDigest === leader.logDigest);
      if (same) {
        const uncompared = s.length - logComparable.length;
        const log = `${leader.logDigest}${uncompared > 0 ? `; ${uncompared} compacted to another first index, not compared` : ''}`;
        return { ok: true, detail: `all ${s.length} members (${ids.join(',')}) at index ${leader.commitIndex}: identical committed log (${log}) and state (${leader.stateDigest})` };
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { ok: false, detail: `no convergence within ${timeoutMs} ms: ${last}` };
}

function mergedGaps(histories: HistoryRecorder[], minGapMs: number): { fromMs: number; toMs: number }[] {
  return gapsBetween(histories.flatMap((h) => h.okTimesMs()).sort((a, b) => a - b), minGapMs);
}
