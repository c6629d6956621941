import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Level } from 'level';
import { Histogram } from './histogram';

/** What this machine can do without any replication: the floor every run is printed against. */
export interface Floor {
  /** One 4 KiB append + fdatasync, in a loop for ~1 s. */
  fsync: { count: number; p50Ms: number; p99Ms: number };
  /** A single-node LevelDB: batches of 100 128-byte puts with {sync: true} for ~1 s. */
  leveldbBatch: { entriesPerSec: number; batchP50Ms: number; batches: number };
  /** Where the temp files (and every benchmarked cluster's data) live. */
  dir: string;
}

export async function measureFloor(seconds = 1): Promise<Floor> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-floor-'));
  try {
    return { fsync: fsyncLoop(join(dir, 'fsync.dat'), seconds), leveldbBatch: await leveldbLoop(join(dir, 'leveldb'), seconds), dir: tmpdir() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fsyncLoop(file: string, seconds: number): Floor['fsync'] {
  const h = new Histogram();
  const block = Buffer.alloc(4096, 0x61);
  const fd = openSync(file, 'w');
  try {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      h.record((performance.now() - t) * 1000);
    }
  } finally {
    closeSync(fd);
  }
  return { count: h.count, p50Ms: h.percentileUs(50) / 1000, p99Ms: h.percentileUs(99) / 1000 };
}

async function leveldbLoop(location: string, seconds: number): Promise<Floor['leveldbBatch']> {
  const db = new Level<string, Buffer>(location, { valueEncoding: 'buffer' });
  await db.open();
  const h = new Histogram();
  const value = Buffer.alloc(128, 0x62);
  let entries = 0;
  let n = 0;
  const start = performance.now();
  try {
    while (performance.now() - start < seconds * 1000) {
      const ops = [];
      for (let i = 0; i < 100; i++) ops.push({ type: 'put' as const, key: `k${String(n++).padStart(12, '0')}`, value });
      const t = performance.now();
      await db.batch(ops, { sync: true });
      h.record((performance.now() - t) * 1000);
      entries += ops.length;
    }
  } finally {
    await db.close();
  }
  const elapsedS = (performance.now() - start) / 1000;
  return { entriesPerSec: entries / elapsedS, batchP50Ms: h.percentileUs(50) / 1000, batches: h.count };
}
