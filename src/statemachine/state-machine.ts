/**
 * The deterministic state machine every replica runs: committed Raft entries in, results out.
 *
 * Pure by construction: no clock (time is the leader's stampMs inside each command), no
 * randomness, no I/O, and no dependence on hash-map iteration order (keys and sessions are kept
 * in explicitly sorted arrays). The same entries in the same order therefore give the same
 * results, the same persisted records and the same stateDigest() on every replica.
 *
 * Two kinds of records leave through takeMutations(): the in-memory state's (KV pairs, leases,
 * sessions, member addresses, topic metadata, consumer offsets, compaction index, retained
 * sizes, meta), which restore() reads back, and lazy records (topic records, the KV change log,
 * the KV history), which are written once and never held in memory: readers scan them from
 * storage. Their content enters stateDigest() through a running hash over every lazy mutation
 * in apply order, kept in the meta record.
 */

import { ConfigEntryDecodeError } from '../raft/core/membership';
import type { Entry } from '../raft/core/types';
import { applyOp, LEASE_NOT_FOUND, type KvContext } from './apply-op';
import { ByteWriter } from './binary';
import { bytesToKeyString, compareBytes } from './bytes';
import { MAX_LEASE_TTL_SECONDS, type Command, type LeaseGrantOp, type Op } from './command';
import { CommandDecodeError, decodeCommand } from './command-codec';
import { resolveConfig, type StateMachineConfig } from './config';
import { ConsumerOffsets } from './consumer-offsets';
import { Fnv1a64 } from './digest';
import { INITIAL_REVISION, KvStore } from './kv-store';
import { LeaseTable } from './leases';
import { changeRecordKey, encodeChangeRecord, historyRecordKey, lazyPrefixes, type KvChange } from './log-records';
import { decodeMembershipEntry, MemberAddressDecodeError, MemberBook, REMOVED_MEMBER, type MemberAddress, type MemberInfo, type MembershipEntry } from './members';
import { PendingMutations, type StateMutations } from './mutations';
import {
  compactIndexKey,
  decodeRecords,
  encodeCompactIndexRecord,
  encodeKvRecord,
  encodeLeaseRecord,
  encodeMemberRecord,
  encodeMetaRecord,
  encodeRetainedSizeRecord,
  encodeSessionRecord,
  encodeTopicMetaRecord,
  kvRecordKey,
  leaseRecordKey,
  memberRecordKey,
  META_RECORD_KEY,
  type MetaState,
  RecordDecodeError,
  retainedSizeKey,
  sessionRecordKey,
  topicMetaKey,
} from './records';
import type {
  ApplyError,
  ApplyResult,
  CommandOutcome,
  CompactResponse,
  KeyValue,
  LeaseDetail,
  LeaseGrantResponse,
  LeaseInfo,
  LeaseRevokeResponse,
  OpResponse,
  ReadQuery,
  ReadResult,
  Rejection,
  TopicInfo,
} from './results';
import { type SessionEntry, SessionTable } from './sessions';
import { TopicTable, type TopicSink } from './topics';
import { validateCommand } from './validate';

/** How many items each in-memory structure holds. Topic records and KV changes are never among them. */
export interface ResidentCounts {
  readonly kvKeys: number;
  readonly leases: number;
  readonly sessions: number;
  readonly topics: number;
  readonly groupOffsets: number;
  /** Compaction index entries (distinct keys of compacted topics). */
  readonly compactKeys: number;
  /** Sizes of retained records of topics with a retention limit. */
  readonly retainedSizes: number;
}

// Tags of the lazy mutations in the running log digest.
const LAZY_PUT = Uint8Array.of(1);
const LAZY_DEL = Uint8Array.of(2);

/** etcd's error texts for compaction and lease refusals. */
const COMPACT_FUTURE = 'etcdserver: mvcc: required revision is a future revision';
const COMPACT_COMPACTED = 'etcdserver: mvcc: required revision has been compacted';
const LEASE_EXISTS = 'etcdserver: lease already exists';
const LEASE_TTL_TOO_LARGE = 'etcdserver: too large lease TTL';

export class StateMachine {
  private readonly config: StateMachineConfig;
  private readonly pending = new PendingMutations();
  private kv: KvStore;
  private leaseTable = new LeaseTable();
  private sessions: SessionTable;
  private members = new MemberBook();
  private topics: TopicTable;
  private offsets: ConsumerOffsets;
  private applied = 0;
  /** Largest stampMs of any applied command: the state machine's only notion of "now". */
  private maxStampMs = 0;
  /** Running hash over every lazy record mutation, in apply order (persisted in meta). */
  private logDigest = new Fnv1a64();
  private logDigestMoved = false;
  /** Revision and next seq of the KV change log: changes of one revision are numbered from 0. */
  private changeRevision = 0;
  private changeSeq = 0;
  /** Reads below this revision are refused (0: never compacted). */
  private compacted = 0;
  /** The search for an unused lease id (grant with id 0) starts here; it only grows. */
  private nextLeaseId = 1;

  /** An empty state machine; throws StateMachineConfigError on a bad config field. */
  constructor(config: Partial<StateMachineConfig> = {}) {
    this.config = resolveConfig(config);
    this.kv = new KvStore(this.onKvChange);
    this.sessions = new SessionTable(this.config, this.onSessionChange);
    this.topics = new TopicTable(this.config.topicsMax, this.sink);
    this.offsets = new ConsumerOffsets(this.config.groupOffsetsMax, this.sink.put);
  }

  /**
   * Key prefixes (SM keyspace) of the lazy records: topic records, the KV change log and the KV
   * history. Storage
   * must not load them at start-up (LogStore.open's lazyStateMachinePrefixes); restore() does
   * not need them, and checks but drops any it is given.
   */
  static lazyRecordPrefixes(): Uint8Array[] {
    return lazyPrefixes();
  }

  /**
   * Rebuilds the state persisted through takeMutations() (or snapshotRecords()), in any record
   * order, with the applied index the storage layer saved in the same batch and the same config
   * as before. Throws RecordDecodeError on a corrupt record (Error on a duplicate key or more
   * sessions than sessionsMax): better to stop than to serve a state other replicas don't have.
   */
  static restore(
    records: Iterable<[Uint8Array, Uint8Array]>,
    appliedIndex: number,
    config: Partial<StateMachineConfig> = {},
  ): StateMachine {
    if (!Number.isSafeInteger(appliedIndex) || appliedIndex < 0) {
      throw new RangeError(`restore: appliedIndex must be a non-negative safe integer, got ${appliedIndex}`);
    }
    const sm = new StateMachine(config);
    const d = decodeRecords(records);
    const meta = d.meta ?? sm.meta();
    // Each entry moves the revision by one at most, from 1.
    if (meta.revision > appliedIndex + INITIAL_REVISION) {
      throw new RecordDecodeError(`revision ${meta.revision} is beyond what ${appliedIndex} applied entries can reach`);
    }
    if (d.sessions.some((s) => s.lastUsedMs > meta.maxStampMs)) {
      throw new RecordDecodeError(`a session was used after the latest stamp ${meta.maxStampMs}`);
    }
    sm.kv = KvStore.load(d.kvs, meta.revision, sm.onKvChange);
    sm.leaseTable = LeaseTable.load(d.leases);
    for (const kv of d.kvs) {
      if (kv.lease === 0) continue;
      if (!sm.leaseTable.has(kv.lease)) throw new RecordDecodeError(`a key is attached to lease ${kv.lease}, which does not exist`);
      sm.leaseTable.attach(kv.lease, bytesToKeyString(kv.key));
    }
    sm.compacted = meta.compactRevision;
    sm.nextLeaseId = meta.nextLeaseId;
    sm.sessions = SessionTable.load(d.sessions, sm.config, sm.onSessionChange);
    sm.members = MemberBook.load(d.members);
    sm.topics = TopicTable.load(d.topics, sm.config.topicsMax, sm.sink);
    const topics = sm.topics;
    sm.offsets = ConsumerOffsets.load(d.groupOffsets, sm.config, (t) => topics.info(t), sm.sink.put);
    sm.applied = appliedIndex;
    sm.maxStampMs = meta.maxStampMs;
    sm.logDigest = Fnv1a64.fromBytes(meta.logDigest);
    return sm;
  }

  /** Index of the last entry applied; reads reflect exactly the entries up to it. */
  get appliedIndex(): number {
    return this.applied;
  }

  /**
   * etcd's store revision: 1 for an empty store, then one more per applied command that wrote
   * the KV keyspace (a put, a delete that deleted something, a txn whose branch wrote, a lease
   * revoke that deleted keys). Not a Raft index.
   */
  get revision(): number {
    return this.kv.revision;
  }

  /** Revision of the last compaction (0: never): reads below it must be refused (history may be gone). */
  get compactRevision(): number {
    return this.compacted;
  }

  /** A lease with its keys (in key order), or undefined if there is no such lease. */
  lease(id: number): LeaseDetail | undefined {
    return this.leaseTable.detail(id);
  }

  /** Every lease, sorted by id. */
  leases(): LeaseInfo[] {
    return this.leaseTable.list();
  }

  get leaseCount(): number {
    return this.leaseTable.size;
  }

  /** Where member `id` lives, if it was added with its addresses (see members.ts). */
  memberAddress(id: number): MemberAddress | undefined {
    return this.members.get(id);
  }

  /** Every member whose addresses are known, sorted by id. */
  memberAddresses(): MemberInfo[] {
    return this.members.list();
  }

  /** Whether `id` was removed from the cluster at some point: ids are never reused (members.ts). */
  memberRemoved(id: number): boolean {
    return this.members.wasRemoved(id);
  }

  /** A topic's metadata, or undefined if there is no such topic. */
  topicInfo(topic: string): TopicInfo | undefined {
    return this.topics.info(topic);
  }

  /** Every topic, sorted by name. */
  listTopics(): TopicInfo[] {
    return this.topics.list();
  }

  /** The committed offset of `group` in `topic` (the next offset to consume), if any. */
  fetchOffset(group: string, topic: string): number | undefined {
    return this.offsets.get(group, topic);
  }

  /** Sizes of the in-memory structures (for tests and metrics): none grows with topic records. */
  residentCounts(): ResidentCounts {
    const { compactKeys, retainedSizes } = this.topics.residentCounts();
    return { kvKeys: this.kv.size, leases: this.leaseTable.size, sessions: this.sessions.size, topics: this.topics.size, groupOffsets: this.offsets.size, compactKeys, retainedSizes };
  }

  /**
   * Applies the next committed entry; entries must arrive in log order with no gap (a gap means
   * the driver lost an entry, and applying past it would diverge this replica: that throws).
   * Anything wrong with the entry's content becomes an error result instead.
   */
  apply(entry: Entry): ApplyResult {
    if (entry.index !== this.applied + 1) {
      throw new Error(`StateMachine.apply: entry ${entry.index} does not follow applied index ${this.applied}`);
    }
    this.applied = entry.index;
    if (entry.type === 'config') return this.applyConfig(entry);
    // A new leader's noop (Raft 5.4.2) and an empty proposal carry no command.
    if (entry.type === 'noop' || entry.data.length === 0) return { kind: 'noop', index: entry.index, revision: this.revision };

    let cmd: Command;
    try {
      cmd = decodeCommand(entry.data);
    } catch (err) {
      return this.decodeFailure(entry.index, err);
    }
    const before = this.meta();
    this.logDigestMoved = false;
    const result = this.applyCommand(cmd, entry.index);
    const after = this.meta();
    if (
      after.revision !== before.revision ||
      after.maxStampMs !== before.maxStampMs ||
      after.compactRevision !== before.compactRevision ||
      after.nextLeaseId !== before.nextLeaseId ||
      this.logDigestMoved
    ) {
      this.pending.put(META_RECORD_KEY, encodeMetaRecord(after));
    }
    return result;
  }

  /**
   * Get (no rangeEnd) or Range over local state. Linearizable once appliedIndex >= the leader's
   * ReadIndex; otherwise a serializable, possibly stale, read. Returned pairs are shared with
   * the store: treat their bytes as read-only. Throws RangeError on a malformed query.
   */
  read(query: ReadQuery): ReadResult {
    if (query.key.length === 0) throw new RangeError('read: key is empty');
    const limit = query.limit ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`read: bad limit ${limit}`);
    const { kvs, more, count } = this.kv.range(query.key, query.rangeEnd, limit);
    return { kvs, more, count, revision: this.revision, compactRevision: this.compacted, appliedIndex: this.applied };
  }

  /** Record writes since the last call, for the storage layer to persist atomically. */
  takeMutations(): StateMutations {
    return this.pending.drain(this.applied);
  }

  /**
   * The in-memory state as records, sorted by key: what restore() needs. A full snapshot (for
   * InstallSnapshot or a fresh store) is these plus the lazy records, which only storage has
   * (scan the lazyRecordPrefixes() ranges).
   */
  snapshotRecords(): Array<[Uint8Array, Uint8Array]> {
    // Built in key order, one record kind (first key byte) after the other: g i k l m n s t z.
    const records = this.offsets.records();
    for (const [topic, e] of this.topics.compactEntries()) records.push([compactIndexKey(topic, e.key), encodeCompactIndexRecord(e.offset, e.size)]);
    for (const kv of this.kv.entries()) records.push([kvRecordKey(kv.key), encodeKvRecord(kv)]);
    for (const lease of this.leaseTable.list()) records.push([leaseRecordKey(lease.id), encodeLeaseRecord(lease.ttlSeconds)]);
    records.push([META_RECORD_KEY, encodeMetaRecord(this.meta())]);
    for (const { id, ...address } of this.members.records()) records.push([memberRecordKey(id), encodeMemberRecord(address)]);
    const sessions: Array<[Uint8Array, Uint8Array]> = this.sessions
      .entries()
      .map((s) => [sessionRecordKey(s.clientId), encodeSessionRecord(s)]);
    sessions.sort((a, b) => compareBytes(a[0], b[0]));
    for (const session of sessions) records.push(session);
    for (const info of this.topics.list()) records.push([topicMetaKey(info.topic), encodeTopicMetaRecord(info)]);
    for (const [topic, offset, size] of this.topics.retainedSizes()) records.push([retainedSizeKey(topic, offset), encodeRetainedSizeRecord(size)]);
    return records;
  }

  /**
   * FNV-1a 64 over the applied index and every in-memory record, whose meta record carries the
   * running hash of the lazy records: equal digests mean equal states, topic records included.
   */
  stateDigest(): string {
    const hash = new Fnv1a64().update(new ByteWriter().uvarint(this.applied).finish());
    for (const [key, value] of this.snapshotRecords()) hash.update(new ByteWriter().bytes(key).bytes(value).finish());
    return hash.hex();
  }

  /**
   * The Raft core acted on a membership change as soon as it reached the log (dissertation 4.1);
   * here it only keeps the address book: an added learner's context names its addresses (no
   * context: nothing to record), a removed member leaves a tombstone (its id is never reused), a
   * promotion changes nothing. No KV key is written, so the revision stays.
   */
  private applyConfig(entry: Entry): ApplyResult {
    let decoded: MembershipEntry;
    try {
      decoded = decodeMembershipEntry(entry.data);
    } catch (err) {
      return this.decodeFailure(entry.index, err);
    }
    const { change, address } = decoded;
    if (change.type === 'addLearner' && address !== null) {
      this.members.set(change.id, address);
      this.pending.put(memberRecordKey(change.id), encodeMemberRecord(address));
    } else if (change.type === 'removeNode') {
      this.members.set(change.id, REMOVED_MEMBER);
      this.pending.put(memberRecordKey(change.id), encodeMemberRecord(REMOVED_MEMBER));
    }
    return { kind: 'config', index: entry.index, revision: this.revision, change };
  }

  /** Malformed entry data is answered with decode_error, like any refusal; any other error is a bug. */
  private decodeFailure(index: number, err: unknown): ApplyResult {
    if (!(err instanceof CommandDecodeError || err instanceof ConfigEntryDecodeError || err instanceof MemberAddressDecodeError)) throw err;
    return this.failure(index, { code: 'decode_error', reason: err.message });
  }

  private applyCommand(cmd: Command, index: number): ApplyResult {
    this.maxStampMs = Math.max(this.maxStampMs, cmd.stampMs);
    this.sessions.expire(this.maxStampMs);
    const invalid = validateCommand(cmd, this.config);
    if (invalid !== null) return this.failure(index, { code: 'invalid_command', reason: invalid });
    if (cmd.session === undefined) return this.answer(index, this.execute(cmd, index), false);

    const { clientId, seq } = cmd.session;
    const known = this.sessions.get(clientId);
    if (known !== undefined && seq < known.lastSeq) {
      return this.failure(index, { code: 'session_seq_stale', clientId, seq, lastSeq: known.lastSeq });
    }
    if (known !== undefined && seq === known.lastSeq) {
      this.sessions.touch(clientId, this.maxStampMs);
      return this.answer(index, known.outcome, true);
    }
    const outcome = this.execute(cmd, index);
    this.sessions.record(clientId, seq, this.maxStampMs, outcome);
    return this.answer(index, outcome, false);
  }

  /**
   * Every KV write of one command carries the store revision plus one (the revision moves only if
   * the command writes); topic records carry the entry's index as raftIndex and the command's
   * stamp as timestampMs. A rejection has written nothing.
   */
  private execute(cmd: Command, index: number): CommandOutcome {
    const result = this.executeOp(cmd.op, index, cmd.stampMs);
    return 'code' in result ? { revision: this.kv.revision, rejection: result } : { revision: this.kv.revision, response: result };
  }

  private executeOp(op: Op, index: number, stampMs: number): OpResponse | Rejection {
    const nextRevision = this.kv.revision + 1;
    switch (op.type) {
      case 'put':
      case 'delete':
      case 'txn':
        return applyOp(this.kvContext, op, nextRevision);
      case 'leaseGrant':
        return this.grantLease(op);
      case 'leaseRevoke':
        return this.revokeLease(op.id, nextRevision);
      case 'compact':
        return this.compact(op.revision);
      case 'createTopic': {
        const r = this.topics.create(op.topic, op.policy);
        return 'code' in r ? r : { type: 'createTopic', created: r.created };
      }
      case 'append':
        return this.topics.append(op.topic, op.records, index, stampMs);
      case 'commitOffset':
        return this.offsets.commit(op, this.topics.info(op.topic));
      default: {
        const never: never = op;
        throw new TypeError(`unknown op ${JSON.stringify(never)}`);
      }
    }
  }

  private get kvContext(): KvContext {
    return { store: this.kv, leases: this.leaseTable };
  }

  /** etcd's lessor.Grant: TTL limit first, then the id; a short TTL is raised to the minimum. */
  private grantLease(op: LeaseGrantOp): LeaseGrantResponse | Rejection {
    if (op.ttlSeconds > MAX_LEASE_TTL_SECONDS) return { code: 'rejected', status: 'out_of_range', reason: LEASE_TTL_TOO_LARGE };
    let id = op.id;
    if (id === 0) {
      let next = this.nextLeaseId;
      while (this.leaseTable.has(next)) next++;
      if (!Number.isSafeInteger(next)) return { code: 'rejected', status: 'resource_exhausted', reason: 'lease ids exhausted' };
      id = next;
      this.nextLeaseId = next + 1;
    } else if (this.leaseTable.has(id)) {
      return { code: 'rejected', status: 'failed_precondition', reason: LEASE_EXISTS };
    }
    const ttlSeconds = Math.max(op.ttlSeconds, this.config.leaseTtlMinSeconds);
    this.leaseTable.grant(id, ttlSeconds);
    this.pending.put(leaseRecordKey(id), encodeLeaseRecord(ttlSeconds));
    return { type: 'leaseGrant', id, ttlSeconds };
  }

  /** Deletes the lease's keys in key order at one revision (none: the revision stays), then the lease. */
  private revokeLease(id: number, revision: number): LeaseRevokeResponse | Rejection {
    if (!this.leaseTable.has(id)) return { code: 'rejected', status: 'not_found', reason: LEASE_NOT_FOUND };
    const deleted = this.kv.deleteKeys(this.leaseTable.sortedKeys(id), revision);
    this.leaseTable.remove(id);
    this.pending.del(leaseRecordKey(id));
    return { type: 'leaseRevoke', deleted: deleted.length };
  }

  /** etcd's updateCompactRev: only the logical compact revision; storage drops history later. */
  private compact(revision: number): CompactResponse | Rejection {
    if (revision <= this.compacted) return { code: 'rejected', status: 'out_of_range', reason: COMPACT_COMPACTED };
    if (revision > this.kv.revision) return { code: 'rejected', status: 'out_of_range', reason: COMPACT_FUTURE };
    this.compacted = revision;
    return { type: 'compact' };
  }

  /** A fresh or cached outcome as the entry's result (a rejection is an error result). */
  private answer(index: number, outcome: CommandOutcome, duplicate: boolean): ApplyResult {
    if ('rejection' in outcome) return this.failure(index, outcome.rejection);
    return { kind: 'ok', index, revision: outcome.revision, response: outcome.response, duplicate };
  }

  private failure(index: number, error: ApplyError): ApplyResult {
    return { kind: 'error', index, revision: this.revision, error };
  }

  private meta(): MetaState {
    return {
      revision: this.kv.revision,
      maxStampMs: this.maxStampMs,
      compactRevision: this.compacted,
      nextLeaseId: this.nextLeaseId,
      logDigest: this.logDigest.toBytes(),
    };
  }

  /**
   * Every KV change is persisted, moves the key between leases, and is appended to the change log
   * (for Watch) and to the key's history (for reads at a revision).
   */
  private readonly onKvChange = (key: Uint8Array, kv: KeyValue | null, revision: number, prev: KeyValue | undefined): void => {
    if (kv === null) this.pending.del(kvRecordKey(key));
    else this.pending.put(kvRecordKey(key), encodeKvRecord(kv));
    const oldLease = prev?.lease ?? 0;
    const newLease = kv?.lease ?? 0;
    if (oldLease !== newLease) {
      const k = bytesToKeyString(key);
      if (oldLease !== 0) this.leaseTable.detach(oldLease, k);
      if (newLease !== 0) this.leaseTable.attach(newLease, k);
    }
    if (revision !== this.changeRevision) {
      this.changeRevision = revision;
      this.changeSeq = 0;
    }
    const change: KvChange =
      kv === null
        ? { revision, kind: 'delete', key, createRevision: 0, modRevision: revision, version: 0, lease: 0 }
        : {
            revision,
            kind: 'put',
            key: kv.key,
            value: kv.value,
            createRevision: kv.createRevision,
            modRevision: kv.modRevision,
            version: kv.version,
            lease: kv.lease,
          };
    const value = encodeChangeRecord(change);
    this.sink.putLazy(changeRecordKey(revision, this.changeSeq++), value);
    this.sink.putLazy(historyRecordKey(key, revision), value);
  };

  /** Where topics and offsets write; lazy writes also feed the running log digest. */
  private readonly sink: TopicSink = {
    put: (key, value) => this.pending.put(key, value),
    del: (key) => this.pending.del(key),
    putLazy: (key, value) => {
      this.pending.put(key, value);
      this.hashLazy(LAZY_PUT, key, value);
    },
    delLazy: (key) => {
      this.pending.del(key);
      this.hashLazy(LAZY_DEL, key, null);
    },
  };

  private hashLazy(tag: Uint8Array, key: Uint8Array, value: Uint8Array | null): void {
    this.logDigest.update(tag).update(new ByteWriter().uvarint(key.length).finish()).update(key);
    if (value !== null) this.logDigest.update(new ByteWriter().uvarint(value.length).finish()).update(value);
    this.logDigestMoved = true;
  }

  private readonly onSessionChange = (clientId: string, entry: SessionEntry | null): void => {
    if (entry === null) this.pending.del(sessionRecordKey(clientId));
    else this.pending.put(sessionRecordKey(clientId), encodeSessionRecord(entry));
  };
}
