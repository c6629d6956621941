import { SeededRand } from '../raft/core/rand';
import type { ChaosCluster } from './chaos-cluster';
import type { ProxyMesh } from './proxy-mesh';

export const NEMESES = ['kill', 'pause', 'partition', 'oneway', 'bridge', 'slow', 'lossy', 'rolling'] as const;
export type NemesisName = (typeof NEMESES)[number];

export function parseNemeses(spec: string): NemesisName[] {
  if (spec === 'all') return [...NEMESES];
  if (spec === 'none') return [];
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(NEMESES as readonly string[]).includes(n)) throw new Error(`unknown nemesis "${n}" (expected all, none or a list of ${NEMESES.join(', ')})`);
  }
  return names as NemesisName[];
}

export interface NemesisTiming {
  /** How long one fault lasts; a pause lasts longer than the election timeout. */
  readonly faultMsMin: number;
  readonly faultMsMax: number;
  /** Quiet time between two faults, so the cluster can recover and make progress. */
  readonly quietMsMin: number;
  readonly quietMsMax: number;
}

export const defaultTiming: NemesisTiming = { faultMsMin: 1500, faultMsMax: 5000, quietMsMin: 1000, quietMsMax: 3000 };

/**
 * Injects one fault at a time on a seeded schedule, heals it, waits, and goes again. Process
 * faults go through cluster-scripts/node.sh; network faults through the proxy mesh.
 */
export class Nemesis {
  readonly log: string[] = [];
  faults = 0;
  private readonly rand: SeededRand;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly mesh: ProxyMesh,
    private readonly enabled: readonly NemesisName[],
    seed: number,
    private readonly timing: NemesisTiming = defaultTiming,
    private readonly t0 = Date.now(),
  ) {
    this.rand = new SeededRand(seed);
  }

  async run(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      await this.wait(this.between(this.timing.quietMsMin, this.timing.quietMsMax), stopped);
      if (stopped() || this.enabled.length === 0) break;
      const name = this.rand.pick(this.enabled);
      this.faults++;
      await this.inject(name, stopped);
    }
  }

  /** Everything back to normal: links up, paused nodes resumed, dead nodes restarted. */
  async healAll(): Promise<void> {
    this.mesh.heal();
    await this.cluster.healProcesses();
    this.note('heal all');
  }

  private async inject(name: NemesisName, stopped: () => boolean): Promise<void> {
    const hold = () => this.wait(this.between(this.timing.faultMsMin, this.timing.faultMsMax), stopped);
    const ids = this.cluster.ids;
    const leader = await this.cluster.leader();
    const victim = leader !== null && this.rand.chance(0.5) ? leader : this.rand.pick(ids);
    switch (name) {
      case 'kill':
        this.note(`kill -9 node ${victim}${victim === leader ? ' (leader)' : ''}`);
        await this.cluster.kill(victim);
        await hold();
        await this.cluster.restart(victim);
        this.note(`restart node ${victim}`);
        return;
      case 'pause':
        this.note(`pause (SIGSTOP) node ${victim}${victim === leader ? ' (leader)' : ''}`);
        await this.cluster.pause(victim);
        await hold();
        await this.cluster.resume(victim);
        this.note(`resume node ${victim}`);
        return;
      case 'partition': {
        const minority = this.rand.chance(0.4) && leader !== null ? [leader] : this.rand.shuffle(ids).slice(0, Math.floor((ids.length - 1) / 2) || 1);
        this.note(`partition [${minority.join(',')}] | [${ids.filter((i) => !minority.includes(i)).join(',')}]`);
        this.mesh.split(minority);
        break;
      }
      case 'oneway': {
        const from = victim;
        const to = this.rand.pick(ids.filter((i) => i !== from));
        this.note(`one-way cut ${from} -> ${to}`);
        this.mesh.set(from, to, { kind: 'down' });
        break;
      }
      case 'bridge': {
        const [bridge, ...rest] = this.rand.shuffle(ids);
        const left = rest.slice(0, Math.ceil(rest.length / 2));
        const right = rest.slice(left.length);
        this.note(`bridge: [${left.join(',')}] <- ${bridge} -> [${right.join(',')}]`);
        this.mesh.bridge(left, right);
        break;
      }
      case 'slow': {
        const delayMs = 20 + this.rand.int(150);
        this.note(`slow links (+${delayMs} ms per hop)`);
        this.mesh.setAll({ kind: 'slow', delayMs, jitterMs: delayMs });
        break;
      }
      case 'lossy':
        this.note('lossy links (connections reset at random)');
        this.mesh.setAll({ kind: 'flaky', resetProbabilityPerSecond: 2 });
        break;
      case 'rolling':
        this.note('rolling restart of every node');
        for (const id of ids) {
          if (stopped()) break;
          await this.cluster.gracefulRestart(id);
          await this.wait(1000, stopped);
        }
        return;
    }
    await hold();
    this.mesh.heal();
    this.note('heal network');
  }

  private note(what: string): void {
    this.log.push(`${((Date.now() - this.t0) / 1000).toFixed(1).padStart(6)}s ${what}`);
  }

  private between(lo: number, hi: number): number {
    return lo + this.rand.int(hi - lo + 1);
  }

  private async wait(ms: number, stopped: () => boolean): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end && !stopped()) await new Promise((r) => setTimeout(r, Math.min(100, end - Date.now())));
  }
}
