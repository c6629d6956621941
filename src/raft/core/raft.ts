import { RaftLog } from './log';
import { Progress } from './progress';
import { committedIndex, tallyVotes } from './quorum';
import { ReadIndexTracker } from './read-index';
import type {
  AppendEntriesMsg,
  AppendRespMsg,
  Entry,
  HardState,
  HeartbeatMsg,
  HeartbeatRespMsg,
  Message,
  NodeId,
  PreVoteMsg,
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
  VoteRespMsg,
} from './types';

const EMPTY = new Uint8Array(0);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Outgoing = DistributiveOmit<Message, 'from'>;

/**
 * The Raft algorithm as a deterministic state machine (Ongaro & Ousterhout 2014, and the
 * dissertation for PreVote, CheckQuorum, ReadIndex and leadership transfer). Inputs: `step`,
 * `tick`, `propose`, `readIndex`, `campaign`, `transferLeader`. Output: `ready()`, drained by a
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

  constructor(
    private readonly cfg: RaftConfig,
    initial: RaftInitialState,
    private readonly rand: Rand,
  ) {
    if (!cfg.voters.includes(cfg.id)) throw new Error(`node ${cfg.id} is not among the voters ${cfg.voters.join(',')}`);
    if (cfg.heartbeatTicks >= cfg.electionTicks) throw new Error('heartbeatTicks must be below electionTicks');
    this.id = cfg.id;
    this.log = new RaftLog(initial.entries, initial.hardState.commit, initial.applied);
    this.term = initial.hardState.term;
    this.vote = initial.hardState.vote;
    this.lastHardState = this.hardState();
    this.resetElectionTimer();
  }

  // ---- inputs -------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Starts an election now (PreVote first when enabled), as if the election timer fired. */
  campaign(): void {
    if (this.role === 'leader') return;
    if (this.cfg.preVote) this.becomePreCandidate();
    else this.becomeCandidate(false);
  }

  propose(data: Uint8Array): ProposeResult {
    if (this.role !== 'leader') return { ok: false, error: { code: 'not_leader', leaderId: this.leaderId } };
    if (this.leadTransferee !== 0) {
      return { ok: false, error: { code: 'transferring', leaderId: this.leadTransferee } };
    }
    if (data.length > this.cfg.maxEntryBytes) {
      return { ok: false, error: { code: 'too_large', bytes: data.length, limit: this.cfg.maxEntryBytes } };
    }
    if (this.uncommittedBytes > 0 && this.uncommittedBytes + data.length > this.cfg.maxUncommittedBytes) {
      const error = { code: 'overloaded', uncommittedBytes: this.uncommittedBytes, limit: this.cfg.maxUncommittedBytes } as const;
      return { ok: false, error };
    }
    const entry: Entry = { index: this.log.lastIndex() + 1, term: this.term, type: 'normal', data };
    this.log.append(entry);
    this.uncommittedBytes += data.length;
    this.needBroadcast = true; // sent from ready(): every proposal of one loop turn shares a message
    return { ok: true, index: entry.index, term: entry.term };
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
    if (this.role !== 'leader' || target === this.id || !this.cfg.voters.includes(target)) return false;
    this.leadTransferee = target;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    const pr = this.progress.get(target)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'TimeoutNow', to: target, term: this.term });
    else this.sendAppend(target, true);
    return true;
  }

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
      entries: this.log.unstableEntries(),
      messages: this.msgs,
      committedEntries: this.log.takeCommitted(),
      readStates: this.readStates,
      abortedReads: this.abortedReads,
    };
    this.lastHardState = hs;
    this.msgs = [];
    this.readStates = [];
    this.abortedReads = [];
    return rd;
  }

  /** The driver persisted, sent and applied `rd`. */
  advance(rd: Ready): void {
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
    };
  }

  isLeader(): boolean {
    return this.role === 'leader';
  }

  /** Read-only view of the log, for drivers and the simulator's invariant checks. */
  termAt(index: number): number | undefined {
    return this.log.term(index);
  }

  entryAt(index: number): Entry | undefined {
    return this.log.entry(index);
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
      const fromLeader = m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'TimeoutNow';
      this.becomeFollower(m.term, fromLeader ? m.from : 0);
      return true;
    }
    if (m.term < this.term) {
      // A stale leader (back from a partition) or pre-candidate learns our term and steps down;
      // with PreVote and CheckQuorum it would otherwise never hear of it.
      if (m.type === 'AppendEntries' || m.type === 'Heartbeat') {
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
    if (tallyVotes(this.cfg.voters, this.votes) === 'won') {
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
    for (const id of this.peers()) {
      const pr = new Progress(this.log.lastIndex() + 1, this.cfg.maxInflightMsgs);
      pr.recentActive = true; // give every follower one CheckQuorum period to answer
      this.progress.set(id, pr);
    }
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
    if (this.electionElapsed >= this.randomizedElectionTicks) {
      this.electionElapsed = 0;
      this.campaign();
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
    const outcome = tallyVotes(this.cfg.voters, this.votes);
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
      case 'TimeoutNow':
        // Dissertation 3.10: the leader handed over; campaign at once, skipping PreVote.
        this.becomeCandidate(true);
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
    this.log.commitTo(Math.min(m.leaderCommit, lastNew));
    reply({ reject: false, index: lastNew, conflictTerm: 0, conflictIndex: 0 });
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
    return tallyVotes(this.cfg.voters, active) === 'won';
  }

  private stepLeader(m: Message): void {
    if (m.type === 'AppendEntriesResp') this.handleAppendResponse(m);
    else if (m.type === 'HeartbeatResp') this.handleHeartbeatResponse(m);
  }

  private handleAppendResponse(m: AppendRespMsg): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (m.reject) {
      // Stale rejections (pipelining sends many) are ignored: only the answer to the probe counts.
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

  private maybeCommit(): void {
    const index = committedIndex(this.cfg.voters, (id) =>
      id === this.id ? this.log.stableIndex : (this.progress.get(id)?.match ?? 0),
    );
    // Section 5.4.2: only entries of the current term are committed by counting replicas.
    const ownTerm = this.log.term(index) === this.term || this.cfg.unsafe?.commitPriorTermByCount === true;
    if (index <= this.log.commitIndex || !ownTerm) return;
    const firstOwnCommit = this.log.term(this.log.commitIndex) !== this.term;
    const committedBytes = this.log.slice(this.log.commitIndex + 1, index, Infinity, Infinity).reduce((n, e) => n + e.data.length, 0);
    this.log.commitTo(index);
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - committedBytes);
    this.needBroadcast = true; // followers learn the new commit index without waiting a heartbeat
    if (firstOwnCommit && this.log.term(index) === this.term) {
      for (const ctx of this.reads.takeDeferred()) this.registerRead(ctx);
    }
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
    const round = committedIndex(this.cfg.voters, (id) =>
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
      const prevLogTerm = this.log.term(prevLogIndex)!;
      this.send({ type: 'AppendEntries', to, term: this.term, prevLogIndex, prevLogTerm, entries, leaderCommit: this.log.commitIndex });
      pr.sentUpTo(prevLogIndex + entries.length, entries.length);
      if (pr.state === 'probe') return;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private peers(): NodeId[] {
    return this.cfg.voters.filter((id) => id !== this.id);
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
