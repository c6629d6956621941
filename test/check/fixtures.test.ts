/**
 * Externally produced histories (Porcupine's test data: Jepsen etcd logs and kv histories) and
 * ordo's own jsonl histories must get their known verdicts, through the CLI entry point.
 * Set CHECK_TIMINGS=1 to print the time per file.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHistory, checkHistoryCommand, parseHistory, registerModel } from '../../src/check';

const DIR = join(__dirname, '..', 'fixtures', 'linearizability');

interface Expectation {
  readonly file: string;
  readonly model: string;
  readonly verdict: 'linearizable' | 'not';
}

function readVerdicts(path: string, modelOf: (file: string, fields: string[]) => string): Expectation[] {
  return readFileSync(join(DIR, path), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const fields = l.trim().split(/\s+/);
      const verdict = fields[fields.length - 1];
      if (verdict !== 'linearizable' && verdict !== 'not') throw new Error(`bad VERDICTS line ${l}`);
      return { file: fields[0], model: modelOf(fields[0], fields), verdict };
    });
}

const porcupine = readVerdicts('VERDICTS', (file) => (file.startsWith('kv/') ? 'kv' : 'register'));
const ordo = readVerdicts('ordo/VERDICTS', (_file, fields) => fields[1]);
const timingsMs: [string, number][] = [];

afterAll(() => {
  if (process.env['CHECK_TIMINGS'] === undefined) return;
  const rows = [...timingsMs].sort((a, b) => b[1] - a[1]).map(([f, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${f}`);
  console.log(`per-fixture check time, slowest first:\n${rows.join('\n')}`);
});

describe.each([
  ['Porcupine test data', porcupine],
  ['ordo jsonl', ordo],
])('%s: every file gets its known verdict', (_name, expectations) => {
  test.each(expectations.map((e) => [e.file, e] as const))('%s', async (_file, e) => {
    const t0 = performance.now();
    const out = await checkHistoryCommand(join(DIR, e.file), { model: e.model });
    timingsMs.push([e.file, performance.now() - t0]);
    const first = out.stdout.split('\n')[0];
    if (e.verdict === 'linearizable') {
      expect(first).toMatch(/^linearizable/);
      expect(out.exitCode).toBe(0);
    } else {
      expect(first).toMatch(/^not linearizable/);
      expect(out.exitCode).toBe(1);
      expect(out.stdout).toContain('longest linearizable prefix');
    }
  });
});

test('Knossos reading of a failed cas (dropped) gives the same verdicts on the etcd logs', () => {
  const model = registerModel({ failedCas: 'dropped' });
  for (const e of porcupine.filter((x) => x.model === 'register')) {
    const result = checkHistory(model, parseHistory(readFileSync(join(DIR, e.file), 'utf8'), 'jepsen-etcd'));
    expect([e.file, result.verdict]).toEqual([e.file, e.verdict === 'linearizable' ? 'linearizable' : 'not-linearizable']);
  }
});
