import { readdirSync, readFileSync } from 'node:fs';

/** Processes whose command line mentions `dir` (the nodes and harness of that cluster). */
export function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** A brisk nemesis schedule for CI-length runs. */
export const fastTiming = { faultMsMin: 1000, faultMsMax: 2500, quietMsMin: 500, quietMsMax: 1500 };
