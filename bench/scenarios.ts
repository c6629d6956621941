import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { logProto } from '../src/rpc/proto';
import { MeterWindow, type RssSummary } from './process-meters';
import { type GeneratorResult, type OpKind, SingleWriter, preload, runGenerator } from './generator';
import { type Target, type TargetName, sleep, waitForLeader } from './targets/common';
import { startEtcd } from './targets/etcd';
import { startOrdo } from './targets/ordo';

export type ScenarioKind = OpKind | 'failover';
export const SCENARIO_KINDS: readonly ScenarioKind[] = ['put', 'get', 'get-serializable', 'append', 'failover'];

/** One measured scenario: `id` names it in tables (put@64), `scenario` is its kind (put). */
export interface ScenarioSpec {
  readonly id: string;
  readonly scenario: ScenarioKind;
  readonly inflight: number;
}

export interface Params {
  readonly inflight: number;
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** Records per append batch; each record is recordBytes (1 KiB). */
  readonly batch: number;
  readonly recordBytes: number;
  /** Distinct keys the requests spread over. */
  readonly keys: number;
  readonly timeoutMs: number;
  readonly failoverTrials: number;
  /** Per-attempt deadline of the failover writer before it moves to the next endpoint. */
  readonly failoverAttemptMs: number;
}

/** `all`: put at 1, 64, 256 in flight, linearizable get at 64, append, failover. */
export function expandScenario(name: string, p: Params): ScenarioSpec[] {
  if (name === 'all') {
    return [
      { id: 'put@1', scenario: 'put', inflight: 1 },
      { id: 'put@64', scenario: 'put', inflight: 64 },
      { id: 'put@256', scenario: 'put', inflight: 256 },
      { id: 'get@64', scenario: 'get', inflight: 64 },
      { id: `append@${p.inflight}`, scenario: 'append', inflight: p.inflight },
      { id: 'failover', scenario: 'failover', inflight: 1 },
    ];
  }
  if (!(SCENARIO_KINDS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}" (${SCENARIO_KINDS.join('|')}|all)`);
  const scenario = name as ScenarioKind;
  return [{ id: scenario === 'failover' ? 'failover' : `${scenario}@${p.inflight}`, scenario, inflight: scenario === 'failover' ? 1 : p.inflight }];
}

/** One run of a load scenario on one target (one fresh cluster). */
export interface LoadRun extends GeneratorResult {
  readonly type: 'load';
  readonly target: TargetName;
  readonly id: string;
  /** What opsPerSec counts: puts/ranges, or appended records. */
  readonly unit: 'ops' | 'records';
  readonly ops: number;
  /** Member index of the leader during the window; µs of CPU each member used in it. */
  readonly leader: number;
  readonly leaderChanged: boolean;
  readonly memberCpuUs: Array<number | null>;
  readonly generatorCpuUs: number;
  /** Each member's RSS over the window (member order); null where a member died. */
  readonly memberRss: Array<RssSummary | null>;
}

export interface FailoverRun {
  readonly type: 'failover';
  readonly target: TargetName;
  readonly id: string;
  /** Kill -9 of the leader to the first acknowledged put; null: none within 30 s. */
  readonly trialsMs: Array<number | null>;
  readonly writerErrors: Record<string, number>;
}

export type Run = LoadRun | FailoverRun;

export function startTarget(name: TargetName, log: (line: string) => void): Promise<Target> {
  return name === 'ordo' ? startOrdo(log) : startEtcd(log);
}

/** Keys `k000…0<i>`, exactly keyBytes long. */
export function makeKeys(count: number, keyBytes: number): Buffer[] {
  if (keyBytes < String(count).length + 1) throw new Error(`--key-bytes ${keyBytes} is too short for ${count} distinct keys`);
  return Array.from({ length: count }, (_, i) => Buffer.from('k' + String(i).padStart(keyBytes - 1, '0')));
}

/** Runs one scenario on a fresh cluster of `targetName`; null when the target has no such thing. */
export async function runScenario(spec: ScenarioSpec, targetName: TargetName, p: Params, label: string, log: (line: string) => void): Promise<Run | null> {
  if (spec.scenario === 'append' && targetName === 'etcd') return null; // etcd has no topic log
  const target = await startTarget(targetName, log);
  try {
    const leader = await waitForLeader(target.endpoints);
    log(`${label}: leader is member ${leader + 1} (${target.endpoints[leader]})`);
    if (spec.scenario === 'failover') return await failover(target, leader, spec, p, label, log);
    return await load(target, leader, spec, p, label, log);
  } finally {
    await target.stop();
  }
}

async function load(target: Target, leader: number, spec: ScenarioSpec, p: Params, label: string, log: (line: string) => void): Promise<LoadRun> {
  const kind = spec.scenario as OpKind;
  const keys = makeKeys(p.keys, p.keyBytes);
  const value = randomBytes(kind === 'append' ? p.recordBytes : p.valueBytes);
  let endpoints = target.endpoints;
  if (kind === 'get' || kind === 'get-serializable') {
    log(`${label}: preloading ${keys.length} keys`);
    await preload(target.endpoints, keys, randomBytes(p.valueBytes), p.timeoutMs);
  }
  if (kind === 'append') {
    endpoints = [target.endpoints[leader]]; // the Log service does not forward: leader only
    await createTopic(target.endpoints[leader], 'bench', p.timeoutMs);
  }
  let meters: MeterWindow | null = null;
  let used: ReturnType<MeterWindow['finish']> = { members: [], generatorUs: 0, rss: [] };
  const g = await runGenerator({
    kind,
    endpoints,
    connections: p.connections,
    inflight: spec.inflight,
    warmupS: p.warmupS,
    durationS: p.durationS,
    keys,
    value,
    ...(kind === 'append' ? { append: { topic: 'bench', records: p.batch } } : {}),
    timeoutMs: p.timeoutMs,
    label,
    progress: log,
    onWindowStart: () => (meters = new MeterWindow(target.pids())),
    onWindowEnd: () => (used = meters!.finish()),
  });
  const after = await waitForLeader(target.endpoints, 5000).catch(() => -1);
  const rssText = used.rss.map((r, i) => `${i + 1}: ${r ? `${r.baselineMb} -> ${r.endMb} MB (max ${r.maxMb}, ${r.driftPct >= 0 ? '+' : ''}${r.driftPct}%)` : 'n/a'}`);
  log(`${label}: RSS per member, baseline -> end: ${rssText.join('; ')}; leader ${after === leader ? 'unchanged' : 'CHANGED'}`);
  const perCall = kind === 'append' ? p.batch : 1;
  return {
    type: 'load',
    target: target.name,
    id: spec.id,
    unit: kind === 'append' ? 'records' : 'ops',
    ops: g.calls * perCall,
    calls: g.calls,
    seconds: g.seconds,
    hist: g.hist,
    errors: g.errors,
    errorSamples: g.errorSamples,
    warmupErrors: g.warmupErrors,
    leader,
    leaderChanged: after !== leader,
    memberCpuUs: used.members,
    generatorCpuUs: used.generatorUs,
    memberRss: used.rss,
  };
}

function createTopic(endpoint: string, topic: string, timeoutMs: number): Promise<void> {
  const client = new (logProto().ordo.v1.Log)(endpoint, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) =>
    client.createTopic({ topic }, { deadline: Date.now() + timeoutMs }, (err) => (err ? reject(new Error(`CreateTopic ${topic}: ${err.message}`)) : resolve())),
  ).finally(() => client.close());
}

/**
 * Kill -9 the leader while one client writes (1 in flight, all endpoints); the time from the kill
 * to the first acknowledgment of a put issued after it. Between trials the member is restarted and
 * the cluster must show a stable leader again.
 */
async function failover(target: Target, firstLeader: number, spec: ScenarioSpec, p: Params, label: string, log: (line: string) => void): Promise<FailoverRun> {
  const trialsMs: Array<number | null> = [];
  const writerErrors: Record<string, number> = {};
  let leader = firstLeader;
  for (let trial = 1; trial <= p.failoverTrials; trial++) {
    const key = makeKeys(1, p.keyBytes)[0];
    const writer = new SingleWriter(target.endpoints, { key, value: randomBytes(p.valueBytes) }, p.failoverAttemptMs);
    writer.start();
    await sleep(1000);
    if (writer.acks === 0) log(`${label}: warning: no put acknowledged in the second before the kill`);
    const killed = leader;
    const t0 = performance.now();
    const acked = writer.firstAckIssuedAfter(t0, 30_000);
    await target.kill(killed);
    const at = await acked;
    await writer.stop();
    for (const [k, v] of Object.entries(writer.errors)) writerErrors[k] = (writerErrors[k] ?? 0) + v;
    const ms = at === null ? null : at - t0;
    trialsMs.push(ms);
    log(`${label}: trial ${trial}/${p.failoverTrials}: killed member ${killed + 1}; first acknowledged put after ${ms === null ? 'none within 30 s' : `${ms.toFixed(0)} ms`}`);
    await target.restart(killed);
    leader = await waitForLeader(target.endpoints);
  }
  return { type: 'failover', target: target.name, id: spec.id, trialsMs, writerErrors };
}
