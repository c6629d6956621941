/**
 * Installing a staged snapshot (Raft paper section 7, Figure 13 rule 7: the snapshot replaces the
 * log and the state machine), atomically with respect to crashes although the state machine is
 * far too big for one LevelDB batch:
 *
 *   (a) decideInstall: a synced install marker 'i'. Before it, a crash leaves the old state whole;
 *       from it on, the install is decided and every start-up finishes it before loading.
 *   (b) copy: delete every 'm/' record, then copy the staged ones, in bounded unsynced batches.
 *       Redoing it after a crash in the middle gives the same result.
 *   (c) one synced batch: snapshot metadata, applied index, hard state, no entries, no marker.
 *       Then the staging dir goes.
 *
 * Nothing of the state between (a) and (c) is ever loaded: the marker is looked at first.
 */
import { StorageCorruptionError } from './errors';
import { ENTRY_KEY_RANGE, KEY_INSTALL_MARKER, STATE_MACHINE_KEY_RANGE } from './keys';
import { writeBatch, type BatchOp, type NodeDb } from './level-db';
import { decodeInstallMarker, encodeAppliedIndex, encodeHardState, encodeInstallMarker, encodeSnapshotMeta, type InstallMarker } from './records';
import { openCompleteStaging, removeStagingDir, stagingDirOf } from './snapshot-staging';
import { verifiedStateMachineRecord } from './state-reader';

/** Bounds of one copy batch in step (b): memory stays bounded whatever the snapshot's size. */
const COPY_BATCH_RECORDS = 1000;
const COPY_BATCH_BYTES = 4 << 20;

/** Step (a): from this synced write on, the install is decided. */
export async function decideInstall(db: NodeDb, marker: InstallMarker): Promise<void> {
  await writeBatch(db, [{ type: 'put', ...encodeInstallMarker(marker) }], true);
}

/** Steps (b) and (c), for a decided install of the node in `dir`; safe to redo after a crash. */
export async function finishInstall(db: NodeDb, dir: string, marker: InstallMarker): Promise<void> {
  await copyStagedRecords(db, dir, marker);
  await commitInstall(db, marker);
  await removeStagingDir(stagingDirOf(dir));
}

/** At start-up: finishes an install a crash interrupted after step (a); nothing to do without a marker. */
export async function resumeDecidedInstall(db: NodeDb, dir: string): Promise<void> {
  const stored = await db.get(KEY_INSTALL_MARKER);
  if (stored === undefined) return;
  const marker = decodeInstallMarker(stored);
  if (!marker.ok) throw new StorageCorruptionError(dir, { kind: 'record', key: 'i' }, marker.reason);
  await finishInstall(db, dir, marker.value);
}

/** Step (b). Each staged record is verified before it enters the node's LevelDB. */
async function copyStagedRecords(db: NodeDb, dir: string, marker: InstallMarker): Promise<void> {
  const stagingDir = stagingDirOf(dir);
  const staging = await openCompleteStaging(dir, marker.snapshot);
  try {
    await db.clear(STATE_MACHINE_KEY_RANGE); // classic-level deletes in bounded batches of its own
    let ops: BatchOp[] = [];
    let bytes = 0;
    let copied = 0;
    for await (const [key, value] of staging.db.iterator(STATE_MACHINE_KEY_RANGE)) {
      verifiedStateMachineRecord(key, value, stagingDir);
      ops.push({ type: 'put', key, value }); // framed under the same key in both databases
      bytes += key.length + value.length;
      copied++;
      if (ops.length >= COPY_BATCH_RECORDS || bytes >= COPY_BATCH_BYTES) {
        await writeBatch(db, ops, false);
        ops = [];
        bytes = 0;
      }
    }
    await writeBatch(db, ops, false);
    if (copied !== staging.recordCount) {
      throw new StorageCorruptionError(stagingDir, { kind: 'record', key: 'c' }, `${staging.recordCount} records staged, ${copied} found`);
    }
  } finally {
    await staging.db.close();
  }
}

/**
 * Step (c). Synced, so (b)'s unsynced batches are durable too. Every entry goes: the snapshot
 * replaces the whole log (Figure 13 rule 7), and the next one the leader sends follows it.
 */
async function commitInstall(db: NodeDb, marker: InstallMarker): Promise<void> {
  const ops: BatchOp[] = [
    { type: 'put', ...encodeSnapshotMeta(marker.snapshot) },
    { type: 'put', ...encodeAppliedIndex(marker.snapshot.index) },
    { type: 'put', ...encodeHardState(marker.hardState) },
  ];
  for await (const key of db.keys(ENTRY_KEY_RANGE)) ops.push({ type: 'del', key });
  ops.push({ type: 'del', key: KEY_INSTALL_MARKER });
  await writeBatch(db, ops, true);
}
