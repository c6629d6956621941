/** Temp data dirs and raw LevelDB access, so tests can damage records the way a disk would. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Level } from 'level';
import type { Entry } from '../../src/raft/core/types';

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
