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

/** Stretches of at least `minGapMs` between consecutive successes (the unavailability windows). */
export function gapsBetween(sortedOkTimesMs: readonly number[], minGapMs: number): { fromMs: number; toMs: number }[] {
  const gaps: { fromMs: number; toMs: number }[] = [];
  for (let i = 1; i < sortedOkTimesMs.length; i++) {
    const [a, b] = [sortedOkTimesMs[i - 1], sortedOkTimesMs[i]];
    if (b - a >= minGapMs) gaps.push({ fromMs: Math.round(a), toMs: Math.round(b) });
  }
  return gaps;
}

/**
 * Records client operations as Jepsen does: an `invoke` when the call starts, then exactly one of
 * `ok` (it took effect), `fail` (it definitely did not) or `info` (unknown: it may take effect
 * at any later time, or never).
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  constructor(private readonly t0: bigint = process.hrtime.bigint()) {}

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

  /** When each successful operation completed, in ms since the start. */
  okTimesMs(): number[] {
    return this.events.filter((e) => e.type === 'ok').map((e) => e.time / 1e6);
  }

  writeJsonl(path: string): void {
    writeFileSync(path, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
}
