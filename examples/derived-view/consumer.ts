/**
 * The derived store: keeps per-user unread counts in sync with the topic by consuming it in
 * order. It reads a batch from the offset it stands at, applies it, then stores the counts *together
 * with* the offset of the next record to consume, in one atomic file replacement (view.ts
 * saveState). Killed at any moment (kill -9), it restarts from the stored offset: the records of
 * the lost batch are applied again, but to the counts stored with that offset, which never
 * included them. No update lost, none doubled.
 *
 *   npx tsx examples/derived-view/consumer.ts [--state .ordo/derived-view/unread.json]
 *       [--topic messages] [--endpoints 127.0.0.1:7100,...] [--batch 100] [--poll-ms 100] [--slow-ms 0]
 *
 * Writes its pid to STATE.pid (npx runs it as a child process: kill -9 that pid, not npx's).
 * --slow-ms pretends each batch costs that long to store, so a kill -9 lands mid-stream.
 * SIGINT / SIGTERM: finishes the batch in hand and exits 0.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { OrdoClient } from '../../src/client/client';
import { DEFAULT_ENDPOINTS, DEFAULT_STATE, DEFAULT_TOPIC, applyEvent, intFlag, loadState, parseEvent, parseFlags, saveState, sleep, total } from './view';

const USAGE = 'consumer.ts [--state FILE] [--topic T] [--endpoints E] [--batch N] [--poll-ms MS] [--slow-ms MS]';

async function main(): Promise<void> {
  const flags = parseFlags(
    process.argv.slice(2),
    { state: DEFAULT_STATE, topic: DEFAULT_TOPIC, endpoints: process.env.ORDO_ENDPOINTS ?? DEFAULT_ENDPOINTS, batch: '100', 'poll-ms': '100', 'slow-ms': '0' },
    USAGE,
  );
  const batchMax = Math.min(10_000, Math.max(1, intFlag(flags, 'batch', USAGE)));
  const pollMs = intFlag(flags, 'poll-ms', USAGE);
  const slowMs = intFlag(flags, 'slow-ms', USAGE);
  const file = flags.state;
  const state = loadState(file, flags.topic);
  const pidFile = `${file}.pid`;
  saveState(file, state); // creates the directory and the file on a first run
  writeFileSync(pidFile, `${process.pid}\n`);
  console.log(
    state.nextOffset === 0
      ? `consumer pid ${process.pid}: starting "${flags.topic}" from offset 0 into ${file}`
      : `consumer pid ${process.pid}: resuming "${flags.topic}" at offset ${state.nextOffset} from ${file} (${total(state.unread)} unread over ${Object.keys(state.unread).length} users)`,
  );

  const client = new OrdoClient(flags.endpoints.split(','), { deadlineMs: 30_000 });
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (stopping = true));
  await client.createTopic(flags.topic); // idempotent: the consumer may start before the producer

  let lastReport = 0;
  while (!stopping) {
    // A linearizable read (it follows the leader and retries): the next records, in order.
    let batch;
    try {
      batch = (await client.read(flags.topic, state.nextOffset, batchMax)).records;
    } catch (e) {
      console.error(`read failed (${e instanceof Error ? e.message : String(e)}); again from offset ${state.nextOffset} in 1 s`);
      await sleep(1000);
      continue;
    }
    if (batch.length === 0) {
      await sleep(pollMs); // caught up: wait for more
      continue;
    }
    for (const rec of batch) {
      if (rec.offset !== state.nextOffset) throw new Error(`expected offset ${state.nextOffset}, the read gave ${rec.offset}`);
      const e = parseEvent(rec.value);
      if (e) applyEvent(state.unread, e);
      else state.skipped++;
      state.nextOffset = rec.offset + 1;
    }
    if (slowMs > 0) await sleep(slowMs);
    // The batch is applied in memory only. Now counts and offset reach the disk in one atomic step.
    saveState(file, state);
    if (Date.now() - lastReport >= 1000) {
      lastReport = Date.now();
      console.log(`stored offset ${state.nextOffset} (batch of ${batch.length}): ${total(state.unread)} unread over ${Object.keys(state.unread).length} users`);
    }
  }
  client.close();
  rmSync(pidFile, { force: true });
  console.log(`stopped at offset ${state.nextOffset}: ${total(state.unread)} unread over ${Object.keys(state.unread).length} users`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`consumer: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
