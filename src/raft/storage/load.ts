/**
 * Reading a node's LevelDB back at start-up: check the format version, finish a snapshot install
 * a crash interrupted, decode and verify every record, and check the invariants that hold
 * between records. Anything wrong stops the node with a StorageCorruptionError naming the data
 * dir and the record.
 *
 * State-machine records under a lazy prefix are skipped, not even read from disk (the scan
 * iterates around their key ranges): they are verified when LogStore.scanStateMachine reads them.
 */
import type { Entry, HardState, RaftInitialState, SnapshotMeta } from '../core/types';
import { StorageCorruptionError, StorageVersionError, type CorruptionSite } from './errors';
import { KEY_FORMAT_VERSION, describeKey, parseKey, stateMachinePrefixRange } from './keys';
import type { NodeDb } from './level-db';
import { writeBatch } from './level-db';
import {
  FORMAT_VERSION,
  decodeAppliedIndex,
  decodeEntry,
  decodeFormatVersion,
  decodeHardState,
  decodeSnapshotMeta,
  decodeStateMachineRecord,
  encodeFormatVersion,
  type Decoded,
} from './records';
import { resumeDecidedInstall } from './snapshot-install';

export const HARD_STATE_ZERO: HardState = { term: 0, vote: 0, commit: 0 };

/** The one older format open() still reads: version 2 only added records and an entry type. */
const UPGRADABLE_FORMAT_VERSION = 1;

export interface LoadedState {
  readonly initial: RaftInitialState;
  readonly stateMachineRecords: Array<[Uint8Array, Uint8Array]>;
}

export async function loadOrInitialize(db: NodeDb, dir: string, segments: readonly KeySegment[]): Promise<LoadedState> {
  const isFresh = await checkFormatVersion(db, dir);
  if (isFresh) {
    await writeFormatVersion(db);
    return { initial: { hardState: HARD_STATE_ZERO, entries: [], applied: 0 }, stateMachineRecords: [] };
  }
  await resumeDecidedInstall(db, dir);
  return loadState(db, dir, segments);
}

/** Reads and verifies everything outside the lazy ranges (`segments`, from segmentsAround). */
export async function loadState(db: NodeDb, dir: string, segments: readonly KeySegment[]): Promise<LoadedState> {
  const loaded = await scanRecords(db, dir, segments);
  checkCrossRecordInvariants(loaded.initial, dir);
  return loaded;
}

/** Returns true for an empty database; upgrades version 1; throws on a missing, corrupt or unknown version. */
async function checkFormatVersion(db: NodeDb, dir: string): Promise<boolean> {
  const stored = await db.get(KEY_FORMAT_VERSION);
  if (stored === undefined) {
    const anyKeys = await db.keys({ limit: 1 }).all();
    if (anyKeys.length === 0) return true;
    throw new StorageCorruptionError(dir, { kind: 'record', key: 'v' }, 'format version record missing from a non-empty database');
  }
  const version = orThrow(decodeFormatVersion(stored), dir, { kind: 'record', key: 'v' });
  if (version === FORMAT_VERSION) return false;
  if (version !== UPGRADABLE_FORMAT_VERSION) throw new StorageVersionError(dir, version, FORMAT_VERSION);
  // A version-1 database is a valid version-2 one as it stands. The new version goes to disk
  // (synced) before anything of version 2 does, so an older build refuses the dir from then on.
  await writeFormatVersion(db);
  return false;
}

async function writeFormatVersion(db: NodeDb): Promise<void> {
  await writeBatch(db, [{ type: 'put', ...encodeFormatVersion(FORMAT_VERSION) }], true);
}

/** A key range of one iteration; an absent bound is open. */
export interface KeySegment {
  readonly gte?: Uint8Array;
  readonly lt?: Uint8Array;
}

/**
 * The whole key space minus the lazy prefixes' ranges, as ascending disjoint segments. Throws
 * RangeError on an empty prefix (it would make every state-machine record lazy, the meta too).
 */
export function segmentsAround(lazyPrefixes: readonly Uint8Array[]): KeySegment[] {
  const ranges = lazyPrefixes.map(stateMachinePrefixRange).sort((a, b) => Buffer.compare(a.gte, b.gte));
  const segments: KeySegment[] = [];
  let from: Uint8Array | undefined;
  for (const range of ranges) {
    if (from !== undefined && Buffer.compare(range.gte, from) <= 0) {
      // Overlaps, touches or nests in the previous range: extend the skipped part if needed.
      if (Buffer.compare(range.lt, from) > 0) from = range.lt;
      continue;
    }
    segments.push(from === undefined ? { lt: range.gte } : { gte: from, lt: range.gte });
    from = range.lt;
  }
  segments.push(from === undefined ? {} : { gte: from });
  return segments;
}

async function scanRecords(db: NodeDb, dir: string, segments: readonly KeySegment[]): Promise<LoadedState> {
  let hardState = HARD_STATE_ZERO;
  let applied = 0;
  let snapshot: SnapshotMeta | null = null;
  const entries: Entry[] = [];
  const stateMachineRecords: Array<[Uint8Array, Uint8Array]> = [];
  // Keys arrive in byte order (segments ascend), so entries arrive in index order (big-endian keys).
  for (const segment of segments) {
    for await (const [key, value] of db.iterator(segment)) {
      const parsed = parseKey(key);
      const recordSite = { kind: 'record', key: describeKey(key) } as const;
      switch (parsed.kind) {
        case 'formatVersion':
          break; // checked before the scan
        case 'hardState':
          hardState = orThrow(decodeHardState(value), dir, recordSite);
          break;
        case 'applied':
          applied = orThrow(decodeAppliedIndex(value), dir, recordSite);
          break;
        case 'snapshot':
          snapshot = orThrow(decodeSnapshotMeta(value), dir, recordSite);
          break;
        case 'entry':
          checkNoGap(entries, parsed.index, dir);
          entries.push(orThrow(decodeEntry(parsed.index, value), dir, { kind: 'entry', index: parsed.index }));
          break;
        case 'stateMachine':
          stateMachineRecords.push([parsed.userKey, orThrow(decodeStateMachineRecord(parsed.userKey, value), dir, recordSite)]);
          break;
        case 'installMarker':
          // resumeDecidedInstall finishes every install, deleting its marker, before this scan.
          throw new StorageCorruptionError(dir, recordSite, 'a snapshot install marker outlived its install');
        case 'invalid':
          throw new StorageCorruptionError(dir, recordSite, parsed.reason);
        default: {
          const unreachable: never = parsed;
          throw new Error(`unhandled key kind ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }
  const initial = { hardState, entries, applied, ...(snapshot === null ? {} : { snapshot }) };
  return { initial, stateMachineRecords };
}

/** Stored entries follow each other without a hole; where the log may start is checked after the scan. */
function checkNoGap(entries: readonly Entry[], index: number, dir: string): void {
  const previous = entries[entries.length - 1];
  if (previous === undefined || index === previous.index + 1) return;
  const reason = `missing: the stored log jumps from index ${previous.index} to ${index}`;
  throw new StorageCorruptionError(dir, { kind: 'entry', index: previous.index + 1 }, reason);
}

/** The same invariants LogStore.write asserts before writing, checked again after reading back. */
function checkCrossRecordInvariants(initial: RaftInitialState, dir: string): void {
  const { hardState, entries, applied, snapshot } = initial;
  checkLogStart(entries, snapshot, dir);
  checkTerms(entries, snapshot, dir);
  const snapshotIndex = snapshot?.index ?? 0;
  const lastStored = entries[entries.length - 1];
  const lastIndex = Math.max(lastStored?.index ?? 0, snapshotIndex);
  const lastTerm = lastStored !== undefined && lastStored.index > snapshotIndex ? lastStored.term : (snapshot?.term ?? 0);
  const corrupt = (key: string, reason: string) => new StorageCorruptionError(dir, { kind: 'record', key }, reason);
  if (lastTerm > hardState.term) throw corrupt('h', `term ${hardState.term} is below the last log term ${lastTerm}`);
  if (hardState.commit > lastIndex) throw corrupt('h', `commit index ${hardState.commit} is beyond the last log index ${lastIndex}`);
  // A snapshot holds only applied, hence committed, entries (Raft paper section 7).
  if (hardState.commit < snapshotIndex) throw corrupt('h', `commit index ${hardState.commit} is below the snapshot's index ${snapshotIndex}`);
  if (applied > lastIndex) throw corrupt('a', `applied index ${applied} is beyond the last log index ${lastIndex}`);
  if (applied < snapshotIndex) throw corrupt('a', `applied index ${applied} is below the snapshot's index ${snapshotIndex}`);
}

/**
 * Without a snapshot the log starts at index 1. With one it may start anywhere up to the entry
 * after the snapshot: entries at or below its index are the trailing margin kept for followers
 * that lag a little (dissertation 5.1.3), and the log may be empty.
 */
function checkLogStart(entries: readonly Entry[], snapshot: SnapshotMeta | undefined, dir: string): void {
  const first = entries[0];
  const highestStart = (snapshot?.index ?? 0) + 1;
  if (first === undefined || first.index <= highestStart) return;
  const expected = snapshot === undefined ? 'not 1' : `after the snapshot's index ${snapshot.index} + 1`;
  throw new StorageCorruptionError(dir, { kind: 'entry', index: highestStart }, `missing: the stored log starts at index ${first.index}, ${expected}`);
}

/** Terms never decrease along the log, and the snapshot's term is the log's at its index (Log Matching). */
function checkTerms(entries: readonly Entry[], snapshot: SnapshotMeta | undefined, dir: string): void {
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1]!;
    const entry = entries[i]!;
    if (entry.term < previous.term) {
      throw new StorageCorruptionError(dir, { kind: 'entry', index: entry.index }, `term ${entry.term} is below term ${previous.term} of the entry before it`);
    }
  }
  const first = entries[0];
  if (snapshot === undefined || first === undefined) return;
  const atSnapshot = entries[snapshot.index - first.index];
  if (atSnapshot !== undefined && atSnapshot.term !== snapshot.term) {
    throw new StorageCorruptionError(dir, { kind: 'record', key: 's' }, `snapshot at index ${snapshot.index} has term ${snapshot.term}, the stored entry there has term ${atSnapshot.term}`);
  }
  const afterSnapshot = entries[snapshot.index + 1 - first.index];
  if (afterSnapshot !== undefined && afterSnapshot.term < snapshot.term) {
    throw new StorageCorruptionError(dir, { kind: 'entry', index: afterSnapshot.index }, `term ${afterSnapshot.term} is below the term ${snapshot.term} of the snapshot before it`);
  }
}

function orThrow<T>(decoded: Decoded<T>, dir: string, site: CorruptionSite): T {
  if (decoded.ok) return decoded.value;
  throw new StorageCorruptionError(dir, site, decoded.reason);
}
