/** The one LevelDB shape this package uses: raw bytes in, raw bytes out, no codecs of Level's own. */
import { Level, type Iterator } from 'level';

export type NodeDb = Level<Uint8Array, Uint8Array>;
export type NodeIterator = Iterator<NodeDb, Uint8Array, Uint8Array>;
/** An explicit point-in-time view (`db.snapshot()`), for reads that must not see later writes. */
export type NodeSnapshot = ReturnType<NodeDb['snapshot']>;

export type BatchOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array };

export async function openNodeDb(dir: string): Promise<NodeDb> {
  const db: NodeDb = new Level<Uint8Array, Uint8Array>(dir, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    createIfMissing: true,
    errorIfExists: false,
  });
  try {
    await db.open();
  } catch (cause) {
    // Typically another process (or another store in this one) holds the LOCK file.
    const detail = cause instanceof Error ? `${cause.message}${describeCause(cause)}` : String(cause);
    throw new Error(`cannot open LevelDB in ${dir}: ${detail}`, { cause });
  }
  return db;
}

function describeCause(error: Error): string {
  return error.cause instanceof Error ? `: ${error.cause.message}` : '';
}

/**
 * Raft state is written synced: a node must not acknowledge what a power cut can take back.
 * Only a batch that carries nothing but commit-index and state-machine progress may skip the
 * fsync: the log they derive from is durable, and LevelDB's write-ahead log keeps batches in order.
 */
export async function writeBatch(db: NodeDb, ops: readonly BatchOp[], sync: boolean): Promise<void> {
  // A chained batch, not db.batch(array): the same single atomic write, but each operation goes
  // to the native batch as it is added, at about 3 µs of CPU instead of 10-12 µs through the
  // array path's per-operation checks and copies (measured with classic-level 3 on this machine).
  const batch = db.batch();
  try {
    for (const op of ops) {
      if (op.type === 'put') batch.put(op.key, op.value);
      else batch.del(op.key);
    }
  } catch (error) {
    await batch.close(); // an unwritten chained batch holds native memory until closed
    throw error;
  }
  await batch.write({ sync });
}
