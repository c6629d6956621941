/**
 * Reading state-machine records back outside start-up: verified one by one, so a bad record
 * stops the reader with a StorageCorruptionError naming its key and the dir it lives in.
 */
import { StorageCorruptionError } from './errors';
import { KEY_APPLIED_INDEX, STATE_MACHINE_KEY_RANGE, describeKey, parseKey } from './keys';
import type { NodeDb, NodeIterator, NodeSnapshot } from './level-db';
import { decodeAppliedIndex, decodeStateMachineRecord } from './records';

/** A stored state-machine record as [SM key without the storage prefix, verified value]. */
export function verifiedStateMachineRecord(key: Uint8Array, value: Uint8Array, dir: string): [Uint8Array, Uint8Array] {
  const parsed = parseKey(key);
  const site = { kind: 'record', key: describeKey(key) } as const;
  if (parsed.kind !== 'stateMachine') throw new StorageCorruptionError(dir, site, 'not a state-machine key inside the state-machine range');
  const decoded = decodeStateMachineRecord(parsed.userKey, value);
  if (!decoded.ok) throw new StorageCorruptionError(dir, site, decoded.reason);
  return [parsed.userKey, decoded.value];
}

/**
 * The state machine at one point in time, read in chunks: what a leader streams to a follower
 * that needs a snapshot (Raft paper section 7). It reads through an explicit LevelDB snapshot,
 * so writes made after it opened stay invisible, and through one iterator, so memory stays
 * bounded by a chunk however large the state machine is. Every record is included, lazy ones too.
 */
export class StateReader {
  /** A record read but left out of the previous chunk because it would have passed its byte limit. */
  private held: [Uint8Array, Uint8Array] | null = null;

  private constructor(
    private readonly snapshot: NodeSnapshot,
    private readonly iterator: NodeIterator,
    private readonly dir: string,
    /** The applied index of the state machine in this view (0 if it never applied anything). */
    readonly applied: number,
  ) {}

  static async open(db: NodeDb, dir: string): Promise<StateReader> {
    const snapshot = db.snapshot();
    try {
      const stored = await db.get(KEY_APPLIED_INDEX, { snapshot });
      const applied = stored === undefined ? { ok: true as const, value: 0 } : decodeAppliedIndex(stored);
      if (!applied.ok) throw new StorageCorruptionError(dir, { kind: 'record', key: 'a' }, applied.reason);
      return new StateReader(snapshot, db.iterator({ ...STATE_MACHINE_KEY_RANGE, snapshot }), dir, applied.value);
    } catch (error) {
      await snapshot.close();
      throw error;
    }
  }

  /**
   * The next records in key order, at most `maxRecords` and `maxBytes` (keys plus values; a
   * single record larger than that comes alone, or the stream could not go on); [] when done.
   */
  async nextChunk(maxRecords: number, maxBytes: number): Promise<Array<[Uint8Array, Uint8Array]>> {
    for (const [name, n] of [['maxRecords', maxRecords], ['maxBytes', maxBytes]] as const) {
      if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`nextChunk: ${name} must be a positive integer, got ${n}`);
    }
    const chunk: Array<[Uint8Array, Uint8Array]> = [];
    let bytes = 0;
    while (chunk.length < maxRecords) {
      const record = this.held ?? (await this.readRecord());
      this.held = null;
      if (record === null) break;
      const size = record[0].length + record[1].length;
      if (chunk.length > 0 && bytes + size > maxBytes) {
        this.held = record;
        break;
      }
      chunk.push(record);
      bytes += size;
    }
    return chunk;
  }

  async close(): Promise<void> {
    await this.iterator.close();
    await this.snapshot.close();
  }

  private async readRecord(): Promise<[Uint8Array, Uint8Array] | null> {
    const row = await this.iterator.next();
    return row === undefined ? null : verifiedStateMachineRecord(row[0], row[1], this.dir);
  }
}
