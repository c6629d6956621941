import { SeededRand } from '../raft/core/rand';
import type { ChaosCluster } from './chaos-cluster';
import type { ProxyMesh } from './proxy-mesh';

export const NEMESES = ['kill', 'pause', 'partition', 'oneway', 'bridge', 'slow', 'lossy', 'rolling', 'member'] as const;
export type NemesisName = (typeof NEMESES)[number];

/**
 * What `all` stands for: every nemesis but `member`. That one works on 3-node clusters only, a
 * change can take many seconds (a joining node catches up), and adding it would reshuffle the
 * seeded schedule every existing `all` run replays; ask for it by name (`all,member`).
 */
export const ALL_NEMESES: readonly NemesisName[] = NEMESES.filter((n) => n !== 'member');

/**
 * The member nemesis keeps a cluster between MIN_VOTERS voters and MAX_NODE_ID members: it starts
 * from MIN_VOTERS nodes, adds the spare ids above them, and removes voters down to MIN_VOTERS.
 * lib.sh proxy_port has ports for ids 1..5 only.
 */
export const MAX_NODE_ID = 5;
const MIN_VOTERS = 3;

/** `all`, `none`, or a comma-separated list of names, where `all` may be one of them. */
export function parseNemeses(spec: string): NemesisName[] {
  if (spec === 'none') return [];
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean).flatMap((n): readonly string[] => (n === 'all' ? ALL_NEMESES : [n]));
  for (const n of names) {
    if (!(NEMESES as readonly string[]).includes(n)) throw new Error(`unknown nemesis "${n}" (expected all, none or a list of ${NEMESES.join(', ')}, all among them)`);
  }
  return names as NemesisName[];
}

/** Throws when the nemeses cannot run on a cluster of `nodes`. */
export function checkNemeses(nemeses: readonly NemesisName[], nodes: number): void {
  if (nemeses.includes('member') && nodes !== MIN_VOTERS) {
    throw new Error(`the member nemesis needs a ${MIN_VOTERS}-node cluster (ids ${MIN_VOTERS + 1}..${MAX_NODE_ID} are its spares), not ${nodes}`);
  }
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

type MemberChange = 'grow' | 'shrink' | 'replace';

/**
 * Injects one fault at a time on a seeded schedule, heals it, waits, and goes again. Process
 * faults and membership changes go through cluster-scripts/node.sh; network faults through the
 * proxy mesh. Faults strike the current members only.
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

  /**
   * Everything back to normal: links up, paused members resumed, dead ones restarted; and when a
   * membership change failed during the run, the members are taken from the leader, since a change
   * that timed out may have committed since.
   */
  async healAll(): Promise<void> {
    this.mesh.heal();
    await this.cluster.healProcesses();
    if (this.cluster.membershipUnsure) await this.syncMembers();
    this.note('heal all');
  }

  private async inject(name: NemesisName, stopped: () => boolean): Promise<void> {
    const hold = () => this.wait(this.between(this.timing.faultMsMin, this.timing.faultMsMax), stopped);
    const ids = this.cluster.ids;
    const leader = await this.cluster.leader();
    const victim = this.victimAmong(ids, leader);
    switch (name) {
      case 'kill':
        this.note(`kill -9 ${nodeName(victim, leader)}`);
        await this.cluster.kill(victim);
        await hold();
        await this.cluster.restart(victim);
        this.note(`restart node ${victim}`);
        return;
      case 'pause':
        this.note(`pause (SIGSTOP) ${nodeName(victim, leader)}`);
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
      case 'member':
        await this.changeMembers(leader, hold);
        return;
    }
    await hold();
    this.mesh.heal();
    this.note('heal network');
  }

  /** Half the time the leader (when it is among `ids`), else any of `ids`. */
  private victimAmong(ids: readonly number[], leader: number | null): number {
    return leader !== null && ids.includes(leader) && this.rand.chance(0.5) ? leader : this.rand.pick(ids);
  }

  /**
   * One membership change among those the cluster allows now: grow (add a spare id), shrink
   * (remove a voter while more than MIN_VOTERS are left), replace (kill -9 a voter, remove it while
   * it is dead, add a spare in its place: the way a failed machine is replaced, so until the spare
   * is a voter there is one voter fewer). Removed ids never come back and the spares end at
   * MAX_NODE_ID, so there are never more than MAX_NODE_ID members, and once the spares are used
   * up, only shrink is left. A failed change leaves the harness unsure what took effect, so it
   * takes the members from the leader.
   */
  private async changeMembers(leader: number | null, hold: () => Promise<void>): Promise<void> {
    const voters = this.cluster.voters;
    const spares = this.cluster.spares;
    const changes = possibleChanges(voters.length, spares.length);
    if (changes.length === 0) {
      this.note(`member: no change possible (${voters.length} voters, no spare id left)`);
      return;
    }
    const change = this.rand.pick(changes);
    try {
      if (change === 'grow') await this.addMember(this.rand.pick(spares));
      else if (change === 'shrink') await this.removeMember(this.victimAmong(voters, leader), leader);
      else await this.replaceMember(this.victimAmong(voters, leader), leader, this.rand.pick(spares), hold);
    } catch (e) {
      this.note(`member: ${change} failed: ${(e as Error).message}`);
      await this.syncMembers();
    }
  }

  private async addMember(id: number): Promise<void> {
    this.note(`member: add node ${id} (learner, then voter once caught up)`);
    await this.cluster.add(id);
    this.note(`member: node ${id} joined as a voter; members ${this.cluster.ids.join(',')}`);
  }

  private async removeMember(id: number, leader: number | null): Promise<void> {
    this.note(`member: remove ${nodeName(id, leader)}`);
    await this.cluster.remove(id);
    this.note(`member: node ${id} removed and stopped; members ${this.cluster.ids.join(',')}`);
  }

  private async replaceMember(id: number, leader: number | null, spare: number, hold: () => Promise<void>): Promise<void> {
    this.note(`member: replace ${nodeName(id, leader)} by node ${spare}: kill -9 node ${id}`);
    await this.cluster.kill(id);
    await hold();
    await this.removeMember(id, null);
    await this.addMember(spare);
  }

  private async syncMembers(): Promise<void> {
    try {
      const members = await this.cluster.syncMembers();
      this.note(`member: the leader has members ${members.join(',')} committed; the harness goes by that`);
    } catch (e) {
      this.note(`member: cannot learn the committed members (${(e as Error).message}); keeping ${this.cluster.ids.join(',')}`);
    }
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

function possibleChanges(voters: number, spares: number): MemberChange[] {
  const changes: MemberChange[] = [];
  if (spares > 0) changes.push('grow', 'replace');
  if (voters > MIN_VOTERS) changes.push('shrink');
  return changes;
}

function nodeName(id: number, leader: number | null): string {
  return `node ${id}${id === leader ? ' (leader)' : ''}`;
}
