/**
 * The application side: instead of updating a database *and* a counter cache (dual writes), it
 * only appends what happened to one topic. Each append is exactly-once (the client keeps its
 * producer id and sequence number across retries), so a retried append never lands twice.
 *
 *   npx tsx examples/derived-view/producer.ts [--count 3000] [--rate 300] [--batch 10] [--users 20]
 *       [--seed 1] [--topic messages] [--endpoints 127.0.0.1:7100,...]
 *
 * --rate is events per second (0: as fast as the cluster takes them); --batch events go in one
 * atomic append. The events are a deterministic function of --seed, --count and --users.
 */
import { OrdoClient } from '../../src/client/client';
import { DEFAULT_ENDPOINTS, DEFAULT_TOPIC, generateEvents, intFlag, parseFlags, sleep } from './view';

const USAGE = 'producer.ts [--count N] [--rate EVENTS_PER_S] [--batch N] [--users N] [--seed N] [--topic T] [--endpoints E]';

async function main(): Promise<void> {
  const flags = parseFlags(
    process.argv.slice(2),
    { count: '3000', rate: '300', batch: '10', users: '20', seed: '1', topic: DEFAULT_TOPIC, endpoints: process.env.ORDO_ENDPOINTS ?? DEFAULT_ENDPOINTS },
    USAGE,
  );
  const [count, rate, users, seed] = ['count', 'rate', 'users', 'seed'].map((f) => intFlag(flags, f, USAGE));
  const batch = Math.max(1, intFlag(flags, 'batch', USAGE));
  const client = new OrdoClient(flags.endpoints.split(','), { deadlineMs: 30_000 });
  try {
    const created = await client.createTopic(flags.topic); // idempotent
    console.log(`${created.created ? 'created' : 'appending to'} topic "${flags.topic}"; ${count} events for ${users} users (seed ${seed})`);
    const events = generateEvents(count, users, seed);
    const started = Date.now();
    let first = -1;
    let last = -1;
    let lastReport = started;
    for (let i = 0; i < events.length; i += batch) {
      const chunk = events.slice(i, i + batch);
      const key = (e: (typeof chunk)[number]) => (e.type === 'message-sent' ? e.to : e.user);
      // One atomic, exactly-once append per batch; the key is the user whose counter it changes.
      const r = await client.append(flags.topic, chunk.map((e) => ({ key: key(e), value: JSON.stringify(e) })));
      if (first < 0) first = r.baseOffset;
      last = r.baseOffset + chunk.length - 1;
      const done = i + chunk.length;
      if (Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        console.log(`appended ${done}/${count} (offsets up to ${last})`);
      }
      if (rate > 0) await sleep(Math.max(0, started + (done * 1000) / rate - Date.now()));
    }
    console.log(`done: ${count} events at offsets ${first}..${last} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    client.close();
  }
}

main().catch((e: unknown) => {
  // After the client's deadline an append's outcome is unknown (it may still commit): say so.
  console.error(`producer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
