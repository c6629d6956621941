import { RaftCore } from '../raft/core/raft';
import { SeededRand } from '../raft/core/rand';
import type { CompactResult, HardState, LogEntry, Message, NodeId, RaftConfig, RaftInitialState, Ready, SnapshotMeta } from '../raft/core/types';
import { defaultRaftConfig } from '../raft/core/types';

/**
 * The simulated state machine: the applied index and a digest of every entry applied so far, in
 * order. Two replicas with equal digests at equal indexes applied the same command sequence, so
 * the digest is what a snapshot carries and what a restored replica must match.
 */
export interface SimStateMachine {
  applied: number;
  digest: number;
}

/** A snapshot's data as the driver stores and streams it: the state machine's state at `index`. */
export interface SimSnapshotData {
  readonly index: number;
  readonly digest: number;
}

export const EMPTY_DIGEST = 0x811c9dc5;

/** FNV-1a over (index, term, type, data): the state after applying `e` to a state with digest `h`. */
export function applyDigest(h: number, e: LogEntry): number {
  const mix = (x: number, byte: number): number => Math.imul(x ^ (byte & 0xff), 0x01000193) >>> 0;
  for (const v of [e.index, e.term, e.type === 'normal' ? 1 : e.type === 'noop' ? 2 : 3]) {
    h = mix(mix(mix(mix(h, v), v >>> 8), v >>> 16), v >>> 24);
  }
  for (let i = 0; i < e.data.length; i++) h = mix(h, e.data[i]);
  return h;
}

/** What survives a crash: the simulated disk, written only when a Ready's persistence completes. */
export interface SimDisk {
  hardState: HardState;
  /** The latest snapshot: metadata for the core, data for the state machine and for followers. */
  snapshot: { meta: SnapshotMeta; data: SimSnapshotData } | null;
  /** Contiguous; the first at or below snapshot.index + 1 (1 without a snapshot). */
  entries: LogEntry[];
}

/** Per-seed core settings: small batches and windows reach the corners large ones hide. */
export type SimTuning = Pick<RaftConfig, 'maxEntriesPerMsg' | 'maxInflightMsgs' | 'unsafe' | 'snapshotTrailingEntries' | 'snapshotTimeoutHeartbeats'>;

/** Callbacks into the simulated world, so the node driver stays a thin loop like the real one. */
export interface NodeHost {
  send(m: Message, now: number): void;
  schedulePersisted(node: SimNode, delayMs: number): void;
  onReadyHandedOut(node: SimNode, rd: Ready): void;
  onDurableHardState(node: SimNode, hs: HardState): void;
  onSnapshotRestored(node: SimNode, meta: SnapshotMeta, data: SimSnapshotData): void;
  onApply(node: SimNode, e: LogEntry): void;
  /** Entries were applied and the core advanced: the driver may compact now. */
  afterApply(node: SimNode): void;
  onReadServed(node: SimNode, ctx: number): void;
  onReadAborted(ctx: number): void;
  diskDelayMs(): number;
}

/**
 * One simulated server: a Raft core plus the driver loop of the Ready contract, with a disk
 * whose writes complete after a delay and vanish if the node crashes first.
 */
export class SimNode {
  core: RaftCore | null = null;
  incarnation = 0;
  readonly disk: SimDisk = { hardState: { term: 0, vote: 0, commit: 0 }, snapshot: null, entries: [] };
  paused = false;
  /** The Ready being persisted; at most one at a time (etcd's contract). */
  persisting: Ready | null = null;
  /** The data of the snapshot in `persisting`, received from the leader. */
  private persistingSnapshot: SimSnapshotData | null = null;
  /** The in-memory state machine (lost on crash; restored from the disk's snapshot, then the log). */
  sm: SimStateMachine = { applied: 0, digest: EMPTY_DIGEST };
  /** Snapshot data streamed to this node by leaders, by index, until an InstallSnapshot uses it. */
  readonly receivedSnapshots = new Map<number, SimSnapshotData>();
  lastCommit = 0;
  wasLeader = false;
  private waitingReads: { ctx: number; index: number }[] = [];

  constructor(
    readonly id: NodeId,
    /** The bootstrap configuration (RaftConfig.voters): the same on every node of the cluster. */
    private readonly bootstrapVoters: readonly NodeId[],
    private readonly tuning: SimTuning,
    private readonly host: NodeHost,
  ) {}

  get up(): boolean {
    return this.core !== null;
  }

  get applied(): number {
    return this.sm.applied;
  }

  start(seed: number): void {
    const cfg: RaftConfig = { ...defaultRaftConfig, ...this.tuning, id: this.id, voters: this.bootstrapVoters };
    const snap = this.disk.snapshot;
    const base = { hardState: this.disk.hardState, entries: this.disk.entries.slice(), applied: snap?.meta.index ?? 0 };
    const initial: RaftInitialState = snap ? { ...base, snapshot: snap.meta } : base;
    this.core = new RaftCore(cfg, initial, new SeededRand(seed));
    this.incarnation++;
    this.sm = snap ? { applied: snap.meta.index, digest: snap.data.digest } : { applied: 0, digest: EMPTY_DIGEST };
    this.lastCommit = this.core.status().commitIndex;
    this.wasLeader = false;
    this.persisting = null;
    this.persistingSnapshot = null;
    this.waitingReads = [];
  }

  /** kill -9: memory is gone; an in-flight write either reached the disk whole or not at all. */
  crash(writeLanded: boolean): void {
    if (this.persisting && writeLanded) this.writeDisk(this.persisting, this.persistingSnapshot);
    for (const r of this.waitingReads) this.host.onReadAborted(r.ctx);
    this.core = null;
    this.persisting = null;
    this.persistingSnapshot = null;
    this.waitingReads = [];
    this.receivedSnapshots.clear();
  }

  /** Drains Ready values while no write is in flight. */
  pump(now: number): void {
    const core = this.core;
    if (!core || this.persisting || !core.hasReady()) return;
    const rd = core.ready();
    if (rd.snapshot) {
      const data = this.receivedSnapshots.get(rd.snapshot.index);
      if (!data) throw new Error(`sim: node ${this.id} must install snapshot ${rd.snapshot.index} but never received its data`);
      this.persistingSnapshot = data;
      for (const k of [...this.receivedSnapshots.keys()]) if (k <= rd.snapshot.index) this.receivedSnapshots.delete(k);
    }
    this.host.onReadyHandedOut(this, rd);
    // Dissertation 10.2.1: a leader's AppendEntries and heartbeats need not wait for its own fsync.
    for (const m of rd.messages) if (m.type === 'AppendEntries' || m.type === 'Heartbeat') this.host.send(m, now);
    this.persisting = rd;
    this.host.schedulePersisted(this, this.host.diskDelayMs());
  }

  /** The write of the current Ready completed: send, restore, apply, answer reads, advance. */
  persisted(now: number): void {
    const core = this.core;
    const rd = this.persisting;
    if (!core || !rd) return;
    const snapData = this.persistingSnapshot;
    this.writeDisk(rd, snapData);
    for (const m of rd.messages) if (m.type !== 'AppendEntries' && m.type !== 'Heartbeat') this.host.send(m, now);
    if (rd.snapshot && snapData) {
      this.sm = { applied: rd.snapshot.index, digest: snapData.digest };
      this.host.onSnapshotRestored(this, rd.snapshot, snapData);
    }
    for (const e of rd.committedEntries) {
      this.host.onApply(this, e);
      this.sm.applied = e.index;
      this.sm.digest = applyDigest(this.sm.digest, e);
    }
    for (const ctx of rd.abortedReads) this.host.onReadAborted(ctx);
    this.waitingReads.push(...rd.readStates);
    this.serveReads();
    this.persisting = null;
    this.persistingSnapshot = null;
    core.advance(rd);
    if (rd.committedEntries.length > 0) this.host.afterApply(this);
    this.pump(now);
  }

  /**
   * The driver snapshots its state machine and asks the core to compact at `index` (normally
   * the applied index). On success the snapshot is written and the log prefix deleted, as one
   * atomic disk operation. The snapshot is labelled `index`, whatever the state machine holds:
   * a core that accepts an index beyond the applied one makes the driver store a wrong snapshot.
   */
  compact(index: number): CompactResult {
    const core = this.core;
    if (!core || this.persisting) throw new Error(`sim: node ${this.id} compacts while down or persisting`);
    const res = core.compact(index);
    if (!res.ok) return res;
    this.disk.snapshot = { meta: res.snapshot, data: { index: res.snapshot.index, digest: this.sm.digest } };
    const first = this.disk.entries[0]?.index ?? res.firstIndex;
    this.disk.entries = this.disk.entries.slice(Math.max(0, res.firstIndex - first));
    return res;
  }

  private serveReads(): void {
    const still: { ctx: number; index: number }[] = [];
    for (const r of this.waitingReads) {
      if (r.index <= this.sm.applied) this.host.onReadServed(this, r.ctx);
      else still.push(r);
    }
    this.waitingReads = still;
  }

  private writeDisk(rd: Ready, snapData: SimSnapshotData | null): void {
    const disk = this.disk;
    if (rd.snapshot) {
      if (!snapData) throw new Error(`sim: node ${this.id} persists snapshot ${rd.snapshot.index} without its data`);
      disk.snapshot = { meta: rd.snapshot, data: snapData };
      disk.entries = []; // Figure 13 rule 7: the snapshot replaces the whole log
    }
    if (rd.hardState) {
      disk.hardState = rd.hardState;
      this.host.onDurableHardState(this, rd.hardState);
    }
    if (rd.entries.length > 0) {
      const first = rd.entries[0].index;
      const base = disk.entries[0]?.index ?? (disk.snapshot?.meta.index ?? 0) + 1;
      const keep = Math.max(0, first - base);
      if (keep > disk.entries.length) throw new Error(`sim: node ${this.id} persists ${first}, leaving a gap after ${base + disk.entries.length - 1}`);
      disk.entries.length = keep;
      disk.entries.push(...rd.entries);
    }
  }
}
