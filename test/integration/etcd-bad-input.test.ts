/**
 * Requests etcd refuses, sent over raw gRPC (@grpc/grpc-js with etcd's own protos as
 * src/rpc/proto.ts loads them: field names as etcd spells them, 64-bit integers as strings), one
 * call each, no retries, to the leader and to a follower. Clients match etcd's errors on the code
 * and the exact message text (clientv3 turns the text back into typed errors), so both are
 * compared exactly. None of them may write anything: the revision is the same afterwards.
 */
import * as grpc from '@grpc/grpc-js';
import type { KVClient } from '../../src/generated/etcd/etcdserverpb/KV';
import type { LeaseClient } from '../../src/generated/etcd/etcdserverpb/Lease';
import type { RangeResponse__Output } from '../../src/generated/etcd/etcdserverpb/RangeResponse';
import type { WatchClient } from '../../src/generated/etcd/etcdserverpb/Watch';
import type { WatchResponse__Output } from '../../src/generated/etcd/etcdserverpb/WatchResponse';
import { etcdProto } from '../../src/rpc/proto';
import { Cluster } from './support/cluster';

interface Outcome {
  err: grpc.ServiceError | null;
  res: unknown;
}
interface Target {
  readonly name: string;
  readonly kv: KVClient;
  readonly lease: LeaseClient;
  readonly watch: WatchClient;
}

let cluster: Cluster;
const targets: Target[] = [];
const closers: Array<() => void> = [];
let revisionBefore: string;

const B = (s: string) => Buffer.from(s, 'utf8');

function target(name: string, endpoint: string): Target {
  const pb = etcdProto().etcdserverpb;
  const creds = grpc.credentials.createInsecure();
  const t = { name, kv: new pb.KV(endpoint, creds), lease: new pb.Lease(endpoint, creds), watch: new pb.Watch(endpoint, creds) };
  closers.push(() => {
    t.kv.close();
    t.lease.close();
    t.watch.close();
  });
  return t;
}

/** One unary call, no retries, a 10 s deadline: the raw status the server answers with. */
function call(client: grpc.Client, method: string, req: object): Promise<Outcome> {
  return new Promise((resolve) => {
    const fn = (client as unknown as Record<string, (r: object, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void>)[method]!.bind(client);
    fn(req, { deadline: Date.now() + 10_000 }, (err, res) => resolve({ err, res }));
  });
}

/** The call's outcome as {code, details}: OK with no details when it succeeded. */
function status(o: Outcome): { code: string; details: string } {
  return o.err === null ? { code: 'OK', details: '' } : { code: grpc.status[o.err.code]!, details: o.err.details };
}

/** Runs `req` against the leader and a follower; both must answer `code` with exactly `details`. */
async function expectRefused(service: 'kv' | 'lease', method: string, req: object, code: grpc.status, details: string): Promise<void> {
  for (const t of targets) {
    const o = await call(t[service], method, req);
    expect({ to: t.name, ...status(o) }).toEqual({ to: t.name, code: grpc.status[code], details });
  }
}

async function range(t: Target, key: string, extra: object = {}): Promise<RangeResponse__Output> {
  const o = await call(t.kv, 'Range', { key: B(key), ...extra });
  if (o.err) throw o.err;
  return o.res as RangeResponse__Output;
}

beforeAll(async () => {
  cluster = Cluster.start('etcd-bad-input', { nodes: 3 });
  const { leader } = await cluster.waitForLeader();
  const followerId = [1, 2, 3].find((id) => id !== leader.id)!;
  targets.push(target(`leader n${leader.id}`, cluster.endpoint(leader.id!)), target(`follower n${followerId}`, cluster.endpoint(followerId)));
  // Something to read: keys a, b, z.
  for (const k of ['a', 'b', 'z']) {
    const o = await call(targets[0]!.kv, 'Put', { key: B(k), value: B(`v-${k}`) });
    expect(o.err).toBeNull();
  }
  revisionBefore = (await range(targets[0]!, 'a')).header!.revision;
  expect(revisionBefore).toBe('4'); // etcd's store starts at revision 1; three puts
}, 60_000);

afterAll(() => {
  for (const close of closers) close();
  cluster?.destroy();
});

test('empty key on Range, Put and DeleteRange: INVALID_ARGUMENT "etcdserver: key is not provided"', async () => {
  const msg = 'etcdserver: key is not provided';
  await expectRefused('kv', 'Range', { key: Buffer.alloc(0) }, grpc.status.INVALID_ARGUMENT, msg);
  await expectRefused('kv', 'Range', { key: Buffer.alloc(0), serializable: true }, grpc.status.INVALID_ARGUMENT, msg);
  await expectRefused('kv', 'Put', { key: Buffer.alloc(0), value: B('v') }, grpc.status.INVALID_ARGUMENT, msg);
  await expectRefused('kv', 'DeleteRange', { key: Buffer.alloc(0) }, grpc.status.INVALID_ARGUMENT, msg);
  // Inside a txn, too.
  await expectRefused('kv', 'Txn', { success: [{ request_put: { key: Buffer.alloc(0), value: B('v') } }] }, grpc.status.INVALID_ARGUMENT, msg);
});

test('a Range whose range_end is not above its key: OK, no pairs, count 0 (as etcd)', async () => {
  for (const t of targets) {
    for (const [key, end] of [
      ['z', 'a'],
      ['b', 'b'],
    ] as const) {
      for (const serializable of [false, true]) {
        const r = await range(t, key, { range_end: B(end), serializable });
        expect({ to: t.name, key, end, serializable, kvs: r.kvs, count: r.count, more: r.more }).toEqual({ to: t.name, key, end, serializable, kvs: [], count: '0', more: false });
      }
    }
    // The same keys are there for a proper range.
    expect((await range(t, 'a', { range_end: B('zz') })).count).toBe('3');
  }
});

test('129 ops in a txn branch: INVALID_ARGUMENT "etcdserver: too many operations in txn request"', async () => {
  const ops = Array.from({ length: 129 }, (_, i) => ({ request_put: { key: B(`many/${i}`), value: B('v') } }));
  const msg = 'etcdserver: too many operations in txn request';
  await expectRefused('kv', 'Txn', { success: ops }, grpc.status.INVALID_ARGUMENT, msg);
  await expectRefused('kv', 'Txn', { failure: ops }, grpc.status.INVALID_ARGUMENT, msg);
  const compares = Array.from({ length: 129 }, (_, i) => ({ key: B(`many/${i}`), target: 'VERSION', result: 'EQUAL', version: '0' }));
  await expectRefused('kv', 'Txn', { compare: compares }, grpc.status.INVALID_ARGUMENT, msg);
  for (const t of targets) expect((await range(t, 'many/', { range_end: B('many0') })).count).toBe('0');
});

test('a txn branch writing one key twice: INVALID_ARGUMENT "etcdserver: duplicate key given in txn request"', async () => {
  const msg = 'etcdserver: duplicate key given in txn request';
  const put = (k: string, v: string) => ({ request_put: { key: B(k), value: B(v) } });
  await expectRefused('kv', 'Txn', { success: [put('dup', '1'), put('dup', '2')] }, grpc.status.INVALID_ARGUMENT, msg);
  await expectRefused('kv', 'Txn', { failure: [put('dup', '1'), put('other', '2'), put('dup', '3')] }, grpc.status.INVALID_ARGUMENT, msg);
  // A put and a delete that covers it.
  await expectRefused('kv', 'Txn', { success: [put('dup/x', '1'), { request_delete_range: { key: B('dup/'), range_end: B('dup0') } }] }, grpc.status.INVALID_ARGUMENT, msg);
  for (const t of targets) expect((await range(t, 'dup', { range_end: B('duq') })).count).toBe('0');
});

test('Put with a lease that does not exist: NOT_FOUND "etcdserver: requested lease not found", nothing written', async () => {
  await expectRefused('kv', 'Put', { key: B('leased'), value: B('v'), lease: '424242' }, grpc.status.NOT_FOUND, 'etcdserver: requested lease not found');
  for (const t of targets) {
    const r = await range(t, 'leased');
    expect({ to: t.name, kvs: r.kvs, count: r.count }).toEqual({ to: t.name, kvs: [], count: '0' });
  }
});

test('LeaseRevoke of an unknown lease: NOT_FOUND "etcdserver: requested lease not found"', async () => {
  await expectRefused('lease', 'LeaseRevoke', { ID: '424242' }, grpc.status.NOT_FOUND, 'etcdserver: requested lease not found');
});

test('Range at a future revision: OUT_OF_RANGE "etcdserver: mvcc: required revision is a future revision"', async () => {
  const msg = 'etcdserver: mvcc: required revision is a future revision';
  await expectRefused('kv', 'Range', { key: B('a'), revision: '1000000' }, grpc.status.OUT_OF_RANGE, msg);
  // One past the current revision is already the future.
  await expectRefused('kv', 'Range', { key: B('a'), revision: String(Number(revisionBefore) + 1) }, grpc.status.OUT_OF_RANGE, msg);
  await expectRefused('kv', 'Range', { key: B('a'), revision: '1000000', serializable: true }, grpc.status.OUT_OF_RANGE, msg);
  // The current one is fine.
  for (const t of targets) expect((await range(t, 'a', { revision: revisionBefore })).kvs.map((kv) => kv.value.toString())).toEqual(['v-a']);
});

test('Put with ignore_value on an absent key: INVALID_ARGUMENT "etcdserver: key not found"', async () => {
  await expectRefused('kv', 'Put', { key: B('absent'), ignore_value: true }, grpc.status.INVALID_ARGUMENT, 'etcdserver: key not found');
  for (const t of targets) expect((await range(t, 'absent')).count).toBe('0');
});

test('LeaseGrant with TTL 9000000001: OUT_OF_RANGE "etcdserver: too large lease TTL"', async () => {
  await expectRefused('lease', 'LeaseGrant', { TTL: '9000000001' }, grpc.status.OUT_OF_RANGE, 'etcdserver: too large lease TTL');
  // No lease was granted.
  for (const t of targets) {
    const o = await call(t.lease, 'LeaseLeases', {});
    expect({ to: t.name, err: o.err, leases: (o.res as { leases: unknown[] } | undefined)?.leases }).toEqual({ to: t.name, err: null, leases: [] });
  }
});

test('Watch create with range_end below key: created and canceled, "mvcc: watcher range is empty"; the stream stays usable', async () => {
  for (const t of targets) {
    const stream = t.watch.Watch();
    const responses: WatchResponse__Output[] = [];
    const errors: grpc.ServiceError[] = [];
    stream.on('data', (r: WatchResponse__Output) => responses.push(r));
    stream.on('error', (e: grpc.ServiceError) => errors.push(e));
    try {
      stream.write({ create_request: { key: B('z'), range_end: B('a') } });
      const deadline = Date.now() + 10_000;
      while (responses.length < 1 && errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(errors).toEqual([]);
      expect(responses).toHaveLength(1);
      const r = responses[0]!;
      expect({ to: t.name, created: r.created, canceled: r.canceled, cancel_reason: r.cancel_reason, watch_id: r.watch_id, events: r.events }).toEqual({
        to: t.name,
        created: true,
        canceled: true,
        cancel_reason: 'mvcc: watcher range is empty',
        watch_id: '-1',
        events: [],
      });
      // The same stream then serves a proper watch.
      stream.write({ create_request: { key: B('a'), range_end: B('c') } });
      while (responses.length < 2 && errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(errors).toEqual([]);
      expect({ created: responses[1]?.created, canceled: responses[1]?.canceled, cancel_reason: responses[1]?.cancel_reason }).toEqual({ created: true, canceled: false, cancel_reason: '' });
    } finally {
      stream.cancel();
    }
  }
});

test("what ordo does not support (etcd would accept it): INVALID_ARGUMENT with an \"ordo: ...\" message", async () => {
  const put = { request_put: { key: B('unsupported'), value: B('v') } };
  await expectRefused('kv', 'Txn', { success: [put, { request_txn: { success: [put] } }] }, grpc.status.INVALID_ARGUMENT, 'ordo: nested txn requests are not supported');
  await expectRefused(
    'kv',
    'Txn',
    { success: [{ request_range: { key: B('a'), revision: '2' } }] },
    grpc.status.INVALID_ARGUMENT,
    'ordo: a range at a past revision inside a txn is not supported; read it outside the txn',
  );
  await expectRefused(
    'kv',
    'Txn',
    { compare: [{ key: B('a'), range_end: B('c'), target: 'VERSION', result: 'GREATER', version: '0' }], success: [put] },
    grpc.status.INVALID_ARGUMENT,
    'ordo: a compare over a key range (range_end) is not supported; compare single keys',
  );
  for (const t of targets) expect((await range(t, 'unsupported')).count).toBe('0');
});

// Last (jest runs a file's tests in order): none of the requests above wrote anything.
test('after all of them the revision is unchanged, on every member', async () => {
  await cluster.waitForConvergence([1, 2, 3]);
  for (const id of [1, 2, 3]) {
    const t = target(`n${id}`, cluster.endpoint(id));
    expect({ to: t.name, revision: (await range(t, 'a', { serializable: true })).header!.revision }).toEqual({ to: t.name, revision: revisionBefore });
  }
  for (const t of targets) expect({ to: t.name, revision: (await range(t, 'a')).header!.revision }).toEqual({ to: t.name, revision: revisionBefore });
});
