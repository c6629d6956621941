import { Simulation, SimOptions, SimResult } from './simulation';

/** Totals over a sweep of seeds, as printed by `npm run sim`. */
export interface SweepSummary {
  seeds: number;
  steps: number;
  elections: number;
  commits: number;
  faults: number;
  proposalsAcked: number;
  readsServed: number;
  compactions: number;
  snapshotsInstalled: number;
  configChanges: number;
  violations: SimResult[];
}

export function emptySummary(): SweepSummary {
  return { seeds: 0, steps: 0, elections: 0, commits: 0, faults: 0, proposalsAcked: 0, readsServed: 0, compactions: 0, snapshotsInstalled: 0, configChanges: 0, violations: [] };
}

export function addResult(sum: SweepSummary, r: SimResult): void {
  sum.seeds++;
  sum.steps += r.steps;
  sum.elections += r.elections;
  sum.commits += r.commits;
  sum.faults += r.faults;
  sum.proposalsAcked += r.proposalsAcked;
  sum.readsServed += r.readsServed;
  sum.compactions += r.compactions;
  sum.snapshotsInstalled += r.snapshotsInstalled;
  sum.configChanges += r.configChanges;
  if (r.violation) sum.violations.push(r);
}

export function mergeSummaries(a: SweepSummary, b: SweepSummary): SweepSummary {
  return {
    seeds: a.seeds + b.seeds,
    steps: a.steps + b.steps,
    elections: a.elections + b.elections,
    commits: a.commits + b.commits,
    faults: a.faults + b.faults,
    proposalsAcked: a.proposalsAcked + b.proposalsAcked,
    readsServed: a.readsServed + b.readsServed,
    compactions: a.compactions + b.compactions,
    snapshotsInstalled: a.snapshotsInstalled + b.snapshotsInstalled,
    configChanges: a.configChanges + b.configChanges,
    violations: [...a.violations, ...b.violations],
  };
}

/** Runs the given seeds one after another, in this thread. */
export function runSeeds(
  base: Omit<SimOptions, 'seed'>,
  seeds: readonly number[],
  stopAtFirstViolation = false,
): SweepSummary {
  const sum = emptySummary();
  for (const seed of seeds) {
    const r = new Simulation({ ...base, seed }).run();
    addResult(sum, r);
    if (r.violation && stopAtFirstViolation) break;
  }
  return sum;
}
