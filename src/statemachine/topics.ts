/**
 * Topics: per-topic metadata in memory, records on disk. Appending writes each record once, as a
 * lazy record (log-records.ts) through the sink, and forgets it: memory holds the metadata, the
 * compaction index of a compacted topic (latest offset and size per key: that IS the compacted
 * state, so memory grows with distinct keys) and, for a topic with a retention limit, the size of
 * each retained record (retention must know what it frees without reading records back; memory
 * bounded by the limit). A topic that retains everything keeps nothing per record.
 *
 * Deterministic: no timers (retention and compaction run inside the append that triggers them),
 * and every iteration goes through sorted names.
 */

import { bytesToKeyString } from './bytes';
import { recordBytes, type AppendRecord, type TopicPolicy } from './command';
import { encodeTopicRecord, topicRecordKey } from './log-records';
import {
  compactIndexKey,
  encodeCompactIndexRecord,
  encodeRetainedSizeRecord,
  encodeTopicMetaRecord,
  RecordDecodeError,
  retainedSizeKey,
  topicMetaKey,
} from './records';
import type { AppendResponse, Rejection, TopicInfo } from './results';
import { SizeQueue } from './size-queue';
import { compareStrings, insertSorted } from './sorted-array';

/** Where topic writes go: `put`/`del` for in-memory state's records, `*Lazy` for topic records. */
export interface TopicSink {
  put(key: Uint8Array, value: Uint8Array): void;
  del(key: Uint8Array): void;
  putLazy(key: Uint8Array, value: Uint8Array): void;
  delLazy(key: Uint8Array): void;
}

interface CompactEntry {
  readonly key: Uint8Array;
  readonly offset: number;
  readonly size: number;
}

/** Mutable per-topic state; TopicInfo is its read-only face. */
interface TopicState {
  readonly topic: string;
  readonly policy: TopicPolicy;
  earliestOffset: number;
  nextOffset: number;
  records: number;
  bytes: number;
  /** Retain with a limit: sizes of offsets earliestOffset .. nextOffset - 1. */
  readonly sizes: SizeQueue | null;
  /** Compact: latest record per key (latin-1 key string, see bytesToKeyString). */
  readonly index: Map<string, CompactEntry> | null;
}

/** What restore hands back, decoded from records (see records.ts). */
export interface TopicRecordsLoaded {
  readonly topics: readonly TopicInfo[];
  readonly compactKeys: ReadonlyArray<{ readonly topic: string; readonly key: Uint8Array; readonly offset: number; readonly size: number }>;
  readonly sizes: ReadonlyArray<{ readonly topic: string; readonly offset: number; readonly size: number }>;
}

export function samePolicy(a: TopicPolicy, b: TopicPolicy): boolean {
  if (a.kind === 'compact' || b.kind === 'compact') return a.kind === b.kind;
  return a.retainRecords === b.retainRecords && a.retainBytes === b.retainBytes;
}

export function describePolicy(p: TopicPolicy): string {
  if (p.kind === 'compact') return 'compact';
  const limits = [p.retainRecords !== undefined ? `retainRecords=${p.retainRecords}` : '', p.retainBytes !== undefined ? `retainBytes=${p.retainBytes}` : ''];
  const shown = limits.filter((x) => x !== '');
  return shown.length === 0 ? 'retain everything' : `retain ${shown.join(' ')}`;
}

function hasRetentionLimit(p: TopicPolicy): boolean {
  return p.kind === 'retain' && (p.retainRecords !== undefined || p.retainBytes !== undefined);
}

function rejected(status: Rejection['status'], reason: string): Rejection {
  return { code: 'rejected', status, reason };
}

export class TopicTable {
  private readonly byName = new Map<string, TopicState>();
  private readonly sortedNames: string[] = [];

  constructor(
    private readonly topicsMax: number,
    private readonly sink: TopicSink,
  ) {}

  /** Rebuilds the table from decoded records; throws RecordDecodeError when they disagree. */
  static load(loaded: TopicRecordsLoaded, topicsMax: number, sink: TopicSink): TopicTable {
    const table = new TopicTable(topicsMax, sink);
    for (const info of loaded.topics) table.insert(info);
    if (table.sortedNames.length > topicsMax) throw new RecordDecodeError(`${table.sortedNames.length} topics exceed topicsMax ${topicsMax}`);
    loadCompactKeys(table.byName, loaded.compactKeys);
    loadSizes(table.byName, loaded.sizes);
    for (const t of table.byName.values()) checkLoadedTopic(t);
    return table;
  }

  get size(): number {
    return this.sortedNames.length;
  }

  info(topic: string): TopicInfo | undefined {
    const t = this.byName.get(topic);
    return t === undefined ? undefined : toInfo(t);
  }

  /** Sorted by name. */
  list(): TopicInfo[] {
    return this.sortedNames.map((name) => toInfo(this.byName.get(name)!));
  }

  /** How many compaction-index entries and retained sizes memory holds, over all topics. */
  residentCounts(): { compactKeys: number; retainedSizes: number } {
    let compactKeys = 0;
    let retainedSizes = 0;
    for (const t of this.byName.values()) {
      compactKeys += t.index?.size ?? 0;
      retainedSizes += t.sizes?.length ?? 0;
    }
    return { compactKeys, retainedSizes };
  }

  create(topic: string, policy: TopicPolicy): { created: boolean } | Rejection {
    const existing = this.byName.get(topic);
    if (existing !== undefined) {
      if (samePolicy(existing.policy, policy)) return { created: false };
      return rejected('already_exists', `topic ${JSON.stringify(topic)} already exists with policy ${describePolicy(existing.policy)}, not ${describePolicy(policy)}`);
    }
    if (this.sortedNames.length >= this.topicsMax) return rejected('resource_exhausted', `${this.topicsMax} topics exist, max ${this.topicsMax} (topicsMax)`);
    const t = this.insert({ topic, policy, earliestOffset: 0, nextOffset: 0, records: 0, bytes: 0 });
    this.sink.put(topicMetaKey(topic), encodeTopicMetaRecord(toInfo(t)));
    return { created: true };
  }

  /**
   * Appends a validated batch at Raft index `raftIndex` stamped `timestampMs`: all records, or
   * (on a rejection, decided before the first write) none.
   */
  append(topic: string, records: readonly AppendRecord[], raftIndex: number, timestampMs: number): AppendResponse | Rejection {
    const t = this.byName.get(topic);
    if (t === undefined) return rejected('not_found', `topic ${JSON.stringify(topic)} does not exist`);
    if (t.index !== null) {
      const unkeyed = records.findIndex((r) => r.key === undefined);
      if (unkeyed >= 0) return rejected('failed_precondition', `topic ${JSON.stringify(topic)} is compacted: records[${unkeyed}] has no key`);
    }
    const baseOffset = t.nextOffset;
    records.forEach((record, i) => this.appendOne(t, record, baseOffset + i, raftIndex, timestampMs));
    t.nextOffset = baseOffset + records.length;
    this.applyRetention(t);
    this.sink.put(topicMetaKey(topic), encodeTopicMetaRecord(toInfo(t)));
    return { type: 'append', baseOffset, count: records.length };
  }

  private appendOne(t: TopicState, record: AppendRecord, offset: number, raftIndex: number, timestampMs: number): void {
    const size = recordBytes(record);
    const stored = { offset, value: record.value, headers: record.headers ?? [], raftIndex, timestampMs };
    this.sink.putLazy(topicRecordKey(t.topic, offset), encodeTopicRecord(record.key === undefined ? stored : { ...stored, key: record.key }));
    t.records++;
    t.bytes += size;
    if (t.sizes !== null) {
      t.sizes.push(size);
      this.sink.put(retainedSizeKey(t.topic, offset), encodeRetainedSizeRecord(size));
    }
    if (t.index !== null) this.compact(t, record.key!, offset, size);
  }

  /** Kafka compaction, eagerly: the previous record of the key goes (a tombstone included). */
  private compact(t: TopicState, key: Uint8Array, offset: number, size: number): void {
    const k = bytesToKeyString(key);
    const prev = t.index!.get(k);
    if (prev !== undefined) {
      this.sink.delLazy(topicRecordKey(t.topic, prev.offset));
      t.records--;
      t.bytes -= prev.size;
    }
    t.index!.set(k, { key, offset, size });
    this.sink.put(compactIndexKey(t.topic, key), encodeCompactIndexRecord(offset, size));
  }

  /** Drops the oldest records beyond the limits; the newest record always stays. */
  private applyRetention(t: TopicState): void {
    if (t.policy.kind !== 'retain' || t.sizes === null) return;
    const { retainRecords, retainBytes } = t.policy;
    const over = (): boolean =>
      (retainRecords !== undefined && t.records > retainRecords) || (retainBytes !== undefined && t.bytes > retainBytes && t.records > 1);
    while (over()) {
      const offset = t.earliestOffset;
      const size = t.sizes.shift();
      this.sink.delLazy(topicRecordKey(t.topic, offset));
      this.sink.del(retainedSizeKey(t.topic, offset));
      t.earliestOffset++;
      t.records--;
      t.bytes -= size;
    }
  }

  private insert(info: TopicInfo): TopicState {
    if (this.byName.has(info.topic)) throw new RecordDecodeError(`duplicate topic ${info.topic}`);
    const t: TopicState = {
      ...info,
      sizes: hasRetentionLimit(info.policy) ? new SizeQueue() : null,
      index: info.policy.kind === 'compact' ? new Map() : null,
    };
    this.byName.set(info.topic, t);
    insertSorted(this.sortedNames, info.topic, compareStrings);
    return t;
  }

  /** Every compaction index entry as (topic, entry), by topic name then key: for snapshots. */
  *compactEntries(): IterableIterator<[string, CompactEntry]> {
    for (const name of this.sortedNames) {
      const index = this.byName.get(name)!.index;
      if (index === null) continue;
      for (const k of [...index.keys()].sort(compareStrings)) yield [name, index.get(k)!];
    }
  }

  /** Every retained size as (topic, offset, size), by topic name then offset: for snapshots. */
  *retainedSizes(): IterableIterator<[string, number, number]> {
    for (const name of this.sortedNames) {
      const t = this.byName.get(name)!;
      if (t.sizes === null) continue;
      let offset = t.earliestOffset;
      for (const size of t.sizes.values()) yield [name, offset++, size];
    }
  }
}

function toInfo(t: TopicState): TopicInfo {
  return { topic: t.topic, policy: t.policy, earliestOffset: t.earliestOffset, nextOffset: t.nextOffset, records: t.records, bytes: t.bytes };
}

/** For restore: the state of `topic`, which must exist. */
function stateOf(byName: ReadonlyMap<string, TopicState>, topic: string, what: string): TopicState {
  const t = byName.get(topic);
  if (t === undefined) throw new RecordDecodeError(`${what} of unknown topic ${topic}`);
  return t;
}

function loadCompactKeys(byName: ReadonlyMap<string, TopicState>, entries: TopicRecordsLoaded['compactKeys']): void {
  for (const e of entries) {
    const t = stateOf(byName, e.topic, 'compaction index entry');
    if (t.index === null) throw new RecordDecodeError(`compaction index entry of topic ${e.topic}, which is not compacted`);
    const k = bytesToKeyString(e.key);
    if (t.index.has(k)) throw new RecordDecodeError(`duplicate compaction index entry in topic ${e.topic}`);
    if (e.offset >= t.nextOffset) throw new RecordDecodeError(`compaction index of topic ${e.topic} points at offset ${e.offset} >= next offset ${t.nextOffset}`);
    t.index.set(k, { key: e.key, offset: e.offset, size: e.size });
  }
}

function loadSizes(byName: ReadonlyMap<string, TopicState>, entries: TopicRecordsLoaded['sizes']): void {
  const sorted = [...entries].sort((a, b) => compareStrings(a.topic, b.topic) || a.offset - b.offset);
  for (const e of sorted) {
    const t = stateOf(byName, e.topic, 'retained size');
    if (t.sizes === null) throw new RecordDecodeError(`retained size of topic ${e.topic}, which has no retention limit`);
    const expected = t.earliestOffset + t.sizes.length;
    if (e.offset !== expected) throw new RecordDecodeError(`retained sizes of topic ${e.topic}: offset ${e.offset} where ${expected} was expected`);
    t.sizes.push(e.size);
  }
}

/** The metadata must agree with what was loaded beside it. */
function checkLoadedTopic(t: TopicState): void {
  const fail = (reason: string): never => {
    throw new RecordDecodeError(`topic ${t.topic}: ${reason}`);
  };
  if (t.earliestOffset > t.nextOffset) fail(`earliest offset ${t.earliestOffset} > next offset ${t.nextOffset}`);
  if (t.index !== null) {
    if (t.earliestOffset !== 0) fail(`compacted topic with earliest offset ${t.earliestOffset}`);
    if (t.index.size !== t.records) fail(`${t.index.size} compaction index entries for ${t.records} records`);
    let bytes = 0;
    for (const e of t.index.values()) bytes += e.size;
    if (bytes !== t.bytes) fail(`compaction index sums to ${bytes} bytes, metadata says ${t.bytes}`);
    return;
  }
  if (t.records !== t.nextOffset - t.earliestOffset) fail(`${t.records} records between offsets ${t.earliestOffset} and ${t.nextOffset}`);
  if (t.sizes === null) {
    if (t.earliestOffset !== 0) fail(`topic without a retention limit has earliest offset ${t.earliestOffset}`);
    return;
  }
  if (t.sizes.length !== t.records) fail(`${t.sizes.length} retained sizes for ${t.records} records`);
  let bytes = 0;
  for (const size of t.sizes.values()) bytes += size;
  if (bytes !== t.bytes) fail(`retained sizes sum to ${bytes} bytes, metadata says ${t.bytes}`);
}
