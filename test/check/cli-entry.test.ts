/** `checkHistoryCommand`: first line, exit codes, explicit formats, errors as `unknown`. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistoryCommand, formatJsonl, type HistoryEvent } from '../../src/check';

const FIXTURES = join(__dirname, '..', 'fixtures', 'linearizability');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ordo-check-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('linearizable: exit 0, one summary line', async () => {
  const out = await checkHistoryCommand(join(FIXTURES, 'jepsen-etcd', 'etcd_005.log'), { model: 'register', format: 'jepsen-etcd' });
  expect(out.exitCode).toBe(0);
  expect(out.stdout).toMatch(/^linearizable \(model register: \d+ operations in 1 partition; \d+ ms\)\n$/);
});

test('not linearizable: exit 1, then partition, operations and longest prefix', async () => {
  const out = await checkHistoryCommand(join(FIXTURES, 'kv', 'c01-bad.txt'), { model: 'kv', format: 'jepsen-edn' });
  expect(out.exitCode).toBe(1);
  const lines = out.stdout.split('\n');
  expect(lines[0]).toMatch(/^not linearizable \(model kv: /);
  expect(lines[1]).toMatch(/^partition: key "\d+", \d+ operations$/);
  expect(lines[2]).toMatch(/^longest linearizable prefix: \d+ of \d+ operations, in linearization order:$/);
  expect(out.stdout).toMatch(/this one had to take effect before it returned:\n\s+p\d+ get "\d+" -> .*\(called line \d+, returned line \d+\)/);
});

test('unknown on a time limit: exit 2', async () => {
  const events: HistoryEvent[] = [];
  for (let p = 0; p < 12; p++) events.push({ process: p, type: 'invoke', f: 'append', key: 'k', value: `<${p}>` });
  for (let p = 0; p < 12; p++) events.push({ process: p, type: 'ok', f: 'append', key: 'k', value: `<${p}>` });
  events.push({ process: 99, type: 'invoke', f: 'get', key: 'k', value: null }, { process: 99, type: 'ok', f: 'get', key: 'k', value: 'no' });
  const out = await checkHistoryCommand(file('slow.jsonl', formatJsonl(events)), { model: 'kv', timeLimitMs: 30 });
  expect(out.exitCode).toBe(2);
  expect(out.stdout).toMatch(/^unknown: time limit reached/);
});

test('usage and input errors are `unknown` with exit 2', async () => {
  const ok = join(FIXTURES, 'ordo', 'kv-ok.jsonl');
  const cases = [
    await checkHistoryCommand(ok, { model: 'queue' }),
    await checkHistoryCommand(ok, { model: 'kv', format: 'csv' }),
    await checkHistoryCommand(ok, { model: 'kv', timeLimitMs: -1 }),
    await checkHistoryCommand(join(dir, 'missing.jsonl'), { model: 'kv' }),
    await checkHistoryCommand(file('bad.jsonl', '{"process":1,"type":"ok","f":"get","key":"a"}\n'), { model: 'kv' }),
    await checkHistoryCommand(file('empty.jsonl', ''), { model: 'kv' }),
    await checkHistoryCommand(ok, { model: 'register' }), // put/append/get are not register operations
  ];
  for (const out of cases) {
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toMatch(/^unknown: /);
  }
  expect(cases[0].stdout).toContain('expected register, kv, log');
  expect(cases[4].stdout).toContain('line 1: process 1: ok get without a call');
});
