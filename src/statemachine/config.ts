/**
 * State machine limits. Every replica must run with the same values: they decide which commands
 * are rejected and when sessions expire, so differing configs would diverge the replicas.
 */

export interface StateMachineConfig {
  /** A session unused for this long, in leader-stamped milliseconds, is dropped. */
  readonly sessionTtlMs: number;
  /** Most sessions kept; beyond it the least recently used one is evicted. */
  readonly sessionsMax: number;
  readonly clientIdBytesMax: number;
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
  /** Most compares, and most ops per branch, in one txn (etcd's --max-txn-ops). */
  readonly txnOpsMax: number;
  /** Most records in one append batch. */
  readonly appendRecordsMax: number;
  /** Most bytes in one append batch: keys + values + header names and values (see recordBytes). */
  readonly appendBytesMax: number;
  /** Most headers on one topic record. */
  readonly recordHeadersMax: number;
  /** Longest header name, in UTF-8 bytes. */
  readonly headerNameBytesMax: number;
  /** Longest consumer group name, in UTF-8 bytes. */
  readonly groupBytesMax: number;
  /** Most topics; topics are never deleted, so this bounds their metadata in memory. */
  readonly topicsMax: number;
  /** Most (group, topic) committed offsets kept in memory. */
  readonly groupOffsetsMax: number;
  /** A lease granted with a shorter TTL gets this one (etcd's --min-lease-ttl, there derived from the election timeout). */
  readonly leaseTtlMinSeconds: number;
}

export const defaultStateMachineConfig: StateMachineConfig = {
  sessionTtlMs: 10 * 60 * 1000,
  sessionsMax: 10_000,
  clientIdBytesMax: 128,
  keyBytesMax: 8 * 1024,
  valueBytesMax: 1024 * 1024,
  txnOpsMax: 128,
  appendRecordsMax: 10_000,
  appendBytesMax: 4 * 1024 * 1024,
  recordHeadersMax: 64,
  headerNameBytesMax: 256,
  groupBytesMax: 255,
  topicsMax: 10_000,
  groupOffsetsMax: 100_000,
  leaseTtlMinSeconds: 1,
};

export class StateMachineConfigError extends Error {
  constructor(field: keyof StateMachineConfig, value: unknown) {
    super(`state machine config: ${field} must be a positive safe integer, got ${String(value)}`);
    this.name = 'StateMachineConfigError';
  }
}

/** Fills defaults and checks every field in one place; throws StateMachineConfigError. */
export function resolveConfig(partial: Partial<StateMachineConfig> = {}): StateMachineConfig {
  const config: StateMachineConfig = { ...defaultStateMachineConfig, ...partial };
  for (const field of Object.keys(defaultStateMachineConfig) as (keyof StateMachineConfig)[]) {
    const value = config[field];
    if (!Number.isSafeInteger(value) || value <= 0) throw new StateMachineConfigError(field, value);
  }
  return config;
}
