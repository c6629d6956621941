/**
 * A hand-driven cluster of pure Raft cores for the paper-section tests. Nothing happens on its
 * own: a test ticks, proposes and delivers messages explicitly, so each step of a scenario from
 * the paper can be reproduced and asserted. The driver loop is the Ready contract verbatim:
 * persist (to a per-node fake disk), queue the messages, apply committed entries, `advance`.
 *
 * Every message leaving a node is checked against what that node has persisted (the
 * "persist before you promise" rule of Figure 2), so every scenario test also checks it.
 */
import { RaftCore } from '../../src/raft/core/raft';
import { SeededRand } from '../../src/raft/core/rand';
import {
  defaultRaftConfig,
  type LogEntry as Entry,
  type EntryType,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type RaftConfig,
  type RaftInitialState,
  type ReadState,
  type Ready,
  type SnapshotMeta,
} from '../../src/raft/core/types';

export type CoreOpts = Partial<Omit<RaftConfig, 'id' | 'voters'>> & { readonly seed?: number };

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function entry(index: number, term: number, data = `e${index}t${term}`, type: EntryType = 'normal'): Entry {
  return { index, term, type, data: bytes(data) };
}

/** A log given by the term of each entry, from index 1: `logOfTerms([1, 1, 2])`. */
export function logOfTerms(terms: readonly number[]): Entry[] {
  return terms.map((t, i) => entry(i + 1, t));
}

/** The persisted state a node starts from; the term defaults to the last entry's term. */
export function initialState(entries: readonly Entry[] = [], hs: Partial<HardState> = {}, applied = 0, snapshot?: SnapshotMeta): RaftInitialState {
  const lastTerm = entries.length > 0 ? entries[entries.length - 1].term : (snapshot?.term ?? 0);
  const hardState = { term: hs.term ?? lastTerm, vote: hs.vote ?? 0, commit: hs.commit ?? 0 };
  return snapshot ? { hardState, snapshot, entries, applied } : { hardState, entries, applied };
}

export function config(id: NodeId, voters: readonly NodeId[], opts: CoreOpts = {}): RaftConfig {
  const { seed: _seed, ...rest } = opts;
  return { ...defaultRaftConfig, ...rest, id, voters };
}

export function newCore(id: NodeId, voters: readonly NodeId[], opts: CoreOpts = {}, initial?: RaftInitialState): RaftCore {
  return new RaftCore(config(id, voters, opts), initial ?? initialState(), new SeededRand(opts.seed ?? id));
}

export function range(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** The terms of a core's log, index 1 first. */
export function termsOf(core: RaftCore): number[] {
  const out: number[] = [];
  for (let i = 1; i <= core.status().lastLogIndex; i++) out.push(core.termAt(i)!);
  return out;
}

/** Drains every Ready a lone core has (persist is a no-op), returning the messages it sent. */
export function drain(core: RaftCore): Message[] {
  const out: Message[] = [];
  while (core.hasReady()) {
    const rd = core.ready();
    out.push(...rd.messages);
    core.advance(rd);
  }
  return out;
}

/** The message variant(s) whose `type` can be T (VoteRespMsg carries two types). */
type MsgOfType<M, T> = M extends { type: infer U } ? (T extends U ? M : never) : never;
export type MsgOf<T extends MessageType> = MsgOfType<Message, T>;

export function ofType<T extends MessageType>(msgs: readonly Message[], type: T): MsgOf<T>[] {
  return msgs.filter((m): m is MsgOf<T> => m.type === type);
}

export function describeMsg(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'AppendEntries':
      return `${head} prev=${m.prevLogIndex}/t${m.prevLogTerm} n=${m.entries.length} commit=${m.leaderCommit}`;
    case 'AppendEntriesResp':
      return `${head} ${m.reject ? 'reject' : 'ok'} idx=${m.index} hint=${m.conflictIndex}/t${m.conflictTerm}`;
    case 'PreVoteResp':
    case 'RequestVoteResp':
      return `${head} ${m.reject ? 'reject' : 'grant'}`;
    case 'Heartbeat':
      return `${head} commit=${m.commit} round=${m.readRound}`;
    case 'HeartbeatResp':
      return `${head} round=${m.readRound}`;
    case 'InstallSnapshot':
      return `${head} snapshot=${m.snapshot.index}/t${m.snapshot.term} voters=${m.snapshot.config.voters.join(',')}`;
    case 'InstallSnapshotResp':
      return `${head} idx=${m.index}`;
    default:
      return head;
  }
}

interface Disk {
  hardState: HardState;
  snapshot: SnapshotMeta | null;
  /** Contiguous; the first may follow the snapshot or lie below it (the trailing margin). */
  entries: Entry[];
}

type MsgFilter = (m: Message) => boolean;

const any: MsgFilter = () => true;

export class Network {
  readonly ids: readonly NodeId[];
  private readonly cores = new Map<NodeId, RaftCore>();
  private readonly disks = new Map<NodeId, Disk>();
  private readonly opts: CoreOpts;
  /** Messages sent and not yet delivered or dropped, oldest first. */
  queue: Message[] = [];
  /** Every message any node sent, in order (for counting round trips). */
  readonly sent: Message[] = [];
  readonly delivered: Message[] = [];
  readonly dropped: Message[] = [];
  readonly applied = new Map<NodeId, Entry[]>();
  readonly readStates = new Map<NodeId, ReadState[]>();
  readonly abortedReads = new Map<NodeId, number[]>();
  /** Snapshots each node's driver restored its state machine from (Ready.snapshot), in order. */
  readonly restored = new Map<NodeId, SnapshotMeta[]>();
  /** Directed links that lose everything: `${from}>${to}`. */
  private readonly cut = new Set<string>();
  /** The bootstrap voters every core is configured with (RaftConfig.voters). */
  readonly bootstrap: readonly NodeId[];

  constructor(
    ids: readonly NodeId[],
    opts: CoreOpts = {},
    initial: (id: NodeId) => RaftInitialState | undefined = () => undefined,
    bootstrap: readonly NodeId[] = ids,
  ) {
    this.ids = ids;
    this.opts = opts;
    this.bootstrap = bootstrap;
    for (const id of ids) {
      const init = initial(id) ?? initialState();
      this.disks.set(id, { hardState: init.hardState, snapshot: init.snapshot ?? null, entries: [...init.entries] });
      this.cores.set(id, newCore(id, bootstrap, opts, init));
      this.applied.set(id, []);
      this.readStates.set(id, []);
      this.abortedReads.set(id, []);
      this.restored.set(id, []);
    }
  }

  /** Nodes `ids`, of which only `voters` form the bootstrap configuration (the others join later). */
  static withBootstrap(ids: readonly NodeId[], voters: readonly NodeId[], opts: CoreOpts = {}): Network {
    return new Network(ids, opts, () => undefined, voters);
  }

  /** A cluster of `n` nodes with ids 1..n. */
  static of(n: number, opts: CoreOpts = {}, initial?: (id: NodeId) => RaftInitialState | undefined): Network {
    return new Network(range(n), opts, initial);
  }

  node(id: NodeId): RaftCore {
    const c = this.cores.get(id);
    if (!c) throw new Error(`no node ${id}`);
    return c;
  }

  disk(id: NodeId): Disk {
    return this.disks.get(id)!;
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.node(id).status().role === 'leader');
  }

  // ---- the driver loop ------------------------------------------------------------------------

  /** Runs the Ready loop of one node until it has nothing more; the messages go to the queue. */
  collect(id: NodeId): Message[] {
    const core = this.node(id);
    const out: Message[] = [];
    while (core.hasReady()) {
      const rd = core.ready();
      this.persist(id, rd);
      for (const m of rd.messages) this.checkPromise(id, m);
      if (rd.snapshot) this.restored.get(id)!.push(rd.snapshot);
      out.push(...rd.messages);
      this.applied.get(id)!.push(...rd.committedEntries);
      this.readStates.get(id)!.push(...rd.readStates);
      this.abortedReads.get(id)!.push(...rd.abortedReads);
      core.advance(rd);
    }
    this.queue.push(...out);
    this.sent.push(...out);
    return out;
  }

  collectAll(): Message[] {
    return this.ids.flatMap((id) => this.collect(id));
  }

  private persist(id: NodeId, rd: Ready): void {
    const disk = this.disk(id);
    if (rd.snapshot) {
      disk.snapshot = rd.snapshot; // Figure 13 rule 7: the snapshot replaces the whole log
      disk.entries = [];
    }
    if (rd.hardState) disk.hardState = rd.hardState;
    if (rd.entries.length > 0) {
      const first = rd.entries[0].index;
      const keep = disk.entries.filter((e) => e.index < first);
      const lastKept = keep.length > 0 ? keep[keep.length - 1].index : (disk.snapshot?.index ?? 0);
      if (first > lastKept + 1) throw new Error(`node ${id}: persisting ${first} leaves a gap after ${lastKept}`);
      disk.entries = [...keep, ...rd.entries];
    }
  }

  /** The driver's compaction: the core's verdict, and on success the disk follows it. */
  compact(id: NodeId, index: number) {
    const res = this.node(id).compact(index);
    if (res.ok) {
      const disk = this.disk(id);
      disk.snapshot = res.snapshot;
      disk.entries = disk.entries.filter((e) => e.index >= res.firstIndex);
    }
    return res;
  }

  /** The highest index durable on `id`'s disk (its snapshot's, if the log is empty). */
  durableLastIndex(id: NodeId): number {
    const disk = this.disk(id);
    return disk.entries.length > 0 ? disk.entries[disk.entries.length - 1].index : (disk.snapshot?.index ?? 0);
  }

  /**
   * Figure 2: a node answers only from state it has made durable. A vote (its own or granted)
   * must be on disk for its term; a message of an older term than the disk's is harmless, as the
   * node can never return to that term after a crash.
   */
  checkPromise(id: NodeId, m: Message): void {
    const disk = this.disk(id);
    if (m.from !== id) throw new Error(`node ${id} sent a message from ${m.from}`);
    const future = m.type === 'PreVote' || (m.type === 'PreVoteResp' && !m.reject);
    if (!future && m.term > disk.hardState.term) {
      throw new Error(`node ${id} sent ${describeMsg(m)} ahead of its persisted term ${disk.hardState.term}`);
    }
    const current = m.term === disk.hardState.term;
    if (current && m.type === 'RequestVoteResp' && !m.reject && disk.hardState.vote !== m.to) {
      throw new Error(`node ${id} granted a vote to ${m.to} at t${m.term} before persisting it (${JSON.stringify(disk.hardState)})`);
    }
    if (current && m.type === 'RequestVote' && disk.hardState.vote !== id) {
      throw new Error(`node ${id} requested votes at t${m.term} before persisting its own vote`);
    }
    if ((m.type === 'AppendEntriesResp' && !m.reject && m.index > 0) || m.type === 'InstallSnapshotResp') {
      const e = disk.entries.find((x) => x.index === m.index);
      const durableTerm = e ? e.term : disk.snapshot?.index === m.index ? disk.snapshot.term : undefined;
      const coveredBySnapshot = disk.snapshot !== null && m.index <= disk.snapshot.index;
      if (!coveredBySnapshot && (durableTerm === undefined || durableTerm !== this.node(id).termAt(m.index))) {
        throw new Error(`node ${id} acknowledged index ${m.index} before persisting it`);
      }
    }
  }

  // ---- links ----------------------------------------------------------------------------------

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  /** Cuts `id` off from everyone, both directions (a crash or a partition, as far as others see). */
  isolate(id: NodeId): void {
    for (const other of this.ids) {
      if (other === id) continue;
      this.cutLink(id, other);
      this.cutLink(other, id);
    }
  }

  /** Splits into `side` and the rest. */
  partition(side: readonly NodeId[]): void {
    for (const a of side) for (const b of this.ids) if (!side.includes(b)) (this.cutLink(a, b), this.cutLink(b, a));
  }

  heal(): void {
    this.cut.clear();
  }

  linkUp(from: NodeId, to: NodeId): boolean {
    return !this.cut.has(`${from}>${to}`);
  }

  // ---- delivery -------------------------------------------------------------------------------

  /** Removes queued messages matching `filter` without delivering them. */
  drop(filter: MsgFilter): Message[] {
    const out = this.queue.filter(filter);
    this.queue = this.queue.filter((m) => !filter(m));
    this.dropped.push(...out);
    return out;
  }

  /**
   * Delivers the queued messages that match `filter`, once each, oldest first (messages on cut
   * links are lost). Replies go to the queue; they are not delivered by this call.
   */
  deliver(filter: MsgFilter = any): Message[] {
    const now = this.queue.filter(filter);
    this.queue = this.queue.filter((m) => !filter(m));
    const out: Message[] = [];
    for (const m of now) {
      if (!this.linkUp(m.from, m.to)) {
        this.dropped.push(m);
        continue;
      }
      this.node(m.to).step(m);
      this.delivered.push(m);
      out.push(m);
      this.collect(m.to);
    }
    return out;
  }

  /** Delivers the queued message at `k` (a reordering when k > 0); `keep` leaves a copy queued (a duplicate). */
  deliverAt(k: number, keep = false): Message | undefined {
    const m = this.queue[k];
    if (!m) return undefined;
    if (!keep) this.queue.splice(k, 1);
    if (!this.linkUp(m.from, m.to)) {
      this.dropped.push(m);
      return undefined;
    }
    this.node(m.to).step(m);
    this.delivered.push(m);
    this.collect(m.to);
    return m;
  }

  /** Collects and delivers until quiet, losing every message that matches `lose` instead. */
  deliverAllLosing(lose: MsgFilter, maxRounds = 1000): Message[] {
    const out: Message[] = [];
    this.collectAll();
    for (let round = 0; round < maxRounds; round++) {
      this.drop(lose);
      if (this.queue.length === 0) return out;
      out.push(...this.deliver());
      this.collectAll();
    }
    throw new Error(`cluster did not quiesce in ${maxRounds} rounds`);
  }

  /** Collects and delivers until the cluster is quiet (no ticks happen); returns what was delivered. */
  deliverAll(filter: MsgFilter = any, maxRounds = 1000): Message[] {
    const out: Message[] = [];
    this.collectAll();
    for (let round = 0; round < maxRounds; round++) {
      if (!this.queue.some(filter)) return out;
      out.push(...this.deliver(filter));
      this.collectAll();
    }
    throw new Error(`cluster did not quiesce in ${maxRounds} rounds`);
  }

  // ---- time -----------------------------------------------------------------------------------

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.node(id).tick();
    this.collect(id);
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) for (const id of this.ids) this.node(id).tick();
    this.collectAll();
  }

  /** Ticks `ids` (default all), delivering after each tick, until `done` holds; returns the ticks used. */
  tickUntil(done: () => boolean, opts: { ids?: readonly NodeId[]; max?: number; deliver?: boolean } = {}): number {
    const ids = opts.ids ?? this.ids;
    const max = opts.max ?? 1000;
    for (let t = 0; t <= max; t++) {
      if (done()) return t;
      for (const id of ids) this.node(id).tick();
      this.collectAll();
      if (opts.deliver ?? true) this.deliverAll();
    }
    throw new Error(`condition not reached in ${max} ticks`);
  }

  // ---- scenarios ------------------------------------------------------------------------------

  /** Makes `id` campaign and delivers everything; the election must succeed. */
  electLeader(id: NodeId): RaftCore {
    const core = this.node(id);
    core.campaign();
    this.deliverAll();
    if (core.status().role !== 'leader') {
      throw new Error(`node ${id} did not win: ${JSON.stringify(core.status())}`);
    }
    return core;
  }

  /** Proposes on `id`, which must accept. */
  propose(id: NodeId, data: string | Uint8Array): { index: number; term: number } {
    const res = this.node(id).propose(typeof data === 'string' ? bytes(data) : data);
    if (!res.ok) throw new Error(`proposal on ${id} refused: ${JSON.stringify(res.error)}`);
    return res;
  }

  /** Restarts `id` from its fake disk: volatile state (role, leader, commit beyond the disk) is lost. */
  restart(id: NodeId, applied = 0): RaftCore {
    const disk = this.disk(id);
    const snapshot = disk.snapshot ?? undefined;
    const init: RaftInitialState = { hardState: disk.hardState, entries: [...disk.entries], applied, ...(snapshot ? { snapshot } : {}) };
    const core = newCore(id, this.bootstrap, { ...this.opts, seed: (this.opts.seed ?? id) + 1000 }, init);
    this.cores.set(id, core);
    this.queue = this.queue.filter((m) => m.to !== id);
    return core;
  }

  sentBetween(from: NodeId, to: NodeId, type?: MessageType): Message[] {
    return this.sent.filter((m) => m.from === from && m.to === to && (type === undefined || m.type === type));
  }

  /** Logs of every node are identical (index and term). */
  logsMatch(ids: readonly NodeId[] = this.ids): boolean {
    const ref = termsOf(this.node(ids[0])).join(',');
    return ids.every((id) => termsOf(this.node(id)).join(',') === ref);
  }

  trace(): string {
    return this.sent.map(describeMsg).join('\n');
  }
}

/** Shorthand filters. */
export const to = (id: NodeId): MsgFilter => (m) => m.to === id;
export const from = (id: NodeId): MsgFilter => (m) => m.from === id;
export const type = (t: MessageType): MsgFilter => (m) => m.type === t;
export const and =
  (...fs: MsgFilter[]): MsgFilter =>
  (m) =>
    fs.every((f) => f(m));
export const not =
  (f: MsgFilter): MsgFilter =>
  (m) =>
    !f(m);

/** Message builders for stepping a lone core. */
export const msg = {
  appendEntries(from: NodeId, toId: NodeId, term: number, prevLogIndex: number, prevLogTerm: number, entries: readonly Entry[] = [], leaderCommit = 0): Message {
    return { type: 'AppendEntries', from, to: toId, term, prevLogIndex, prevLogTerm, entries, leaderCommit };
  },
  appendResp(from: NodeId, toId: NodeId, term: number, index: number, reject = false, conflictTerm = 0, conflictIndex = 0): Message {
    return { type: 'AppendEntriesResp', from, to: toId, term, index, reject, conflictTerm, conflictIndex };
  },
  heartbeat(from: NodeId, toId: NodeId, term: number, commit = 0, readRound = 0): Message {
    return { type: 'Heartbeat', from, to: toId, term, commit, readRound };
  },
  heartbeatResp(from: NodeId, toId: NodeId, term: number, readRound = 0): Message {
    return { type: 'HeartbeatResp', from, to: toId, term, readRound };
  },
  requestVote(from: NodeId, toId: NodeId, term: number, lastLogIndex: number, lastLogTerm: number, transfer = false): Message {
    return { type: 'RequestVote', from, to: toId, term, lastLogIndex, lastLogTerm, transfer };
  },
  preVote(from: NodeId, toId: NodeId, term: number, lastLogIndex: number, lastLogTerm: number): Message {
    return { type: 'PreVote', from, to: toId, term, lastLogIndex, lastLogTerm };
  },
  voteResp(from: NodeId, toId: NodeId, term: number, reject: boolean, pre = false): Message {
    return { type: pre ? 'PreVoteResp' : 'RequestVoteResp', from, to: toId, term, reject };
  },
  timeoutNow(from: NodeId, toId: NodeId, term: number): Message {
    return { type: 'TimeoutNow', from, to: toId, term };
  },
  installSnapshot(from: NodeId, toId: NodeId, term: number, snapshot: SnapshotMeta): Message {
    return { type: 'InstallSnapshot', from, to: toId, term, snapshot };
  },
  installSnapshotResp(from: NodeId, toId: NodeId, term: number, index: number): Message {
    return { type: 'InstallSnapshotResp', from, to: toId, term, index };
  },
};
