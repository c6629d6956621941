import type { NodeId } from '../raft/core/types';
import type { LinkProfile, Partitions } from './network';
import type { SeededRand } from '../raft/core/rand';
import type { SimNode } from './sim-node';

/** The parts of the world the nemesis may break. */
export interface NemesisWorld {
  readonly rand: SeededRand;
  readonly nodes: Map<NodeId, SimNode>;
  readonly partitions: Partitions;
  link: LinkProfile;
  trace(line: string): void;
  restartNode(node: SimNode): void;
  crashNode(node: SimNode): void;
}

const CALM: LinkProfile = { lossRate: 0, duplicateRate: 0, delayMsMin: 1, delayMsMax: 5 };

/**
 * Injects one fault at a time on a seeded schedule: crashes and restarts, pauses, symmetric,
 * one-way and bridge partitions, and lossy, duplicating or slow links; heals them again.
 */
export class Nemesis {
  faultCount = 0;

  constructor(
    private readonly world: NemesisWorld,
    private readonly enabled: boolean,
  ) {}

  /** Does one thing; returns the milliseconds until the next. */
  act(): number {
    if (!this.enabled) return 1000;
    const w = this.world;
    const r = w.rand;
    const all = [...w.nodes.values()];
    const down = all.filter((n) => !n.up);
    const paused = all.filter((n) => n.paused);
    const minority = Math.floor((all.length - 1) / 2);
    const roll = r.int(12);
    if (down.length > 0 && (roll < 2 || down.length > minority)) {
      const n = r.pick(down);
      w.restartNode(n);
      w.trace(`nemesis: restart node ${n.id}`);
    } else if (paused.length > 0 && roll < 4) {
      const n = r.pick(paused);
      n.paused = false;
      w.trace(`nemesis: resume node ${n.id}`);
    } else if (roll < 6) {
      this.heal();
    } else {
      this.inject(all);
    }
    return 50 + r.int(700);
  }

  private inject(all: SimNode[]): void {
    const w = this.world;
    const r = w.rand;
    const up = all.filter((n) => n.up && !n.paused);
    const ids = all.map((n) => n.id);
    const leader = up.find((n) => n.core?.status().role === 'leader');
    this.faultCount++;
    switch (r.int(8)) {
      case 0: {
        const victim = leader && r.chance(0.6) ? leader : r.pick(up.length > 0 ? up : all);
        w.crashNode(victim);
        w.trace(`nemesis: crash node ${victim.id}${victim === leader ? ' (leader)' : ''}`);
        return;
      }
      case 1: {
        const victim = leader && r.chance(0.5) ? leader : r.pick(all);
        victim.paused = true;
        w.trace(`nemesis: pause node ${victim.id}`);
        return;
      }
      case 2: {
        const side = r.shuffle(ids).slice(0, 1 + r.int(Math.floor(ids.length / 2)));
        w.partitions.split(side);
        w.trace(`nemesis: partition [${side.join(',')}] from the rest`);
        return;
      }
      case 3: {
        if (leader) w.partitions.split([leader.id]);
        w.trace(`nemesis: isolate the leader ${leader?.id ?? '(none)'}`);
        return;
      }
      case 4: {
        const [a, b] = r.shuffle(ids);
        w.partitions.cutOneWay(a, b);
        w.trace(`nemesis: one-way cut ${a} -> ${b}`);
        return;
      }
      case 5: {
        const bridge = r.pick(ids);
        w.partitions.bridge(bridge, r);
        w.trace(`nemesis: bridge through node ${bridge}`);
        return;
      }
      case 6:
        w.link = { lossRate: 0.05 + r.next() * 0.25, duplicateRate: r.next() * 0.1, delayMsMin: 1, delayMsMax: 10 };
        w.trace(`nemesis: lossy links (${w.link.lossRate.toFixed(2)} loss, ${w.link.duplicateRate.toFixed(2)} duplicates)`);
        return;
      default:
        w.link = { lossRate: 0.01, duplicateRate: 0.02, delayMsMin: 5, delayMsMax: 40 + r.int(60) };
        w.trace(`nemesis: slow, reordering links (up to ${w.link.delayMsMax} ms)`);
        return;
    }
  }

  private heal(): void {
    this.world.partitions.heal();
    this.world.link = CALM;
    this.world.trace('nemesis: heal network');
  }

  /** The end of the run: every link up and calm, every node running. */
  healAll(): void {
    this.heal();
    for (const n of this.world.nodes.values()) {
      n.paused = false;
      if (!n.up) this.world.restartNode(n);
    }
  }
}
