import * as grpc from '@grpc/grpc-js';
import type { LogHandlers } from '../generated/ordo/v1/Log';
import type { Producer } from '../generated/ordo/v1/Producer';
import type { Record as WireRecord } from '../generated/ordo/v1/Record';
import type { TopicPolicy as WireTopicPolicy } from '../generated/ordo/v1/TopicPolicy';
import type { TopicInfo as WireTopicInfo } from '../generated/ordo/v1/TopicInfo';
import type { RaftNode } from '../raft/node/raft-node';
import { decodeTopicRecord, encodeCommand, topicRecordRange, validateCommand } from '../statemachine';
import type { ApplyResult, Command, Op, OpResponse, StateMachineConfig, TopicInfo, TopicPolicy, TopicRecord } from '../statemachine';
import { AddressOf, InvalidRequestError, applyErrorToStatus, toServiceError } from './grpc-errors';
import { streamFromStore } from './record-stream';

/** Limits of one Read (the request may ask for less). */
export const READ_RECORDS_DEFAULT = 1000;
export const READ_RECORDS_MAX = 10_000;
export const READ_BYTES_DEFAULT = 4 << 20;
export const READ_BYTES_MAX = 16 << 20;

export class OutOfRangeError extends Error {}
export class NotFoundError extends Error {}

/**
 * The Log service: topics, appends (idempotent with a producer id and seq, which are the state
 * machine's client sessions), reads, live subscriptions, consumer-group offsets.
 */
export function logHandlers(node: RaftNode, smConfig: StateMachineConfig, addressOf: AddressOf): LogHandlers {
  const fail = (cb: grpc.sendUnaryData<never>, e: unknown) => cb(logError(e, addressOf), null);

  async function write(op: Op, producer: Producer | null | undefined): Promise<{ response: OpResponse; index: number }> {
    const cmd: Command = { stampMs: Date.now(), op, ...(producer?.producerId ? { session: { clientId: producer.producerId, seq: Number(producer.seq) } } : {}) };
    if (cmd.session && !(cmd.session.seq >= 1)) throw new InvalidRequestError('producer.seq must be >= 1 when producer.producer_id is set');
    const invalid = validateCommand(cmd, smConfig);
    if (invalid) throw new InvalidRequestError(invalid);
    const r: ApplyResult = await node.propose(encodeCommand(cmd));
    if (r.kind === 'ok') return { response: r.response, index: r.index };
    if (r.kind === 'error') throw new ApplyRefusal(applyErrorToStatus(r.error));
    throw new Error('command applied as a no-op');
  }

  /** Linearizable unless asked otherwise: ReadIndex, then the local state machine. */
  async function barrier(serializable: boolean | undefined): Promise<void> {
    if (!serializable) await node.readBarrier();
  }

  function topicOrThrow(topic: string): TopicInfo {
    const info = node.stateMachine.topicInfo(topic);
    if (!info) throw new NotFoundError(`topic "${topic}" does not exist (create it with ordo topic create ${topic})`);
    return info;
  }

  return {
    async CreateTopic(call, cb) {
      try {
        const policy = toPolicy(call.request.policy);
        const { response } = await write({ type: 'createTopic', topic: call.request.topic, policy }, null);
        const created = response.type === 'createTopic' ? response.created : false;
        cb(null, { created, info: toWireInfo(topicOrThrow(call.request.topic)) });
      } catch (e) {
        fail(cb, e);
      }
    },
    async ListTopics(_call, cb) {
      try {
        await barrier(false);
        cb(null, { topics: node.stateMachine.listTopics().map(toWireInfo) });
      } catch (e) {
        fail(cb, e);
      }
    },
    async DescribeTopic(call, cb) {
      try {
        await barrier(call.request.serializable);
        cb(null, toWireInfo(topicOrThrow(call.request.topic)));
      } catch (e) {
        fail(cb, e);
      }
    },
    async Append(call, cb) {
      try {
        const records = call.request.records.map((r) => ({
          ...(r.hasKey ? { key: new Uint8Array(r.key) } : {}),
          value: new Uint8Array(r.value),
          ...(r.headers.length ? { headers: r.headers.map((h): [string, Uint8Array] => [h.key, new Uint8Array(h.value)]) } : {}),
        }));
        if (records.length === 0) throw new InvalidRequestError('records: an append needs at least one record');
        const { response, index } = await write({ type: 'append', topic: call.request.topic, records }, call.request.producer);
        if (response.type !== 'append') throw new Error(`unexpected response ${response.type}`);
        const offsets = Array.from({ length: response.count }, (_, i) => response.baseOffset + i);
        cb(null, { baseOffset: response.baseOffset, offsets, raftIndex: index });
      } catch (e) {
        fail(cb, e);
      }
    },
    async Read(call, cb) {
      try {
        const req = call.request;
        const maxRecords = limit('max_records', req.maxRecords, READ_RECORDS_DEFAULT, READ_RECORDS_MAX);
        const maxBytes = limit('max_bytes', req.maxBytes, READ_BYTES_DEFAULT, READ_BYTES_MAX);
        await barrier(req.serializable);
        const info = topicOrThrow(req.topic);
        checkOffset(info, req.fromOffset);
        await node.stateDurable(node.stateMachine.appliedIndex);
        const { gte, lt } = topicRecordRange(req.topic, req.fromOffset);
        const rows = await node.scanStateMachine(gte, lt, maxRecords);
        const records: WireRecord[] = [];
        let bytes = 0;
        for (const [, value] of rows) {
          const r = decodeTopicRecord(value);
          if (records.length > 0 && bytes + r.value.length > maxBytes) break;
          bytes += r.value.length;
          records.push(toWireRecord(r));
        }
        cb(null, { records, earliestOffset: info.earliestOffset, nextOffset: info.nextOffset });
      } catch (e) {
        fail(cb, e);
      }
    },
    Subscribe(call) {
      const { topic, fromOffset } = call.request;
      let next = fromOffset;
      void streamFromStore(node, call, {
        // Below the earliest offset is an error; beyond the end is not: this node may lag, and a
        // tail from the end simply waits for what comes.
        check: () => checkNotRetained(topicOrThrow(topic), next),
        range: () => topicRecordRange(topic, next),
        emit: (rows) => {
          const records = rows.map(([, v]) => toWireRecord(decodeTopicRecord(v)));
          if (records.length === 0) return null;
          next = records[records.length - 1].offset as number + 1;
          return { records };
        },
        onError: (e) => logError(e, addressOf),
      });
    },
    async CommitOffset(call, cb) {
      try {
        const { group, topic, offset, force } = call.request;
        const { response } = await write({ type: 'commitOffset', group, topic, offset: Number(offset), ...(force ? { force: true } : {}) }, call.request.producer);
        cb(null, { offset: response.type === 'commitOffset' ? response.offset : Number(offset) });
      } catch (e) {
        fail(cb, e);
      }
    },
    async FetchOffset(call, cb) {
      try {
        await barrier(call.request.serializable);
        const offset = node.stateMachine.fetchOffset(call.request.group, call.request.topic);
        cb(null, offset === undefined ? { found: false, offset: 0 } : { found: true, offset });
      } catch (e) {
        fail(cb, e);
      }
    },
  };
}

/** A definite refusal from the state machine, already mapped to a status. */
class ApplyRefusal extends Error {
  constructor(readonly status: Partial<grpc.StatusObject>) {
    super(status.details);
  }
}

function logError(e: unknown, addressOf: AddressOf): Partial<grpc.StatusObject> {
  if (e instanceof ApplyRefusal) return e.status;
  if (e instanceof OutOfRangeError) return { code: grpc.status.OUT_OF_RANGE, details: e.message };
  if (e instanceof NotFoundError) return { code: grpc.status.NOT_FOUND, details: e.message };
  return toServiceError(e, addressOf);
}

function limit(field: string, v: number | undefined, fallback: number, max: number): number {
  const n = Number(v ?? 0);
  if (n === 0) return fallback;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new InvalidRequestError(`${field} must be between 1 and ${max}, got ${String(v)}`);
  return n;
}

function checkNotRetained(info: TopicInfo, offset: number): void {
  if (offset < info.earliestOffset) {
    throw new OutOfRangeError(`offset ${offset} of topic "${info.topic}" is below its earliest offset ${info.earliestOffset} (retention dropped it)`);
  }
}

function checkOffset(info: TopicInfo, offset: number): void {
  checkNotRetained(info, offset);
  if (offset > info.nextOffset) {
    throw new OutOfRangeError(`offset ${offset} of topic "${info.topic}" is beyond its next offset ${info.nextOffset}`);
  }
}

function toPolicy(p: WireTopicPolicy | null | undefined): TopicPolicy {
  if (!p || p.kind === 'RETAIN' || p.kind === 0 || p.kind === undefined) {
    const retainRecords = Number(p?.retainRecords ?? 0);
    const retainBytes = Number(p?.retainBytes ?? 0);
    return { kind: 'retain', ...(retainRecords ? { retainRecords } : {}), ...(retainBytes ? { retainBytes } : {}) };
  }
  if (p.kind === 'COMPACT' || p.kind === 1) return { kind: 'compact' };
  throw new InvalidRequestError(`policy.kind ${String(p.kind)} is not RETAIN or COMPACT`);
}

function toWireInfo(i: TopicInfo): WireTopicInfo {
  const policy =
    i.policy.kind === 'compact'
      ? { kind: 'COMPACT' as const }
      : { kind: 'RETAIN' as const, retainRecords: i.policy.retainRecords ?? 0, retainBytes: i.policy.retainBytes ?? 0 };
  return { topic: i.topic, policy, earliestOffset: i.earliestOffset, nextOffset: i.nextOffset, records: i.records, bytes: i.bytes };
}

export function toWireRecord(r: TopicRecord): WireRecord {
  return {
    offset: r.offset,
    key: r.key ? Buffer.from(r.key) : Buffer.alloc(0),
    hasKey: r.key !== undefined,
    value: Buffer.from(r.value),
    headers: (r.headers ?? []).map(([key, value]) => ({ key, value: Buffer.from(value) })),
    raftIndex: r.raftIndex,
    timestampMs: r.timestampMs,
  };
}
