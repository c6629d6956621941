/**
 * HistoryGc over a real LevelDB: after Compact(C) commits, the pass deletes the change records
 * below C and the history versions no read at a revision >= C can reach, across scan pages,
 * and every such read answers exactly as before.
 */
import pino from 'pino';
import { Writable } from 'node:stream';
import type { RaftNode } from '../../src/raft/node/raft-node';
import { LogStore } from '../../src/raft/storage';
import { HistoryGc } from '../../src/server/history-gc';
import {
  changeRecordRange,
  compactOp,
  encodeCommand,
  historyRange,
  putOp,
  deleteOp,
  RANGE_END_ALL,
  resolveHistory,
  StateMachine,
  type Op,
} from '../../src/statemachine';
import { makeTempDir, removeDir } from '../storage/helpers';

const b = (s: string) => Buffer.from(s);

describe('HistoryGc (physical compaction)', () => {
  let dir: string;
  let store: LogStore;
  beforeEach(async () => {
    dir = makeTempDir();
    store = (await LogStore.open(dir, { lazyStateMachinePrefixes: StateMachine.lazyRecordPrefixes() })).store;
  });
  afterEach(async () => {
    await store.close();
    removeDir(dir);
  });

  it('removes what a compaction made unreachable and nothing a read at or above it needs', async () => {
    const sm = new StateMachine();
    let index = 0;
    const apply = async (op: Op) => {
      const e = { index: ++index, term: 1, type: 'normal' as const, data: encodeCommand({ stampMs: 1000 + index, op }) };
      await store.write({ hardState: { term: 1, vote: 0, commit: e.index }, entries: [e] });
      sm.apply(e);
      const m = sm.takeMutations();
      await store.write({ stateMachine: { puts: m.puts, dels: m.dels, applied: m.appliedIndex } });
    };
    // 2,400 versions of 40 keys (more than two scan pages), some deleted along the way.
    for (let i = 0; i < 2400; i++) await apply(i % 97 === 5 ? deleteOp(b(`k${i % 40}`)) : putOp(b(`k${i % 40}`), b(`v${i}`)));
    const all = historyRange(Uint8Array.of(0), RANGE_END_ALL);
    const scanAll = async (gte: Uint8Array, lt: Uint8Array) => store.scanStateMachine(gte, lt, 100_000);
    const compactAt = sm.revision - 300;
    const before = new Map<number, string>();
    const readAt = async (rev: number) => JSON.stringify(resolveHistory(await scanAll(all.gte, all.lt), rev).map((kv) => [Buffer.from(kv.key).toString(), Buffer.from(kv.value).toString(), kv.modRevision]));
    for (const rev of [compactAt, compactAt + 1, compactAt + 150, sm.revision]) before.set(rev, await readAt(rev));
    const historyBefore = (await scanAll(all.gte, all.lt)).length;
    await apply(compactOp(compactAt));

    const listeners = new Set<() => void>();
    const node = {
      stateMachine: sm,
      stateDurable: async () => undefined,
      scanStateMachine: (gte: Uint8Array, lt: Uint8Array, limit: number, reverse?: boolean) => store.scanStateMachine(gte, lt, limit, reverse),
      deleteUnreachable: (keys: readonly Uint8Array[]) => store.deleteUnreachable(keys),
      onApplied: (l: () => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    } as unknown as RaftNode;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => (done = r));
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (chunk.toString().includes('history compacted')) done();
        cb();
      },
    });
    const gc = new HistoryGc(node, pino({ level: 'info' }, sink));
    gc.start();
    await finished;
    gc.stop();

    const changes = (await scanAll(changeRecordRange(0).gte, changeRecordRange(0).lt)).length;
    expect(changes).toBe((await scanAll(changeRecordRange(compactAt).gte, changeRecordRange(0).lt)).length);
    expect((await scanAll(changeRecordRange(0).gte, changeRecordRange(compactAt).gte)).length).toBe(0);
    const historyAfter = (await scanAll(all.gte, all.lt)).length;
    expect(historyAfter).toBeLessThan(historyBefore - 1500); // most of 2,100 superseded versions went
    for (const [rev, answer] of before) expect(await readAt(rev)).toBe(answer);
  }, 60_000);
});
