import { runSeeds } from '../../src/sim/run-seeds';
import { Simulation } from '../../src/sim/simulation';

/**
 * The CI sweep: seeded simulations of 3, 4 and 5 cores under crashes, pauses, partitions and
 * lossy links, with log compaction, snapshots streamed to lagging and new nodes, and membership
 * changes from a pool of ids, and every safety property checked after every step. Longer sweeps:
 * `npm run sim -- --seeds 100000`.
 */
describe('deterministic simulation sweep', () => {
  it.each([3, 4, 5])('%i nodes: 200 seeds, no violation, real work done', (nodes) => {
    const seeds = Array.from({ length: 200 }, (_, i) => 1 + i);
    const sum = runSeeds({ nodes, steps: 8000 }, seeds);
    expect(sum.violations.map((v) => `seed ${v.seed}: ${v.violation}`)).toEqual([]);
    expect(sum.seeds).toBe(200);
    // A sweep that elects nobody or commits nothing would prove nothing.
    expect(sum.elections).toBeGreaterThan(200);
    expect(sum.proposalsAcked).toBeGreaterThan(200 * 50);
    expect(sum.readsServed).toBeGreaterThan(200 * 10);
    expect(sum.faults).toBeGreaterThan(200);
    // ... nor one that never compacts, never ships a snapshot, never changes the membership.
    expect(sum.compactions).toBeGreaterThan(200 * 10);
    expect(sum.snapshotsInstalled).toBeGreaterThan(200);
    expect(sum.configChanges).toBeGreaterThan(200);
  });

  it('3 nodes without snapshots or membership changes: 100 seeds, no violation', () => {
    const seeds = Array.from({ length: 100 }, (_, i) => 1 + i);
    const sum = runSeeds({ nodes: 3, steps: 8000, snapshots: false, membership: false }, seeds);
    expect(sum.violations.map((v) => `seed ${v.seed}: ${v.violation}`)).toEqual([]);
    expect(sum.compactions + sum.snapshotsInstalled + sum.configChanges).toBe(0);
  });

  it('replays a seed exactly', () => {
    const a: string[] = [];
    const b: string[] = [];
    const ra = new Simulation({ seed: 42, nodes: 5, steps: 5000, trace: (l) => a.push(l) }).run();
    const rb = new Simulation({ seed: 42, nodes: 5, steps: 5000, trace: (l) => b.push(l) }).run();
    expect(ra).toEqual(rb);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(3);
  });
});

describe('the simulator catches broken cores (mutation checks)', () => {
  const firstViolation = (unsafe: object, nodes: number, maxSeeds: number) => {
    const seeds = Array.from({ length: maxSeeds }, (_, i) => 1 + i);
    return runSeeds({ nodes, steps: 20000, unsafe }, seeds, true).violations[0]?.violation ?? null;
  };

  it('votes granted without the up-to-date check (5.4.1) lose committed entries within 50 seeds', () => {
    expect(firstViolation({ skipVoteLogCheck: true }, 3, 50)).toMatch(/Leader Completeness|State Machine Safety|Core assertion|Log Matching/);
  });

  it('reads released without a quorum round (6.4) are caught as stale within 50 seeds', () => {
    expect(firstViolation({ readWithoutQuorum: true }, 3, 50)).toMatch(/Linearizable Read/);
  });

  it('a second membership change accepted before the first commits (4.1) is caught within 20 seeds', () => {
    expect(firstViolation({ concurrentConfigChanges: true }, 3, 20)).toMatch(/Single-Server Change|Election Safety|State Machine Safety|Leader Completeness/);
  });

  it('compaction past the applied index (chapter 5) is caught within 20 seeds', () => {
    expect(firstViolation({ compactBeyondApplied: true }, 3, 20)).toMatch(/Snapshot State|State Machine Safety|Apply Order|Core assertion/);
  });
});
