/**
 * The `etcd3` npm package (a third-party etcd v3 client over grpc-js) against a 3-node ordo
 * cluster: KV with its decoders, prev_kv, txns, watches (key and prefix, served by a follower),
 * leases kept alive and lost, and the lock and election recipes built on top of them.
 */
import { Etcd3, EtcdLeaseInvalidError, EtcdLockFailedError, type IKeyValue, type Lease } from 'etcd3';
import { Cluster, poll, sleep } from './support/cluster';

let cluster: Cluster;
let leaderId: number;
let followerId: number;
const clients: Etcd3[] = [];

/** A client over the given endpoints (all three by default), closed in afterAll. */
function newClient(hosts: readonly string[] = cluster.endpoints): Etcd3 {
  const c = new Etcd3({ hosts: [...hosts] });
  clients.push(c);
  return c;
}

let client: Etcd3;

beforeAll(async () => {
  cluster = Cluster.start('etcd3-client', { nodes: 3 });
  const { leader } = await cluster.waitForLeader();
  leaderId = leader.id!;
  followerId = [1, 2, 3].find((id) => id !== leaderId)!;
  client = newClient();
}, 60_000);

afterAll(() => {
  for (const c of clients) c.close();
  cluster?.destroy();
});

describe('KV', () => {
  test('put / get (.string, .number, .json, .buffer) / delete', async () => {
    await client.put('greeting').value('hello');
    expect(await client.get('greeting').string()).toBe('hello');
    expect(await client.get('greeting').buffer()).toEqual(Buffer.from('hello'));
    await client.put('n').value(42);
    expect(await client.get('n').number()).toBe(42);
    await client.put('j').value(JSON.stringify({ a: 1, b: ['x', null] }));
    expect(await client.get('j').json()).toEqual({ a: 1, b: ['x', null] });
    expect(await client.get('absent').string()).toBeNull();
    expect(await client.get('absent').number()).toBeNull();

    const del = await client.delete().key('greeting');
    expect(del.deleted).toBe('1');
    expect(await client.get('greeting').string()).toBeNull();
    expect((await client.delete().key('greeting')).deleted).toBe('0');

    // The raw response: etcd's fields, revisions as decimal strings.
    const put = await client.put('raw').value('r').exec();
    const got = await client.get('raw').exec();
    expect(got.kvs).toHaveLength(1);
    expect(got.kvs[0]!.key.toString()).toBe('raw');
    expect(got.kvs[0]!.version).toBe('1');
    expect(got.kvs[0]!.create_revision).toBe(put.header.revision);
    expect(got.kvs[0]!.mod_revision).toBe(put.header.revision);
    expect(got.header.revision).toBe(put.header.revision);
  });

  test('getAll().prefix(): strings, keys, count, sort and limit', async () => {
    for (const [k, v] of [
      ['p/b', '2'],
      ['p/a', '1'],
      ['p/c', '3'],
      ['px', 'outside'],
      ['p0', 'outside too'],
    ]) {
      await client.put(k!).value(v!);
    }
    expect(await client.getAll().prefix('p/').strings()).toEqual({ 'p/a': '1', 'p/b': '2', 'p/c': '3' });
    expect(await client.getAll().prefix('p/').keys()).toEqual(['p/a', 'p/b', 'p/c']);
    expect(await client.getAll().prefix('p/').count()).toBe(3);
    expect(await client.getAll().prefix('p/').sort('Key', 'Descend').limit(2).keys()).toEqual(['p/c', 'p/b']);
    expect(await client.getAll().prefix('p/').numbers()).toEqual({ 'p/a': 1, 'p/b': 2, 'p/c': 3 });
    const del = await client.delete().prefix('p/').exec();
    expect(del.deleted).toBe('3');
    expect(await client.getAll().prefix('p').keys()).toEqual(['p0', 'px']);
  });

  test('put with prevKv returns the previous pair; delete with prevKv returns the deleted ones', async () => {
    // No previous pair: etcd3 returns just the header.
    const first = await client.put('pk').value('one').getPrevious();
    expect(Object.keys(first)).toEqual(['header']);
    const prev = await client.put('pk').value('two').getPrevious();
    expect(prev).toBeDefined();
    expect({ key: prev!.key.toString(), value: prev!.value.toString(), version: prev!.version }).toEqual({ key: 'pk', value: 'one', version: '1' });
    const deleted = await client.delete().key('pk').getPrevious();
    expect(deleted.map((kv) => [kv.key.toString(), kv.value.toString(), kv.version])).toEqual([['pk', 'two', '2']]);
  });

  test('touch() (ignore_value) bumps the revision and keeps the value; on an absent key it fails', async () => {
    const put = await client.put('t').value('kept').exec();
    const touched = await client.put('t').touch();
    expect(Number(touched.header.revision)).toBe(Number(put.header.revision) + 1);
    const kv = (await client.get('t').exec()).kvs[0]!;
    expect({ value: kv.value.toString(), version: kv.version, mod: kv.mod_revision }).toEqual({ value: 'kept', version: '2', mod: touched.header.revision });
    await expect(client.put('t-absent').touch()).rejects.toThrow('etcdserver: key not found');
  });
});

describe('txn', () => {
  test('if(...).then(...).else(...).commit(): the success branch, then the failure branch', async () => {
    await client.put('tx').value('a');
    const ok = await client.if('tx', 'Value', '==', 'a').then(client.put('tx').value('b')).else(client.put('tx').value('c')).commit();
    expect(ok.succeeded).toBe(true);
    const setFields = (r: object) => Object.entries(r).filter(([k, v]) => v != null && k.startsWith('response_')).map(([k]) => k);
    expect(ok.responses.map(setFields)).toEqual([['response_put']]);
    expect(await client.get('tx').string()).toBe('b');

    const failed = await client.if('tx', 'Value', '==', 'a').then(client.put('tx').value('b2')).else(client.put('tx').value('c'), client.get('tx')).commit();
    expect(failed.succeeded).toBe(false);
    expect(failed.responses).toHaveLength(2);
    // The get inside the failure branch sees the branch's own put.
    expect(failed.responses[1]!.response_range!.kvs.map((kv) => kv.value.toString())).toEqual(['c']);
    expect(await client.get('tx').string()).toBe('c');
  });

  test('compares on Version, Create and Mod revisions; create-if-absent', async () => {
    const put = await client.put('tv').value('1').exec();
    const rev = put.header.revision;
    const r = await client.if('tv', 'Version', '==', 1).and('tv', 'Mod', '==', rev).and('tv', 'Create', '==', rev).then(client.put('tv-ok').value('yes')).commit();
    expect(r.succeeded).toBe(true);
    expect(await client.get('tv-ok').string()).toBe('yes');
    const r2 = await client.if('tv', 'Version', '>', 1).then(client.put('tv-ok').value('wrong')).commit();
    expect(r2.succeeded).toBe(false);
    expect(await client.get('tv-ok').string()).toBe('yes');

    const create = () => client.if('once', 'Create', '==', 0).then(client.put('once').value('first')).commit();
    expect((await create()).succeeded).toBe(true);
    expect((await create()).succeeded).toBe(false);
    expect(await client.get('once').string()).toBe('first');
  });
});

describe('watch', () => {
  test('watch().key(): put and delete events for that key only, in order, from a follower', async () => {
    const followerClient = newClient([cluster.endpoint(followerId)]);
    const events: Array<[string, string, string, string]> = [];
    const w = await followerClient.watch().key('x').create();
    try {
      w.on('put', (kv: IKeyValue) => events.push(['put', kv.key.toString(), kv.value.toString(), kv.mod_revision]));
      w.on('delete', (kv: IKeyValue) => events.push(['delete', kv.key.toString(), kv.value.toString(), kv.mod_revision]));
      const revs: string[] = [];
      revs.push((await client.put('x').value('1').exec()).header.revision);
      await client.put('xy').value('not this key');
      revs.push((await client.put('x').value('2').exec()).header.revision);
      revs.push((await client.delete().key('x').exec()).header.revision);
      await poll('3 events', 15_000, async () => (events.length >= 3 ? true : undefined));
      expect(events).toEqual([
        ['put', 'x', '1', revs[0]!],
        ['put', 'x', '2', revs[1]!],
        ['delete', 'x', '', revs[2]!],
      ]);
    } finally {
      await w.cancel();
    }
  });

  test('watch().prefix() with previous values', async () => {
    const followerClient = newClient([cluster.endpoint(followerId)]);
    const events: string[] = [];
    const w = await followerClient.watch().prefix('wp/').withPreviousKV().create();
    try {
      w.on('put', (kv: IKeyValue, prev?: IKeyValue) => events.push(`put ${kv.key} ${kv.value} prev=${prev ? prev.value.toString() : '-'}`));
      w.on('delete', (kv: IKeyValue, prev?: IKeyValue) => events.push(`delete ${kv.key} prev=${prev ? prev.value.toString() : '-'}`));
      await client.put('wp/a').value('1');
      await client.put('wpx').value('outside');
      await client.put('wp/b').value('2');
      await client.put('wp/a').value('3');
      await client.delete().prefix('wp/');
      const expected = ['put wp/a 1 prev=-', 'put wp/b 2 prev=-', 'put wp/a 3 prev=1', 'delete wp/a prev=3', 'delete wp/b prev=2'];
      await poll(`${expected.length} events`, 15_000, async () => (events.length >= expected.length ? true : undefined));
      expect(events).toEqual(expected);
    } finally {
      await w.cancel();
    }
  });

  test('watch().startRevision() replays history', async () => {
    const start = (await client.put('wh').value('old').exec()).header.revision;
    await client.put('wh').value('new');
    const events: string[] = [];
    const w = await client.watch().key('wh').startRevision(start).create();
    try {
      w.on('put', (kv: IKeyValue) => events.push(kv.value.toString()));
      await poll('2 replayed events', 15_000, async () => (events.length >= 2 ? true : undefined));
      expect(events).toEqual(['old', 'new']);
    } finally {
      await w.cancel();
    }
  });
});

describe('leases', () => {
  test('client.lease(2) with keep-alive keeps its key for more than 3x its TTL; revoke() removes it', async () => {
    const lease = client.lease(2);
    let kept = 0;
    let lost: unknown = null;
    lease.on('keepaliveSucceeded', () => kept++);
    lease.on('lost', (e) => (lost = e));
    await lease.put('kept').value('alive');
    const id = await lease.grant();
    expect(Number(id)).toBeGreaterThanOrEqual(1);
    expect((await client.get('kept').exec()).kvs[0]!.lease).toBe(id);
    // Checked all along, not slept through: the key must be there at every look for 7 s.
    const start = Date.now();
    let looks = 0;
    while (Date.now() - start < 7000) {
      expect({ looks, value: await client.get('kept').string() }).toEqual({ looks, value: 'alive' });
      looks++;
      await sleep(250);
    }
    expect(lost).toBeNull();
    // One renewal every TTL/3 (~667 ms): at least 6 in 7 s.
    expect(kept).toBeGreaterThanOrEqual(6);
    await lease.revoke();
    expect(await client.get('kept').string()).toBeNull();
    expect(lease.revoked()).toBe(true);
  }, 30_000);

  test('a lease nobody keeps alive (autoKeepAlive: false) expires and takes its key', async () => {
    const granted = Date.now();
    const lease: Lease = client.lease(1, { autoKeepAlive: false });
    await lease.put('ephemeral').value('x');
    expect(await client.get('ephemeral').string()).toBe('x');
    const goneAt = await poll('the key of the lost lease to disappear', 10_000, async () => ((await client.get('ephemeral').string()) === null ? Date.now() : undefined), 100);
    expect(goneAt - granted).toBeGreaterThanOrEqual(1000);
    // Keep-alive of the expired lease: TTL 0 in the answer, which etcd3 reports as invalid.
    await expect(lease.keepaliveOnce()).rejects.toBeInstanceOf(EtcdLeaseInvalidError);
  });

  test('keepaliveOnce(), and LeaseTimeToLive / LeaseLeases / LeaseRevoke by id from another client', async () => {
    const lease = client.lease(5, { autoKeepAlive: false });
    const id = await lease.grant();
    const res = await lease.keepaliveOnce();
    expect({ ID: res.ID, TTL: res.TTL }).toEqual({ ID: id, TTL: '5' });
    await lease.put('ka/1').value('v');
    await lease.put('ka/2').value('v');

    const other = newClient([cluster.endpoint(followerId)]);
    const ttl = await other.leaseClient.leaseTimeToLive({ ID: id, keys: true });
    expect({ ID: ttl.ID, grantedTTL: ttl.grantedTTL, keys: ttl.keys.map((k) => k.toString()) }).toEqual({ ID: id, grantedTTL: '5', keys: ['ka/1', 'ka/2'] });
    expect(Number(ttl.TTL)).toBeGreaterThanOrEqual(1);
    expect(Number(ttl.TTL)).toBeLessThanOrEqual(5);
    expect((await other.leaseClient.leaseLeases()).leases.map((l) => l.ID)).toContain(id);

    await other.leaseClient.leaseRevoke({ ID: id });
    expect(await client.getAll().prefix('ka/').keys()).toEqual([]);
    expect((await other.leaseClient.leaseLeases()).leases.map((l) => l.ID)).not.toContain(id);
    const after = await other.leaseClient.leaseTimeToLive({ ID: id, keys: true });
    expect({ TTL: after.TTL, keys: after.keys }).toEqual({ TTL: '-1', keys: [] });
    // The owner's revoke of a lease already gone is not an error for etcd3 (it ignores not-found).
    await lease.revoke();
  });

  test('leaseGrant with an ID the client chooses (the same ID again is refused); TTL 0 gets 1 s', async () => {
    const granted = await client.leaseClient.leaseGrant({ ID: '1000', TTL: 30 });
    expect({ ID: granted.ID, TTL: granted.TTL }).toEqual({ ID: '1000', TTL: '30' });
    await expect(client.leaseClient.leaseGrant({ ID: '1000', TTL: 30 })).rejects.toThrow('etcdserver: lease already exists');
    await client.leaseClient.leaseRevoke({ ID: '1000' });
    expect((await client.leaseClient.leaseLeases()).leases.map((l) => l.ID)).not.toContain('1000');
    // TTL 0 is raised to ordo's minimum, 1 s.
    const zero = await client.leaseClient.leaseGrant({ TTL: 0 });
    expect(zero.TTL).toBe('1');
    await client.leaseClient.leaseRevoke({ ID: zero.ID });
  });
});

describe('lock', () => {
  test('a held lock refuses a second acquirer until released', async () => {
    const other = newClient([cluster.endpoint(followerId)]);
    const a = client.lock('name');
    await a.acquire();
    await expect(other.lock('name').acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
    await a.release();
    const b = other.lock('name');
    await b.acquire();
    await expect(client.lock('name').acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
    await b.release();
  });

  test('two concurrent holders never overlap, and a read-modify-write under the lock loses nothing', async () => {
    const ROUNDS = 5;
    const log: string[] = [];
    let contended = 0;
    await client.put('lock-counter').value(0);
    const worker = async (name: string, c: Etcd3) => {
      for (let round = 0; round < ROUNDS; round++) {
        const lock = c.lock('counter-lock');
        await poll(`${name} to acquire the lock`, 20_000, async () => {
          try {
            await lock.acquire();
            return true;
          } catch (e) {
            if (!(e instanceof EtcdLockFailedError)) throw e;
            contended++;
            return undefined;
          }
        }, 10);
        log.push(`enter ${name}`);
        // A read-modify-write with awaits in between: without mutual exclusion, increments get lost.
        const n = (await c.get('lock-counter').number())!;
        await sleep(30);
        await c.put('lock-counter').value(n + 1);
        log.push(`exit ${name}`);
        await lock.release();
      }
    };
    await Promise.all([worker('A', newClient()), worker('B', newClient([cluster.endpoint(followerId)]))]);
    expect(log).toHaveLength(4 * ROUNDS);
    for (let i = 0; i < log.length; i += 2) {
      expect([log[i]!.split(' ')[0], log[i + 1]!.split(' ')[0], log[i]!.split(' ')[1] === log[i + 1]!.split(' ')[1]]).toEqual(['enter', 'exit', true]);
    }
    expect(await client.get('lock-counter').number()).toBe(2 * ROUNDS);
    expect(contended).toBeGreaterThan(0); // they did compete
  }, 60_000);
});

describe('election', () => {
  test('a campaign wins; leader() reports it; a second waits until the first resigns', async () => {
    const election = client.election('e');
    const c1 = election.campaign('candidate-1');
    await c1.wait();
    expect(await election.leader()).toBe('candidate-1');

    const observer = await election.observe();
    const changes: Array<string | undefined> = [];
    observer.on('change', (v) => changes.push(v));
    expect(observer.leader()).toBe('candidate-1');

    const other = newClient([cluster.endpoint(followerId)]);
    const c2 = other.election('e').campaign('candidate-2');
    let c2Elected = false;
    c2.on('elected', () => (c2Elected = true));
    // etcd3 emits _isWaiting once the campaign has found a predecessor to wait for.
    await new Promise<void>((resolve, reject) => {
      (c2 as unknown as NodeJS.EventEmitter).once('_isWaiting', resolve);
      c2.once('error', reject);
    });
    expect(c2Elected).toBe(false);
    expect(await other.election('e').leader()).toBe('candidate-1');

    await c1.resign();
    await c2.wait();
    expect(await election.leader()).toBe('candidate-2');
    await poll('the observer to see candidate-2', 10_000, async () => (observer.leader() === 'candidate-2' ? true : undefined));
    expect(changes).toEqual(['candidate-2']);

    await c2.resign();
    expect(await election.leader()).toBeUndefined();
    await observer.cancel();
  }, 60_000);
});
