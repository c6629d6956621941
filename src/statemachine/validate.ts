/**
 * Rules a decodable command must follow before it is applied. A violation becomes an
 * 'invalid_command' result on every replica alike (the rules depend only on the command and the
 * shared config, never on local state), and nothing of the command is applied.
 */

import { bytesToKeyString, utf8 } from './bytes';
import {
  recordBytes,
  utf8ByteLength,
  type AppendOp,
  type AppendRecord,
  type Command,
  type CommitOffsetOp,
  type Compare,
  type DeleteOp,
  type Op,
  type PutOp,
  type RangeOp,
  type TopicPolicy,
  type TxnOp,
  type TxnRequestOp,
} from './command';
import type { StateMachineConfig } from './config';
import { rangeContains } from './key-range';

/** The reason the command is invalid, or null when it may be applied. */
export function validateCommand(cmd: Command, config: StateMachineConfig): string | null {
  if (cmd.session !== undefined) {
    const idBytes = utf8(cmd.session.clientId).length;
    if (idBytes === 0) return 'session client id is empty';
    if (idBytes > config.clientIdBytesMax) return `session client id is ${idBytes} bytes, max ${config.clientIdBytesMax}`;
    if (cmd.session.seq < 1) return 'session seq must be >= 1';
  }
  return validateOp(cmd.op, config);
}

/** The same rules for a read served outside the log (Range), so reads and writes agree on limits. */
export function validateRangeOp(op: RangeOp, config: StateMachineConfig): string | null {
  return validateOp(op, config);
}

function validateOp(op: Op | TxnRequestOp, config: StateMachineConfig): string | null {
  switch (op.type) {
    case 'put':
      return checkKey(op.key, config) ?? checkValue(op.value, config) ?? checkPutOptions(op);
    case 'delete':
    case 'range':
      return checkKey(op.key, config) ?? checkRangeEnd(op.rangeEnd, config);
    case 'txn':
      return validateTxn(op, config);
    case 'createTopic':
      return topicNameProblem(op.topic) ?? checkPolicy(op.policy);
    case 'append':
      return validateAppend(op, config);
    case 'commitOffset':
      return validateCommitOffset(op, config);
    case 'leaseGrant':
      if (!isLeaseId(op.id) && op.id !== 0) return `leaseGrant id must be 0 (assign one) or a lease id in 1..${Number.MAX_SAFE_INTEGER}, got ${op.id}`;
      if (!Number.isSafeInteger(op.ttlSeconds) || op.ttlSeconds < 0) return `leaseGrant ttlSeconds must be a non-negative integer, got ${op.ttlSeconds}`;
      return null;
    case 'leaseRevoke':
      return isLeaseId(op.id) ? null : `leaseRevoke id must be a lease id in 1..${Number.MAX_SAFE_INTEGER}, got ${op.id}`;
    case 'compact':
      return Number.isSafeInteger(op.revision) && op.revision >= 0 ? null : `compact revision must be a non-negative integer, got ${op.revision}`;
    default: {
      const never: never = op;
      return `unknown op ${JSON.stringify(never)}`;
    }
  }
}

/** Lease ids are positive safe integers (0 means "no lease" in a put, "assign one" in a grant). */
function isLeaseId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1;
}

/** etcd's checkPutRequest: the ignore flags exclude a value or a lease in the request itself. */
function checkPutOptions(op: PutOp): string | null {
  const lease = op.lease ?? 0;
  if (lease !== 0 && !isLeaseId(lease)) return `put lease must be 0 (none) or a lease id in 1..${Number.MAX_SAFE_INTEGER}, got ${lease}`;
  if (op.ignoreValue === true && op.value.length !== 0) return 'etcdserver: value is provided';
  if (op.ignoreLease === true && lease !== 0) return 'etcdserver: lease is provided';
  return null;
}

function validateTxn(op: TxnOp, config: StateMachineConfig): string | null {
  const max = config.txnOpsMax;
  if (op.compare.length > max) return `txn has ${op.compare.length} compares, max ${max}`;
  if (op.success.length > max) return `txn success branch has ${op.success.length} ops, max ${max}`;
  if (op.failure.length > max) return `txn failure branch has ${op.failure.length} ops, max ${max}`;
  for (const c of op.compare) {
    const reason = checkCompare(c, config);
    if (reason !== null) return reason;
  }
  for (const branch of [op.success, op.failure]) {
    for (const sub of branch) {
      const reason = validateOp(sub, config);
      if (reason !== null) return reason;
    }
    const overlap = checkBranchWrites(branch);
    if (overlap !== null) return overlap;
  }
  return null;
}

/**
 * etcd rejects a txn branch that writes one key twice (two puts, or a put inside a deleted
 * range): both writes would carry the same revision and the result would depend on op order
 * in a way clients rarely mean.
 */
function checkBranchWrites(branch: readonly TxnRequestOp[]): string | null {
  const putKeys = new Set<string>();
  const deletes: DeleteOp[] = [];
  for (const sub of branch) {
    if (sub.type === 'put') {
      const k = bytesToKeyString(sub.key);
      if (putKeys.has(k)) return 'txn branch puts the same key twice';
      putKeys.add(k);
    } else if (sub.type === 'delete') {
      deletes.push(sub);
    }
  }
  for (const sub of branch) {
    if (sub.type !== 'put') continue;
    for (const del of deletes) {
      if (rangeContains(del.key, del.rangeEnd, sub.key)) return 'txn branch puts a key it also deletes';
    }
  }
  return null;
}

function checkCompare(c: Compare, config: StateMachineConfig): string | null {
  const keyReason = checkKey(c.key, config);
  if (keyReason !== null) return keyReason;
  if (c.target === 'value') return checkValue(c.value, config);
  if (!Number.isSafeInteger(c.value) || c.value < 0) return `compare ${c.target} value must be a non-negative integer, got ${c.value}`;
  return null;
}

function checkKey(key: Uint8Array, config: StateMachineConfig): string | null {
  if (key.length === 0) return 'key is empty';
  if (key.length > config.keyBytesMax) return `key is ${key.length} bytes, max ${config.keyBytesMax}`;
  return null;
}

function checkRangeEnd(rangeEnd: Uint8Array | undefined, config: StateMachineConfig): string | null {
  if (rangeEnd !== undefined && rangeEnd.length > config.keyBytesMax) {
    return `range end is ${rangeEnd.length} bytes, max ${config.keyBytesMax}`;
  }
  return null;
}

function checkValue(value: Uint8Array, config: StateMachineConfig): string | null {
  if (value.length > config.valueBytesMax) return `value is ${value.length} bytes, max ${config.valueBytesMax}`;
  return null;
}

/** Kafka's topic name rule: 1..249 characters of [a-zA-Z0-9._-], and not "." or "..". */
export const TOPIC_NAME_CHARS_MAX = 249;
const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;
// C0 controls and DEL: a group name is printed in logs and its records use NUL as a separator.
const CONTROL_CHAR_PATTERN = /[\u0000-\u001f\u007f]/;

/** Why `topic` is not a valid topic name, or null. Depends on nothing else, so keys can use it. */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0) return 'topic name is empty';
  if (topic.length > TOPIC_NAME_CHARS_MAX) return `topic name is ${topic.length} characters, max ${TOPIC_NAME_CHARS_MAX}`;
  if (!TOPIC_NAME_PATTERN.test(topic)) return `topic name ${JSON.stringify(topic)} has a character outside [a-zA-Z0-9._-]`;
  if (topic === '.' || topic === '..') return `topic name may not be ${JSON.stringify(topic)}`;
  return null;
}

/** Why `group` is not a valid consumer group name (1..groupBytesMax bytes of UTF-8, no control characters), or null. */
export function groupNameProblem(group: string, groupBytesMax: number): string | null {
  const n = utf8ByteLength(group);
  if (n === 0) return 'group name is empty';
  if (n > groupBytesMax) return `group name is ${n} bytes, max ${groupBytesMax} (groupBytesMax)`;
  if (CONTROL_CHAR_PATTERN.test(group)) return 'group name contains a control character';
  return null;
}

function checkPolicy(policy: TopicPolicy): string | null {
  if (policy.kind === 'compact') return null;
  if (policy.kind !== 'retain') return `unknown topic policy ${JSON.stringify(policy)}`;
  for (const field of ['retainRecords', 'retainBytes'] as const) {
    const n = policy[field];
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) return `policy.${field} must be a positive integer (or absent for no limit), got ${n}`;
  }
  return null;
}

function validateAppend(op: AppendOp, config: StateMachineConfig): string | null {
  const topicReason = topicNameProblem(op.topic);
  if (topicReason !== null) return topicReason;
  const n = op.records.length;
  if (n === 0) return 'append has no records';
  if (n > config.appendRecordsMax) return `append has ${n} records, max ${config.appendRecordsMax} (appendRecordsMax)`;
  let batchBytes = 0;
  for (let i = 0; i < n; i++) {
    const record = op.records[i]!;
    const reason = checkAppendRecord(record, config);
    if (reason !== null) return `records[${i}]: ${reason}`;
    batchBytes += recordBytes(record);
  }
  if (batchBytes > config.appendBytesMax) return `append batch is ${batchBytes} bytes, max ${config.appendBytesMax} (appendBytesMax)`;
  return null;
}

function checkAppendRecord(record: AppendRecord, config: StateMachineConfig): string | null {
  if (record.key !== undefined) {
    if (record.key.length === 0) return 'key is empty (omit it for a record without a key)';
    if (record.key.length > config.keyBytesMax) return `key is ${record.key.length} bytes, max ${config.keyBytesMax} (keyBytesMax)`;
  }
  if (record.value.length > config.valueBytesMax) return `value is ${record.value.length} bytes, max ${config.valueBytesMax} (valueBytesMax)`;
  const headers = record.headers ?? [];
  if (headers.length > config.recordHeadersMax) return `${headers.length} headers, max ${config.recordHeadersMax} (recordHeadersMax)`;
  for (let h = 0; h < headers.length; h++) {
    const [name, value] = headers[h]!;
    const nameBytes = utf8ByteLength(name);
    if (nameBytes === 0) return `headers[${h}] name is empty`;
    if (nameBytes > config.headerNameBytesMax) return `headers[${h}] name is ${nameBytes} bytes, max ${config.headerNameBytesMax} (headerNameBytesMax)`;
    if (value.length > config.valueBytesMax) return `headers[${h}] value is ${value.length} bytes, max ${config.valueBytesMax} (valueBytesMax)`;
  }
  return null;
}

function validateCommitOffset(op: CommitOffsetOp, config: StateMachineConfig): string | null {
  const reason = groupNameProblem(op.group, config.groupBytesMax) ?? topicNameProblem(op.topic);
  if (reason !== null) return reason;
  if (!Number.isSafeInteger(op.offset) || op.offset < 0) return `offset must be a non-negative integer, got ${op.offset}`;
  return null;
}
