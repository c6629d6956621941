/**
 * Requests the server must refuse, over real gRPC (@grpc/grpc-js, the proto loaded by
 * src/rpc/proto.ts): bad keys, values and txns get INVALID_ARGUMENT with a useful message, the
 * node keeps serving afterwards, and a follower answers a write with UNAVAILABLE naming the leader.
 */
import * as grpc from '@grpc/grpc-js';
import { OrdoClient, OrdoError } from '../../src/client/client';
import type { KVClient } from '../../src/generated/ordo/v1/KV';
import { GRPC_MESSAGE_BYTES_MAX, kvProto } from '../../src/rpc/proto';
import { LEADER_ADDRESS_KEY, LEADER_ID_KEY } from '../../src/server/grpc-errors';
import { Cluster } from './support/cluster';

type Method = 'put' | 'range' | 'deleteRange' | 'txn';
interface Outcome {
  err: grpc.ServiceError | null;
  res: unknown;
}

let cluster: Cluster;
let leaderId: number;
let followerId: number;
const clients: KVClient[] = [];

function kv(endpoint: string): KVClient {
  const v1 = kvProto().ordo.v1;
  const c = new v1.KV(endpoint, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
    'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  });
  clients.push(c);
  return c;
}

/** One call, no retries, a 10 s deadline: the raw status the server answers with. */
function call(c: KVClient, method: Method, req: object): Promise<Outcome> {
  return new Promise((resolve) => {
    const fn = c[method].bind(c) as (r: object, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;
    fn(req, { deadline: Date.now() + 10_000 }, (err, res) => resolve({ err, res }));
  });
}

function expectStatus(o: Outcome, code: grpc.status, details: RegExp): void {
  expect(o.err).not.toBeNull();
  expect({ code: grpc.status[o.err!.code], details: o.err!.details }).toEqual({ code: grpc.status[code], details: expect.stringMatching(details) });
}

let leaderKv: KVClient;

beforeAll(async () => {
  cluster = Cluster.start('bad-input', { nodes: 3 });
  const { leader } = await cluster.waitForLeader();
  leaderId = leader.id!;
  followerId = [1, 2, 3].find((id) => id !== leaderId)!;
  leaderKv = kv(cluster.endpoint(leaderId));
}, 60_000);

afterAll(() => {
  for (const c of clients) c.close();
  cluster?.destroy();
});

test('empty key: INVALID_ARGUMENT naming the key', async () => {
  expectStatus(await call(leaderKv, 'put', { key: Buffer.alloc(0), value: Buffer.from('v') }), grpc.status.INVALID_ARGUMENT, /\bkey\b.*empty/);
  expectStatus(await call(leaderKv, 'range', { key: Buffer.alloc(0) }), grpc.status.INVALID_ARGUMENT, /\bkey\b.*empty/);
  expectStatus(await call(leaderKv, 'deleteRange', { key: Buffer.alloc(0) }), grpc.status.INVALID_ARGUMENT, /\bkey\b.*empty/);
}, 60_000);

test('5000-byte key: INVALID_ARGUMENT mentioning the 4096-byte limit', async () => {
  const key = Buffer.alloc(5000, 'k');
  expectStatus(await call(leaderKv, 'put', { key, value: Buffer.from('v') }), grpc.status.INVALID_ARGUMENT, /key is 5000 bytes, max 4096/);
  expectStatus(await call(leaderKv, 'range', { key }), grpc.status.INVALID_ARGUMENT, /4096/);
  // 4096 bytes exactly is fine.
  const ok = await call(leaderKv, 'put', { key: Buffer.alloc(4096, 'k'), value: Buffer.from('at-the-limit') });
  expect(ok.err).toBeNull();
}, 60_000);

test('1.5 MiB value: INVALID_ARGUMENT mentioning the 1 MiB limit', async () => {
  const value = Buffer.alloc(1.5 * 1024 * 1024, 'v');
  expectStatus(await call(leaderKv, 'put', { key: Buffer.from('big'), value }), grpc.status.INVALID_ARGUMENT, new RegExp(`value is ${value.length} bytes, max ${1 << 20}`));
  // Nothing was written.
  const r = await call(leaderKv, 'range', { key: Buffer.from('big') });
  expect(r.err).toBeNull();
  expect((r.res as { kvs: unknown[] }).kvs).toEqual([]);
}, 60_000);

test('malformed txn (a RequestOp with no request set): INVALID_ARGUMENT', async () => {
  const noRequest = await call(leaderKv, 'txn', { compare: [], success: [{}], failure: [] });
  expectStatus(noRequest, grpc.status.INVALID_ARGUMENT, /success\[0\] holds no request/);
  const inFailure = await call(leaderKv, 'txn', { success: [{ requestPut: { key: Buffer.from('t'), value: Buffer.from('1') } }], failure: [{}, {}] });
  expectStatus(inFailure, grpc.status.INVALID_ARGUMENT, /failure\[0\] holds no request/);
  // A txn op with a bad key inside is refused as a whole.
  const badInner = await call(leaderKv, 'txn', { success: [{ requestPut: { key: Buffer.alloc(0), value: Buffer.from('1') } }] });
  expectStatus(badInner, grpc.status.INVALID_ARGUMENT, /key is empty/);
  const t = await call(leaderKv, 'range', { key: Buffer.from('t') });
  expect((t.res as { kvs: unknown[] }).kvs).toEqual([]);
}, 60_000);

test('OrdoClient surfaces INVALID_ARGUMENT at once instead of retrying until its deadline', async () => {
  const client = new OrdoClient(cluster.endpoints, { deadlineMs: 10_000 });
  try {
    const started = Date.now();
    const err = await client.put('', 'v').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OrdoError);
    expect({ code: grpc.status[(err as OrdoError).code], message: (err as OrdoError).message }).toEqual({ code: 'INVALID_ARGUMENT', message: 'key is empty' });
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    client.close();
  }
}, 60_000);

test('after all that, the leader still serves a normal put and get', async () => {
  const put = await call(leaderKv, 'put', { key: Buffer.from('normal'), value: Buffer.from('fine') });
  expect(put.err).toBeNull();
  const get = await call(leaderKv, 'range', { key: Buffer.from('normal') });
  expect(get.err).toBeNull();
  expect((get.res as { kvs: Array<{ value: Buffer }> }).kvs.map((x) => x.value.toString())).toEqual(['fine']);
  expect(await cluster.ordoOk(['get', 'normal'])).toBe('fine\n');
  const { leader } = await cluster.waitForLeader();
  expect(leader.id).toBe(leaderId);
}, 60_000);

test('a follower answers a Put with UNAVAILABLE carrying the leader address in metadata', async () => {
  await cluster.waitForLeader(); // every node knows the leader
  const followerKv = kv(cluster.endpoint(followerId));
  const o = await call(followerKv, 'put', { key: Buffer.from('via-follower'), value: Buffer.from('x') });
  expectStatus(o, grpc.status.UNAVAILABLE, new RegExp(`not the leader.*node ${leaderId}`));
  expect(o.err!.metadata.get(LEADER_ADDRESS_KEY)).toEqual([cluster.endpoint(leaderId)]);
  expect(o.err!.metadata.get('ordo-leader-address')).toEqual([cluster.endpoint(leaderId)]);
  expect(o.err!.metadata.get(LEADER_ID_KEY)).toEqual([String(leaderId)]);
  // A linearizable read too; a serializable one is answered locally.
  const lin = await call(followerKv, 'range', { key: Buffer.from('normal') });
  expectStatus(lin, grpc.status.UNAVAILABLE, /not the leader/);
  expect(lin.err!.metadata.get(LEADER_ADDRESS_KEY)).toEqual([cluster.endpoint(leaderId)]);
  // The refused write was not applied anywhere.
  const r = await call(leaderKv, 'range', { key: Buffer.from('via-follower') });
  expect((r.res as { kvs: unknown[] }).kvs).toEqual([]);
}, 60_000);
