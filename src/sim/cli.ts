/**
 * `npm run sim -- --seeds N [--nodes 3|5] [--steps M] [--first S] [--workers W]`
 * `npm run sim -- --seed S [--nodes 3|5] [--steps M] [--trace]`   (replays one seed exactly)
 * Log compaction (snapshots) and membership changes run by default; `--no-snapshots` and
 * `--no-membership` switch them off.
 * `--mutation vote|figure8|read|twochanges|truncate` runs a deliberately broken core, to show the checks fire.
 * Exit code 0 when no seed violated a property, 1 when one did (its seed is printed), 2 on bad usage.
 */
import { cpus } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { UnsafeMutations } from '../raft/core/types';
import { Simulation } from './simulation';
import { SweepSummary, emptySummary, mergeSummaries, runSeeds } from './run-seeds';

interface CliOptions {
  seeds: number;
  first: number;
  seed: number | null;
  nodes: number;
  steps: number;
  workers: number;
  trace: boolean;
  snapshots: boolean;
  membership: boolean;
  unsafe: UnsafeMutations | undefined;
  mutation: string | undefined;
}

const MUTATIONS: Record<string, UnsafeMutations> = {
  vote: { skipVoteLogCheck: true },
  figure8: { commitPriorTermByCount: true },
  read: { readWithoutQuorum: true },
  twochanges: { concurrentConfigChanges: true },
  truncate: { compactBeyondApplied: true },
};

function usage(msg: string): never {
  process.stderr.write(
    `sim: ${msg}\nusage: npm run sim -- --seeds N [--nodes 3|4|5] [--steps M] [--first S] [--workers W] [--no-snapshots] [--no-membership] [--mutation ${Object.keys(MUTATIONS).join('|')}]\n` +
      `       npm run sim -- --seed S [--nodes 3|4|5] [--steps M] [--no-snapshots] [--no-membership] [--mutation ...] [--trace]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    seeds: 200,
    first: 1,
    seed: null,
    nodes: 3,
    steps: 20000,
    workers: Math.min(2, cpus().length),
    trace: false,
    snapshots: true,
    membership: true,
    unsafe: undefined,
    mutation: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) usage(`${flag} needs a non-negative integer, got ${argv[i]}`);
      return v;
    };
    if (flag === '--seeds') o.seeds = num();
    else if (flag === '--first') o.first = num();
    else if (flag === '--seed') o.seed = num();
    else if (flag === '--nodes') o.nodes = num();
    else if (flag === '--steps') o.steps = num();
    else if (flag === '--workers') o.workers = Math.max(1, num());
    else if (flag === '--trace') o.trace = true;
    else if (flag === '--no-snapshots') o.snapshots = false;
    else if (flag === '--no-membership') o.membership = false;
    else if (flag === '--mutation') {
      o.mutation = argv[++i];
      const m = MUTATIONS[o.mutation];
      if (!m) usage(`--mutation must be one of ${Object.keys(MUTATIONS).join(', ')}`);
      o.unsafe = m;
    } else usage(`unknown flag ${flag}`);
  }
  if (o.nodes < 1 || o.nodes > 9) usage('--nodes must be between 1 and 9');
  return o;
}

function printSummary(s: SweepSummary, o: CliOptions, elapsedMs: number): void {
  const stepsPerSec = Math.round(s.steps / Math.max(elapsedMs / 1000, 0.001));
  console.log(
    `seeds run: ${s.seeds}  nodes: ${o.nodes}  steps: ${s.steps}  elections: ${s.elections}  commits: ${s.commits}  ` +
      `faults injected: ${s.faults}  writes acked: ${s.proposalsAcked}  reads served: ${s.readsServed}  ` +
      `compactions: ${s.compactions}  snapshots installed: ${s.snapshotsInstalled}  config changes: ${s.configChanges}`,
  );
  const flags = `${o.snapshots ? '' : ' --no-snapshots'}${o.membership ? '' : ' --no-membership'}${o.mutation ? ` --mutation ${o.mutation}` : ''}`;
  for (const v of s.violations.slice(0, 10)) {
    console.log(`VIOLATION seed ${v.seed}: ${v.violation}\n  replay: npm run sim -- --seed ${v.seed} --nodes ${o.nodes} --steps ${o.steps}${flags} --trace`);
  }
  console.log(`violations: ${s.violations.length}  time: ${(elapsedMs / 1000).toFixed(1)} s  throughput: ${stepsPerSec} simulated steps/s`);
}

/** Workers load this TypeScript file again through tsx's CommonJS hook (or plain require once compiled). */
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
if (workerData.file.endsWith('.ts')) require('tsx/cjs/api').register();
require(workerData.file);
`;

function seedSlice(o: CliOptions, worker: number): number[] {
  const out: number[] = [];
  for (let k = worker; k < o.seeds; k += o.workers) out.push(o.first + k);
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const base = { nodes: o.nodes, steps: o.steps, snapshots: o.snapshots, membership: o.membership, unsafe: o.unsafe };
  const t0 = performance.now();
  if (o.seed !== null) {
    const r = new Simulation({ ...base, seed: o.seed, trace: o.trace ? (l) => console.log(l) : undefined }).run();
    const sum = emptySummary();
    sum.seeds = 1;
    Object.assign(sum, {
      steps: r.steps,
      elections: r.elections,
      commits: r.commits,
      faults: r.faults,
      proposalsAcked: r.proposalsAcked,
      readsServed: r.readsServed,
      compactions: r.compactions,
      snapshotsInstalled: r.snapshotsInstalled,
      configChanges: r.configChanges,
    });
    if (r.violation) sum.violations.push(r);
    printSummary(sum, o, performance.now() - t0);
    process.exit(r.violation ? 1 : 0);
  }
  const parts = await Promise.all(
    Array.from({ length: o.workers }, (_, w) =>
      new Promise<SweepSummary>((resolve, reject) => {
        const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { base, seeds: seedSlice(o, w), file: __filename } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
    ),
  );
  const total = parts.reduce(mergeSummaries, emptySummary());
  total.violations.sort((a, b) => a.seed - b.seed);
  printSummary(total, o, performance.now() - t0);
  process.exit(total.violations.length > 0 ? 1 : 0);
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(2);
  });
} else {
  const { base, seeds } = workerData as { base: Parameters<typeof runSeeds>[0]; seeds: number[] };
  parentPort!.postMessage(runSeeds(base, seeds));
}
