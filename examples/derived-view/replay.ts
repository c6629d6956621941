/**
 * The check: rebuilds the view from scratch, by folding the topic from offset 0 (linearizable
 * reads), and compares it with the consumer's stored view at the stored offset. Equal means no
 * update was lost and none was applied twice, however often the consumer was killed.
 *
 *   npx tsx examples/derived-view/replay.ts [--state .ordo/derived-view/unread.json] [--topic messages]
 *       [--endpoints 127.0.0.1:7100,...] [--json]
 *
 * Exit 0 when they match, 1 when they differ, 2 on other errors. --json prints the replayed
 * counts as one JSON object instead.
 */
import { existsSync } from 'node:fs';
import { OrdoClient } from '../../src/client/client';
import { DEFAULT_ENDPOINTS, DEFAULT_STATE, DEFAULT_TOPIC, fold, loadState, parseEvent, parseFlags, total, type MessageEvent, type Unread } from './view';

const USAGE = 'replay.ts [--state FILE] [--topic T] [--endpoints E] [--json]';

/** Events at offsets [0, end) of the topic (end: the topic's end when omitted). */
export async function readEvents(client: OrdoClient, topic: string, end?: number): Promise<{ events: (MessageEvent | null)[]; topicEnd: number }> {
  const events: (MessageEvent | null)[] = [];
  let topicEnd = 0;
  for (;;) {
    const r = await client.read(topic, events.length, 1000);
    topicEnd = r.nextOffset;
    const stop = end ?? topicEnd;
    for (const rec of r.records) {
      if (events.length >= stop) break;
      if (rec.offset !== events.length) throw new Error(`offset ${rec.offset} where ${events.length} was expected`);
      events.push(parseEvent(rec.value));
    }
    if (events.length >= stop || r.records.length === 0) return { events, topicEnd };
  }
}

function diff(a: Unread, b: Unread): string[] {
  const users = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return users.filter((u) => (a[u] ?? 0) !== (b[u] ?? 0)).map((u) => `  ${u}: stored ${a[u] ?? 0}, replay ${b[u] ?? 0}`);
}

async function main(): Promise<number> {
  const flags = parseFlags(
    process.argv.slice(2),
    { state: DEFAULT_STATE, topic: DEFAULT_TOPIC, endpoints: process.env.ORDO_ENDPOINTS ?? DEFAULT_ENDPOINTS, json: 'false' },
    USAGE,
  );
  const client = new OrdoClient(flags.endpoints.split(','), { deadlineMs: 30_000 });
  try {
    if (flags.json === 'true') {
      const { events } = await readEvents(client, flags.topic);
      console.log(JSON.stringify(fold(events)));
      return 0;
    }
    if (!existsSync(flags.state)) {
      console.error(`no stored view at ${flags.state}: run the consumer first (or pass --state)`);
      return 2;
    }
    const stored = loadState(flags.state, flags.topic); // one consistent snapshot (replaced atomically)
    const { events, topicEnd } = await readEvents(client, flags.topic, stored.nextOffset);
    if (events.length < stored.nextOffset) {
      console.error(`the view claims offset ${stored.nextOffset} but the topic ends at ${topicEnd}`);
      return 1;
    }
    const replayed = fold(events);
    const lag = topicEnd - stored.nextOffset;
    const behind = lag === 0 ? 'caught up with the topic' : `${lag} records behind the topic's end ${topicEnd} (still consuming?)`;
    const differences = diff(stored.unread, replayed);
    if (differences.length === 0) {
      console.log(`MATCH: the stored view at offset ${stored.nextOffset} equals a from-scratch replay of offsets 0..${stored.nextOffset - 1}`);
      console.log(`  ${total(replayed)} unread over ${Object.keys(replayed).length} users; ${behind}`);
      return 0;
    }
    console.log(`MISMATCH at offset ${stored.nextOffset} (${differences.length} users differ):`);
    console.log(differences.join('\n'));
    return 1;
  } finally {
    client.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`replay: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
