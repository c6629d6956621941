/**
 * A deliberately naive reference for topics: every topic keeps an array of its surviving records
 * (values included), filtered on every compaction and shifted on every retention drop; sizes are
 * recomputed from scratch. The property test checks the real machine (whose records live only in
 * its mutations) against it, down to the records storage ends up holding.
 */

import type { AppendRecord, TopicOp, TopicPolicy } from '../../src/statemachine/command';
import type { RejectionStatus, TopicInfo, TopicOpResponse } from '../../src/statemachine/results';

const OVERHEAD_BYTES = 16;

export interface ModelRecord {
  readonly offset: number;
  readonly key?: Uint8Array;
  readonly value: Uint8Array;
  readonly headers: ReadonlyArray<readonly [string, Uint8Array]>;
  readonly raftIndex: number;
  readonly timestampMs: number;
}

interface ModelTopic {
  readonly policy: TopicPolicy;
  nextOffset: number;
  records: ModelRecord[];
}

function size(r: { key?: Uint8Array; value: Uint8Array; headers?: ReadonlyArray<readonly [string, Uint8Array]> }): number {
  let n = OVERHEAD_BYTES + (r.key?.length ?? 0) + r.value.length;
  for (const [name, value] of r.headers ?? []) n += Buffer.byteLength(name, 'utf8') + value.length;
  return n;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;

export class ModelTopics {
  readonly topics = new Map<string, ModelTopic>();
  readonly offsets = new Map<string, number>();

  constructor(private readonly limits: { topicsMax: number; groupOffsetsMax: number }) {}

  apply(op: TopicOp, raftIndex: number, timestampMs: number): TopicOpResponse | { status: RejectionStatus } {
    switch (op.type) {
      case 'createTopic':
        return this.create(op.topic, op.policy);
      case 'append':
        return this.append(op.topic, op.records, raftIndex, timestampMs);
      case 'commitOffset':
        return this.commit(op.group, op.topic, op.offset, op.force === true);
    }
  }

  info(name: string): TopicInfo | undefined {
    const t = this.topics.get(name);
    if (t === undefined) return undefined;
    const earliestOffset = t.policy.kind === 'compact' ? 0 : t.records.length === 0 ? t.nextOffset : t.records[0]!.offset;
    const bytes = t.records.reduce((n, r) => n + size(r), 0);
    return { topic: name, policy: t.policy, earliestOffset, nextOffset: t.nextOffset, records: t.records.length, bytes };
  }

  list(): TopicInfo[] {
    return [...this.topics.keys()].sort().map((name) => this.info(name)!);
  }

  private create(name: string, policy: TopicPolicy): TopicOpResponse | { status: RejectionStatus } {
    const t = this.topics.get(name);
    if (t !== undefined) return JSON.stringify(t.policy) === JSON.stringify(policy) ? { type: 'createTopic', created: false } : { status: 'already_exists' };
    if (this.topics.size >= this.limits.topicsMax) return { status: 'resource_exhausted' };
    this.topics.set(name, { policy, nextOffset: 0, records: [] });
    return { type: 'createTopic', created: true };
  }

  private append(name: string, records: readonly AppendRecord[], raftIndex: number, timestampMs: number): TopicOpResponse | { status: RejectionStatus } {
    const t = this.topics.get(name);
    if (t === undefined) return { status: 'not_found' };
    if (t.policy.kind === 'compact' && records.some((r) => r.key === undefined)) return { status: 'failed_precondition' };
    const baseOffset = t.nextOffset;
    for (const r of records) {
      const stored: ModelRecord = { offset: t.nextOffset++, value: r.value, headers: r.headers ?? [], raftIndex, timestampMs, ...(r.key ? { key: r.key } : {}) };
      if (t.policy.kind === 'compact') t.records = t.records.filter((old) => !same(old.key, r.key));
      t.records.push(stored);
    }
    if (t.policy.kind === 'retain') {
      const { retainRecords, retainBytes } = t.policy;
      const bytes = () => t.records.reduce((n, r) => n + size(r), 0);
      while (
        (retainRecords !== undefined && t.records.length > retainRecords) ||
        (retainBytes !== undefined && bytes() > retainBytes && t.records.length > 1)
      ) {
        t.records.shift();
      }
    }
    return { type: 'append', baseOffset, count: records.length };
  }

  private commit(group: string, topic: string, offset: number, force: boolean): TopicOpResponse | { status: RejectionStatus } {
    const t = this.topics.get(topic);
    if (t === undefined) return { status: 'not_found' };
    if (offset > t.nextOffset) return { status: 'out_of_range' };
    const k = `${group}/${topic}`;
    const current = this.offsets.get(k);
    if (current !== undefined && offset < current && !force) return { status: 'failed_precondition' };
    if (current === undefined && this.offsets.size >= this.limits.groupOffsetsMax) return { status: 'resource_exhausted' };
    this.offsets.set(k, offset);
    return { type: 'commitOffset', offset };
  }
}
