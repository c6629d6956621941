/**
 * Staging of a snapshot streamed from the leader (Raft paper section 7, InstallSnapshot). Its
 * records go to a LevelDB of their own, `<dir>.snapshot-incoming` beside the node's, so the live
 * state stays untouched until the whole snapshot is there; LogStore.installSnapshot then swaps it
 * in (snapshot-install.ts). Layout: 's' the snapshot metadata, 'm/<key>' the records framed
 * exactly as in the node's LevelDB (the install verifies and copies them verbatim), and 'c' the
 * record count, written last: a staging dir without it is incomplete.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SnapshotMeta } from '../core/types';
import { StorageCorruptionError, StorageInvariantError } from './errors';
import { KEY_SNAPSHOT, KEY_STAGING_COMPLETE, describeKey } from './keys';
import { openNodeDb, writeBatch, type BatchOp, type NodeDb } from './level-db';
import { decodeSnapshotMeta, decodeStagedRecordCount, encodeSnapshotMeta, encodeStagedRecordCount, encodeStateMachineRecord } from './records';

/** The staging dir of the node whose data dir is `dir` (a sibling, so wiping it never touches the node's files). */
export function stagingDirOf(dir: string): string {
  return `${path.resolve(dir)}.snapshot-incoming`;
}

export async function removeStagingDir(stagingDir: string): Promise<void> {
  await fs.rm(stagingDir, { recursive: true, force: true });
}

type StagingState = 'receiving' | 'complete' | 'installing' | 'installed' | 'aborted';

/** One incoming snapshot; LogStore.beginSnapshotStaging creates it, LogStore.installSnapshot consumes it. */
export class SnapshotStaging {
  private state: StagingState = 'receiving';
  /** Open while receiving; closed by complete, so an install (or a restart) reopens the files. */
  private db: NodeDb | null = null;
  private recordCount = 0;
  private lastKey: Uint8Array | null = null;

  /** For LogStore.beginSnapshotStaging, which registers it before `open` so a second one is refused meanwhile. */
  constructor(
    readonly dir: string,
    readonly meta: SnapshotMeta,
  ) {}

  /** Wipes whatever an earlier staging left in the dir, opens it and records the metadata. */
  async open(): Promise<void> {
    try {
      const metaRecord = encodeSnapshotMeta(this.meta); // RangeError on malformed metadata
      await removeStagingDir(this.dir);
      const db = await openNodeDb(this.dir);
      this.db = db;
      if (this.state !== 'receiving') throw new StorageInvariantError(this.dir, `staging was ${this.state} while it opened`);
      await writeBatch(db, [{ type: 'put', ...metaRecord }], false);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /**
   * Stages records (state-machine keys without the storage prefix) as one unsynced batch: until
   * the install is decided nothing depends on them. Keys must ascend strictly across calls (the
   * order StateReader streams them in), so the count `complete` checks cannot count a key twice.
   */
  async add(records: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): Promise<void> {
    const db = this.receivingDb('add records to');
    let lastKey = this.lastKey;
    const ops: BatchOp[] = records.map(([key, value]) => {
      if (lastKey !== null && Buffer.compare(lastKey, key) >= 0) {
        throw new StorageInvariantError(this.dir, `staged record '${describeKey(key)}' does not come after '${describeKey(lastKey)}'`);
      }
      lastKey = key;
      return { type: 'put', ...encodeStateMachineRecord(key, value) };
    });
    await writeBatch(db, ops, false);
    this.lastKey = lastKey;
    this.recordCount += records.length;
  }

  /**
   * Marks the staging complete once the sender's count matches. Synced: a synced LevelDB write
   * makes the unsynced ones before it durable too, and an install decided after a crash must
   * find the whole snapshot.
   */
  async complete(totalRecords: number): Promise<void> {
    const db = this.receivingDb('complete');
    if (totalRecords !== this.recordCount) {
      throw new StorageInvariantError(this.dir, `the snapshot at index ${this.meta.index} has ${totalRecords} records, ${this.recordCount} were staged`);
    }
    await writeBatch(db, [{ type: 'put', ...encodeStagedRecordCount(totalRecords) }], true);
    this.db = null;
    await db.close();
    this.state = 'complete';
  }

  /** Drops the staged snapshot and its dir. A no-op once an install took it over. */
  async abort(): Promise<void> {
    if (this.state === 'installing' || this.state === 'installed') return;
    this.state = 'aborted';
    const db = this.db;
    this.db = null;
    await db?.close();
    await removeStagingDir(this.dir);
  }

  isReceiving(): boolean {
    return this.state === 'receiving';
  }

  /** Whether it may still be installed (or is being installed): one staging at a time per store. */
  isPending(): boolean {
    return this.state !== 'installed' && this.state !== 'aborted';
  }

  isInstalling(): boolean {
    return this.state === 'installing';
  }

  /** The install owns the files from here on: abort must not delete what a decided install needs. */
  handOverToInstall(): void {
    if (this.state !== 'complete') throw new StorageInvariantError(this.dir, `the staged snapshot at index ${this.meta.index} is ${this.state}, not complete`);
    this.state = 'installing';
  }

  markInstalled(): void {
    this.state = 'installed';
  }

  private receivingDb(action: string): NodeDb {
    if (this.state !== 'receiving' || this.db === null) {
      throw new StorageInvariantError(this.dir, `cannot ${action} the staged snapshot at index ${this.meta.index}: it is ${this.state}`);
    }
    return this.db;
  }
}

/** A complete staging dir opened for an install; the caller closes `db`. */
export interface CompleteStaging {
  readonly db: NodeDb;
  readonly recordCount: number;
}

/**
 * Opens the staging dir of the node in `dir` for the install `marker` decided: it must hold
 * that snapshot's metadata and be complete. Anything else is a StorageCorruptionError: the
 * install was decided, so the node can go neither back to its old state nor forward.
 */
export async function openCompleteStaging(dir: string, snapshot: SnapshotMeta): Promise<CompleteStaging> {
  const stagingDir = stagingDirOf(dir);
  const decidedBut = (reason: string) =>
    new StorageCorruptionError(dir, { kind: 'record', key: 'i' }, `install of the snapshot at index ${snapshot.index} was decided, but ${reason}`);
  const exists = await fs.stat(stagingDir).then(
    () => true,
    () => false,
  );
  if (!exists) throw decidedBut(`its staging dir ${stagingDir} is missing`);
  const db = await openNodeDb(stagingDir);
  try {
    const metaValue = await db.get(KEY_SNAPSHOT);
    const countValue = await db.get(KEY_STAGING_COMPLETE);
    if (metaValue === undefined || countValue === undefined) throw decidedBut(`its staging dir ${stagingDir} is not complete`);
    const staged = decodeSnapshotMeta(metaValue);
    if (!staged.ok) throw new StorageCorruptionError(stagingDir, { kind: 'record', key: 's' }, staged.reason);
    if (Buffer.compare(metaValue, encodeSnapshotMeta(snapshot).value) !== 0) {
      throw decidedBut(`its staging dir ${stagingDir} holds the snapshot at index ${staged.value.index}, term ${staged.value.term}`);
    }
    const recordCount = decodeStagedRecordCount(countValue);
    if (!recordCount.ok) throw new StorageCorruptionError(stagingDir, { kind: 'record', key: 'c' }, recordCount.reason);
    return { db, recordCount: recordCount.value };
  } catch (error) {
    await db.close();
    throw error;
  }
}
