import { writeFileSync } from 'node:fs';

/** One line of ordo's jsonl history format (src/check/README.md). */
export interface HistoryEvent {
  readonly process: number | string;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  /** Nanoseconds since the run started. */
  readonly time: number;
}

/**
 * Records client operations as Jepsen does: an `invoke` when the call starts, then exactly one of
 * `ok` (it took effect), `fail` (it definitely did not) or `info` (unknown: it may take effect
 * at any later time, or never).
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private readonly t0 = process.hrtime.bigint();

  now(): number {
    return Number(process.hrtime.bigint() - this.t0);
  }

  invoke(process: number | string, f: string, key: string | undefined, value: unknown): (type: 'ok' | 'fail' | 'info', value: unknown) => void {
    this.events.push({ process, type: 'invoke', f, ...(key !== undefined ? { key } : {}), value, time: this.now() });
    let done = false;
    return (type, result) => {
      if (done) throw new Error(`operation ${f} of process ${process} completed twice`);
      done = true;
      this.events.push({ process, type, f, ...(key !== undefined ? { key } : {}), value: result, time: this.now() });
    };
  }

  counts(): { ok: number; fail: number; info: number } {
    const c = { ok: 0, fail: 0, info: 0 };
    for (const e of this.events) if (e.type !== 'invoke') c[e.type]++;
    return c;
  }

  /** Longest stretches without a successful operation, in ms (the unavailability windows). */
  gapsMs(minGapMs: number): { fromMs: number; toMs: number }[] {
    const oks = this.events.filter((e) => e.type === 'ok').map((e) => e.time / 1e6);
    const gaps: { fromMs: number; toMs: number }[] = [];
    for (let i = 1; i < oks.length; i++) {
      if (oks[i] - oks[i - 1] >= minGapMs) gaps.push({ fromMs: Math.round(oks[i - 1]), toMs: Math.round(oks[i]) });
    }
    return gaps;
  }

  writeJsonl(path: string): void {
    writeFileSync(path, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
}
