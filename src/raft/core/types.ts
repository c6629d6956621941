/**
 * The vocabulary of the pure Raft core: entries, messages, persistent state and the Ready
 * value the driver drains. Plain data only, so the same values travel through the simulator,
 * the LevelDB storage and the gRPC transport unchanged.
 */

export type NodeId = number;

/**
 * 'normal' carries a client command; 'noop' is appended by a new leader (Raft paper 5.4.2, 8);
 * 'config' is a membership change (dissertation 4.1) whose data is
 * `encodeConfigEntry(change, resulting configuration, context)` (membership.ts).
 */
export type EntryType = 'normal' | 'noop' | 'config';

/** An entry of the log, as the core, storage, the wire and the state machine see it. */
export interface LogEntry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

export type Entry = LogEntry;

/** A membership configuration (dissertation 4): who votes, and who only receives the log. */
export interface MembershipConfig {
  /** Sorted ascending. */
  readonly voters: readonly NodeId[];
  /** Sorted ascending; never overlaps `voters`. */
  readonly learners: readonly NodeId[];
}

/** A single-server membership change (dissertation 4.1), proposed with `proposeConfChange`. */
export type ConfChange =
  | { readonly type: 'addLearner'; readonly id: NodeId }
  | { readonly type: 'promote'; readonly id: NodeId }
  | { readonly type: 'removeNode'; readonly id: NodeId };

/**
 * What the core knows of a state-machine snapshot: the last entry it covers (index, term) and the
 * configuration as of that index. The data itself never enters the core: the driver stores it,
 * and streams it to a follower when the core sends InstallSnapshot.
 */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly config: MembershipConfig;
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
  readonly entries: readonly LogEntry[];
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
/**
 * Raft paper section 7 (Figure 13): the follower's next entry was compacted away; the leader's
 * snapshot replaces its log. Only the metadata travels in the core's message: the driver streams
 * the data of the snapshot at `snapshot.index` alongside and steps this message into the
 * follower's core once the data is there.
 */
export interface InstallSnapshotMsg extends MessageBase {
  readonly type: 'InstallSnapshot';
  readonly snapshot: SnapshotMeta;
}
/** The follower's answer: its log now matches the leader's up to `index` (its commit index). */
export interface InstallSnapshotRespMsg extends MessageBase {
  readonly type: 'InstallSnapshotResp';
  readonly index: number;
}

export type Message =
  | PreVoteMsg
  | RequestVoteMsg
  | VoteRespMsg
  | AppendEntriesMsg
  | AppendRespMsg
  | HeartbeatMsg
  | HeartbeatRespMsg
  | TimeoutNowMsg
  | InstallSnapshotMsg
  | InstallSnapshotRespMsg;

export type MessageType = Message['type'];

/** A linearizable read released by the leader: serve it once the applied index reaches `index`. */
export interface ReadState {
  readonly ctx: number;
  readonly index: number;
}

/**
 * What the driver must do, in this order (etcd's Ready contract):
 *  1. persist `snapshot` (if set: its metadata with the data received for that index; the whole
 *     persisted log is discarded), `hardState` (if set) and `entries` in one synced batch;
 *     `entries[0].index` onward replaces whatever the log held from there, anything after the
 *     last one is deleted;
 *  2. send `messages` (AppendEntries and Heartbeat may be sent before step 1 completes,
 *     dissertation 10.2.1: the leader counts itself in the quorum only after `advance`);
 *  3. if `snapshot` is set, restore the state machine from it (it then stands at
 *     `snapshot.index`); apply `committedEntries` in order (they follow the snapshot), then serve
 *     `readStates` whose index is applied; fail the reads in `abortedReads` (leadership was lost
 *     before they were confirmed);
 *  4. call `advance(ready)`.
 */
export interface Ready {
  readonly hardState: HardState | null;
  /** A snapshot from the leader (InstallSnapshot) that replaces this node's log and state. */
  readonly snapshot: SnapshotMeta | null;
  readonly entries: readonly LogEntry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly LogEntry[];
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

/** Why the core refuses a membership change (besides the ProposeError cases). */
export type ConfChangeRefusal =
  /** Dissertation 4.1: the previous change is not committed, or this leader's no-op is not yet. */
  | { readonly code: 'config_change_pending'; readonly configIndex: number; readonly commitIndex: number }
  /** addLearner of a node that is already a voter or a learner. */
  | { readonly code: 'already_member'; readonly id: NodeId }
  /** removeNode of a node that is not in the configuration. */
  | { readonly code: 'not_member'; readonly id: NodeId }
  /** promote of a node that is not a learner (a voter already, or not a member). */
  | { readonly code: 'not_learner'; readonly id: NodeId }
  /** removeNode of the only voter: nobody would be left to commit anything. */
  | { readonly code: 'last_voter'; readonly id: NodeId }
  | { readonly code: 'invalid_id'; readonly id: NodeId };

export type ConfChangeError = ProposeError | ConfChangeRefusal;

export type ConfChangeResult =
  | { readonly ok: true; readonly index: number; readonly term: number; readonly config: MembershipConfig }
  | { readonly ok: false; readonly error: ConfChangeError };

export type CompactError =
  /** The "never truncate past the applied index" rule: the state machine has not applied `index`. */
  | { readonly code: 'not_applied'; readonly index: number; readonly applied: number }
  /** The latest snapshot already covers `index`. */
  | { readonly code: 'already_compacted'; readonly index: number; readonly snapshotIndex: number };

export type CompactResult =
  /** The driver deletes its persisted entries below `firstIndex` (the snapshot covers them). */
  | { readonly ok: true; readonly snapshot: SnapshotMeta; readonly firstIndex: number }
  | { readonly ok: false; readonly error: CompactError };

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
  /** Accept a membership change while the previous one is uncommitted (dissertation 4.1). */
  readonly concurrentConfigChanges?: boolean;
  /** Accept `compact(index)` beyond the applied index (the log-truncation rule of chapter 5). */
  readonly compactBeyondApplied?: boolean;
}

export interface RaftConfig {
  readonly id: NodeId;
  /**
   * The bootstrap configuration: the voters at index 0, identical on every node that ever joins
   * this cluster. A snapshot's configuration and config entries in the log supersede it. A node
   * absent from it (one that joins later) starts as a non-member: it never campaigns and waits
   * for a leader to replicate the configuration that adds it.
   */
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
  /** Entries kept below a snapshot's index by `compact`, so slightly lagging followers catch up from the log. */
  readonly snapshotTrailingEntries: number;
  /**
   * Heartbeat intervals the leader waits for an InstallSnapshotResp before it puts the follower
   * back into probe (a lost message; the driver reports a failed transfer with `snapshotFailed`).
   */
  readonly snapshotTimeoutHeartbeats: number;
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
  snapshotTrailingEntries: 1000,
  snapshotTimeoutHeartbeats: 50,
};

/** What the core starts from: the persisted state a driver read back from disk. */
export interface RaftInitialState {
  readonly hardState: HardState;
  /** The latest state-machine snapshot, if the log was ever compacted (absent: index 0, the bootstrap configuration). */
  readonly snapshot?: SnapshotMeta;
  /**
   * The persisted log, contiguous. Without a snapshot it starts at index 1; with one, at any
   * index up to `snapshot.index + 1` (entries kept below the snapshot by the trailing margin).
   */
  readonly entries: readonly LogEntry[];
  /** Highest index the state machine has already applied (it resumes after it); at least the snapshot's. */
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
  /** The first index still in the log (entries below it are covered by the snapshot). */
  readonly firstIndex: number;
  /** Index of the latest snapshot (0: none). */
  readonly snapshotIndex: number;
  /** The configuration in use: the latest in the log, committed or not (dissertation 4.1). */
  readonly config: MembershipConfig;
  /** Index of the entry (or snapshot) that established `config`. */
  readonly configIndex: number;
  /** The latest configuration known committed (what `member list` reports). */
  readonly committedConfig: MembershipConfig;
  /** On a leader: each follower's replication state (empty elsewhere). */
  readonly progress: readonly FollowerProgress[];
}

export interface FollowerProgress {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: 'probe' | 'replicate' | 'snapshot';
}
