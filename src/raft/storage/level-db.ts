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
  // Copies only because Level types its operations as mutable objects.
  await db.batch(ops.map((op) => ({ ...op })), { sync });
}
