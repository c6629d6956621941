import { describeChange, describeConfig, isMember, members } from '../raft/core/membership';
import { SeededRand } from '../raft/core/rand';
import type { ConfChange, HardState, LogEntry, Message, NodeId, Ready, SnapshotMeta, UnsafeMutations } from '../raft/core/types';
import { EventQueue } from './event-queue';
import { SafetyChecker, Violation } from './invariants';
import { Nemesis, NemesisWorld } from './nemesis';
import { LinkProfile, Partitions } from './network';
import { applyDigest, NodeHost, SimNode, SimSnapshotData, SimTuning } from './sim-node';

export interface SimOptions {
  readonly seed: number;
  /** Voters at bootstrap (ids 1..nodes). */
  readonly nodes: number;
  /** Events processed while faults are injected (the final heal phase comes on top). */
  readonly steps: number;
  readonly faults?: boolean;
  /** Nodes compact their logs at random points after applying (default on). */
  readonly snapshots?: boolean;
  /** Random add-learner / promote / remove changes from a pool of ids (default on). */
  readonly membership?: boolean;
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
  readonly compactions: number;
  readonly snapshotsInstalled: number;
  readonly configChanges: number;
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
  | { readonly kind: 'deliver'; readonly msg: Message; readonly snapshot?: SimSnapshotData }
  | { readonly kind: 'persisted'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'snapshotFailed'; readonly node: NodeId; readonly incarnation: number; readonly to: NodeId }
  | { readonly kind: 'client' }
  | { readonly kind: 'membership' }
  | { readonly kind: 'nemesis' };

interface PendingProposal {
  readonly id: number;
  readonly term: number;
  readonly incarnation: number;
}

/**
 * A seeded world of Raft cores: fake clock, lossy reordering network, crash-prone disks,
 * clients proposing and reading throughout, log compaction with snapshots streamed to lagging
 * followers, membership changes from a pool of node ids, and the safety checks after every step.
 */
export class Simulation implements NodeHost, NemesisWorld {
  readonly rand: SeededRand;
  /** Every node ever started (bootstrap voters, nodes added since, removed ones still running). */
  readonly nodes = new Map<NodeId, SimNode>();
  readonly partitions: Partitions;
  readonly checker = new SafetyChecker();
  link: LinkProfile;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nemesis: Nemesis;
  private readonly tickPeriodMs = new Map<NodeId, number>();
  private readonly tuning: SimTuning;
  private readonly bootstrap: NodeId[];
  /** Ids membership changes draw from: the bootstrap voters and the ones that may join. */
  private readonly pool: NodeId[];
  /** Compact once the state machine is this many entries past the last snapshot (per seed). */
  private readonly compactEveryEntries: number;
  private readonly snapshotFailRate: number;
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
  private compactions = 0;
  private snapshotsInstalled = 0;
  private configChanges = 0;

  constructor(private readonly opts: SimOptions) {
    this.rand = new SeededRand(opts.seed);
    this.bootstrap = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    const poolSize = opts.membership === false ? opts.nodes : Math.max(opts.nodes + 2, Math.min(7, opts.nodes + 3));
    this.pool = Array.from({ length: poolSize }, (_, i) => i + 1);
    this.partitions = new Partitions(this.pool);
    this.link = { lossRate: 0, duplicateRate: 0, delayMsMin: 1, delayMsMax: 5 };
    this.nemesis = new Nemesis(this, opts.faults !== false);
    const tuning = (this.tuning = {
      maxEntriesPerMsg: this.rand.pick([1, 2, 4, 64]),
      maxInflightMsgs: this.rand.pick([1, 2, 8, 64]),
      snapshotTrailingEntries: this.rand.pick([0, 2, 10, 100]),
      snapshotTimeoutHeartbeats: this.rand.pick([5, 20]),
      unsafe: opts.unsafe,
    });
    this.compactEveryEntries = this.rand.pick([5, 20, 100, 400]);
    this.snapshotFailRate = this.rand.pick([0, 0.05, 0.3]);
    for (const id of this.bootstrap) this.startNewNode(id);
    this.queue.push(1, { kind: 'client' });
    this.queue.push(100, { kind: 'nemesis' });
    if (opts.membership !== false) this.queue.push(200 + this.rand.int(1000), { kind: 'membership' });
    this.trace(`tuning: ${JSON.stringify({ ...tuning, unsafe: undefined })} compact every ${this.compactEveryEntries} entries, snapshot transfers fail at ${this.snapshotFailRate}`);
  }

  /** A node that never ran: an empty disk, the cluster's bootstrap configuration. */
  private startNewNode(id: NodeId): SimNode {
    const node = new SimNode(id, this.bootstrap, this.tuning, this);
    this.nodes.set(id, node);
    this.pendingProposals.set(id, new Map());
    node.start(this.rand.int(2 ** 31));
    this.tickPeriodMs.set(id, TICK_MS - 1 + this.rand.int(3)); // clocks drift a little apart
    this.queue.push(this.now + this.rand.int(TICK_MS), { kind: 'tick', node: id });
    return node;
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
      compactions: this.compactions,
      snapshotsInstalled: this.snapshotsInstalled,
      configChanges: this.configChanges,
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
        return this.onDeliver(e.msg, e.snapshot);
      case 'persisted': {
        const node = this.nodes.get(e.node)!;
        if (node.incarnation !== e.incarnation) return;
        node.persisted(this.now);
        return this.afterNodeStep(node);
      }
      case 'snapshotFailed': {
        const node = this.nodes.get(e.node)!;
        if (node.incarnation !== e.incarnation || !node.core) return;
        node.core.snapshotFailed(e.to);
        node.pump(this.now);
        return this.afterNodeStep(node);
      }
      case 'client':
        if (this.clientsOn) this.clientOp();
        if (this.clientsOn) this.queue.push(this.now + 1 + this.rand.int(8), e);
        return;
      case 'membership':
        if (this.clientsOn) this.membershipOp();
        if (this.clientsOn) this.queue.push(this.now + 200 + this.rand.int(1500), e);
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

  private onDeliver(m: Message, snapshot: SimSnapshotData | undefined): void {
    const node = this.nodes.get(m.to);
    if (!node?.core) return;
    if (node.paused) {
      this.queue.push(this.now + 20, { kind: 'deliver', msg: m, snapshot }); // a stopped process reads it later
      return;
    }
    // The driver streams a snapshot's data first and steps InstallSnapshot once it has all of it.
    if (snapshot) node.receivedSnapshots.set(snapshot.index, snapshot);
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
      this.checker.onCommit(node.id, node.lastCommit, s.commitIndex, s.firstIndex, core, s.term);
      node.lastCommit = s.commitIndex;
    }
    if (s.role === 'leader' && !node.wasLeader) this.trace(`node ${node.id} becomes leader of term ${s.term} (${describeConfig(s.config)})`);
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
    let snapshot: SimSnapshotData | undefined;
    if (m.type === 'InstallSnapshot') {
      // The driver streams the data of the snapshot named in the message; if it no longer has
      // it (compacted again since) or the stream breaks, it reports the failure to the core.
      const sender = this.nodes.get(m.from)!;
      const stored = sender.disk.snapshot;
      if (!stored || stored.meta.index !== m.snapshot.index || this.rand.chance(this.snapshotFailRate)) {
        this.queue.push(now + 1 + this.rand.int(20), { kind: 'snapshotFailed', node: m.from, incarnation: sender.incarnation, to: m.to });
        return;
      }
      snapshot = stored.data;
    }
    const copies = this.rand.chance(this.link.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.link.delayMsMin + this.rand.int(this.link.delayMsMax - this.link.delayMsMin + 1);
      this.queue.push(now + delay, { kind: 'deliver', msg: m, snapshot });
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

  onDurableHardState(node: SimNode, hs: HardState): void {
    this.checker.onDurableHardState(node.id, hs);
  }

  onSnapshotRestored(node: SimNode, meta: SnapshotMeta, data: SimSnapshotData): void {
    this.snapshotsInstalled++;
    this.trace(`node ${node.id} restores snapshot ${meta.index} (t${meta.term}, ${describeConfig(meta.config)})`);
    if (data.index !== meta.index) throw new Violation('Snapshot State', `node ${node.id} restores data of index ${data.index} for snapshot ${meta.index}`);
    this.checker.onSnapshotState(node.id, meta.index, data.digest, 'restored from the snapshot at');
  }

  onApply(node: SimNode, e: LogEntry): void {
    this.checker.onApply(node.id, node.applied, e, applyDigest(node.sm.digest, e));
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

  /**
   * Log compaction at random points after applying. The driver snapshots its state machine at
   * the applied index; now and then it asks for an index beyond it, which the core must refuse
   * (with --mutation truncate it accepts, and the stored snapshot is wrong).
   */
  afterApply(node: SimNode): void {
    const core = node.core;
    if (this.opts.snapshots === false || !core) return;
    const s = core.status();
    if (node.applied - s.snapshotIndex < this.compactEveryEntries || !this.rand.chance(0.5)) return;
    const beyond = this.rand.chance(0.2) && s.lastLogIndex > node.applied;
    const index = beyond ? node.applied + 1 + this.rand.int(s.lastLogIndex - node.applied) : node.applied;
    const res = node.compact(index);
    if (!res.ok) {
      if (!beyond || res.error.code !== 'not_applied') throw new Violation('Compaction', `node ${node.id} compact(${index}) refused: ${JSON.stringify(res.error)}`);
      return;
    }
    this.compactions++;
    this.trace(`node ${node.id} compacts at ${index} (applied ${node.applied}); log now starts at ${res.firstIndex}`);
    this.checker.onSnapshotState(node.id, index, node.disk.snapshot!.data.digest, 'snapshotted at');
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
    if (!node.core || node.paused || this.rand.chance(0.1)) node = this.rand.pick([...this.nodes.values()]);
    const core = node.core;
    if (!core || node.paused) return;
    if (this.rand.chance(0.25)) {
      const ctx = this.nextReadCtx++;
      const res = core.readIndex(ctx);
      if (res.ok) this.pendingReads.set(ctx, { node: node.id, incarnation: node.incarnation, minIndex: this.maxAckedIndex });
      else if (res.error.leaderId && this.nodes.has(res.error.leaderId)) this.believedLeader = res.error.leaderId;
    } else {
      const id = this.nextProposalId++;
      const res = core.propose(encodeId(id));
      if (res.ok) this.pendingProposals.get(node.id)!.set(res.index, { id, term: res.term, incarnation: node.incarnation });
      else if (res.error.code === 'not_leader' && res.error.leaderId && this.nodes.has(res.error.leaderId)) this.believedLeader = res.error.leaderId;
    }
    node.pump(this.now);
    this.afterNodeStep(node);
  }

  // ---- membership ---------------------------------------------------------------------------

  /**
   * An operator at work: asks the leader for one single-server change (add a fresh or a
   * returning node as learner, promote a learner, remove a member, the leader included), now
   * and then an invalid one, and now and then a second change straight after the first, which
   * the core must refuse until the first commits (dissertation 4.1); or transfers leadership.
   */
  private membershipOp(): void {
    const leader = [...this.nodes.values()].find((n) => n.core && !n.paused && n.core.isLeader());
    if (!leader) return;
    if (this.rand.chance(0.15)) {
      // Leadership transfer (dissertation 3.10): to a voter only; a learner must be refused.
      const s = leader.core!.status();
      const target = this.rand.pick([...s.config.voters, ...s.config.learners]);
      const ok = leader.core!.transferLeader(target);
      this.trace(`transfer: leader ${leader.id} to ${target}: ${ok ? 'started' : 'refused'}`);
      if (ok && !s.config.voters.includes(target)) throw new Violation('Membership', `leader ${leader.id} transfers leadership to non-voter ${target}`);
      leader.pump(this.now);
      return this.afterNodeStep(leader);
    }
    this.proposeChange(leader, this.rand.chance(0.1) ? this.invalidChange(leader) : this.validChange(leader));
    if (this.rand.chance(0.3) && leader.core?.isLeader()) this.proposeChange(leader, this.validChange(leader));
    leader.pump(this.now);
    this.afterNodeStep(leader);
  }

  private proposeChange(leader: SimNode, pick: { change: ConfChange; expect: string | null } | null): void {
    const core = leader.core!;
    if (!pick) return;
    const before = core.status();
    const res = core.proposeConfChange(pick.change);
    const what = `${describeChange(pick.change)} on leader ${leader.id} (${describeConfig(before.config)}, config index ${before.configIndex}, commit ${before.commitIndex})`;
    if (!res.ok) {
      this.trace(`membership: ${what} refused: ${res.error.code}`);
      const pending = before.configIndex > before.commitIndex || core.termAt(before.commitIndex) !== before.term;
      const expected = res.error.code === pick.expect || (res.error.code === 'config_change_pending' && pending);
      if (!expected) throw new Violation('Membership', `${what} refused with ${JSON.stringify(res.error)}`);
      return;
    }
    if (pick.expect !== null) throw new Violation('Membership', `${what} accepted, expected ${pick.expect}`);
    this.configChanges++;
    this.trace(`membership: ${what} accepted at ${res.index}: ${describeConfig(res.config)}`);
    // Dissertation 4.1: at most one uncommitted change in a leader's log, and never before the
    // leader's own no-op commits.
    for (let i = before.commitIndex + 1; i < res.index; i++) {
      if (core.entryAt(i)?.type === 'config') {
        throw new Violation('Single-Server Change', `leader ${leader.id} appended change ${res.index} while change ${i} is uncommitted (commit ${before.commitIndex})`);
      }
    }
    if (pick.change.type === 'addLearner' && !this.nodes.has(pick.change.id)) this.startNewNode(pick.change.id);
  }

  private validChange(leader: SimNode): { change: ConfChange; expect: null } | null {
    const c = leader.core!.status().config;
    const r = this.rand;
    const fresh = this.pool.filter((id) => !this.nodes.has(id));
    const returning = [...this.nodes.keys()].filter((id) => !isMember(c, id));
    const options: ConfChange[] = [];
    const addable = [...fresh, ...returning];
    if (addable.length > 0) options.push({ type: 'addLearner', id: r.pick(addable) });
    if (c.learners.length > 0) options.push({ type: 'promote', id: r.pick(c.learners) });
    const removable = members(c).filter((id) => c.voters.length > 1 || id !== c.voters[0]);
    if (removable.length > 0) options.push({ type: 'removeNode', id: r.pick(removable) });
    // Drift back toward the bootstrap size: shrink when above it, grow when below.
    const n = this.bootstrap.length;
    if (c.voters.length > n + 1) return { change: options.find((o) => o.type === 'removeNode') ?? r.pick(options), expect: null };
    if (c.voters.length < n) {
      const grow = options.filter((o) => o.type !== 'removeNode');
      if (grow.length > 0) return { change: r.pick(grow), expect: null };
    }
    return options.length > 0 ? { change: r.pick(options), expect: null } : null;
  }

  private invalidChange(leader: SimNode): { change: ConfChange; expect: string } {
    const c = leader.core!.status().config;
    const r = this.rand;
    const outsiders = this.pool.filter((id) => !isMember(c, id));
    switch (r.int(4)) {
      case 0:
        return { change: { type: 'addLearner', id: r.pick(members(c)) }, expect: 'already_member' };
      case 1:
        return { change: { type: 'promote', id: r.pick(c.voters) }, expect: 'not_learner' };
      case 2:
        if (outsiders.length > 0) return { change: { type: 'removeNode', id: r.pick(outsiders) }, expect: 'not_member' };
        return { change: { type: 'addLearner', id: 0 }, expect: 'invalid_id' };
      default:
        if (c.voters.length === 1) return { change: { type: 'removeNode', id: c.voters[0] }, expect: 'last_voter' };
        return { change: { type: 'promote', id: 1000 }, expect: 'not_learner' };
    }
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
    const leader = this.currentLeader();
    const config = leader ? ` config ${describeConfig(leader.core!.status().config)}` : '';
    throw new Violation('Liveness', `no convergence ${boundTicks} ticks after healing (${states.join(' ')})${config}`);
  }

  /** Over the nodes that believe they are members (a removed node that knows it is never caught up). */
  private maxLag(): number {
    const statuses = [...this.nodes.values()].map((n) => n.core!.status());
    const lasts = statuses.filter((s) => isMember(s.config, s.id)).map((s) => s.lastLogIndex);
    if (lasts.length === 0) return 0;
    return Math.max(...lasts) - Math.min(...lasts);
  }

  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      const s = n.core?.status();
      if (s?.role === 'leader' && (!best || s.term > best.core!.status().term)) best = n;
    }
    return best;
  }

  /** The leader's configuration is committed and every member of it holds and applied its whole log. */
  private converged(): boolean {
    const leader = this.currentLeader();
    if (!leader) return false;
    const ls = leader.core!.status();
    if (ls.commitIndex !== ls.lastLogIndex || ls.commitIndex < this.maxAckedIndex) return false;
    for (const id of members(ls.config)) {
      const n = this.nodes.get(id);
      if (!n?.core || n.applied !== ls.commitIndex || n.core.status().lastLogIndex !== ls.lastLogIndex) return false;
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
