/** Temp data dirs and raw LevelDB access, so tests can damage records the way a disk would. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Level } from 'level';
import type { Entry, SnapshotMeta } from '../../src/raft/core/types';
import { LogStore, type LogStoreOptions, type OpenedLogStore } from '../../src/raft/storage';
import { stagingDirOf } from '../../src/raft/storage/snapshot-staging';

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-storage-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

export function entry(index: number, term: number, data = `cmd-${index}`): Entry {
  return { index, term, type: 'normal', data: bytes(data) };
}

/** Opens the node's LevelDB directly (the store must be closed), runs `edit`, closes it. */
export async function withRawDb(dir: string, edit: (db: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  try {
    await edit(db);
  } finally {
    await db.close();
  }
}

/**
 * A fresh data dir per test, and stores opened on it that are closed (and the dir and its
 * snapshot staging dir removed) after each test. Call at the top of a test file or describe.
 */
export function useStoreDir(): { readonly dir: string; open(opts?: LogStoreOptions): Promise<OpenedLogStore>; closeAll(): Promise<void> } {
  let dir = '';
  const stores: LogStore[] = [];
  const closeAll = async (): Promise<void> => {
    for (const store of stores.splice(0)) await store.close();
  };
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    await closeAll();
    removeDir(dir);
    removeDir(stagingDirOf(dir));
  });
  return {
    get dir() {
      return dir;
    },
    async open(opts) {
      const opened = await LogStore.open(dir, opts);
      stores.push(opened.store);
      return opened;
    },
    closeAll,
  };
}

export function snapshotMeta(index: number, term: number, voters: number[] = [1, 2, 3], learners: number[] = []): SnapshotMeta {
  return { index, term, config: { voters, learners } };
}

/** Records as printable [key, value] pairs, for readable expectations. */
export function texts(records: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): Array<[string, string]> {
  return records.map(([k, v]) => [text(k), text(v)]);
}
