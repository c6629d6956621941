import type { ChaosReport } from './run';

export function formatReport(r: ChaosReport): string {
  const lines = [
    `chaos run: ${r.ok ? 'PASS' : 'FAIL'}   seed ${r.seed}, ${r.nodes} nodes, ${r.durationS} s`,
    `operations: ${r.operations.ok} ok, ${r.operations.fail} fail, ${r.operations.info} info (unknown outcome)`,
    `faults injected: ${r.faults}; elections seen: ${r.elections}`,
    `unavailability windows (>= 1 s without a successful operation): ${r.unavailableWindowsMs.length === 0 ? 'none' : r.unavailableWindowsMs.map((g) => `${(g.fromMs / 1000).toFixed(1)}-${(g.toMs / 1000).toFixed(1)} s`).join(', ')}`,
    `convergence: ${r.converged.ok ? 'ok' : 'FAILED'}: ${r.converged.detail}`,
    ...r.verdicts.map((v) => `workload ${v.name}: ${v.ok ? 'ok' : 'FAILED'}: ${v.verdict}`),
    `fault log:`,
    ...r.faultLog.map((l) => `  ${l}`),
    `histories: ${r.historyFiles.join(' ')}`,
    `report: ${r.dataDir}/report.json`,
  ];
  for (const v of r.verdicts) if (!v.ok && v.detail) lines.push(`--- ${v.name} ---`, v.detail.split('\n').slice(0, 60).join('\n'));
  return lines.join('\n');
}
