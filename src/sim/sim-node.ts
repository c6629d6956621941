import { RaftCore } from '../raft/core/raft';
import { SeededRand } from '../raft/core/rand';
import type { Entry, HardState, Message, NodeId, RaftConfig, Ready } from '../raft/core/types';
import { defaultRaftConfig } from '../raft/core/types';

/** What survives a crash: the simulated disk, written only when a Ready's persistence completes. */
export interface SimDisk {
  hardState: HardState;
  entries: Entry[];
}

/** Per-seed core settings: small batches and windows reach the corners large ones hide. */
export type SimTuning = Pick<RaftConfig, 'maxEntriesPerMsg' | 'maxInflightMsgs' | 'unsafe'>;

/** Callbacks into the simulated world, so the node driver stays a thin loop like the real one. */
export interface NodeHost {
  send(m: Message, now: number): void;
  schedulePersisted(node: SimNode, delayMs: number): void;
  onReadyHandedOut(node: SimNode, rd: Ready): void;
  onApply(node: SimNode, e: Entry): void;
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
  readonly disk: SimDisk = { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] };
  paused = false;
  /** The Ready being persisted; at most one at a time (etcd's contract). */
  persisting: Ready | null = null;
  /** The in-memory state machine's applied index (lost on crash; replayed from the log). */
  applied = 0;
  lastCommit = 0;
  wasLeader = false;
  private waitingReads: { ctx: number; index: number }[] = [];

  constructor(
    readonly id: NodeId,
    private readonly voters: readonly NodeId[],
    private readonly tuning: SimTuning,
    private readonly host: NodeHost,
  ) {}

  get up(): boolean {
    return this.core !== null;
  }

  start(seed: number): void {
    const cfg: RaftConfig = { ...defaultRaftConfig, ...this.tuning, id: this.id, voters: this.voters };
    const initial = { hardState: this.disk.hardState, entries: this.disk.entries.slice(), applied: 0 };
    this.core = new RaftCore(cfg, initial, new SeededRand(seed));
    this.incarnation++;
    this.applied = 0;
    this.lastCommit = this.core.status().commitIndex;
    this.wasLeader = false;
    this.persisting = null;
    this.waitingReads = [];
  }

  /** kill -9: memory is gone; an in-flight write either reached the disk whole or not at all. */
  crash(writeLanded: boolean): void {
    if (this.persisting && writeLanded) this.writeDisk(this.persisting);
    for (const r of this.waitingReads) this.host.onReadAborted(r.ctx);
    this.core = null;
    this.persisting = null;
    this.waitingReads = [];
  }

  /** Drains Ready values while no write is in flight. */
  pump(now: number): void {
    const core = this.core;
    if (!core || this.persisting || !core.hasReady()) return;
    const rd = core.ready();
    this.host.onReadyHandedOut(this, rd);
    // Dissertation 10.2.1: a leader's AppendEntries and heartbeats need not wait for its own fsync.
    for (const m of rd.messages) if (m.type === 'AppendEntries' || m.type === 'Heartbeat') this.host.send(m, now);
    this.persisting = rd;
    this.host.schedulePersisted(this, this.host.diskDelayMs());
  }

  /** The write of the current Ready completed: send, apply, answer reads, advance. */
  persisted(now: number): void {
    const core = this.core;
    const rd = this.persisting;
    if (!core || !rd) return;
    this.writeDisk(rd);
    for (const m of rd.messages) if (m.type !== 'AppendEntries' && m.type !== 'Heartbeat') this.host.send(m, now);
    for (const e of rd.committedEntries) {
      this.host.onApply(this, e);
      this.applied = e.index;
    }
    for (const ctx of rd.abortedReads) this.host.onReadAborted(ctx);
    this.waitingReads.push(...rd.readStates);
    this.serveReads();
    this.persisting = null;
    core.advance(rd);
    this.pump(now);
  }

  private serveReads(): void {
    const still: { ctx: number; index: number }[] = [];
    for (const r of this.waitingReads) {
      if (r.index <= this.applied) this.host.onReadServed(this, r.ctx);
      else still.push(r);
    }
    this.waitingReads = still;
  }

  private writeDisk(rd: Ready): void {
    if (rd.hardState) this.disk.hardState = rd.hardState;
    if (rd.entries.length > 0) {
      this.disk.entries.length = rd.entries[0].index - 1;
      this.disk.entries.push(...rd.entries);
    }
  }
}
