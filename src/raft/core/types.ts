/**
 * The vocabulary of the pure Raft core: entries, messages, persistent state and the Ready
 * value the driver drains. Plain data only, so the same values travel through the simulator,
 * the LevelDB storage and the gRPC transport unchanged.
 */

export type NodeId = number;

/** 'normal' carries a client command; 'noop' is appended by a new leader (Raft paper 5.4.2, 8). */
export type EntryType = 'normal' | 'noop';

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** The state that must be durable before any message that depends on it leaves the node (Figure 2). */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId; // 0 = none
  readonly commit: number;
}

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** Dissertation 9.6: asks "would you vote for me at `term`?" without anyone changing term. */
export interface PreVoteMsg extends MessageBase {
  readonly type: 'PreVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}
export interface RequestVoteMsg extends MessageBase {
  readonly type: 'RequestVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Set when campaigning after TimeoutNow: voters skip the leader-lease check (dissertation 3.10). */
  readonly transfer: boolean;
}
export interface VoteRespMsg extends MessageBase {
  readonly type: 'PreVoteResp' | 'RequestVoteResp';
  readonly reject: boolean;
}
export interface AppendEntriesMsg extends MessageBase {
  readonly type: 'AppendEntries';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
}
export interface AppendRespMsg extends MessageBase {
  readonly type: 'AppendEntriesResp';
  readonly reject: boolean;
  /** On success: the last index the follower now matches. On reject: the rejected prevLogIndex. */
  readonly index: number;
  /** Fast backtracking hint on reject: the follower's term at prevLogIndex (0 if it has no entry there)... */
  readonly conflictTerm: number;
  /** ... and the first index the follower holds of that term (or its lastIndex + 1). */
  readonly conflictIndex: number;
}
/** Heartbeats carry no entries; `commit` is already clamped to what the follower is known to match. */
export interface HeartbeatMsg extends MessageBase {
  readonly type: 'Heartbeat';
  readonly commit: number;
  /** ReadIndex round this heartbeat confirms (dissertation 6.4); echoed back in the response. */
  readonly readRound: number;
}
export interface HeartbeatRespMsg extends MessageBase {
  readonly type: 'HeartbeatResp';
  readonly readRound: number;
}
export interface TimeoutNowMsg extends MessageBase {
  readonly type: 'TimeoutNow';
}

export type Message =
  | PreVoteMsg
  | RequestVoteMsg
  | VoteRespMsg
  | AppendEntriesMsg
  | AppendRespMsg
  | HeartbeatMsg
  | HeartbeatRespMsg
  | TimeoutNowMsg;

export type MessageType = Message['type'];

/** A linearizable read released by the leader: serve it once the applied index reaches `index`. */
export interface ReadState {
  readonly ctx: number;
  readonly index: number;
}

/**
 * What the driver must do, in this order (etcd's Ready contract):
 *  1. persist `hardState` (if set) and `entries` in one synced batch; `entries[0].index` onward
 *     replaces whatever the log held from there, anything after the last one is deleted;
 *  2. send `messages` (AppendEntries and Heartbeat may be sent before step 1 completes,
 *     dissertation 10.2.1: the leader counts itself in the quorum only after `advance`);
 *  3. apply `committedEntries` in order, then serve `readStates` whose index is applied;
 *     fail the reads in `abortedReads` (leadership was lost before they were confirmed);
 *  4. call `advance(ready)`.
 */
export interface Ready {
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly abortedReads: readonly number[];
}

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

/** A source of randomness handed in by the caller so the core stays deterministic. */
export interface Rand {
  /** A uniformly distributed integer in [0, n). */
  int(n: number): number;
}

export type ProposeError =
  | { readonly code: 'not_leader'; readonly leaderId: NodeId }
  | { readonly code: 'transferring'; readonly leaderId: NodeId }
  | { readonly code: 'overloaded'; readonly uncommittedBytes: number; readonly limit: number }
  | { readonly code: 'too_large'; readonly bytes: number; readonly limit: number };

export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly error: ProposeError };

export type ReadIndexResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: { readonly code: 'not_leader'; readonly leaderId: NodeId } };

/** Deliberately broken behaviours, for proving that the simulator's checks can fail. Never set in production. */
export interface UnsafeMutations {
  /** Grant votes without the log up-to-date check of section 5.4.1. */
  readonly skipVoteLogCheck?: boolean;
  /** Commit entries of earlier terms by counting replicas (the Figure 8 bug of section 5.4.2). */
  readonly commitPriorTermByCount?: boolean;
  /** Release ReadIndex reads without confirming leadership with a quorum (dissertation 6.4). */
  readonly readWithoutQuorum?: boolean;
}

export interface RaftConfig {
  readonly id: NodeId;
  /** Voting members, including `id`. */
  readonly voters: readonly NodeId[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxEntriesPerMsg: number;
  readonly maxBytesPerMsg: number;
  /** AppendEntries messages in flight per follower in the replicate state (pipelining window). */
  readonly maxInflightMsgs: number;
  /** Bytes of proposed-but-uncommitted entries the leader accepts before answering 'overloaded'. */
  readonly maxUncommittedBytes: number;
  readonly maxEntryBytes: number;
  readonly unsafe?: UnsafeMutations;
}

export const defaultRaftConfig: Omit<RaftConfig, 'id' | 'voters'> = {
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  maxEntriesPerMsg: 256,
  maxBytesPerMsg: 1 << 20,
  maxInflightMsgs: 64,
  maxUncommittedBytes: 64 << 20,
  maxEntryBytes: 2 << 20,
};

/** What the core starts from: the persisted state a driver read back from disk. */
export interface RaftInitialState {
  readonly hardState: HardState;
  /** The persisted log, contiguous from index 1 (snapshots arrive with log compaction). */
  readonly entries: readonly Entry[];
  /** Highest index the state machine has already applied (it resumes after it). */
  readonly applied: number;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly leaderId: NodeId; // 0 = unknown
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastLogIndex: number;
  readonly stableIndex: number;
}
