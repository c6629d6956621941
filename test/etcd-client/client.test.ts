import * as grpc from '@grpc/grpc-js';
import { Cmp, EtcdClient, EtcdClientError, Op } from '../../src/etcd-client';
import { FakeEtcd, header, refusedPort, silentListener } from './fake-etcd';

const kv = (key: string, value: string, rev: number, version = 1, lease = 0) => ({
  key: Buffer.from(key),
  value: Buffer.from(value),
  create_revision: String(rev - version + 1),
  mod_revision: String(rev),
  version: String(version),
  lease: String(lease),
});
const unavailable = (details: string) => ({ error: grpc.status.UNAVAILABLE, details });

describe('EtcdClient', () => {
  const servers: FakeEtcd[] = [];
  const clients: EtcdClient[] = [];
  const serve = async (script: FakeEtcd['script'] = {}) => {
    const s = await new FakeEtcd(script).start();
    servers.push(s);
    return s;
  };
  const client = (endpoints: string[], opts: { first?: number; attemptTimeoutMs?: number; deadlineMs?: number } = {}) => {
    const c = new EtcdClient({ endpoints, attemptTimeoutMs: 300, deadlineMs: 2000, ...opts });
    clients.push(c);
    return c;
  };
  const failure = async (p: Promise<unknown>): Promise<EtcdClientError> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(EtcdClientError);
      return e as EtcdClientError;
    }
    throw new Error('expected the call to fail');
  };

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) s.stop();
  });

  describe('calls and conversions', () => {
    it('get: the key-value with numbers and Buffers, the header revision, and the read options on the wire', async () => {
      const s = await serve({ Range: () => ({ ok: { header: header(9), kvs: [kv('k', 'v', 7, 3, 42)], count: '1' } }) });
      const c = client([s.address]);
      const r = await c.get('k');
      expect(r).toEqual({ revision: 9, kv: { key: Buffer.from('k'), value: Buffer.from('v'), createRevision: 5, modRevision: 7, version: 3, lease: 42 } });
      await c.get('k', { serializable: true, revision: 5 });
      const [plain, opts] = s.received('Range');
      expect(plain).toMatchObject({ key: Buffer.from('k'), serializable: false, revision: '0', range_end: Buffer.alloc(0) });
      expect(opts).toMatchObject({ key: Buffer.from('k'), serializable: true, revision: '5' });
    });

    it('get of a missing key: no kv', async () => {
      const s = await serve({ Range: () => ({ ok: { header: header(3), kvs: [] } }) });
      expect(await client([s.address]).get('nope')).toEqual({ revision: 3 });
    });

    it('range, put (lease, prevKv), delete', async () => {
      const s = await serve({
        Range: () => ({ ok: { header: header(4), kvs: [kv('a', '1', 2), kv('b', '2', 3)], more: true, count: '5' } }),
        Put: () => ({ ok: { header: header(5), prev_kv: kv('a', '1', 2) } }),
        DeleteRange: () => ({ ok: { header: header(6), deleted: '2', prev_kvs: [kv('a', '9', 5, 2)] } }),
      });
      const c = client([s.address]);
      const r = await c.range('a', 'c', { limit: 2, keysOnly: true });
      expect(r.kvs.map((x) => x.key.toString())).toEqual(['a', 'b']);
      expect([r.more, r.count, r.revision]).toEqual([true, 5, 4]);
      expect(s.received('Range')[0]).toMatchObject({ key: Buffer.from('a'), range_end: Buffer.from('c'), limit: '2', keys_only: true });

      const p = await c.put('a', '9', { lease: 77, prevKv: true });
      expect(p).toEqual({ revision: 5, prevKv: expect.objectContaining({ value: Buffer.from('1'), modRevision: 2 }) });
      expect(s.received('Put')[0]).toMatchObject({ key: Buffer.from('a'), value: Buffer.from('9'), lease: '77', prev_kv: true });
      expect(await c.put('b', 'x')).toEqual({ revision: 5, prevKv: expect.anything() });

      const d = await c.delete('a', { rangeEnd: 'c', prevKv: true });
      expect([d.deleted, d.revision, d.prevKvs[0].version]).toEqual([2, 6, 2]);
      expect(s.received('DeleteRange')[0]).toMatchObject({ key: Buffer.from('a'), range_end: Buffer.from('c'), prev_kv: true });
    });

    it('cas: value == expect, or version == 0 for null; put on success', async () => {
      let succeed = true;
      const s = await serve({ Txn: () => ({ ok: { header: header(8), succeeded: succeed, responses: succeed ? [{ response_put: { header: header(8) } }] : [] } }) });
      const c = client([s.address]);
      expect(await c.cas('k', 'old', 'new')).toEqual({ succeeded: true, revision: 8 });
      succeed = false;
      expect(await c.cas('k', null, 'first')).toEqual({ succeeded: false, revision: 8 });
      const [withValue, absent] = s.received('Txn');
      expect(withValue).toMatchObject({
        compare: [{ key: Buffer.from('k'), target: 'VALUE', result: 'EQUAL', value: Buffer.from('old'), target_union: 'value' }],
        success: [{ request_put: { key: Buffer.from('k'), value: Buffer.from('new') } }],
        failure: [],
      });
      expect(absent).toMatchObject({ compare: [{ key: Buffer.from('k'), target: 'VERSION', result: 'EQUAL', version: '0', target_union: 'version' }] });
    });

    it('txn with the builders: comparisons, operations and typed responses', async () => {
      const s = await serve({
        Txn: () => ({
          ok: {
            header: header(12),
            succeeded: true,
            responses: [{ response_range: { header: header(12), kvs: [kv('a', '1', 3)], count: '1' } }, { response_put: { header: header(12) } }, { response_delete_range: { header: header(12), deleted: '1' } }],
          },
        }),
      });
      const r = await client([s.address]).txn(
        [Cmp.modRevision('a', '<', 10), Cmp.version('b', '!=', 0), Cmp.createRevision('c', '>', 1), Cmp.lease('d', '=', 5), Cmp.value('e', '=', 'x')],
        [Op.get('a'), Op.put('b', 'v', { prevKv: true }), Op.delete('c')],
        [Op.get('a', 'z')],
      );
      expect(r.succeeded).toBe(true);
      expect(r.revision).toBe(12);
      expect(r.responses.map((x) => x.type)).toEqual(['range', 'put', 'delete']);
      expect(r.responses[0]).toMatchObject({ type: 'range', count: 1, kvs: [{ key: Buffer.from('a'), modRevision: 3 }] });
      expect(r.responses[2]).toEqual({ type: 'delete', deleted: 1, prevKvs: [] });
      const req = s.received('Txn')[0] as { compare: unknown[]; success: unknown[]; failure: unknown[] };
      expect(req.compare).toMatchObject([
        { target: 'MOD', result: 'LESS', mod_revision: '10' },
        { target: 'VERSION', result: 'NOT_EQUAL', version: '0' },
        { target: 'CREATE', result: 'GREATER', create_revision: '1' },
        { target: 'LEASE', result: 'EQUAL', lease: '5' },
        { target: 'VALUE', result: 'EQUAL', value: Buffer.from('x') },
      ]);
      expect(req.success).toMatchObject([{ request_range: { key: Buffer.from('a') } }, { request_put: { key: Buffer.from('b'), prev_kv: true } }, { request_delete_range: { key: Buffer.from('c') } }]);
      expect(req.failure).toMatchObject([{ request_range: { key: Buffer.from('a'), range_end: Buffer.from('z') } }]);
    });

    it('leaseGrant and leaseRevoke', async () => {
      const s = await serve({ LeaseGrant: (req) => ({ ok: { header: header(2), ID: '123456789012', TTL: String(req.TTL), error: '' } }), LeaseRevoke: () => ({ ok: { header: header(3) } }) });
      const c = client([s.address]);
      expect(await c.leaseGrant(30)).toEqual({ id: 123456789012, ttl: 30 });
      expect(await c.leaseRevoke(123456789012)).toEqual({ revision: 3 });
      expect(s.received('LeaseRevoke')[0]).toMatchObject({ ID: '123456789012' });
    });

    it('starts on endpoint `first` and stays where calls succeed', async () => {
      const a = await serve();
      const b = await serve();
      const c = client([a.address, b.address], { first: 3 });
      await c.get('k');
      await c.put('k', 'v');
      expect([a.calls.length, b.calls.length]).toEqual([0, 2]);
    });
  });

  describe('endpoint failures', () => {
    it('a read answered UNAVAILABLE moves on to the next endpoint, and later calls start there', async () => {
      const a = await serve({ Range: () => unavailable('etcdserver: no leader') });
      const b = await serve({ Range: () => ({ ok: { header: header(4), kvs: [kv('k', 'v', 4)] } }) });
      const c = client([a.address, b.address]);
      expect((await c.get('k')).kv?.value.toString()).toBe('v');
      await c.get('k');
      expect([a.received('Range').length, b.received('Range').length]).toEqual([1, 2]);
    });

    it('a read that times out on a hung endpoint is retried elsewhere', async () => {
      const a = await serve({ Range: () => 'hang' });
      const b = await serve({ Range: () => ({ ok: { header: header(4), kvs: [kv('k', 'v', 4)] } }) });
      const c = client([a.address, b.address], { attemptTimeoutMs: 200 });
      const t0 = Date.now();
      expect((await c.get('k')).kv?.value.toString()).toBe('v');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    });

    it('a read on a refused endpoint is retried elsewhere', async () => {
      const b = await serve();
      const c = client([`127.0.0.1:${await refusedPort()}`, b.address]);
      await c.get('k');
      expect(b.received('Range')).toHaveLength(1);
    });

    it('a read gives up at the deadline with the last error', async () => {
      const a = await serve({ Range: () => unavailable('etcdserver: no leader') });
      const c = client([a.address], { deadlineMs: 1000 });
      const t0 = Date.now();
      const e = await failure(c.get('k'));
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(e.code).toBe(grpc.status.UNAVAILABLE);
      expect(e.message).toMatch(/no answer within 1000 ms .*etcdserver: no leader/);
      expect(a.received('Range').length).toBeGreaterThanOrEqual(2);
    });

    it('a write that failed with UNAVAILABLE after reaching a server is not retried: its outcome is unknown', async () => {
      const a = await serve({ Put: () => unavailable('etcdserver: request timed out') });
      const b = await serve();
      const c = client([a.address, b.address]);
      const e = await failure(c.put('k', 'v'));
      expect([e.code, e.details, e.sent, e.definite, e.endpoint]).toEqual([grpc.status.UNAVAILABLE, 'etcdserver: request timed out', true, false, a.address]);
      expect(b.calls).toHaveLength(0);
      // The client moved on: the next call goes to the other endpoint.
      await c.put('k', 'w');
      expect([a.received('Put').length, b.received('Put').length]).toEqual([1, 1]);
    });

    it('a write that timed out on a hung endpoint is not retried either', async () => {
      const a = await serve({ Txn: () => 'hang' });
      const b = await serve();
      const e = await failure(client([a.address, b.address], { attemptTimeoutMs: 200 }).cas('k', null, 'v'));
      expect([e.code, e.sent, e.definite]).toEqual([grpc.status.DEADLINE_EXCEEDED, true, false]);
      expect(b.calls).toHaveLength(0);
    });

    it('a refused connection is skipped for writes too: nothing was sent', async () => {
      const b = await serve();
      const c = client([`127.0.0.1:${await refusedPort()}`, b.address]);
      await c.put('k', 'v');
      await c.txn([], [Op.put('k', 'w')]);
      await c.leaseGrant(10);
      expect(b.calls.map((x) => x.method)).toEqual(['Put', 'Txn', 'LeaseGrant']);
    });

    it('an endpoint that accepts TCP but never completes the handshake (a frozen node) is skipped for writes', async () => {
      const frozen = await silentListener();
      try {
        const b = await serve();
        const c = client([frozen.address, b.address], { attemptTimeoutMs: 250 });
        await c.put('k', 'v');
        expect(b.received('Put')).toHaveLength(1);
      } finally {
        await frozen.close();
      }
    });

    it('a write that could not be sent anywhere fails definitely at the deadline', async () => {
      const c = client([`127.0.0.1:${await refusedPort()}`, `127.0.0.1:${await refusedPort()}`], { deadlineMs: 500 });
      const e = await failure(c.put('k', 'v'));
      expect([e.code, e.sent, e.definite]).toEqual([grpc.status.UNAVAILABLE, false, true]);
      expect(e.message).toMatch(/no answer within 500 ms/);
    });

    it('a write waits for a restarted endpoint (a refused connection is retried until the deadline)', async () => {
      const port = await refusedPort();
      const c = client([`127.0.0.1:${port}`], { deadlineMs: 5000 });
      const restarted = new FakeEtcd();
      servers.push(restarted);
      setTimeout(() => void restarted.start(port), 400);
      await c.put('k', 'v');
      expect(restarted.received('Put')).toHaveLength(1);
    });

    it('definite refusals are not retried, for writes and reads alike', async () => {
      const a = await serve({
        Put: () => ({ error: grpc.status.INVALID_ARGUMENT, details: 'etcdserver: key is not provided' }),
        Range: () => ({ error: grpc.status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision has been compacted' }),
        LeaseRevoke: () => ({ error: grpc.status.NOT_FOUND, details: 'etcdserver: requested lease not found' }),
      });
      const b = await serve();
      const c = client([a.address, b.address]);
      const put = await failure(c.put('', 'v'));
      expect([put.code, put.details, put.sent, put.definite]).toEqual([grpc.status.INVALID_ARGUMENT, 'etcdserver: key is not provided', true, true]);
      const get = await failure(c.get('k', { revision: 1 }));
      expect([get.code, get.definite]).toEqual([grpc.status.OUT_OF_RANGE, true]);
      expect((await failure(c.leaseRevoke(5))).code).toBe(grpc.status.NOT_FOUND);
      expect(b.calls).toHaveLength(0);
    });

    it('other server errors are neither retried nor definite', async () => {
      const a = await serve({ Put: () => ({ error: grpc.status.RESOURCE_EXHAUSTED, details: 'etcdserver: too many requests' }) });
      const b = await serve();
      const e = await failure(client([a.address, b.address]).put('k', 'v'));
      expect([e.code, e.sent, e.definite]).toEqual([grpc.status.RESOURCE_EXHAUSTED, true, false]);
      expect(b.calls).toHaveLength(0);
    });

    it('calls after close fail at once', async () => {
      const a = await serve();
      const c = client([a.address]);
      await c.get('k');
      c.close();
      expect((await failure(c.get('k'))).code).toBe(grpc.status.CANCELLED);
    });
  });
});
