/**
 * Rules a decodable command must follow before it is applied. A violation becomes an
 * 'invalid_command' result on every replica alike (the rules depend only on the command and the
 * shared config, never on local state), and nothing of the command is applied.
 */

import { bytesToKeyString, utf8 } from './bytes';
import type { Command, Compare, DeleteOp, Op, RangeOp, TxnOp, TxnRequestOp } from './command';
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
      return checkKey(op.key, config) ?? checkValue(op.value, config);
    case 'delete':
    case 'range':
      return checkKey(op.key, config) ?? checkRangeEnd(op.rangeEnd, config);
    case 'txn':
      return validateTxn(op, config);
    default: {
      const never: never = op;
      return `unknown op ${JSON.stringify(never)}`;
    }
  }
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
  return c.target === 'value' ? checkValue(c.value, config) : null;
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
