/** Public face of the durable log: open a node's store, write batches, read back on restart, compact, stage and install snapshots. */
export { LogStore, type LogStoreOptions, type OpenedLogStore } from './log-store';
export type { Compaction, PersistBatch } from './write-plan';
export type { SnapshotStaging } from './snapshot-staging';
export type { StateReader } from './state-reader';
export { StorageBusyError, StorageClosedError, StorageCorruptionError, StorageInvariantError, StorageVersionError, type CorruptionSite } from './errors';
export { FORMAT_VERSION, RECORD_PAYLOAD_BYTES_MAX, STATE_MACHINE_KEY_BYTES_MAX } from './records';
