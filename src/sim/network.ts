import type { SeededRand } from '../raft/core/rand';
import type { NodeId } from '../raft/core/types';

/** How the simulated network treats every message: loss, duplication and delay (reordering follows). */
export interface LinkProfile {
  readonly lossRate: number;
  readonly duplicateRate: number;
  readonly delayMsMin: number;
  readonly delayMsMax: number;
}

/**
 * Which links are cut. A link is directed: cutting (a -> b) alone is a one-way partition.
 * Symmetric and bridge partitions are sets of directed cuts.
 */
export class Partitions {
  private readonly cut = new Set<number>();

  constructor(private readonly nodeIds: readonly NodeId[]) {}

  blocks(from: NodeId, to: NodeId): boolean {
    return this.cut.has(from * 1000 + to);
  }

  isHealed(): boolean {
    return this.cut.size === 0;
  }

  heal(): void {
    this.cut.clear();
  }

  cutOneWay(from: NodeId, to: NodeId): void {
    this.cut.add(from * 1000 + to);
  }

  /** Splits the cluster into `side` and the rest, in both directions. */
  split(side: readonly NodeId[]): void {
    for (const a of side) {
      for (const b of this.nodeIds) {
        if (side.includes(b)) continue;
        this.cutOneWay(a, b);
        this.cutOneWay(b, a);
      }
    }
  }

  /** Two halves that only `bridge` connects: it hears both, they do not hear each other. */
  bridge(bridgeNode: NodeId, rand: SeededRand): void {
    const others = this.nodeIds.filter((id) => id !== bridgeNode);
    const shuffled = rand.shuffle(others);
    const left = shuffled.slice(0, Math.ceil(shuffled.length / 2));
    const right = shuffled.slice(left.length);
    for (const a of left) {
      for (const b of right) {
        this.cutOneWay(a, b);
        this.cutOneWay(b, a);
      }
    }
  }

  describe(): string {
    return [...this.cut].map((k) => `${Math.floor(k / 1000)}->${k % 1000}`).join(' ');
  }
}
