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

/** CPU used by each cluster member (and by this load generator) over a measured window. */
export class CpuWindow {
  private readonly start: Array<number | null>;
  private readonly selfStart = process.cpuUsage();

  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(cpuMicros);
  }

  /** µs used per member since the window opened (null: the process died or restarted), and by us. */
  finish(): { members: Array<number | null>; generatorUs: number } {
    const members = this.pids.map((pid, i) => {
      const a = this.start[i];
      const b = cpuMicros(pid);
      return a === null || b === null ? null : b - a;
    });
    const self = process.cpuUsage(this.selfStart);
    return { members, generatorUs: self.user + self.system };
  }
}
