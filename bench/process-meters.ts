import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (`getconf CLK_TCK`, normally 100). */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in µs; null if it is gone. */
export function cpuMicros(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]); // field 14
  const stime = Number(rest[12]); // field 15
  return ((utime + stime) * 1e6) / CLK_TCK;
}

/** Resident set size of a process in MB (VmRSS of /proc/<pid>/status); null if it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * A member's RSS over the window, sampled every 5 s: at the baseline (one minute in, once the
 * caches and the in-memory log have filled, for windows of two minutes or more; else the first
 * sample), at the end, and the largest; drift is end against baseline, in percent.
 */
export interface RssSummary {
  readonly baselineMb: number;
  readonly endMb: number;
  readonly maxMb: number;
  readonly driftPct: number;
}

const RSS_SAMPLE_MS = 5000;
const RSS_BASELINE_MS = 60_000;

/** CPU used by each cluster member (and by this load generator) over a measured window, and RSS. */
export class MeterWindow {
  private readonly start: Array<number | null>;
  private readonly selfStart = process.cpuUsage();
  private readonly openedAt = Date.now();
  private readonly rss: Array<Array<{ atMs: number; mb: number | null }>>;
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(cpuMicros);
    this.rss = pids.map(() => []);
    this.sampleRss();
    this.sampler = setInterval(() => this.sampleRss(), RSS_SAMPLE_MS).unref();
  }

  /** µs used per member since the window opened (null: the process died or restarted), by us, and RSS. */
  finish(): { members: Array<number | null>; generatorUs: number; rss: Array<RssSummary | null> } {
    clearInterval(this.sampler);
    this.sampleRss();
    const members = this.pids.map((pid, i) => {
      const a = this.start[i];
      const b = cpuMicros(pid);
      return a === null || b === null ? null : b - a;
    });
    const self = process.cpuUsage(this.selfStart);
    const longWindow = Date.now() - this.openedAt >= 2 * RSS_BASELINE_MS;
    const rss = this.rss.map((samples) => {
      if (samples.some((x) => x.mb === null)) return null; // the member died: no trend to report
      const mbs = samples.map((x) => x.mb!);
      const baselineMb = longWindow ? samples.find((x) => x.atMs >= RSS_BASELINE_MS)!.mb! : mbs[0];
      const endMb = mbs[mbs.length - 1];
      return { baselineMb, endMb, maxMb: Math.max(...mbs), driftPct: Number(((100 * (endMb - baselineMb)) / baselineMb).toFixed(1)) };
    });
    return { members, generatorUs: self.user + self.system, rss };
  }

  private sampleRss(): void {
    const atMs = Date.now() - this.openedAt;
    this.pids.forEach((pid, i) => this.rss[i].push({ atMs, mb: rssMb(pid) }));
  }
}
