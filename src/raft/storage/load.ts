/**
 * Reading a node's LevelDB back at start-up: check the format version, decode and verify every
 * record, and check the invariants that hold between records. Anything wrong stops the node with
 * a StorageCorruptionError naming the data dir and the record.
 *
 * State-machine records under a lazy prefix are skipped, not even read from disk (the scan
 * iterates around their key ranges): they are verified when LogStore.scanStateMachine reads them.
 */
import type { Entry, HardState, RaftInitialState } from '../core/types';
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
  decodeStateMachineRecord,
  encodeFormatVersion,
  type Decoded,
} from './records';

export const HARD_STATE_ZERO: HardState = { term: 0, vote: 0, commit: 0 };

export interface LoadedState {
  readonly initial: RaftInitialState;
  readonly stateMachineRecords: Array<[Uint8Array, Uint8Array]>;
}

export async function loadOrInitialize(db: NodeDb, dir: string, lazyPrefixes: readonly Uint8Array[] = []): Promise<LoadedState> {
  const segments = segmentsAround(lazyPrefixes); // before any I/O: a bad prefix is a caller bug
  const isFresh = await checkFormatVersion(db, dir);
  if (isFresh) {
    await writeBatch(db, [{ type: 'put', ...encodeFormatVersion(FORMAT_VERSION) }], true);
    return { initial: { hardState: HARD_STATE_ZERO, entries: [], applied: 0 }, stateMachineRecords: [] };
  }
  const loaded = await scanRecords(db, dir, segments);
  checkCrossRecordInvariants(loaded.initial, dir);
  return loaded;
}

/** Returns true for an empty database; throws on a missing, corrupt or unknown version. */
async function checkFormatVersion(db: NodeDb, dir: string): Promise<boolean> {
  const stored = await db.get(KEY_FORMAT_VERSION);
  if (stored === undefined) {
    const anyKeys = await db.keys({ limit: 1 }).all();
    if (anyKeys.length === 0) return true;
    throw new StorageCorruptionError(dir, { kind: 'record', key: 'v' }, 'format version record missing from a non-empty database');
  }
  const version = orThrow(decodeFormatVersion(stored), dir, { kind: 'record', key: 'v' });
  if (version !== FORMAT_VERSION) throw new StorageVersionError(dir, version, FORMAT_VERSION);
  return false;
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
        case 'entry':
          checkNoGap(entries, parsed.index, dir);
          entries.push(orThrow(decodeEntry(parsed.index, value), dir, { kind: 'entry', index: parsed.index }));
          break;
        case 'stateMachine':
          stateMachineRecords.push([parsed.userKey, orThrow(decodeStateMachineRecord(parsed.userKey, value), dir, recordSite)]);
          break;
        case 'invalid':
          throw new StorageCorruptionError(dir, recordSite, parsed.reason);
        default: {
          const unreachable: never = parsed;
          throw new Error(`unhandled key kind ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }
  return { initial: { hardState, entries, applied }, stateMachineRecords };
}

function checkNoGap(entries: readonly Entry[], index: number, dir: string): void {
  const previousIndex = entries.length === 0 ? 0 : entries[entries.length - 1]!.index;
  if (index === previousIndex + 1) return;
  const reason =
    previousIndex === 0
      ? `missing: the stored log starts at index ${index}, not 1`
      : `missing: the stored log jumps from index ${previousIndex} to ${index}`;
  throw new StorageCorruptionError(dir, { kind: 'entry', index: previousIndex + 1 }, reason);
}

/** The same invariants LogStore.write asserts before writing, checked again after reading back. */
function checkCrossRecordInvariants(initial: RaftInitialState, dir: string): void {
  const { hardState, entries, applied } = initial;
  const lastIndex = entries.length;
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1]!;
    const entry = entries[i]!;
    if (entry.term < previous.term) {
      throw new StorageCorruptionError(dir, { kind: 'entry', index: entry.index }, `term ${entry.term} is below term ${previous.term} of the entry before it`);
    }
  }
  const lastTerm = lastIndex === 0 ? 0 : entries[lastIndex - 1]!.term;
  if (lastTerm > hardState.term) {
    throw new StorageCorruptionError(dir, { kind: 'record', key: 'h' }, `term ${hardState.term} is below the last log term ${lastTerm}`);
  }
  if (hardState.commit > lastIndex) {
    throw new StorageCorruptionError(dir, { kind: 'record', key: 'h' }, `commit index ${hardState.commit} is beyond the last log index ${lastIndex}`);
  }
  if (applied > lastIndex) {
    throw new StorageCorruptionError(dir, { kind: 'record', key: 'a' }, `applied index ${applied} is beyond the last log index ${lastIndex}`);
  }
}

function orThrow<T>(decoded: Decoded<T>, dir: string, site: CorruptionSite): T {
  if (decoded.ok) return decoded.value;
  throw new StorageCorruptionError(dir, site, decoded.reason);
}
