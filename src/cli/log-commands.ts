import type { Command } from 'commander';
import type { Record__Output } from '../generated/ordo/v1/Record';
import type { TopicInfo__Output } from '../generated/ordo/v1/TopicInfo';
import { prefixEnd } from '../statemachine';
import { run, text } from './client-commands';

/** The `--json` shape of `ordo read` (a contract): one object per record, value as UTF-8 text. */
function recordJson(r: Record__Output): object {
  return {
    offset: r.offset,
    key: r.hasKey ? text(r.key) : null,
    value: text(r.value),
    headers: Object.fromEntries(r.headers.map((h) => [h.key, text(h.value)])),
    raftIndex: r.raftIndex,
    timestampMs: r.timestampMs,
  };
}

function describe(t: TopicInfo__Output): string {
  const p = t.policy;
  const policy = p?.kind === 'COMPACT' ? 'compact' : `retain${p?.retainRecords ? ` records=${p.retainRecords}` : ''}${p?.retainBytes ? ` bytes=${p.retainBytes}` : ''}`;
  return `${t.topic}\tpolicy=${policy}\toffsets=${t.earliestOffset}..${t.nextOffset}\trecords=${t.records}\tbytes=${t.bytes}`;
}

const positiveInt = (flag: string, v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got ${v}`);
  return n;
};

export function registerLogCommands(program: Command): void {
  const topic = program.command('topic').description('create, list and describe topics');
  topic
    .command('create <name>')
    .description('create a topic (idempotent); --compact keeps the latest record per key')
    .option('--compact', 'keyed compaction (an empty value is a tombstone)')
    .option('--retain-records <n>', 'keep only the newest n records')
    .option('--retain-bytes <n>', 'keep only the newest n bytes of values')
    .action((name: string, o: { compact?: boolean; retainRecords?: string; retainBytes?: string }, cmd: Command) =>
      run(cmd, async (c) => {
        const policy = o.compact
          ? { kind: 'COMPACT' as const }
          : { kind: 'RETAIN' as const, retainRecords: positiveInt('--retain-records', o.retainRecords ?? '0'), retainBytes: positiveInt('--retain-bytes', o.retainBytes ?? '0') };
        const r = await c.createTopic(name, policy);
        console.log(r.created ? `created ${name}` : `${name} exists`);
        return 0;
      }),
    );
  topic
    .command('list')
    .description('every topic, one per line')
    .action((_o: object, cmd: Command) =>
      run(cmd, async (c) => {
        for (const t of await c.listTopics()) console.log(describe(t));
        return 0;
      }),
    );
  topic
    .command('describe <name>')
    .option('--json', 'print the topic as JSON')
    .action((name: string, o: { json?: boolean }, cmd: Command) =>
      run(cmd, async (c) => {
        const t = await c.describeTopic(name);
        console.log(o.json ? JSON.stringify(t) : describe(t));
        return 0;
      }),
    );

  program
    .command('append <topic> <value>')
    .description('append one record exactly once (retried with the same producer id and seq); prints its offset')
    .option('--key <key>', 'record key (compaction keeps the latest per key)')
    .option('--header <k=v...>', 'record headers')
    .action((t: string, value: string, o: { key?: string; header?: string[] }, cmd: Command) =>
      run(cmd, async (c) => {
        const headers = (o.header ?? []).map((h): [string, string] => {
          const i = h.indexOf('=');
          if (i <= 0) throw new Error(`--header must be key=value, got ${h}`);
          return [h.slice(0, i), h.slice(i + 1)];
        });
        const r = await c.append(t, [{ ...(o.key !== undefined ? { key: o.key } : {}), value, headers }]);
        console.log(r.baseOffset);
        return 0;
      }),
    );

  program
    .command('read <topic>')
    .description('read records from an offset (linearizable)')
    .option('--from <n>', 'first offset', '0')
    .option('--limit <n>', 'at most this many records', '100')
    .option('--json', 'print one JSON array of {offset, key, value, headers, raftIndex, timestampMs}')
    .action((t: string, o: { from: string; limit: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (c) => {
        const r = await c.read(t, positiveInt('--from', o.from), positiveInt('--limit', o.limit));
        if (o.json) console.log(JSON.stringify(r.records.map(recordJson)));
        else for (const rec of r.records) console.log(`${rec.offset}\t${rec.hasKey ? text(rec.key) : ''}\t${text(rec.value)}`);
        return 0;
      }),
    );

  program
    .command('tail <topic>')
    .description('follow a topic live (Ctrl-C stops); with --group, resume from and commit the group offset')
    .option('--from <n>', 'first offset (default: the group offset, else 0)')
    .option('--group <g>', 'consumer group: commit the offset after each record printed')
    .option('--json', 'one JSON object per line')
    .action((t: string, o: { from?: string; group?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (c) => {
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        let from = o.from !== undefined ? positiveInt('--from', o.from) : 0;
        if (o.from === undefined && o.group) from = (await c.fetchOffset(o.group, t)) ?? 0;
        for await (const rec of c.subscribe(t, from, ac.signal)) {
          console.log(o.json ? JSON.stringify(recordJson(rec)) : `${rec.offset}\t${rec.hasKey ? text(rec.key) : ''}\t${text(rec.value)}`);
          if (o.group) await c.commitOffset(o.group, t, rec.offset + 1);
        }
        return 0;
      }),
    );

  program
    .command('watch <prefix>')
    .description('follow every put and delete of keys with this prefix (Ctrl-C stops)')
    .option('--from <rev>', 'replay changes from this revision on (default: from now)')
    .action((prefix: string, o: { from?: string }, cmd: Command) =>
      run(cmd, async (c) => {
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        const key = Buffer.from(prefix);
        for await (const ev of c.watch(key, Buffer.from(prefixEnd(key)), o.from ? positiveInt('--from', o.from) : 0, ac.signal)) {
          console.log(`${ev.kind}\t${text(ev.key)}\t${ev.kind === 'PUT' ? text(ev.value) : ''}\trev=${ev.revision}`);
        }
        return 0;
      }),
    );
}
