import type { Command } from 'commander';
import { OrdoClient, OrdoError } from '../client/client';
import { prefixEnd } from '../statemachine';

/** Default endpoints: the cluster `npm start` runs (see cluster-scripts/start.sh). */
export const DEFAULT_ENDPOINTS = '127.0.0.1:7100,127.0.0.1:7101,127.0.0.1:7102';

interface GlobalFlags {
  endpoints: string;
  deadlineMs: string;
}

function client(cmd: Command): OrdoClient {
  const g = cmd.optsWithGlobals<GlobalFlags>();
  const endpoints = g.endpoints.split(',').map((e) => e.trim()).filter(Boolean);
  return new OrdoClient(endpoints, { deadlineMs: Number(g.deadlineMs) });
}

/** Exit codes: 0 done, 1 "no" (not found, compare failed), 2 any error. */
export async function run(cmd: Command, body: (c: OrdoClient) => Promise<number>): Promise<void> {
  const c = client(cmd);
  let code = 2;
  try {
    code = await body(c);
  } catch (e) {
    const msg = e instanceof OrdoError ? e.message : e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${msg}\n`);
  } finally {
    c.close();
  }
  process.exit(code);
}

export const text = (b: Buffer | Uint8Array) => Buffer.from(b).toString();

export function registerClientCommands(program: Command): void {
  program
    .command('put <key> <value>')
    .description('write a key (linearizable, exactly once)')
    .action((key: string, value: string, _o: object, cmd: Command) =>
      run(cmd, async (c) => {
        await c.put(key, value);
        console.log('OK');
        return 0;
      }),
    );

  program
    .command('get <key>')
    .description('print the value alone; exit 1 with "not found" on stderr when absent')
    .option('--serializable', 'answer from the first endpoint\'s local state (may be stale)')
    .action((key: string, o: { serializable?: boolean }, cmd: Command) =>
      run(cmd, async (c) => {
        const kv = await c.get(key, Boolean(o.serializable));
        if (!kv) {
          process.stderr.write('not found\n');
          return 1;
        }
        process.stdout.write(`${text(kv.value)}\n`);
        return 0;
      }),
    );

  program
    .command('del <key>')
    .description('delete a key; prints the number of keys deleted')
    .action((key: string, _o: object, cmd: Command) =>
      run(cmd, async (c) => {
        const r = await c.delete(key);
        console.log(r.deleted);
        return 0;
      }),
    );

  program
    .command('range <prefix>')
    .description('print keys with this prefix and their values, alternating lines (as etcdctl does)')
    .option('--limit <n>', 'at most n keys', '0')
    .action((prefix: string, o: { limit: string }, cmd: Command) =>
      run(cmd, async (c) => {
        const key = Buffer.from(prefix);
        const r = await c.range({ key, rangeEnd: Buffer.from(prefixEnd(key)), limit: Number(o.limit) });
        for (const kv of r.kvs) process.stdout.write(`${text(kv.key)}\n${text(kv.value)}\n`);
        return 0;
      }),
    );

  program
    .command('cas <key>')
    .description('compare-and-set: write --value only if the key holds --expect (or is absent with --absent)')
    .option('--expect <old>', 'the value the key must hold')
    .option('--absent', 'the key must not exist')
    .requiredOption('--value <new>', 'the value to write')
    .action((key: string, o: { expect?: string; absent?: boolean; value: string }, cmd: Command) =>
      run(cmd, async (c) => {
        if ((o.expect === undefined) === !o.absent) throw new Error('cas: give exactly one of --expect OLD or --absent');
        const r = await c.cas(key, o.absent ? null : o.expect!, o.value);
        if (r.succeeded) {
          console.log('OK');
          return 0;
        }
        const current = r.responses[0]?.responseRange?.kvs[0];
        process.stderr.write(`compare failed: ${key} ${current ? `holds "${text(current.value)}"` : 'is absent'}\n`);
        return 1;
      }),
    );

  program
    .command('status')
    .description('one line per endpoint: id, role, term, leader, indexes')
    .option('--json', 'print a JSON array, one object per endpoint')
    .action((o: { json?: boolean }, cmd: Command) =>
      run(cmd, async (c) => {
        const rows = await Promise.all(c.endpointList.map(async (address) => statusRow(address, await c.status(address))));
        if (o.json) console.log(JSON.stringify(rows));
        else printTable(rows);
        return rows.some((r) => r.role !== 'unreachable') ? 0 : 2;
      }),
    );
}

interface StatusRow {
  id: number | null;
  address: string;
  role: string;
  term: number | null;
  leaderId: number | null;
  commitIndex: number | null;
  appliedIndex: number | null;
  lastLogIndex: number | null;
  firstIndex: number | null;
  snapshotIndex: number | null;
}

function statusRow(address: string, s: Awaited<ReturnType<OrdoClient['status']>>): StatusRow {
  if (!s) return { id: null, address, role: 'unreachable', term: null, leaderId: null, commitIndex: null, appliedIndex: null, lastLogIndex: null, firstIndex: null, snapshotIndex: null };
  return {
    id: s.id,
    address,
    role: s.role,
    term: s.term,
    leaderId: s.leaderId || null,
    commitIndex: s.commitIndex,
    appliedIndex: s.appliedIndex,
    lastLogIndex: s.lastLogIndex,
    firstIndex: s.firstIndex,
    snapshotIndex: s.snapshotIndex,
  };
}

function printTable(rows: StatusRow[]): void {
  const head = ['ID', 'ADDRESS', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'LAST INDEX', 'FIRST INDEX'];
  const cells = rows.map((r) => [r.id, r.address, r.role, r.term, r.leaderId, r.commitIndex, r.appliedIndex, r.lastLogIndex, r.firstIndex].map((v) => (v === null ? '-' : String(v))));
  for (const line of columns(head, cells)) console.log(line);
}

/** A table as lines: every column padded to its widest cell, two spaces apart. */
export function columns(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((line) => line.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}
