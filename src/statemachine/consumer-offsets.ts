/**
 * Consumer-group offsets: per (group, topic), the next offset the group will consume (Kafka's
 * committed offset). They are commands in the log, so they survive failover; memory holds one
 * number per pair, at most groupOffsetsMax pairs.
 */

import { compareBytes } from './bytes';
import type { CommitOffsetOp } from './command';
import { encodeGroupOffsetRecord, groupOffsetKey, RecordDecodeError } from './records';
import type { CommitOffsetResponse, Rejection, TopicInfo } from './results';

/** Told about every change, so the owner can persist it. */
export type OffsetChangeListener = (key: Uint8Array, value: Uint8Array) => void;

export interface GroupOffset {
  readonly group: string;
  readonly topic: string;
  readonly offset: number;
}

/** Map key: group and topic joined by NUL, which neither name may contain. */
function pairKey(group: string, topic: string): string {
  return `${group}\u0000${topic}`;
}

export class ConsumerOffsets {
  private readonly byPair = new Map<string, GroupOffset>();

  constructor(
    private readonly groupOffsetsMax: number,
    private readonly onChange: OffsetChangeListener,
  ) {}

  /** Rebuilds from decoded records; `topicOf` answers whether a topic exists and where it ends. */
  static load(
    entries: Iterable<GroupOffset>,
    limits: { groupOffsetsMax: number; groupBytesMax: number },
    topicOf: (topic: string) => TopicInfo | undefined,
    onChange: OffsetChangeListener,
  ): ConsumerOffsets {
    const table = new ConsumerOffsets(limits.groupOffsetsMax, onChange);
    for (const e of entries) {
      const k = pairKey(e.group, e.topic);
      if (table.byPair.has(k)) throw new RecordDecodeError(`duplicate offset of group ${e.group} in topic ${e.topic}`);
      if (Buffer.byteLength(e.group, 'utf8') > limits.groupBytesMax) throw new RecordDecodeError(`group name ${e.group} beyond groupBytesMax ${limits.groupBytesMax}`);
      const topic = topicOf(e.topic);
      if (topic === undefined) throw new RecordDecodeError(`offset of group ${e.group} in unknown topic ${e.topic}`);
      if (e.offset > topic.nextOffset) throw new RecordDecodeError(`offset ${e.offset} of group ${e.group} beyond the end ${topic.nextOffset} of topic ${e.topic}`);
      table.byPair.set(k, e);
    }
    if (table.byPair.size > limits.groupOffsetsMax) throw new RecordDecodeError(`${table.byPair.size} group offsets exceed groupOffsetsMax ${limits.groupOffsetsMax}`);
    return table;
  }

  get size(): number {
    return this.byPair.size;
  }

  get(group: string, topic: string): number | undefined {
    return this.byPair.get(pairKey(group, topic))?.offset;
  }

  /**
   * Commits `op.offset` for a topic that exists (`topic`). Beyond the topic's end is out of
   * range; behind the committed offset is refused unless `force`; an equal offset is a no-op.
   */
  commit(op: CommitOffsetOp, topic: TopicInfo | undefined): CommitOffsetResponse | Rejection {
    const name = JSON.stringify(op.topic);
    if (topic === undefined) return { code: 'rejected', status: 'not_found', reason: `topic ${name} does not exist` };
    if (op.offset > topic.nextOffset) {
      return { code: 'rejected', status: 'out_of_range', reason: `offset ${op.offset} is beyond the next offset ${topic.nextOffset} of topic ${name}` };
    }
    const k = pairKey(op.group, op.topic);
    const current = this.byPair.get(k);
    if (current !== undefined && op.offset < current.offset && op.force !== true) {
      return {
        code: 'rejected',
        status: 'failed_precondition',
        reason: `group ${JSON.stringify(op.group)} has committed offset ${current.offset} in topic ${name}; ${op.offset} would go backwards (set force to rewind)`,
      };
    }
    if (current === undefined && this.byPair.size >= this.groupOffsetsMax) {
      return { code: 'rejected', status: 'resource_exhausted', reason: `${this.groupOffsetsMax} group offsets exist, max ${this.groupOffsetsMax} (groupOffsetsMax)` };
    }
    if (current?.offset !== op.offset) {
      this.byPair.set(k, { group: op.group, topic: op.topic, offset: op.offset });
      this.onChange(groupOffsetKey(op.group, op.topic), encodeGroupOffsetRecord(op.offset));
    }
    return { type: 'commitOffset', offset: op.offset };
  }

  /** Every offset as a record, sorted by record key: for snapshots. */
  records(): Array<[Uint8Array, Uint8Array]> {
    const out: Array<[Uint8Array, Uint8Array]> = [...this.byPair.values()].map((e) => [groupOffsetKey(e.group, e.topic), encodeGroupOffsetRecord(e.offset)]);
    return out.sort((a, b) => compareBytes(a[0], b[0]));
  }
}
