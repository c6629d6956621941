import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { RaftCore } from '../core/raft';
import { SeededRand } from '../core/rand';
import type {
  ConfChange,
  ConfChangeError,
  HardState,
  InstallSnapshotMsg,
  LogEntry,
  Message,
  NodeId,
  ProposeError,
  RaftConfig,
  RaftStatus,
  Ready,
  SnapshotMeta,
} from '../core/types';
import { describeChange } from '../core/membership';
import { LogStore, type SnapshotStaging } from '../storage';
import type { SnapshotSource } from '../transport/snapshot-sender';
import { Fnv1a64, StateMachine } from '../../statemachine';
import type { ApplyResult, ReadQuery, ReadResult, StateMachineConfig } from '../../statemachine';
import {
  EntryTooLargeError,
  LeaderTransferError,
  LeadershipLostError,
  MembershipChangeError,
  NodeStoppedError,
  NotLeaderError,
  OverloadedError,
  ProposalDroppedError,
} from './errors';

/** When the driver takes a snapshot and compacts its log (Raft paper section 7). */
export interface SnapshotPolicy {
  /** Applied entries since the last snapshot that trigger the next one. */
  readonly entries: number;
  /** Bytes of applied entries since the last snapshot that trigger the next one. */
  readonly bytes: number;
}

export const defaultSnapshotPolicy: SnapshotPolicy = { entries: 10_000, bytes: 64 << 20 };

export interface RaftNodeOptions {
  readonly dataDir: string;
  readonly raft: RaftConfig;
  readonly tickMs: number;
  /** Cluster-wide state machine limits: every node must run with the same values. */
  readonly stateMachine: StateMachineConfig;
  readonly log: Logger;
  readonly snapshots?: SnapshotPolicy;
  /** Hands messages for one peer to the transport. */
  readonly send: (to: NodeId, msgs: Message[]) => void;
  /**
   * The core wants follower `to` to receive a snapshot (its next entry was compacted away): the
   * transport streams one (openSnapshotSource) and reports failure with snapshotFailed.
   */
  readonly sendSnapshot: (to: NodeId, term: number) => void;
  /** The loop failed (fsync error, broken invariant): the process must stop and restart. */
  readonly onFatal: (e: Error) => void;
}

interface ProposalWaiter {
  readonly term: number;
  readonly resolve: (r: ApplyResult) => void;
  readonly reject: (e: Error) => void;
}

/** A waitEntry caller: null means "applied, but its result is only in the session cache". */
interface EntryWaiter {
  readonly term: number;
  readonly resolve: (r: ApplyResult | null) => void;
  readonly reject: (e: Error) => void;
}

interface ReadWaiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * The driver around the pure core (the Ready loop of ../../../docs/architecture.md): it owns
 * the ticker, the LevelDB store, the state machine and the transport hook. One loop turn:
 * take a Ready, send the leader's appends at once, persist everything the turn produced in ONE
 * synced batch (group commit), send the rest, apply committed entries, answer reads, advance.
 */
export class RaftNode {
  private readonly proposals = new Map<number, ProposalWaiter>();
  /** Entries forwarded to the leader by this node, awaited by index (see waitEntry). */
  private readonly entryWaiters = new Map<number, EntryWaiter[]>();
  private readonly readWaiters = new Map<number, ReadWaiter>();
  /** Reads whose ReadIndex is confirmed, waiting for the state machine to reach it. */
  private readyReads: { index: number; waiter: ReadWaiter }[] = [];
  private nextReadCtx = 1;
  private ticker: NodeJS.Timeout | null = null;
  private loopRunning = false;
  private loopScheduled = false;
  private stopped = false;
  private fatal: Error | null = null;
  private stateMachineDirty = false;
  /** The core's latest hard state, when it is not on disk yet (see turn). */
  private unwrittenHardState: HardState | null = null;
  /** Applied index of the state machine's last write that reached LevelDB. */
  private durableApplied = 0;
  private durableWaiters: { index: number; resolve: () => void }[] = [];
  private readonly appliedListeners = new Set<() => void>();
  /** A snapshot received from the leader, staged, waiting for the loop to step it into the core. */
  private incoming: { staging: SnapshotStaging; msg: InstallSnapshotMsg; stepped: boolean } | null = null;
  /** Bytes of entries applied since the last snapshot (one of the compaction triggers). */
  private bytesSinceSnapshot = 0;
  /** Snapshots installed from a leader since start (see stateGeneration). */
  private installs = 0;

  private constructor(
    private readonly opts: RaftNodeOptions,
    private readonly core: RaftCore,
    private readonly store: LogStore,
    private sm: StateMachine,
  ) {}

  /** The state machine; replaced wholesale when a snapshot from the leader is installed. */
  get stateMachine(): StateMachine {
    return this.sm;
  }

  /** Reads the node's LevelDB back (verifying every checksum) and resumes where it stopped. */
  static async open(opts: RaftNodeOptions): Promise<RaftNode> {
    // Topic records and the KV change log stay on disk: start-up loads only the small state.
    const { store, initial, stateMachineRecords } = await LogStore.open(opts.dataDir, { lazyStateMachinePrefixes: StateMachine.lazyRecordPrefixes() });
    const sm = StateMachine.restore(stateMachineRecords, initial.applied, opts.stateMachine);
    const core = new RaftCore(opts.raft, initial, new SeededRand(randomInt(2 ** 31)));
    opts.log.info(
      { term: initial.hardState.term, commit: initial.hardState.commit, firstIndex: store.firstIndex(), lastIndex: store.lastIndex(), applied: initial.applied, snapshotIndex: initial.snapshot?.index ?? 0 },
      'raft state restored',
    );
    const node = new RaftNode(opts, core, store, sm);
    node.durableApplied = initial.applied;
    return node;
  }

  start(): void {
    this.ticker = setInterval(() => {
      this.core.tick();
      this.afterInput();
    }, this.opts.tickMs);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    while (this.loopRunning) await new Promise((r) => setTimeout(r, 5));
    const err = new NodeStoppedError();
    for (const w of this.proposals.values()) w.reject(err);
    for (const list of this.entryWaiters.values()) for (const w of list) w.reject(err);
    for (const w of this.readWaiters.values()) w.reject(err);
    for (const r of this.readyReads) r.waiter.reject(err);
    this.proposals.clear();
    this.entryWaiters.clear();
    this.readWaiters.clear();
    this.readyReads = [];
    await this.incoming?.staging.abort().catch(() => undefined);
    this.incoming = null;
    await this.store.close();
  }

  status(): RaftStatus {
    return this.core.status();
  }

  step(msgs: readonly Message[]): void {
    if (this.stopped) return;
    for (const m of msgs) {
      // A snapshot's metadata enters the core only with its data, staged (offerSnapshot).
      if (m.type !== 'InstallSnapshot') this.core.step(m);
    }
    this.afterInput();
  }

  /**
   * A deposed leader's waiting proposals get an answer now rather than at the client's deadline:
   * the client retries them, with the same session, wherever the new leader is.
   */
  private afterInput(): void {
    if (this.proposals.size > 0 && !this.core.isLeader()) {
      const err = new LeadershipLostError();
      for (const w of this.proposals.values()) w.reject(err);
      this.proposals.clear();
    }
    this.schedule();
  }

  /** Proposes a command; resolves with the state machine's result once it is applied here. */
  propose(data: Uint8Array): Promise<ApplyResult> {
    const { index, term } = this.proposeAt(data);
    return new Promise((resolve, reject) => this.proposals.set(index, { term, resolve, reject }));
  }

  /**
   * Appends a command on the leader without waiting for it: where it landed (index, term). For a
   * follower forwarding a client's command; that follower waits for the entry with waitEntry().
   */
  proposeAt(data: Uint8Array): { index: number; term: number } {
    this.assertRunning();
    const r = this.core.propose(data);
    if (!r.ok) throw proposalError(r.error);
    this.schedule();
    return { index: r.index, term: r.term };
  }

  /**
   * Appends a single-server membership change (dissertation 4.1) on the leader; `context` rides
   * in the entry (the new member's addresses). Wait for it with waitEntry. Throws NotLeaderError,
   * MembershipChangeError (refused: nothing appended) or OverloadedError.
   */
  proposeConfChange(change: ConfChange, context?: Uint8Array): { index: number; term: number } {
    this.assertRunning();
    const r = this.core.proposeConfChange(change, context);
    if (!r.ok) throw confChangeError(change, r.error);
    this.opts.log.info({ change: describeChange(change), index: r.index }, 'membership change proposed');
    this.schedule();
    return { index: r.index, term: r.term };
  }

  /**
   * A consistent view of the state machine as it is durable now, with the snapshot metadata of
   * its applied index (for InstallSnapshot). The caller closes it.
   */
  async openSnapshotSource(): Promise<SnapshotSource> {
    this.assertRunning();
    const reader = await this.store.openStateReader();
    const meta = this.core.snapshotMetaAt(reader.applied);
    if (!meta) {
      await reader.close();
      throw new Error(`no snapshot metadata for applied index ${reader.applied} (log starts at ${this.core.status().firstIndex})`);
    }
    return { meta, nextChunk: (records, bytes) => reader.nextChunk(records, bytes), close: () => reader.close() };
  }

  /** A snapshot transfer to `to` failed: the core probes again and asks for another if needed. */
  snapshotFailed(to: NodeId): void {
    if (this.stopped) return;
    this.core.snapshotFailed(to);
    this.schedule();
  }

  /**
   * Starts staging a snapshot the leader streams to us (an earlier transfer still streaming is
   * dropped). Refused while a complete one waits for the core or is being installed: the leader
   * may re-send after a timeout, and the staging area holds one snapshot.
   */
  async beginSnapshotStaging(meta: SnapshotMeta): Promise<SnapshotStaging> {
    this.assertRunning();
    if (this.incoming) throw new Error(`a snapshot at index ${this.incoming.msg.snapshot.index} is already being installed here; the leader will retry`);
    return this.store.beginSnapshotStaging(meta);
  }

  /**
   * A staged snapshot is complete and verified: the loop steps its InstallSnapshot message into
   * the core, which decides (Figure 13) whether it replaces our log and state.
   */
  offerSnapshot(staging: SnapshotStaging, msg: InstallSnapshotMsg): void {
    if (this.stopped || this.incoming) {
      void staging.abort().catch(() => undefined);
      return;
    }
    this.incoming = { staging, msg, stepped: false };
    this.schedule();
  }

  /**
   * The result of applying the entry at `index` here, if it has term `term`; rejects with
   * ProposalDroppedError if another entry took its place. Resolves null when the entry was
   * applied before this call (its result is gone: retry with the same session to read it from
   * the session cache).
   */
  waitEntry(index: number, term: number): Promise<ApplyResult | null> {
    this.assertRunning();
    if (this.stateMachine.appliedIndex >= index) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const list = this.entryWaiters.get(index);
      const w = { term, resolve, reject };
      if (list) list.push(w);
      else this.entryWaiters.set(index, [w]);
    });
  }

  /** Resolves once the state machine has applied `index` (a follower's half of ReadIndex). */
  waitApplied(index: number): Promise<void> {
    this.assertRunning();
    if (this.stateMachine.appliedIndex >= index) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyReads.push({ index, waiter: { resolve, reject } }));
  }

  /** Dissertation 6.4: resolves once a linearizable read may be served from local state. */
  readBarrier(): Promise<void> {
    this.assertRunning();
    const ctx = this.nextReadCtx++;
    const r = this.core.readIndex(ctx);
    if (!r.ok) throw new NotLeaderError(r.error.leaderId);
    this.schedule();
    return new Promise((resolve, reject) => this.readWaiters.set(ctx, { resolve, reject }));
  }

  /**
   * FNV-1a over (index, term, data) of every committed entry still in the log, prefixed with the
   * first index it covers: nodes with equal digests at equal commit indexes hold identical
   * committed entries from there on (below it, a snapshot stands for them). A pass over the log:
   * tests only.
   */
  committedLogDigest(): string {
    const h = new Fnv1a64();
    const head = new DataView(new ArrayBuffer(16));
    const first = this.core.status().firstIndex;
    for (let i = first; i <= this.core.status().commitIndex; i++) {
      const e = this.core.entryAt(i)!;
      head.setFloat64(0, e.index);
      head.setFloat64(8, e.term);
      h.update(new Uint8Array(head.buffer)).update(e.data);
    }
    return `${first}:${h.hex()}`;
  }

  /** Resolves once everything the state machine applied up to `index` is in LevelDB (for scans). */
  stateDurable(index: number): Promise<void> {
    if (this.durableApplied >= index) return Promise.resolve();
    this.assertRunning();
    this.stateMachineDirty = true; // make sure a write happens even if nothing else is pending
    this.schedule();
    return new Promise((resolve) => this.durableWaiters.push({ index, resolve }));
  }

  /** State-machine records in [gte, lt) from LevelDB (topic records, the KV change log). */
  scanStateMachine(gte: Uint8Array, lt: Uint8Array, limit: number, reverse = false): Promise<Array<[Uint8Array, Uint8Array]>> {
    return this.store.scanStateMachine(gte, lt, limit, reverse);
  }

  /**
   * Counts the snapshots installed from a leader since start: each replaces every state-machine
   * record, so a scan made under one generation says nothing about the next.
   */
  get stateGeneration(): number {
    return this.installs;
  }

  /**
   * Removes history records a compaction made unreachable (see LogStore.deleteUnreachable), found
   * by a scan under `generation`; refused if a snapshot replaced the state since (the keys may be
   * live records of the new state).
   */
  async deleteUnreachable(keys: readonly Uint8Array[], generation: number): Promise<void> {
    if (generation !== this.installs) throw new Error(`state replaced by a snapshot since the scan (generation ${generation}, now ${this.installs})`);
    await this.store.deleteUnreachable(keys);
  }

  /** Called after every loop turn that applied entries (subscriptions and watches wake on it). */
  onApplied(listener: () => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  read(query: ReadQuery): ReadResult {
    return this.stateMachine.read(query);
  }

  private assertRunning(): void {
    if (this.stopped) throw new NodeStoppedError();
    if (this.fatal) throw this.fatal;
  }

  private schedule(): void {
    if (this.loopScheduled || this.stopped) return;
    this.loopScheduled = true;
    setImmediate(() => {
      this.loopScheduled = false;
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    if (this.loopRunning || this.fatal) return;
    this.loopRunning = true;
    try {
      while (!this.stopped && (this.core.hasReady() || this.stateMachineDirty || (this.incoming !== null && !this.incoming.stepped))) await this.turn();
    } catch (e) {
      // A failed fsync or a broken invariant: what is on disk is unknown, so stop serving.
      this.fatal = e instanceof Error ? e : new Error(String(e));
      this.opts.log.fatal({ err: this.fatal }, 'raft loop failed; the node must restart');
      this.opts.onFatal(this.fatal);
    } finally {
      this.loopRunning = false;
    }
  }

  private async turn(): Promise<void> {
    const offered = this.stepOfferedSnapshot();
    const rd = this.core.hasReady() ? this.core.ready() : null;
    if (rd) this.sendMessages(rd, true); // dissertation 10.2.1: appends go out while we fsync
    if (rd?.snapshot) await this.installSnapshot(rd.snapshot, rd.hardState);
    else if (offered) await this.discardOfferedSnapshot(); // Figure 13 rules 5-6: nothing to install
    const sm = this.stateMachineDirty ? this.stateMachine.takeMutations() : null;
    this.stateMachineDirty = false;
    const entries = rd ? rd.entries : [];
    if (rd?.hardState && !rd.snapshot) this.unwrittenHardState = rd.hardState;
    // A hard state that only moves the commit index (volatile, Figure 2) rides along with the
    // next write instead of costing a LevelDB batch of its own; the state machine's progress is
    // always written with it, so a surviving applied index never passes the surviving commit.
    const unwritten = this.unwrittenHardState;
    const promise = unwritten !== null && !this.store.differsOnlyInCommit(unwritten);
    const hardState = promise || entries.length > 0 || sm !== null ? unwritten : null;
    if (hardState !== null) this.unwrittenHardState = null;
    await this.store.write({
      hardState,
      entries,
      stateMachine: sm ? { puts: sm.puts, dels: sm.dels, applied: sm.appliedIndex } : undefined,
    });
    if (sm) this.markDurable(sm.appliedIndex);
    if (!rd) return;
    this.sendMessages(rd, false);
    this.apply(rd.committedEntries);
    for (const ctx of rd.abortedReads) this.takeReadWaiter(ctx)?.reject(new NotLeaderError(0));
    for (const rs of rd.readStates) {
      const waiter = this.takeReadWaiter(rs.ctx);
      if (waiter) this.readyReads.push({ index: rs.index, waiter });
    }
    this.releaseReads();
    this.core.advance(rd);
    if (rd.snapshot || rd.committedEntries.length > 0) for (const l of this.appliedListeners) l();
    await this.maybeCompact();
  }

  /** Steps a staged snapshot's InstallSnapshot into the core, once; true if it did now. */
  private stepOfferedSnapshot(): boolean {
    const incoming = this.incoming;
    if (!incoming || incoming.stepped) return false;
    incoming.stepped = true;
    this.core.step(incoming.msg);
    return true;
  }

  private async discardOfferedSnapshot(): Promise<void> {
    try {
      await this.incoming?.staging.abort();
    } finally {
      this.incoming = null;
    }
  }

  /**
   * Figure 13 rule 7: the leader's snapshot replaces our log and state. Storage swaps them
   * atomically (with the Ready's hard state, so the term that came with the snapshot is durable
   * too); then the state machine is rebuilt from the installed records.
   */
  private async installSnapshot(meta: SnapshotMeta, hardState: HardState | null): Promise<void> {
    try {
      await this.installStaged(meta, hardState);
    } finally {
      this.incoming = null;
    }
  }

  private async installStaged(meta: SnapshotMeta, hardState: HardState | null): Promise<void> {
    const incoming = this.incoming;
    if (!incoming || incoming.msg.snapshot.index !== meta.index || incoming.msg.snapshot.term !== meta.term) {
      throw new Error(`raft: the core installs a snapshot at index ${meta.index} that this node has not staged`);
    }
    if (!hardState) throw new Error(`raft: a snapshot at index ${meta.index} came without a hard state raising the commit index`);
    this.installs++; // before the install starts: a concurrent scan's deletes must not land after it
    const { stateMachineRecords } = await this.store.installSnapshot(incoming.staging, hardState);
    this.unwrittenHardState = null;
    this.sm = StateMachine.restore(stateMachineRecords, meta.index, this.opts.stateMachine);
    this.stateMachineDirty = false; // whatever the old state machine had not saved is superseded
    this.bytesSinceSnapshot = 0;
    this.markDurable(meta.index);
    // Entries the snapshot covers were applied elsewhere: their results live in the session cache.
    for (const [index, list] of this.entryWaiters) {
      if (index > meta.index) continue;
      this.entryWaiters.delete(index);
      for (const w of list) w.resolve(null);
    }
    this.opts.log.info({ index: meta.index, term: meta.term, records: stateMachineRecords.length }, 'snapshot installed');
  }

  /**
   * Raft paper section 7: once enough has been applied since the last snapshot, the durable
   * state machine (always complete in LevelDB at its applied index) is the snapshot, and the
   * log below it, minus a trailing margin for followers slightly behind, goes.
   */
  private async maybeCompact(): Promise<void> {
    const policy = this.opts.snapshots ?? defaultSnapshotPolicy;
    const since = this.durableApplied - this.core.snapshot().index;
    if (since <= 0 || (since < policy.entries && this.bytesSinceSnapshot < policy.bytes)) return;
    const r = this.core.compact(this.durableApplied);
    if (!r.ok) return;
    this.bytesSinceSnapshot = 0;
    await this.store.write({ compact: { snapshot: r.snapshot, firstIndex: r.firstIndex } });
    this.opts.log.debug({ index: r.snapshot.index, firstIndex: r.firstIndex }, 'log compacted');
  }

  private markDurable(applied: number): void {
    this.durableApplied = applied;
    if (this.durableWaiters.length === 0) return;
    const still: typeof this.durableWaiters = [];
    for (const w of this.durableWaiters) {
      if (w.index <= applied) w.resolve();
      else still.push(w);
    }
    this.durableWaiters = still;
  }

  private sendMessages(rd: Ready, early: boolean): void {
    const byPeer = new Map<NodeId, Message[]>();
    for (const m of rd.messages) {
      if (m.type === 'InstallSnapshot') {
        if (!early) this.opts.sendSnapshot(m.to, m.term);
        continue;
      }
      const isEarly = m.type === 'AppendEntries' || m.type === 'Heartbeat';
      if (isEarly !== early) continue;
      const list = byPeer.get(m.to);
      if (list) list.push(m);
      else byPeer.set(m.to, [m]);
    }
    for (const [to, msgs] of byPeer) this.opts.send(to, msgs);
  }

  private apply(entries: readonly LogEntry[]): void {
    for (const e of entries) {
      const result = this.sm.apply(e);
      this.bytesSinceSnapshot += e.data.length;
      this.stateMachineDirty = true;
      const forwarded = this.entryWaiters.get(e.index);
      if (forwarded) {
        this.entryWaiters.delete(e.index);
        for (const w of forwarded) {
          if (w.term === e.term) w.resolve(result);
          else w.reject(new ProposalDroppedError(e.index, w.term));
        }
      }
      const waiter = this.proposals.get(e.index);
      if (!waiter) continue;
      this.proposals.delete(e.index);
      if (waiter.term === e.term) waiter.resolve(result);
      else waiter.reject(new ProposalDroppedError(e.index, waiter.term));
    }
  }

  private takeReadWaiter(ctx: number): ReadWaiter | undefined {
    const w = this.readWaiters.get(ctx);
    this.readWaiters.delete(ctx);
    return w;
  }

  private releaseReads(): void {
    const applied = this.stateMachine.appliedIndex;
    const still: typeof this.readyReads = [];
    for (const r of this.readyReads) {
      if (r.index <= applied) r.waiter.resolve();
      else still.push(r);
    }
    this.readyReads = still;
  }
}

function confChangeError(change: ConfChange, e: ConfChangeError): Error {
  const id = change.id;
  switch (e.code) {
    case 'config_change_pending':
      return new MembershipChangeError(e.code, `a membership change is in progress (configuration at index ${e.configIndex}, commit index ${e.commitIndex}); retry once it commits`);
    case 'already_member':
      return new MembershipChangeError(e.code, `node ${id} is already a member`);
    case 'not_member':
      return new MembershipChangeError(e.code, `node ${id} is not a member`);
    case 'not_learner':
      return new MembershipChangeError(e.code, `node ${id} is not a learner (only a learner can be promoted)`);
    case 'last_voter':
      return new MembershipChangeError(e.code, `node ${id} is the last voter; removing it would leave nobody to commit`);
    case 'invalid_id':
      return new MembershipChangeError(e.code, `id ${id} is not a positive integer`);
    default:
      return proposalError(e);
  }
}

function proposalError(e: ProposeError): Error {
  switch (e.code) {
    case 'not_leader':
      return new NotLeaderError(e.leaderId);
    case 'transferring':
      return new LeaderTransferError(`leadership is moving to node ${e.leaderId}; retry there`);
    case 'overloaded':
      return new OverloadedError(`too many uncommitted bytes on the leader (${e.uncommittedBytes} of ${e.limit}); retry later`);
    case 'too_large':
      return new EntryTooLargeError(`entry of ${e.bytes} bytes exceeds the ${e.limit}-byte limit`);
  }
}
