/**
 * Requests the Log service must refuse, over real gRPC (@grpc/grpc-js, the proto loaded by
 * src/rpc/proto.ts, one call each, no retries), with the status and a message naming the field
 * and the limit; the node keeps serving afterwards. And Watch: `ordo watch PREFIX --from 1`
 * replays earlier puts and deletes of the prefix, then follows live.
 */
import type { ChildProcess } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { OrdoClient, OrdoError } from '../../src/client/client';
import type { LogClient } from '../../src/generated/ordo/v1/Log';
import { GRPC_MESSAGE_BYTES_MAX, logProto } from '../../src/rpc/proto';
import { Cluster, poll } from './support/cluster';
import { spawnCli } from './support/spawn-cli';

type Method = 'createTopic' | 'describeTopic' | 'append' | 'read' | 'commitOffset' | 'fetchOffset';
interface Outcome {
  err: grpc.ServiceError | null;
  res: unknown;
}

let cluster: Cluster;
let leaderId: number;
let leaderTerm: number;
let log: LogClient;
const closers: Array<() => void> = [];
const children = new Set<ChildProcess>();

beforeAll(async () => {
  cluster = Cluster.start('log-bad-input', { nodes: 3 });
  const { leader } = await cluster.waitForLeader();
  leaderId = leader.id!;
  leaderTerm = leader.term!;
  log = logClient(cluster.endpoint(leaderId));
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const close of closers) close();
  cluster?.destroy();
});

function logClient(endpoint: string): LogClient {
  const LogCtor = logProto().ordo.v1.Log;
  const c: LogClient = new LogCtor(endpoint, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
    'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  });
  closers.push(() => c.close());
  return c;
}

function ordoClient(): OrdoClient {
  const c = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
  closers.push(() => c.close());
  return c;
}

/** One call, no retries, a 10 s deadline: the raw status the server answers with. */
function call(method: Method, req: object, c: LogClient = log): Promise<Outcome> {
  return new Promise((resolve) => {
    const fn = c[method].bind(c) as (r: object, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;
    fn(req, { deadline: Date.now() + 10_000 }, (err, res) => resolve({ err, res }));
  });
}

function expectStatus(o: Outcome, code: grpc.status, details: RegExp): void {
  expect(o.err).not.toBeNull();
  expect({ code: grpc.status[o.err!.code], details: o.err!.details }).toEqual({ code: grpc.status[code], details: expect.stringMatching(details) });
}

function expectOk<T>(o: Outcome): T {
  if (o.err) throw new Error(`expected OK, got ${grpc.status[o.err.code]}: ${o.err.details}`);
  return o.res as T;
}

const records = (n: number, bytes = 8) => Array.from({ length: n }, (_, i) => ({ value: Buffer.alloc(bytes, String(i % 10)) }));

async function nextOffset(topic: string): Promise<number> {
  return Number(expectOk<{ nextOffset: number }>(await call('describeTopic', { topic })).nextOffset);
}

test('unknown topic: NOT_FOUND on append, read, describe and commit; the client and the CLI say so at once', async () => {
  expectStatus(await call('append', { topic: 'nosuch', records: records(1) }), grpc.status.NOT_FOUND, /topic "nosuch" does not exist/);
  expectStatus(await call('read', { topic: 'nosuch', fromOffset: 0 }), grpc.status.NOT_FOUND, /topic "nosuch" does not exist/);
  expectStatus(await call('describeTopic', { topic: 'nosuch' }), grpc.status.NOT_FOUND, /topic "nosuch" does not exist/);
  expectStatus(await call('commitOffset', { group: 'g', topic: 'nosuch', offset: 0 }), grpc.status.NOT_FOUND, /topic "nosuch" does not exist/);

  const c = ordoClient();
  const started = Date.now();
  const err = await c.append('nosuch', [{ value: 'v' }]).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OrdoError);
  expect(grpc.status[(err as OrdoError).code]).toBe('NOT_FOUND');
  expect(Date.now() - started).toBeLessThan(5_000); // not retried until the deadline
  const read = await c.read('nosuch', 0).then(
    () => null,
    (e: unknown) => e as OrdoError,
  );
  expect(read && grpc.status[read.code]).toBe('NOT_FOUND');

  const cli = await cluster.ordo(['append', 'nosuch', 'v']);
  expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/topic "nosuch" does not exist/) });
}, 60_000);

test('offsets out of range: below the earliest (naming it) and beyond the next offset; at the next offset is fine', async () => {
  expectOk(await call('createTopic', { topic: 'short', policy: { kind: 'RETAIN', retainRecords: 5 } }));
  expectOk(await call('append', { topic: 'short', records: records(8) }));
  expectStatus(await call('read', { topic: 'short', fromOffset: 2 }), grpc.status.OUT_OF_RANGE, /offset 2 .*below its earliest offset 3\b/);
  expectStatus(await call('read', { topic: 'short', fromOffset: 100 }), grpc.status.OUT_OF_RANGE, /offset 100 .*beyond its next offset 8\b/);
  const atEnd = expectOk<{ records: unknown[]; earliestOffset: number; nextOffset: number }>(await call('read', { topic: 'short', fromOffset: 8 }));
  expect({ records: atEnd.records.length, earliest: Number(atEnd.earliestOffset), next: Number(atEnd.nextOffset) }).toEqual({ records: 0, earliest: 3, next: 8 });
  const fromEarliest = expectOk<{ records: Array<{ offset: number }> }>(await call('read', { topic: 'short', fromOffset: 3 }));
  expect(fromEarliest.records.map((r) => Number(r.offset))).toEqual([3, 4, 5, 6, 7]);
}, 60_000);

test('read limits: max_records above 10000 and max_bytes above 16 MiB are INVALID_ARGUMENT naming the field and the limit', async () => {
  expectOk(await call('createTopic', { topic: 'limits' }));
  expectOk(await call('append', { topic: 'limits', records: records(3) }));
  expectStatus(await call('read', { topic: 'limits', fromOffset: 0, maxRecords: 10_001 }), grpc.status.INVALID_ARGUMENT, /max_records must be between 1 and 10000, got 10001/);
  expectStatus(await call('read', { topic: 'limits', fromOffset: 0, maxBytes: (16 << 20) + 1 }), grpc.status.INVALID_ARGUMENT, new RegExp(`max_bytes must be between 1 and ${16 << 20}`));
  // At the limits: fine.
  const ok = expectOk<{ records: unknown[] }>(await call('read', { topic: 'limits', fromOffset: 0, maxRecords: 10_000, maxBytes: 16 << 20 }));
  expect(ok.records).toHaveLength(3);
  // The CLI passes --limit through and prints the server's reason.
  const cli = await cluster.ordo(['read', 'limits', '--limit', '20000']);
  expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/max_records must be between 1 and 10000, got 20000/) });
}, 60_000);

test('oversized and empty batches are INVALID_ARGUMENT naming the limit, and append nothing', async () => {
  expectOk(await call('createTopic', { topic: 'batches' }));
  expectStatus(await call('append', { topic: 'batches', records: records(10_001) }), grpc.status.INVALID_ARGUMENT, /append has 10001 records, max 10000/);
  // 5 values of 1,000,000 bytes: each under the 1 MiB value limit, 5 MB in all, over the 4 MiB batch limit.
  expectStatus(await call('append', { topic: 'batches', records: records(5, 1_000_000) }), grpc.status.INVALID_ARGUMENT, new RegExp(`append batch is \\d+ bytes, max ${4 << 20}`));
  expectStatus(await call('append', { topic: 'batches', records: [] }), grpc.status.INVALID_ARGUMENT, /at least one record/);
  expect(await nextOffset('batches')).toBe(0);
  // At the record limit: lands whole.
  const ok = expectOk<{ baseOffset: number; offsets: number[] }>(await call('append', { topic: 'batches', records: records(10_000) }));
  expect({ base: Number(ok.baseOffset), n: ok.offsets.length }).toEqual({ base: 0, n: 10_000 });
  expect(await nextOffset('batches')).toBe(10_000);
}, 60_000);

test('invalid topic names are INVALID_ARGUMENT, on create and on append', async () => {
  const bad: Array<[string, RegExp]> = [
    ['bad name', /character outside \[a-zA-Z0-9._-\]/],
    ['slash/name', /character outside/],
    ['ünïcode', /character outside/],
    ['', /topic name is empty/],
    ['..', /may not be/],
    ['t'.repeat(250), /topic name is 250 characters, max 249/],
  ];
  for (const [topic, why] of bad) {
    expectStatus(await call('createTopic', { topic }), grpc.status.INVALID_ARGUMENT, why);
    expectStatus(await call('append', { topic, records: records(1) }), grpc.status.INVALID_ARGUMENT, why);
  }
  // 249 characters is fine.
  expectOk(await call('createTopic', { topic: 't'.repeat(249) }));
  const cli = await cluster.ordo(['topic', 'create', 'bad name']);
  expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/character outside/) });
}, 60_000);

test('consumer groups: a commit going backwards is FAILED_PRECONDITION, with force it rewinds; beyond the end is OUT_OF_RANGE', async () => {
  expectOk(await call('createTopic', { topic: 'grouped' }));
  expectOk(await call('append', { topic: 'grouped', records: records(10) }));
  expect(expectOk<{ offset: number }>(await call('commitOffset', { group: 'billing', topic: 'grouped', offset: 7 })).offset).toBe(7);
  expectStatus(
    await call('commitOffset', { group: 'billing', topic: 'grouped', offset: 4 }),
    grpc.status.FAILED_PRECONDITION,
    /group "billing" has committed offset 7 .*4 would go backwards \(set force to rewind\)/,
  );
  expect(expectOk<{ found: boolean; offset: number }>(await call('fetchOffset', { group: 'billing', topic: 'grouped' }))).toEqual({ found: true, offset: 7 });
  expect(expectOk<{ offset: number }>(await call('commitOffset', { group: 'billing', topic: 'grouped', offset: 4, force: true })).offset).toBe(4);
  expect(expectOk<{ found: boolean; offset: number }>(await call('fetchOffset', { group: 'billing', topic: 'grouped' }))).toEqual({ found: true, offset: 4 });
  expectStatus(await call('commitOffset', { group: 'billing', topic: 'grouped', offset: 11 }), grpc.status.OUT_OF_RANGE, /offset 11 is beyond the next offset 10/);

  // The client: the same answers, not retried.
  const c = ordoClient();
  const back = await c.commitOffset('billing', 'grouped', 2).then(
    () => null,
    (e: unknown) => e as OrdoError,
  );
  expect(back && { code: grpc.status[back.code], message: back.message }).toEqual({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/would go backwards/) });
  expect(await c.commitOffset('billing', 'grouped', 2, true)).toBe(2);
  expect(await c.fetchOffset('billing', 'grouped')).toBe(2);
  expect(await c.fetchOffset('nobody', 'grouped')).toBeNull();
}, 60_000);

// Regression guard: a failed stream must end with a status (grpc-js sends one only through
// call.emit('error'); call.destroy() once left `ordo tail nosuch` hanging).
test('Subscribe to an unknown topic ends with NOT_FOUND', async () => {
  const stream = log.subscribe({ topic: 'nosuch', fromOffset: 0 });
  const outcome = await new Promise<unknown>((resolve) => {
    const timer = setTimeout(() => resolve('no status within 5000 ms'), 5_000);
    stream.on('data', () => {
      clearTimeout(timer);
      resolve('a message');
    });
    stream.on('error', (e: grpc.ServiceError) => {
      clearTimeout(timer);
      resolve({ code: grpc.status[e.code], details: e.details });
    });
  });
  stream.cancel();
  expect(outcome).toEqual({ code: 'NOT_FOUND', details: expect.stringMatching(/topic "nosuch" does not exist/) });
}, 30_000);

test('after all that, the node keeps serving: same leader, appends and reads work on every node', async () => {
  expectOk(await call('createTopic', { topic: 'after' }));
  const a = expectOk<{ baseOffset: number }>(await call('append', { topic: 'after', records: [{ value: Buffer.from('still here') }] }));
  expect(Number(a.baseOffset)).toBe(0);
  const r = expectOk<{ records: Array<{ value: Buffer }> }>(await call('read', { topic: 'after', fromOffset: 0 }));
  expect(r.records.map((x) => x.value.toString())).toEqual(['still here']);
  const { leader, rows } = await cluster.waitForLeader();
  expect({ id: leader.id, term: leader.term }).toEqual({ id: leaderId, term: leaderTerm });
  expect(rows.map((x) => x.role).sort()).toEqual(['follower', 'follower', 'leader']);
  for (let id = 1; id <= 3; id++) {
    const own = logClient(cluster.endpoint(id));
    const mine = await poll(`n${id} to serve the record`, 30_000, async () => {
      const o = await call('read', { topic: 'after', fromOffset: 0, serializable: true }, own);
      return o.err === null ? (o.res as { records: Array<{ value: Buffer }> }).records.map((x) => x.value.toString()) : undefined;
    });
    expect(mine).toEqual(['still here']);
  }
  expect((await cluster.ordoOk(['read', 'after'])).split('\t')[2]).toBe('still here\n');
}, 60_000);

test('`ordo watch PREFIX --from 1` replays earlier puts and a delete of the prefix, then a live put', async () => {
  const c = ordoClient();
  const p1 = await c.put('wp/a', '1');
  await c.put('other/x', 'outside the prefix');
  const p2 = await c.put('wp/b', '2');
  const d = await c.delete('wp/a');
  expect(Number(d.deleted)).toBe(1);
  const before = [
    `PUT\twp/a\t1\trev=${p1.header!.revision}`,
    `PUT\twp/b\t2\trev=${p2.header!.revision}`,
    `DELETE\twp/a\t\trev=${d.header!.revision}`,
  ];

  const watch = spawnCli(['watch', 'wp/', '--from', '1'], cluster.endpoints, children);
  try {
    await poll('the replayed events', 30_000, async () => (watch.lines.length >= before.length ? true : undefined));
    const live = await c.put('wp/c', '3');
    await poll('the live put', 30_000, async () => (watch.lines.length >= before.length + 1 ? true : undefined));
    // One more put outside the prefix, then one inside: only the latter shows, and nothing in between.
    await c.put('other/y', 'still outside');
    const last = await c.put('wp/d', '4');
    await poll('the last put', 30_000, async () => (watch.lines.length >= before.length + 2 ? true : undefined));
    expect(watch.lines).toEqual([...before, `PUT\twp/c\t3\trev=${live.header!.revision}`, `PUT\twp/d\t4\trev=${last.header!.revision}`]);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlines: ${JSON.stringify(watch.lines)}\nstderr: ${watch.stderr()}`);
  } finally {
    const exit = await watch.interrupt();
    expect({ exit, stderr: watch.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
  }
}, 60_000);
