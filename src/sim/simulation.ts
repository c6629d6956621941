import { SeededRand } from '../raft/core/rand';
import type { Entry, Message, NodeId, Ready, UnsafeMutations } from '../raft/core/types';
import { EventQueue } from './event-queue';
import { SafetyChecker, Violation } from './invariants';
import { Nemesis, NemesisWorld } from './nemesis';
import { LinkProfile, Partitions } from './network';
import { NodeHost, SimNode, SimTuning } from './sim-node';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Events processed while faults are injected (the final heal phase comes on top). */
  readonly steps: number;
  readonly faults?: boolean;
  readonly unsafe?: UnsafeMutations;
  readonly trace?: (line: string) => void;
}

export interface SimResult {
  readonly seed: number;
  readonly steps: number;
  readonly simTimeMs: number;
  readonly elections: number;
  readonly commits: number;
  readonly faults: number;
  readonly proposalsAcked: number;
  readonly readsServed: number;
  readonly violation: string | null;
}

const TICK_MS = 10;
/**
 * After healing, a leader must exist and every acknowledged write be applied everywhere within
 * this many ticks, plus two ticks (one round trip, generously) per window of entries a lagging
 * follower is missing: catch-up speed is bounded by batch size times pipeline depth.
 */
const LIVENESS_BASE_TICKS = 300;

type SimEvent =
  | { readonly kind: 'tick'; readonly node: NodeId }
  | { readonly kind: 'deliver'; readonly msg: Message }
  | { readonly kind: 'persisted'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'client' }
  | { readonly kind: 'nemesis' };

interface PendingProposal {
  readonly id: number;
  readonly term: number;
  readonly incarnation: number;
}

/**
 * A seeded world of Raft cores: fake clock, lossy reordering network, crash-prone disks,
 * clients proposing and reading throughout, and the safety checks after every step.
 */
export class Simulation implements NodeHost, NemesisWorld {
  readonly rand: SeededRand;
  readonly nodes = new Map<NodeId, SimNode>();
  readonly partitions: Partitions;
  readonly checker = new SafetyChecker();
  link: LinkProfile;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nemesis: Nemesis;
  private readonly tickPeriodMs = new Map<NodeId, number>();
  private readonly tuning: SimTuning;
  private now = 0;
  private steps = 0;
  private clientsOn = true;
  private believedLeader: NodeId = 1;
  private nextProposalId = 1;
  private nextReadCtx = 1;
  private readonly pendingProposals = new Map<NodeId, Map<number, PendingProposal>>();
  private readonly proposalIndex = new Map<number, number>();
  private readonly pendingReads = new Map<number, { node: NodeId; incarnation: number; minIndex: number }>();
  private maxAckedIndex = 0;
  private proposalsAcked = 0;
  private readsServed = 0;

  constructor(private readonly opts: SimOptions) {
    this.rand = new SeededRand(opts.seed);
    const ids = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    this.partitions = new Partitions(ids);
    this.link = { lossRate: 0, duplicateRate: 0, delayMsMin: 1, delayMsMax: 5 };
    this.nemesis = new Nemesis(this, opts.faults !== false);
    const tuning = (this.tuning = {
      maxEntriesPerMsg: this.rand.pick([1, 2, 4, 64]),
      maxInflightMsgs: this.rand.pick([1, 2, 8, 64]),
      unsafe: opts.unsafe,
    });
    for (const id of ids) {
      const node = new SimNode(id, ids, tuning, this);
      this.nodes.set(id, node);
      this.pendingProposals.set(id, new Map());
      node.start(this.rand.int(2 ** 31));
      this.tickPeriodMs.set(id, TICK_MS - 1 + this.rand.int(3)); // clocks drift a little apart
      this.queue.push(this.rand.int(TICK_MS), { kind: 'tick', node: id });
    }
    this.queue.push(1, { kind: 'client' });
    this.queue.push(100, { kind: 'nemesis' });
  }

  run(): SimResult {
    let violation: string | null = null;
    try {
      while (this.steps < this.opts.steps) this.step();
      this.healAndConverge();
    } catch (e) {
      // A core assertion (e.g. "leader overwrites committed entry") is a violation too.
      violation = e instanceof Violation ? e.message : `Core assertion: ${e instanceof Error ? e.message : String(e)}`;
      this.trace(`VIOLATION ${violation}`);
    }
    return {
      seed: this.opts.seed,
      steps: this.steps,
      simTimeMs: this.now,
      elections: this.checker.elections,
      commits: this.checker.maxCommitted,
      faults: this.nemesis.faultCount,
      proposalsAcked: this.proposalsAcked,
      readsServed: this.readsServed,
      violation,
    };
  }

  trace(line: string): void {
    this.opts.trace?.(`${String(this.now).padStart(7)}ms ${line}`);
  }

  // ---- the event loop ----------------------------------------------------------------------

  private step(): void {
    const ev = this.queue.pop();
    if (!ev) throw new Error('event queue ran dry');
    this.now = ev.time;
    this.steps++;
    const e = ev.item;
    switch (e.kind) {
      case 'tick':
        return this.onTick(e.node);
      case 'deliver':
        return this.onDeliver(e.msg);
      case 'persisted': {
        const node = this.nodes.get(e.node)!;
        if (node.incarnation !== e.incarnation) return;
        node.persisted(this.now);
        return this.afterNodeStep(node);
      }
      case 'client':
        if (this.clientsOn) this.clientOp();
        if (this.clientsOn) this.queue.push(this.now + 1 + this.rand.int(8), e);
        return;
      case 'nemesis':
        if (this.clientsOn) this.queue.push(this.now + this.nemesis.act(), e);
        return;
      default: {
        const never: never = e;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  private onTick(id: NodeId): void {
    const node = this.nodes.get(id)!;
    this.queue.push(this.now + this.tickPeriodMs.get(id)!, { kind: 'tick', node: id });
    if (!node.core || node.paused) return;
    node.core.tick();
    node.pump(this.now);
    this.afterNodeStep(node);
  }

  private onDeliver(m: Message): void {
    const node = this.nodes.get(m.to)!;
    if (!node.core) return;
    if (node.paused) {
      this.queue.push(this.now + 20, { kind: 'deliver', msg: m }); // a stopped process reads it later
      return;
    }
    node.core.step(m);
    node.pump(this.now);
    this.afterNodeStep(node);
  }

  /** Invariants touched by this node's step (Election Safety, Leader Completeness, commits). */
  private afterNodeStep(node: SimNode): void {
    const core = node.core;
    if (!core) return;
    const s = core.status();
    if (s.commitIndex < node.lastCommit) {
      throw new Violation('Commit Monotonic', `node ${node.id} commit went from ${node.lastCommit} to ${s.commitIndex}`);
    }
    if (s.commitIndex > node.lastCommit) {
      this.checker.onCommit(node.id, node.lastCommit, s.commitIndex, core, s.term);
      node.lastCommit = s.commitIndex;
    }
    if (s.role === 'leader' && !node.wasLeader) this.trace(`node ${node.id} becomes leader of term ${s.term}`);
    this.checker.onStatus(s, node.wasLeader, core);
    node.wasLeader = s.role === 'leader';
    if (s.role === 'leader') this.believedLeader = node.id;
  }

  // ---- NemesisWorld -------------------------------------------------------------------------

  crashNode(node: SimNode): void {
    node.crash(this.rand.chance(0.5));
    this.pendingProposals.get(node.id)!.clear(); // their clients never hear back: outcome unknown
  }

  restartNode(node: SimNode): void {
    node.start(this.rand.int(2 ** 31));
    node.pump(this.now);
    this.afterNodeStep(node);
  }

  // ---- NodeHost -----------------------------------------------------------------------------

  send(m: Message, now: number): void {
    if (this.partitions.blocks(m.from, m.to)) return;
    if (this.rand.chance(this.link.lossRate)) return;
    const copies = this.rand.chance(this.link.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.link.delayMsMin + this.rand.int(this.link.delayMsMax - this.link.delayMsMin + 1);
      this.queue.push(now + delay, { kind: 'deliver', msg: m });
    }
  }

  schedulePersisted(node: SimNode, delayMs: number): void {
    this.queue.push(this.now + delayMs, { kind: 'persisted', node: node.id, incarnation: node.incarnation });
  }

  diskDelayMs(): number {
    return this.rand.int(4);
  }

  onReadyHandedOut(node: SimNode, rd: Ready): void {
    if (rd.entries.length > 0) this.checker.onEntries(node.id, rd.entries, node.core!);
  }

  onApply(node: SimNode, e: Entry): void {
    this.checker.onApply(node.id, node.applied, e);
    if (e.type !== 'normal') return;
    const id = decodeId(e.data);
    const at = this.proposalIndex.get(id);
    if (at === undefined) this.proposalIndex.set(id, e.index);
    else if (at !== e.index) throw new Violation('Exactly Once', `proposal ${id} applied at ${at} and ${e.index}`);
    const pending = this.pendingProposals.get(node.id)!;
    const p = pending.get(e.index);
    if (!p) return;
    pending.delete(e.index);
    if (p.incarnation === node.incarnation && p.term === e.term && p.id === id) {
      this.proposalsAcked++; // the client hears "committed" from the leader that proposed it
      this.maxAckedIndex = Math.max(this.maxAckedIndex, e.index);
    }
  }

  /** A read is linearizable if it reflects every write acknowledged before it was invoked. */
  onReadServed(node: SimNode, ctx: number): void {
    const r = this.pendingReads.get(ctx);
    if (!r) return;
    this.pendingReads.delete(ctx);
    if (r.node !== node.id || r.incarnation !== node.incarnation) return;
    if (node.applied < r.minIndex) {
      throw new Violation(
        'Linearizable Read',
        `node ${node.id} served read ${ctx} at applied ${node.applied}, but write ${r.minIndex} was acknowledged before it began`,
      );
    }
    this.readsServed++;
  }

  onReadAborted(ctx: number): void {
    this.pendingReads.delete(ctx);
  }

  // ---- clients ------------------------------------------------------------------------------

  private clientOp(): void {
    let node = this.nodes.get(this.believedLeader)!;
    if (!node.core || node.paused || this.rand.chance(0.1)) node = this.nodes.get(1 + this.rand.int(this.nodes.size))!;
    const core = node.core;
    if (!core || node.paused) return;
    if (this.rand.chance(0.25)) {
      const ctx = this.nextReadCtx++;
      const res = core.readIndex(ctx);
      if (res.ok) this.pendingReads.set(ctx, { node: node.id, incarnation: node.incarnation, minIndex: this.maxAckedIndex });
      else if (res.error.leaderId) this.believedLeader = res.error.leaderId;
    } else {
      const id = this.nextProposalId++;
      const res = core.propose(encodeId(id));
      if (res.ok) this.pendingProposals.get(node.id)!.set(res.index, { id, term: res.term, incarnation: node.incarnation });
      else if (res.error.code === 'not_leader' && res.error.leaderId) this.believedLeader = res.error.leaderId;
    }
    node.pump(this.now);
    this.afterNodeStep(node);
  }

  // ---- the end: heal, converge, compare -----------------------------------------------------

  private healAndConverge(): void {
    this.clientsOn = false;
    this.nemesis.healAll();
    this.trace('healed: all links up, all nodes running; waiting for convergence');
    const boundTicks = LIVENESS_BASE_TICKS + 2 * Math.ceil(this.maxLag() / (this.tuning.maxEntriesPerMsg * this.tuning.maxInflightMsgs));
    const deadline = this.now + boundTicks * TICK_MS;
    while (this.now < deadline) {
      this.step();
      if (this.converged()) return;
    }
    const states = [...this.nodes.values()].map((n) => {
      const s = n.core?.status();
      return `${n.id}:${s?.role}/t${s?.term}/c${s?.commitIndex}/a${n.applied}/l${s?.lastLogIndex}`;
    });
    throw new Violation('Liveness', `no convergence ${boundTicks} ticks after healing (${states.join(' ')})`);
  }

  private maxLag(): number {
    const lasts = [...this.nodes.values()].map((n) => n.core?.status().lastLogIndex ?? 0);
    return Math.max(...lasts) - Math.min(...lasts);
  }

  private converged(): boolean {
    const leader = [...this.nodes.values()].find((n) => n.core?.status().role === 'leader');
    if (!leader) return false;
    const ls = leader.core!.status();
    if (ls.commitIndex !== ls.lastLogIndex || ls.commitIndex < this.maxAckedIndex) return false;
    for (const n of this.nodes.values()) {
      if (!n.core || n.applied !== ls.commitIndex || n.core.status().lastLogIndex !== ls.lastLogIndex) return false;
    }
    return true;
  }
}

function encodeId(id: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, id);
  return b;
}

function decodeId(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
}
