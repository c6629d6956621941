import type { Logger } from 'pino';
import type { RaftNode } from '../raft/node/raft-node';
import { changeRecordsBelow, HistoryCompactor, historyRange, RANGE_END_ALL } from '../statemachine';
import { successor } from './record-stream';

/** Records read (and deleted) per step, so a pass never holds much in memory or blocks the loop long. */
const PAGE = 1000;

/**
 * Physical compaction. Compact(revision) is a command: the state machine only records the new
 * compact revision (deterministic, the same on every member), after which reads and watches below
 * it are refused. This pass then deletes, outside the Raft write path, what no read can reach
 * any more: change records below the compact revision and superseded history versions. A crash
 * mid-pass only leaves garbage; the pass runs again at start-up.
 */
export class HistoryGc {
  private done = 0;
  private running = false;
  private generation = 0;
  private stopped = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly node: RaftNode,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.unsubscribe = this.node.onApplied(() => this.kick());
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  private kick(): void {
    if (this.node.stateGeneration !== this.generation) {
      this.generation = this.node.stateGeneration;
      this.done = 0; // a snapshot replaced the state: its garbage is unknown
    }
    const target = this.node.stateMachine.compactRevision;
    if (this.running || this.stopped || target <= this.done) return;
    this.running = true;
    this.pass(target)
      .then(() => {
        this.done = target;
      })
      .catch((e: unknown) => {
        if (!this.stopped) this.log.warn({ err: e, compactRevision: target }, 'history compaction pass failed; will retry');
      })
      .finally(() => {
        this.running = false;
        if (!this.stopped && this.node.stateMachine.compactRevision > this.done) setTimeout(() => this.kick(), 1000).unref();
      });
  }

  private async pass(target: number): Promise<void> {
    const started = Date.now();
    const generation = this.generation;
    await this.node.stateDurable(this.node.stateMachine.appliedIndex);
    let deleted = 0;
    const changes = changeRecordsBelow(target);
    for (;;) {
      const rows = await this.node.scanStateMachine(changes.gte, changes.lt, PAGE);
      await this.node.deleteUnreachable(rows.map(([k]) => k), generation);
      deleted += rows.length;
      if (rows.length < PAGE || this.stopped) break;
    }
    const history = historyRange(Uint8Array.of(0), RANGE_END_ALL);
    const gc = new HistoryCompactor(target);
    let from = history.gte;
    for (;;) {
      const rows = await this.node.scanStateMachine(from, history.lt, PAGE);
      const garbage = gc.push(rows);
      await this.node.deleteUnreachable(garbage, generation);
      deleted += garbage.length;
      if (rows.length < PAGE || this.stopped) break;
      from = successor(rows[rows.length - 1]![0]);
    }
    gc.finish();
    this.log.info({ compactRevision: target, deleted, ms: Date.now() - started }, 'history compacted');
  }
}
