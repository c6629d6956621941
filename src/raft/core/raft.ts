import { RaftLog } from './log';
import { applyChange, decodeConfigEntry, encodeConfigEntry, isVoter, makeConfig, members } from './membership';
import { Progress } from './progress';
import { committedIndex, tallyVotes } from './quorum';
import { ReadIndexTracker } from './read-index';
import type {
  AppendEntriesMsg,
  AppendRespMsg,
  CompactResult,
  ConfChange,
  ConfChangeResult,
  FollowerProgress,
  HardState,
  HeartbeatMsg,
  HeartbeatRespMsg,
  InstallSnapshotMsg,
  InstallSnapshotRespMsg,
  LogEntry,
  MembershipConfig,
  Message,
  NodeId,
  PreVoteMsg,
  ProposeError,
  ProposeResult,
  RaftConfig,
  RaftInitialState,
  RaftStatus,
  Rand,
  ReadIndexResult,
  ReadState,
  Ready,
  RequestVoteMsg,
  Role,
  SnapshotMeta,
  VoteRespMsg,
} from './types';

const EMPTY = new Uint8Array(0);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Outgoing = DistributiveOmit<Message, 'from'>;

/**
 * The Raft algorithm as a deterministic state machine (Ongaro & Ousterhout 2014, and the
 * dissertation for membership changes, log compaction, PreVote, CheckQuorum, ReadIndex and
 * leadership transfer). Inputs: `step`, `tick`, `propose`, `proposeConfChange`, `readIndex`,
 * `campaign`, `transferLeader`, `compact`, `snapshotFailed`. Output: `ready()`, drained by a
 * driver that persists, sends, applies and then calls `advance`. No clock, socket, disk or
 * randomness of its own: time is `tick()`, randomness the `Rand` handed in.
 */
export class RaftCore {
  readonly id: NodeId;
  private readonly log: RaftLog;
  private term: number;
  private vote: NodeId;
  private role: Role = 'follower';
  private leaderId: NodeId = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTicks = 0;
  private votes = new Map<NodeId, boolean>();
  private readonly progress = new Map<NodeId, Progress>();
  private leadTransferee: NodeId = 0;
  private uncommittedBytes = 0;
  private readonly reads = new ReadIndexTracker();
  private needBroadcast = false;
  /** A ReadIndex round is due; sent from ready() so every read of one loop turn shares it. */
  private needReadRound = false;
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private abortedReads: number[] = [];
  private lastHardState: HardState;
  /** Dissertation 4.1: the latest configuration in the log, committed or not, and where it came from. */
  private config: MembershipConfig;
  private configIndex = 0;
  private configTerm = 0;
  /** A snapshot from the leader, installed and not yet handed out in a Ready. */
  private pendingSnapshot: SnapshotMeta | null = null;
  /** Decoded config entries by index (config entries are rare; the cache is cleared when large). */
  private readonly configCache = new Map<number, { term: number; config: MembershipConfig }>();

  constructor(
    private readonly cfg: RaftConfig,
    initial: RaftInitialState,
    private readonly rand: Rand,
  ) {
    if (cfg.heartbeatTicks >= cfg.electionTicks) throw new Error('heartbeatTicks must be below electionTicks');
    if (new Set(cfg.voters).size !== cfg.voters.length) throw new Error(`duplicate voters ${cfg.voters.join(',')}`);
    this.id = cfg.id;
    const snapshot = initial.snapshot ?? { index: 0, term: 0, config: makeConfig(cfg.voters) };
    this.log = new RaftLog(snapshot, initial.entries, initial.hardState.commit, initial.applied);
    this.term = initial.hardState.term;
    this.vote = initial.hardState.vote;
    this.lastHardState = this.hardState();
    this.config = snapshot.config;
    this.refreshConfig();
    this.resetElectionTimer();
  }

  // ---- inputs -------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Starts an election now (PreVote first when enabled), as if the election timer fired. Only voters campaign. */
  campaign(): void {
    if (this.role === 'leader' || !this.promotable()) return;
    if (this.cfg.preVote) this.becomePreCandidate();
    else this.becomeCandidate(false);
  }

  propose(data: Uint8Array): ProposeResult {
    const refused = this.refuseProposal();
    if (refused) return { ok: false, error: refused };
    if (data.length > this.cfg.maxEntryBytes) {
      return { ok: false, error: { code: 'too_large', bytes: data.length, limit: this.cfg.maxEntryBytes } };
    }
    if (this.uncommittedBytes > 0 && this.uncommittedBytes + data.length > this.cfg.maxUncommittedBytes) {
      const error = { code: 'overloaded', uncommittedBytes: this.uncommittedBytes, limit: this.cfg.maxUncommittedBytes } as const;
      return { ok: false, error };
    }
    const entry: LogEntry = { index: this.log.lastIndex() + 1, term: this.term, type: 'normal', data };
    this.log.append(entry);
    this.uncommittedBytes += data.length;
    this.needBroadcast = true; // sent from ready(): every proposal of one loop turn shares a message
    return { ok: true, index: entry.index, term: entry.term };
  }

  private refuseProposal(): ProposeError | null {
    if (this.role !== 'leader') return { code: 'not_leader', leaderId: this.leaderId };
    if (this.leadTransferee !== 0) return { code: 'transferring', leaderId: this.leadTransferee };
    return null;
  }

  /**
   * Dissertation 4.1: appends a single-server membership change. The new configuration takes
   * effect at once, on every node as soon as the entry is in its log, committed or not. So a
   * change is accepted only when the previous one is committed, and only once this leader has
   * committed an entry of its own term (the fix to the single-server algorithm in the
   * dissertation's 4.1 note: otherwise a change of a deposed leader, never committed, and one of
   * ours could together break the overlap of majorities). `context` travels in the entry
   * untouched, for the state machine (membership.ts).
   */
  proposeConfChange(change: ConfChange, context?: Uint8Array): ConfChangeResult {
    const refused = this.refuseProposal();
    if (refused) return { ok: false, error: refused };
    const commitIndex = this.log.commitIndex;
    const previousPending = this.configIndex > commitIndex && !this.cfg.unsafe?.concurrentConfigChanges;
    if (previousPending || this.log.term(commitIndex) !== this.term) {
      return { ok: false, error: { code: 'config_change_pending', configIndex: this.configIndex, commitIndex } };
    }
    const next = applyChange(this.config, change);
    if (!next.ok) return next;
    const entry: LogEntry = { index: this.log.lastIndex() + 1, term: this.term, type: 'config', data: encodeConfigEntry(change, next.config, context) };
    this.log.append(entry);
    this.uncommittedBytes += entry.data.length;
    this.refreshConfig();
    this.syncProgress();
    this.needBroadcast = true;
    return { ok: true, index: entry.index, term: entry.term, config: this.config };
  }

  /**
   * The state machine has a snapshot at `index` (<= the applied index: the log is never
   * truncated past what the state machine holds). Records it, and drops the log up to
   * `index - snapshotTrailingEntries`. The driver then deletes its persisted entries below the
   * returned firstIndex and keeps the snapshot's data for InstallSnapshot.
   */
  compact(index: number): CompactResult {
    const snapshotIndex = this.log.snapshot.index;
    if (index <= snapshotIndex) return { ok: false, error: { code: 'already_compacted', index, snapshotIndex } };
    const applied = this.log.appliedIndex;
    const beyondApplied = index > applied && !this.cfg.unsafe?.compactBeyondApplied;
    if (beyondApplied || index > this.log.lastIndex()) return { ok: false, error: { code: 'not_applied', index, applied } };
    this.log.compact(index, this.configAsOf(index), this.cfg.snapshotTrailingEntries);
    return { ok: true, snapshot: this.log.snapshot, firstIndex: this.log.firstIndex() };
  }

  /** The driver could not deliver the snapshot to `to`: back to probing (a new snapshot follows if still needed). */
  snapshotFailed(to: NodeId): void {
    const pr = this.progress.get(to);
    if (this.role !== 'leader' || !pr || pr.state !== 'snapshot') return;
    this.abandonSnapshot(pr);
  }

  private abandonSnapshot(pr: Progress): void {
    pr.becomeProbe(pr.match + 1);
    pr.probeSent = true; // wait for the next heartbeat answer, as etcd does, rather than spin
  }

  /** Dissertation 6.4: a linearizable read, released in a ReadState once leadership is confirmed. */
  readIndex(ctx: number): ReadIndexResult {
    if (this.role !== 'leader') return { ok: false, error: { code: 'not_leader', leaderId: this.leaderId } };
    if (this.cfg.unsafe?.readWithoutQuorum) {
      this.readStates.push({ ctx, index: this.log.commitIndex });
    } else if (this.log.term(this.log.commitIndex) !== this.term) {
      this.reads.defer(ctx); // the commit index is only known to be current once our no-op commits
    } else {
      this.registerRead(ctx);
    }
    return { ok: true };
  }

  /** Dissertation 3.10: hand leadership to `target` once its log is caught up. */
  transferLeader(target: NodeId): boolean {
    const pr = this.progress.get(target);
    if (this.role !== 'leader' || target === this.id || !isVoter(this.config, target) || !pr) return false;
    this.leadTransferee = target;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    if (pr.match === this.log.lastIndex()) this.send({ type: 'TimeoutNow', to: target, term: this.term });
    else this.sendAppend(target, true);
    return true;
  }

  /**
   * Vote requests are answered whoever sends them, member or not (dissertation 4.1: a voter whose
   * log lags may not know yet that the candidate joined, and its vote can be needed; the
   * simulator deadlocks clusters within a few thousand seeds when non-members are ignored). A
   * removed server cannot disrupt the cluster all the same (4.2.3): its pre-votes change no term,
   * and voters that hear from a leader ignore vote requests (the lease in stepTerm).
   */
  step(m: Message): void {
    if (!this.stepTerm(m)) return;
    switch (m.type) {
      case 'PreVote':
      case 'RequestVote':
        this.handleVoteRequest(m);
        return;
      default:
        if (this.role === 'leader') this.stepLeader(m);
        else if (this.role === 'follower') this.stepFollower(m);
        else this.stepCandidate(m);
    }
  }

  // ---- output -------------------------------------------------------------------------------

  hasReady(): boolean {
    return (
      this.pendingSnapshot !== null ||
      this.needBroadcast ||
      this.needReadRound ||
      this.msgs.length > 0 ||
      this.log.stableIndex < this.log.lastIndex() ||
      this.log.hasCommittedToHandOut() ||
      this.readStates.length > 0 ||
      this.abortedReads.length > 0 ||
      !sameHardState(this.hardState(), this.lastHardState)
    );
  }

  ready(): Ready {
    if (this.needBroadcast) this.broadcastAppend();
    if (this.needReadRound) this.startReadRound();
    const hs = this.hardState();
    const rd: Ready = {
      hardState: sameHardState(hs, this.lastHardState) ? null : hs,
      snapshot: this.pendingSnapshot,
      entries: this.log.unstableEntries(),
      messages: this.msgs,
      committedEntries: this.log.takeCommitted(),
      readStates: this.readStates,
      abortedReads: this.abortedReads,
    };
    this.lastHardState = hs;
    this.pendingSnapshot = null;
    this.msgs = [];
    this.readStates = [];
    this.abortedReads = [];
    return rd;
  }

  /** The driver persisted, sent and applied `rd`. */
  advance(rd: Ready): void {
    if (rd.snapshot) this.log.appliedTo(rd.snapshot.index);
    this.log.stableTo(rd.entries);
    const applied = rd.committedEntries[rd.committedEntries.length - 1];
    if (applied) this.log.appliedTo(applied.index);
    // Dissertation 10.2.1: the leader's own entries count toward the quorum only once durable.
    if (this.role === 'leader' && rd.entries.length > 0) this.maybeCommit();
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      leaderId: this.leaderId,
      commitIndex: this.log.commitIndex,
      appliedIndex: this.log.appliedIndex,
      lastLogIndex: this.log.lastIndex(),
      stableIndex: this.log.stableIndex,
      firstIndex: this.log.firstIndex(),
      snapshotIndex: this.log.snapshot.index,
      config: this.config,
      configIndex: this.configIndex,
      committedConfig: this.committedConfig(),
      progress: this.followerProgress(),
    };
  }

  private followerProgress(): FollowerProgress[] {
    if (this.role !== 'leader') return [];
    return [...this.progress].map(([id, pr]) => ({ id, match: pr.match, next: pr.next, state: pr.state }));
  }

  /** The latest snapshot (index 0 with the bootstrap configuration when the log was never compacted). */
  snapshot(): SnapshotMeta {
    return this.log.snapshot;
  }

  /**
   * What a snapshot of the state machine at `index` must carry (Raft paper section 7: the last
   * included index and term, and the configuration as of that index): for a driver that streams
   * its current applied state to a follower. Undefined outside [snapshot index, applied index].
   */
  snapshotMetaAt(index: number): SnapshotMeta | undefined {
    if (index < this.log.snapshot.index || index > this.log.appliedIndex) return undefined;
    const term = this.log.term(index);
    return term === undefined ? undefined : { index, term, config: this.configAsOf(index) };
  }

  isLeader(): boolean {
    return this.role === 'leader';
  }

  /** Read-only view of the log, for drivers and the simulator's invariant checks. */
  termAt(index: number): number | undefined {
    return this.log.term(index);
  }

  /** Undefined below firstIndex (compacted) and beyond the last index. */
  entryAt(index: number): LogEntry | undefined {
    return this.log.entry(index);
  }

  // ---- membership ---------------------------------------------------------------------------

  /**
   * Whether this node may campaign: a voter of its latest configuration, or of its committed one
   * while a change that removes it is pending. Dissertation 4.2.2: a server not part of its own
   * latest configuration should still start elections, as it may be needed until that change
   * commits (a leader that removed itself from two voters and lost its follower before the entry
   * reached it is the only one who can still commit it); it does not count its own vote then.
   * Learners never campaign.
   */
  private promotable(): boolean {
    return isVoter(this.config, this.id) || (this.configIndex > this.log.commitIndex && isVoter(this.committedConfig(), this.id));
  }

  private configOfEntry(index: number): MembershipConfig {
    const e = this.log.entry(index);
    if (!e || e.type !== 'config') throw new Error(`no config entry at ${index}`);
    const cached = this.configCache.get(index);
    if (cached && cached.term === e.term) return cached.config;
    const config = decodeConfigEntry(e.data).config;
    if (this.configCache.size >= 64) this.configCache.clear();
    this.configCache.set(index, { term: e.term, config });
    return config;
  }

  /** The configuration as of `index` (the latest config entry at or below it, else the snapshot's). */
  private configAsOf(index: number): MembershipConfig {
    const at = this.log.lastConfigIndex(index);
    return at === 0 ? this.log.snapshot.config : this.configOfEntry(at);
  }

  private committedConfig(): MembershipConfig {
    return this.configAsOf(this.log.commitIndex);
  }

  /** Re-reads the latest configuration after the log changed (append, truncation, snapshot). */
  private refreshConfig(): void {
    const at = this.log.lastConfigIndex();
    if (at === 0) {
      this.config = this.log.snapshot.config;
      this.configIndex = this.log.snapshot.index;
      this.configTerm = this.log.snapshot.term;
      return;
    }
    const term = this.log.term(at)!;
    if (at === this.configIndex && term === this.configTerm) return;
    this.config = this.configOfEntry(at);
    this.configIndex = at;
    this.configTerm = term;
  }

  /**
   * The leader replicates to every member of the latest configuration, and keeps replicating to
   * members the latest change removed until that change commits (so they usually learn of it).
   */
  private syncProgress(): void {
    const want = new Set([...members(this.config), ...members(this.committedConfig())]);
    want.delete(this.id);
    for (const [id, pr] of [...this.progress]) {
      if (want.has(id)) continue;
      if (this.role === 'leader') this.sendFarewell(id, pr);
      this.progress.delete(id);
    }
    for (const id of want) {
      if (this.progress.has(id)) continue;
      const pr = new Progress(this.log.lastIndex() + 1, this.cfg.maxInflightMsgs);
      pr.recentActive = true; // give every follower one CheckQuorum period to answer
      this.progress.set(id, pr);
    }
    if (this.leadTransferee !== 0 && !isVoter(this.config, this.leadTransferee)) this.leadTransferee = 0;
  }

  // ---- terms and roles ----------------------------------------------------------------------

  /**
   * Figure 2, "Rules for all servers": a higher term makes us a follower; a lower term is stale.
   * Returns whether the message should be processed further.
   */
  private stepTerm(m: Message): boolean {
    if (m.term > this.term) {
      if (m.type === 'PreVote' || m.type === 'RequestVote') {
        const force = m.type === 'RequestVote' && m.transfer;
        // Dissertation 4.2.3: while we hear from a leader, a vote request is a disruption, not news.
        const inLease = this.cfg.checkQuorum && this.leaderId !== 0 && this.electionElapsed < this.cfg.electionTicks;
        if (inLease && !force) return false;
      }
      // A PreVote (or a granted answer to ours) speaks of a term nobody has entered yet (9.6).
      if (m.type === 'PreVote' || (m.type === 'PreVoteResp' && !m.reject)) return true;
      const fromLeader = m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'TimeoutNow' || m.type === 'InstallSnapshot';
      this.becomeFollower(m.term, fromLeader ? m.from : 0);
      return true;
    }
    if (m.term < this.term) {
      // A stale leader (back from a partition) or pre-candidate learns our term and steps down;
      // with PreVote and CheckQuorum it would otherwise never hear of it.
      if (m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot') {
        this.send({ type: 'AppendEntriesResp', to: m.from, term: this.term, reject: true, index: 0, conflictTerm: 0, conflictIndex: 0 });
      } else if (m.type === 'PreVote' || m.type === 'RequestVote') {
        const type = m.type === 'PreVote' ? 'PreVoteResp' : 'RequestVoteResp';
        this.send({ type, to: m.from, term: this.term, reject: true });
      }
      return false;
    }
    return true;
  }

  private becomeFollower(term: number, leaderId: NodeId): void {
    if (term > this.term) {
      this.term = term;
      this.vote = 0;
    }
    if (this.role === 'leader') this.abortLeadership();
    this.role = 'follower';
    this.leaderId = leaderId;
    this.resetElectionTimer();
  }

  private becomePreCandidate(): void {
    // Section 9.6: no term change and no vote until a majority says it would vote for us.
    this.role = 'precandidate';
    this.leaderId = 0;
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimer();
    this.requestVotes('PreVote', this.term + 1, false);
  }

  private becomeCandidate(transfer: boolean): void {
    this.term += 1;
    this.vote = this.id;
    this.role = 'candidate';
    this.leaderId = 0;
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimer();
    this.requestVotes('RequestVote', this.term, transfer);
  }

  private requestVotes(type: 'PreVote' | 'RequestVote', term: number, transfer: boolean): void {
    if (tallyVotes(this.config.voters, this.votes) === 'won') {
      this.onElectionWon();
      return;
    }
    const lastLogIndex = this.log.lastIndex();
    const lastLogTerm = this.log.lastTerm();
    for (const to of this.peers()) {
      if (type === 'PreVote') this.send({ type, to, term, lastLogIndex, lastLogTerm });
      else this.send({ type, to, term, lastLogIndex, lastLogTerm, transfer });
    }
  }

  private onElectionWon(): void {
    if (this.role === 'precandidate') this.becomeCandidate(false);
    else this.becomeLeader();
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.leaderId = this.id;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.leadTransferee = 0;
    this.uncommittedBytes = 0;
    this.progress.clear();
    this.syncProgress();
    // Section 5.4.2 / 8: commit a no-op of our own term so earlier entries commit with it.
    this.log.append({ index: this.log.lastIndex() + 1, term: this.term, type: 'noop', data: EMPTY });
    this.needBroadcast = true;
  }

  private abortLeadership(): void {
    this.abortedReads.push(...this.reads.abortAll());
    this.progress.clear();
    this.leadTransferee = 0;
    this.needBroadcast = false;
    this.needReadRound = false;
  }

  // ---- elections ----------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed < this.randomizedElectionTicks) return;
    if (this.promotable()) {
      this.electionElapsed = 0;
      this.campaign();
    } else {
      // A learner or non-member never campaigns; it only forgets a leader it no longer hears.
      this.leaderId = 0;
      this.resetElectionTimer();
    }
  }

  /** Randomized timeouts in [electionTicks, 2 * electionTicks) split votes rarely (section 5.2). */
  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    this.randomizedElectionTicks = this.cfg.electionTicks + this.rand.int(this.cfg.electionTicks);
  }

  private handleVoteRequest(m: PreVoteMsg | RequestVoteMsg): void {
    const respType = m.type === 'PreVote' ? 'PreVoteResp' : 'RequestVoteResp';
    // Figure 2: at most one vote per term; a pre-vote for a future term promises nothing.
    const canVote =
      this.vote === m.from ||
      (this.vote === 0 && this.leaderId === 0) ||
      (m.type === 'PreVote' && m.term > this.term);
    // Section 5.4.1: only for a candidate whose log is at least as up-to-date as ours.
    const logOk = this.cfg.unsafe?.skipVoteLogCheck || this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (canVote && logOk) {
      this.send({ type: respType, to: m.from, term: m.term, reject: false });
      if (m.type === 'RequestVote') {
        this.vote = m.from;
        this.electionElapsed = 0;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'AppendEntries':
      case 'Heartbeat':
      case 'InstallSnapshot':
        // Section 5.2: a leader of our term exists; recognise it.
        this.becomeFollower(this.term, m.from);
        this.stepFollower(m);
        return;
      case 'PreVoteResp':
      case 'RequestVoteResp':
        this.handleVoteResponse(m);
        return;
      default:
        return;
    }
  }

  private handleVoteResponse(m: VoteRespMsg): void {
    const expected = this.role === 'precandidate' ? 'PreVoteResp' : 'RequestVoteResp';
    if (m.type !== expected) return;
    if (!this.votes.has(m.from)) this.votes.set(m.from, !m.reject);
    const outcome = tallyVotes(this.config.voters, this.votes);
    if (outcome === 'won') this.onElectionWon();
    else if (outcome === 'lost') this.becomeFollower(this.term, 0);
  }

  // ---- follower -----------------------------------------------------------------------------

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'AppendEntries':
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleAppendEntries(m);
        return;
      case 'Heartbeat':
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleHeartbeat(m);
        return;
      case 'InstallSnapshot':
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleInstallSnapshot(m);
        return;
      case 'TimeoutNow':
        // Dissertation 3.10: the leader handed over; campaign at once, skipping PreVote.
        if (this.promotable()) this.becomeCandidate(true);
        return;
      default:
        return;
    }
  }

  /** Figure 2, AppendEntries receiver rules, with the conflict hint for fast backtracking. */
  private handleAppendEntries(m: AppendEntriesMsg): void {
    const reply = (fields: Pick<AppendRespMsg, 'reject' | 'index' | 'conflictTerm' | 'conflictIndex'>) =>
      this.send({ type: 'AppendEntriesResp', to: m.from, term: this.term, ...fields });
    if (m.prevLogIndex < this.log.commitIndex) {
      // Everything up to our commit index is already known to match the leader's log.
      reply({ reject: false, index: this.log.commitIndex, conflictTerm: 0, conflictIndex: 0 });
      return;
    }
    const prevTerm = this.log.term(m.prevLogIndex);
    if (prevTerm !== m.prevLogTerm) {
      const conflictTerm = prevTerm ?? 0;
      const conflictIndex = prevTerm === undefined ? this.log.lastIndex() + 1 : this.log.firstIndexOfTerm(m.prevLogIndex);
      reply({ reject: true, index: m.prevLogIndex, conflictTerm, conflictIndex });
      return;
    }
    const lastNew = this.log.appendFromLeader(m.prevLogIndex, m.entries);
    this.refreshConfig();
    this.log.commitTo(Math.min(m.leaderCommit, lastNew));
    reply({ reject: false, index: lastNew, conflictTerm: 0, conflictIndex: 0 });
  }

  /**
   * Figure 13, InstallSnapshot receiver. A snapshot at or below our commit index brings nothing
   * (rule 5's "reply and wait"). If our log holds the snapshot's last entry (rule 6), the entries
   * up to it are the leader's: they commit, the suffix stays, and they are applied from the log.
   * Otherwise (rule 7) the snapshot replaces the whole log; the driver restores the state
   * machine from it (Ready.snapshot) before applying anything after it. Either way we answer
   * with our commit index: everything up to it matches the leader's log.
   */
  private handleInstallSnapshot(m: InstallSnapshotMsg): void {
    const s = m.snapshot;
    if (s.index > this.log.commitIndex) {
      if (this.log.term(s.index) === s.term) {
        this.log.commitTo(s.index);
      } else {
        this.log.restore(s);
        this.pendingSnapshot = s;
        this.refreshConfig();
      }
    }
    this.send({ type: 'InstallSnapshotResp', to: m.from, term: this.term, index: this.log.commitIndex });
  }

  private handleHeartbeat(m: HeartbeatMsg): void {
    // The leader clamps `commit` to what it knows we match, so it is safe to adopt as is.
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: 'HeartbeatResp', to: m.from, term: this.term, readRound: m.readRound });
  }

  // ---- leader -------------------------------------------------------------------------------

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, 0); // CheckQuorum: we may be the minority side of a partition
        return;
      }
      this.leadTransferee = 0; // a transfer not done within an election timeout is abandoned
    }
    const snapshotTimeoutTicks = this.cfg.snapshotTimeoutHeartbeats * this.cfg.heartbeatTicks;
    for (const pr of this.progress.values()) {
      if (pr.state === 'snapshot' && ++pr.snapshotElapsedTicks >= snapshotTimeoutTicks) this.abandonSnapshot(pr);
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.startReadRound(); // every heartbeat is a ReadIndex round too
    }
  }

  private quorumActive(): boolean {
    const active = new Map<NodeId, boolean>([[this.id, true]]);
    for (const [id, pr] of this.progress) {
      if (pr.recentActive) active.set(id, true);
      pr.recentActive = false;
    }
    return tallyVotes(this.config.voters, active) === 'won';
  }

  private stepLeader(m: Message): void {
    if (m.type === 'AppendEntriesResp') this.handleAppendResponse(m);
    else if (m.type === 'HeartbeatResp') this.handleHeartbeatResponse(m);
    else if (m.type === 'InstallSnapshotResp') this.handleSnapshotResponse(m);
  }

  private handleSnapshotResponse(m: InstallSnapshotRespMsg): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (pr.ack(m.index)) this.maybeCommit();
    if (this.role !== 'leader') return; // a committed removal of ourselves ends it here
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'TimeoutNow', to: m.from, term: this.term });
    }
    this.sendAppend(m.from, true);
  }

  private handleAppendResponse(m: AppendRespMsg): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (m.reject) {
      // Stale rejections (pipelining sends many) are ignored: only the answer to the probe counts.
      if (pr.state === 'snapshot') return;
      if (pr.state === 'replicate' ? m.index <= pr.match : m.index !== pr.next - 1) return;
      let next = m.conflictIndex;
      if (m.conflictTerm > 0) {
        const last = this.log.lastIndexOfTerm(m.conflictTerm);
        if (last > 0) next = last + 1;
      }
      pr.becomeProbe(Math.min(next, m.index));
      this.sendAppend(m.from, true);
      return;
    }
    const wasPaused = pr.isPaused();
    if (pr.ack(m.index)) this.maybeCommit();
    if (this.role !== 'leader') return; // a committed removal of ourselves ends it here
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'TimeoutNow', to: m.from, term: this.term });
    }
    // A follower paused when the commit index last moved missed that broadcast: tell it now,
    // not at the next heartbeat (unless a broadcast is already due to reach it).
    this.sendAppend(m.from, wasPaused && !this.needBroadcast);
  }

  private handleHeartbeatResponse(m: HeartbeatRespMsg): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.onHeartbeatResp();
    pr.readRoundAcked = Math.max(pr.readRoundAcked, m.readRound);
    this.checkReadQuorum();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);
  }

  /** Counts the voters of the latest configuration; a leader outside it does not count itself (4.2.2). */
  private maybeCommit(): void {
    const index = committedIndex(this.config.voters, (id) =>
      id === this.id ? this.log.stableIndex : (this.progress.get(id)?.match ?? 0),
    );
    // Section 5.4.2: only entries of the current term are committed by counting replicas.
    const ownTerm = this.log.term(index) === this.term || this.cfg.unsafe?.commitPriorTermByCount === true;
    if (index <= this.log.commitIndex || !ownTerm) return;
    const previousCommit = this.log.commitIndex;
    const firstOwnCommit = this.log.term(previousCommit) !== this.term;
    // Above the commit index, hence above the compaction point: never undefined.
    const committedBytes = (this.log.slice(this.log.commitIndex + 1, index, Infinity, Infinity) ?? []).reduce((n, e) => n + e.data.length, 0);
    this.log.commitTo(index);
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - committedBytes);
    this.needBroadcast = true; // followers learn the new commit index without waiting a heartbeat
    if (firstOwnCommit && this.log.term(index) === this.term) {
      for (const ctx of this.reads.takeDeferred()) this.registerRead(ctx);
    }
    if (this.log.lastConfigIndex(index) > this.log.lastConfigIndex(previousCommit)) this.onConfigCommitted();
  }

  /**
   * A configuration change committed: stop replicating to the members it removed, and if the
   * latest configuration is now committed and does not count us, step down (dissertation 4.2.2)
   * after telling the followers the commit index.
   */
  private onConfigCommitted(): void {
    this.syncProgress();
    if (this.promotable()) return;
    this.broadcastAppend();
    this.becomeFollower(this.term, 0);
  }

  private registerRead(ctx: number): void {
    if (this.reads.register(ctx, this.log.commitIndex)) this.needReadRound = true;
  }

  private startReadRound(): void {
    this.needReadRound = false;
    this.broadcastHeartbeat(this.reads.nextRound());
    this.checkReadQuorum(); // a single-voter cluster confirms on its own
  }

  private checkReadQuorum(): void {
    const round = committedIndex(this.config.voters, (id) =>
      id === this.id ? this.reads.roundSent : (this.progress.get(id)?.readRoundAcked ?? 0),
    );
    const { released, needRound } = this.reads.confirm(round);
    this.readStates.push(...released);
    if (needRound) this.needReadRound = true;
  }

  private broadcastHeartbeat(readRound: number): void {
    for (const [to, pr] of this.progress) {
      const commit = Math.min(pr.match, this.log.commitIndex);
      this.send({ type: 'Heartbeat', to, term: this.term, commit, readRound });
    }
  }

  private broadcastAppend(): void {
    this.needBroadcast = false;
    for (const to of this.progress.keys()) this.sendAppend(to, true);
  }

  /**
   * Sends what follower `to` is missing: one message in probe, a pipeline of batches in replicate
   * (bounded by the in-flight window). `allowEmpty` lets an empty message carry the commit index
   * or serve as a probe.
   */
  private sendAppend(to: NodeId, allowEmpty: boolean): void {
    const pr = this.progress.get(to)!;
    const last = this.log.lastIndex();
    let empty = allowEmpty;
    while (!pr.isPaused() && (pr.next <= last || empty)) {
      empty = false;
      const prevLogIndex = pr.next - 1;
      const entries = pr.next <= last ? this.log.slice(pr.next, last, this.cfg.maxEntriesPerMsg, this.cfg.maxBytesPerMsg) : [];
      const prevLogTerm = this.log.term(prevLogIndex);
      if (entries === undefined || prevLogTerm === undefined) {
        this.sendSnapshot(to, pr); // section 7: what the follower needs next was compacted away
        return;
      }
      this.send({ type: 'AppendEntries', to, term: this.term, prevLogIndex, prevLogTerm, entries, leaderCommit: this.log.commitIndex });
      pr.sentUpTo(prevLogIndex + entries.length, entries.length);
      if (pr.state === 'probe') return;
    }
  }

  /**
   * A last word to a member whose removal just committed: the entries up to the commit index
   * (from what it is known to match) with the commit index, so it learns its removal is final
   * and stops campaigning. Best effort: if this is lost, it keeps sending harmless pre-votes.
   */
  private sendFarewell(to: NodeId, pr: Progress): void {
    const commit = this.log.commitIndex;
    const prevLogTerm = this.log.term(pr.match);
    const entries = this.log.slice(pr.match + 1, commit, this.cfg.maxEntriesPerMsg, this.cfg.maxBytesPerMsg);
    if (prevLogTerm === undefined || entries === undefined) return;
    this.send({ type: 'AppendEntries', to, term: this.term, prevLogIndex: pr.match, prevLogTerm, entries, leaderCommit: commit });
  }

  private sendSnapshot(to: NodeId, pr: Progress): void {
    const snapshot = this.log.snapshot;
    this.send({ type: 'InstallSnapshot', to, term: this.term, snapshot });
    pr.becomeSnapshot(snapshot.index);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Those a candidate asks for votes: the voters of its configuration (learners never count). */
  private peers(): NodeId[] {
    return this.config.voters.filter((id) => id !== this.id);
  }

  private send(m: Outgoing): void {
    this.msgs.push({ ...m, from: this.id } as Message);
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.commitIndex };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
