/**
 * The deterministic state machine every replica runs: committed Raft entries in, results out.
 *
 * Pure by construction: no clock (time is the leader's stampMs inside each command), no
 * randomness, no I/O, and no dependence on hash-map iteration order (keys and sessions are kept
 * in explicitly sorted arrays). The same entries in the same order therefore give the same
 * results, the same persisted records and the same stateDigest() on every replica.
 */

import type { Entry } from '../raft/core/types';
import { applyOp } from './apply-op';
import { ByteWriter } from './binary';
import { compareBytes } from './bytes';
import type { Command, Op } from './command';
import { CommandDecodeError, decodeCommand } from './command-codec';
import { resolveConfig, type StateMachineConfig } from './config';
import { Fnv1a64 } from './digest';
import { KvStore } from './kv-store';
import { PendingMutations, type StateMutations } from './mutations';
import {
  decodeRecord,
  encodeKvRecord,
  encodeMetaRecord,
  encodeSessionRecord,
  kvRecordKey,
  META_RECORD_KEY,
  type MetaState,
  RecordDecodeError,
  sessionRecordKey,
} from './records';
import type { ApplyError, ApplyResult, CommandOutcome, KeyValue, ReadQuery, ReadResult } from './results';
import { type SessionEntry, SessionTable } from './sessions';
import { validateCommand } from './validate';

export class StateMachine {
  private readonly config: StateMachineConfig;
  private readonly pending = new PendingMutations();
  private kv: KvStore;
  private sessions: SessionTable;
  private applied = 0;
  /** Largest stampMs of any applied command: the state machine's only notion of "now". */
  private maxStampMs = 0;

  /** An empty state machine; throws StateMachineConfigError on a bad config field. */
  constructor(config: Partial<StateMachineConfig> = {}) {
    this.config = resolveConfig(config);
    this.kv = new KvStore(this.onKvChange);
    this.sessions = new SessionTable(this.config, this.onSessionChange);
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
    let meta: MetaState = { revision: 0, maxStampMs: 0 };
    const kvs: KeyValue[] = [];
    const sessions: SessionEntry[] = [];
    for (const [key, value] of records) {
      const rec = decodeRecord(key, value);
      if (rec.kind === 'meta') meta = rec.meta;
      else if (rec.kind === 'kv') kvs.push(rec.kv);
      else sessions.push(rec.session);
    }
    if (meta.revision > appliedIndex) {
      throw new RecordDecodeError(`revision ${meta.revision} is beyond the applied index ${appliedIndex}`);
    }
    if (sessions.some((s) => s.lastUsedMs > meta.maxStampMs)) {
      throw new RecordDecodeError(`a session was used after the latest stamp ${meta.maxStampMs}`);
    }
    sm.kv = KvStore.load(kvs, meta.revision, sm.onKvChange);
    sm.sessions = SessionTable.load(sessions, sm.config, sm.onSessionChange);
    sm.applied = appliedIndex;
    sm.maxStampMs = meta.maxStampMs;
    return sm;
  }

  /** Index of the last entry applied; reads reflect exactly the entries up to it. */
  get appliedIndex(): number {
    return this.applied;
  }

  /** Raft index of the last entry that changed the KV keyspace (etcd's store revision). */
  get revision(): number {
    return this.kv.revision;
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
    // A new leader's noop (Raft 5.4.2) and an empty proposal carry no command.
    if (entry.type === 'noop' || entry.data.length === 0) return { kind: 'noop', index: entry.index, revision: this.revision };

    let cmd: Command;
    try {
      cmd = decodeCommand(entry.data);
    } catch (err) {
      if (!(err instanceof CommandDecodeError)) throw err;
      return this.failure(entry.index, { code: 'decode_error', reason: err.message });
    }
    const metaBefore = this.meta();
    const result = this.applyCommand(cmd, entry.index);
    const metaAfter = this.meta();
    if (metaAfter.revision !== metaBefore.revision || metaAfter.maxStampMs !== metaBefore.maxStampMs) {
      this.pending.put(META_RECORD_KEY, encodeMetaRecord(metaAfter));
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
    return { kvs, more, count, revision: this.revision, appliedIndex: this.applied };
  }

  /** Record writes since the last call, for the storage layer to persist atomically. */
  takeMutations(): StateMutations {
    return this.pending.drain(this.applied);
  }

  /** The whole state as records, sorted by key: a snapshot for InstallSnapshot or a fresh store. */
  snapshotRecords(): Array<[Uint8Array, Uint8Array]> {
    const records: Array<[Uint8Array, Uint8Array]> = [];
    for (const kv of this.kv.entries()) records.push([kvRecordKey(kv.key), encodeKvRecord(kv)]);
    records.push([META_RECORD_KEY, encodeMetaRecord(this.meta())]);
    const sessions: Array<[Uint8Array, Uint8Array]> = this.sessions
      .entries()
      .map((s) => [sessionRecordKey(s.clientId), encodeSessionRecord(s)]);
    sessions.sort((a, b) => compareBytes(a[0], b[0]));
    return records.concat(sessions);
  }

  /** FNV-1a 64 over the applied index and every record: equal digests mean equal states. */
  stateDigest(): string {
    const hash = new Fnv1a64().update(new ByteWriter().uvarint(this.applied).finish());
    for (const [key, value] of this.snapshotRecords()) hash.update(new ByteWriter().bytes(key).bytes(value).finish());
    return hash.hex();
  }

  private applyCommand(cmd: Command, index: number): ApplyResult {
    this.maxStampMs = Math.max(this.maxStampMs, cmd.stampMs);
    this.sessions.expire(this.maxStampMs);
    const invalid = validateCommand(cmd, this.config);
    if (invalid !== null) return this.failure(index, { code: 'invalid_command', reason: invalid });
    if (cmd.session === undefined) return this.success(index, this.execute(cmd.op, index), false);

    const { clientId, seq } = cmd.session;
    const known = this.sessions.get(clientId);
    if (known !== undefined && seq < known.lastSeq) {
      return this.failure(index, { code: 'session_seq_stale', clientId, seq, lastSeq: known.lastSeq });
    }
    if (known !== undefined && seq === known.lastSeq) {
      this.sessions.touch(clientId, this.maxStampMs);
      return this.success(index, known.outcome, true);
    }
    const outcome = this.execute(cmd.op, index);
    this.sessions.record(clientId, seq, this.maxStampMs, outcome);
    return this.success(index, outcome, false);
  }

  /** Every write of one entry carries the entry's index as its revision. */
  private execute(op: Op, index: number): CommandOutcome {
    const response = applyOp(this.kv, op, index);
    return { revision: this.kv.revision, response };
  }

  private success(index: number, outcome: CommandOutcome, duplicate: boolean): ApplyResult {
    return { kind: 'ok', index, revision: outcome.revision, response: outcome.response, duplicate };
  }

  private failure(index: number, error: ApplyError): ApplyResult {
    return { kind: 'error', index, revision: this.revision, error };
  }

  private meta(): MetaState {
    return { revision: this.kv.revision, maxStampMs: this.maxStampMs };
  }

  private readonly onKvChange = (key: Uint8Array, kv: KeyValue | null): void => {
    if (kv === null) this.pending.del(kvRecordKey(key));
    else this.pending.put(kvRecordKey(key), encodeKvRecord(kv));
  };

  private readonly onSessionChange = (clientId: string, entry: SessionEntry | null): void => {
    if (entry === null) this.pending.del(sessionRecordKey(clientId));
    else this.pending.put(sessionRecordKey(clientId), encodeSessionRecord(entry));
  };
}
