import type { RssSummary } from './process-meters';
import type { Floor } from './floor';
import { Histogram } from './histogram';
import type { FailoverRun, LoadRun, Run, ScenarioSpec } from './scenarios';
import type { TargetName } from './targets/common';

/** One target's figures for one scenario, over every round of it. */
export interface TargetSummary {
  readonly unit: 'ops' | 'records' | 'failover';
  readonly rounds: number;
  /** Load scenarios: ops (or records) per second over all rounds' windows; failover: null. */
  readonly opsPerSec: number | null;
  readonly perRoundOpsPerSec?: number[];
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly maxMs: number | null;
  readonly errors: Record<string, number>;
  readonly errorSamples?: Record<string, string>;
  /** CPU µs per op (per record for append) of the leader, of each follower, of the load generator. */
  readonly cpuUsPerOp?: { leader: number | null; followers: Array<number | null>; generator: number | null };
  readonly leaderChanged?: boolean;
  /** RSS of each member (member order) over the last round's window; see RssSummary. */
  readonly rss?: Array<RssSummary | null>;
  /** Failover: kill -9 of the leader to the first acknowledged put, median and every trial. */
  readonly failoverMedianMs?: number | null;
  readonly failoverTrialsMs?: Array<number | null>;
}

export interface ScenarioReport {
  readonly scenario: string;
  readonly id: string;
  readonly inflight: number;
  readonly ordo: TargetSummary | null;
  readonly etcd: TargetSummary | null;
  /** ordo/etcd throughput (failover: ordo/etcd median time); null when one side is missing. */
  readonly ratio: number | null;
  readonly p99Ratio: number | null;
  readonly leaderCpuRatio: number | null;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export function summarize(runs: readonly Run[]): TargetSummary | null {
  if (runs.length === 0) return null;
  if (runs[0].type === 'failover') {
    const trials = (runs as FailoverRun[]).flatMap((r) => r.trialsMs);
    const errors: Record<string, number> = {};
    for (const r of runs as FailoverRun[]) for (const [k, v] of Object.entries(r.writerErrors)) errors[k] = (errors[k] ?? 0) + v;
    const med = median(trials.filter((t): t is number => t !== null));
    return {
      unit: 'failover',
      rounds: runs.length,
      opsPerSec: null,
      p50Ms: null,
      p90Ms: null,
      p99Ms: null,
      p999Ms: null,
      maxMs: null,
      errors,
      failoverMedianMs: med === null ? null : round(med, 1),
      failoverTrialsMs: trials.map((t) => (t === null ? null : round(t, 1))),
    };
  }
  const loads = runs as LoadRun[];
  const hist = new Histogram();
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  let ops = 0;
  let seconds = 0;
  let leaderUs = 0;
  let leaderOps = 0;
  const followerUs = [0, 0];
  let followerOps = 0;
  let generatorUs = 0;
  for (const r of loads) {
    hist.merge(r.hist);
    ops += r.ops;
    seconds += r.seconds;
    generatorUs += r.generatorCpuUs;
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    Object.assign(errorSamples, r.errorSamples);
    const l = r.memberCpuUs[r.leader];
    const f = r.memberCpuUs.filter((_, i) => i !== r.leader);
    if (l !== null && l !== undefined) {
      leaderUs += l;
      leaderOps += r.ops;
    }
    if (f.length === 2 && f.every((x) => x !== null)) {
      followerUs[0] += f[0]!;
      followerUs[1] += f[1]!;
      followerOps += r.ops;
    }
  }
  const ms = (p: number) => round(hist.percentileUs(p) / 1000);
  return {
    unit: loads[0].unit,
    rounds: loads.length,
    opsPerSec: seconds > 0 ? round(ops / seconds, 1) : 0,
    perRoundOpsPerSec: loads.map((r) => round(r.seconds > 0 ? r.ops / r.seconds : 0, 1)),
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
    p999Ms: ms(99.9),
    maxMs: round(hist.maxUs / 1000),
    errors,
    errorSamples,
    cpuUsPerOp: {
      leader: leaderOps ? round(leaderUs / leaderOps, 1) : null,
      followers: followerOps ? followerUs.map((u) => round(u / followerOps, 1)) : [null, null],
      generator: ops ? round(generatorUs / ops, 1) : null,
    },
    leaderChanged: loads.some((r) => r.leaderChanged),
    rss: loads[loads.length - 1].memberRss,
  };
}

export function scenarioReport(spec: ScenarioSpec, ordo: TargetSummary | null, etcd: TargetSummary | null): ScenarioReport {
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? round(a / b) : null);
  const isFailover = spec.scenario === 'failover';
  return {
    scenario: spec.scenario,
    id: spec.id,
    inflight: spec.inflight,
    ordo,
    etcd,
    ratio: isFailover ? ratio(ordo?.failoverMedianMs, etcd?.failoverMedianMs) : ratio(ordo?.opsPerSec, etcd?.opsPerSec),
    p99Ratio: ratio(ordo?.p99Ms, etcd?.p99Ms),
    leaderCpuRatio: ratio(ordo?.cpuUsPerOp?.leader, etcd?.cpuUsPerOp?.leader),
  };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---- text tables ----------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const num = (n: number | null | undefined, digits = 1) => (n == null ? '-' : n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits));
const errs = (e: Record<string, number>) => Object.entries(e).map(([k, v]) => `${k}:${v}`).join(',') || '0';

export function floorText(f: Floor): string {
  return (
    `floor (this machine, no replication; temp dir ${f.dir}): ` +
    `fsync 4 KiB p50 ${f.fsync.p50Ms.toFixed(3)} ms, p99 ${f.fsync.p99Ms.toFixed(3)} ms (${f.fsync.count} syncs); ` +
    `LevelDB sync batches of 100 x 128 B: ${num(f.leveldbBatch.entriesPerSec)} entries/s (batch p50 ${f.leveldbBatch.batchP50Ms.toFixed(2)} ms)`
  );
}

export function summaryTable(reports: readonly ScenarioReport[]): string {
  const rows: string[][] = [];
  const failovers: string[][] = [];
  for (const r of reports) {
    for (const name of ['ordo', 'etcd'] as TargetName[]) {
      const s = r[name];
      if (!s) continue;
      if (s.unit === 'failover') {
        const trials = (s.failoverTrialsMs ?? []).map((t) => (t === null ? 'none' : t.toFixed(0))).join(' ');
        failovers.push([r.id, name, num(s.failoverMedianMs, 0), trials, errs(s.errors)]);
        continue;
      }
      const cpu = s.cpuUsPerOp;
      rows.push([
        r.id,
        name,
        `${num(s.opsPerSec)}${s.unit === 'records' ? ' rec/s' : ''}`,
        num(s.p50Ms, 2),
        num(s.p90Ms, 2),
        num(s.p99Ms, 2),
        num(s.p999Ms, 2),
        num(s.maxMs, 2),
        errs(s.errors),
        num(cpu?.leader),
        (cpu?.followers ?? []).map((f) => num(f)).join(' / '),
        num(cpu?.generator),
      ]);
    }
  }
  const parts: string[] = [];
  if (rows.length) parts.push(table(['scenario', 'target', 'ops/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'CPU µs/op leader', 'followers', 'generator'], rows));
  if (failovers.length) {
    parts.push(table(['scenario', 'target', 'median ms', 'trials ms (kill -9 of the leader to the first acknowledged put)', 'writer errors'], failovers));
  }
  return parts.join('\n\n');
}

export function ratioTable(reports: readonly ScenarioReport[]): string {
  const rows = reports.map((r) => {
    const f = r.scenario === 'failover';
    return [r.id, f ? 'failover time' : 'throughput', num(r.ratio, 2), f ? '-' : num(r.p99Ratio, 2), f ? '-' : num(r.leaderCpuRatio, 2)];
  });
  return (
    table(['scenario', 'ratio of', 'ordo/etcd', 'p99 ordo/etcd', 'leader CPU ordo/etcd'], rows) +
    '\n(throughput: > 1 means ordo is faster; p99, CPU and failover time: < 1 means ordo is better; - : no etcd equivalent)'
  );
}

/** Error messages ordo / etcd answered with, one per status code. */
export function errorNotes(reports: readonly ScenarioReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const name of ['ordo', 'etcd'] as TargetName[]) {
      for (const [code, msg] of Object.entries(r[name]?.errorSamples ?? {})) lines.push(`  ${r.id} ${name} ${code}: ${msg}`);
    }
  }
  return lines.length ? `errors seen (one message per status code, warm-up included):\n${lines.join('\n')}` : '';
}
