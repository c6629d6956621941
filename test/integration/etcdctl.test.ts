/**
 * The real `etcdctl` (v3 API) against a 3-node ordo cluster: every command an etcd user reaches
 * for first (get/put/del with their flags, txn, watch, compaction, leases, lock and elect, endpoint
 * status and health, member list), what ordo answers Unimplemented, and kill -9 of the leader
 * while etcdctl keeps writing through all three endpoints. Output is compared exactly, as etcdctl
 * prints it for etcd.
 */
import { Cluster, poll } from './support/cluster';
import { assertEtcdctlInstalled, decodeKv, Etcdctl, parseEtcdJson, type JsonGet, type JsonHeader, type RunningEtcdctl } from './support/etcdctl';

let cluster: Cluster;
let ctl: Etcdctl;
let leaderId: number;
let followerIds: number[];

beforeAll(async () => {
  assertEtcdctlInstalled();
  cluster = Cluster.start('etcdctl', { nodes: 3 });
  ctl = new Etcdctl(cluster.endpoints);
  const { leader } = await cluster.waitForLeader();
  leaderId = leader.id!;
  followerIds = [1, 2, 3].filter((id) => id !== leaderId);
}, 60_000);

afterAll(() => {
  ctl?.killAll();
  cluster?.destroy();
});

/** `get -w json` decoded: the header revision and the pairs. */
async function getJson(args: readonly string[], endpoints?: readonly string[]) {
  const r = await ctl.json<JsonGet>(['get', ...args], endpoints ? { endpoints } : {});
  return { revision: r.header.revision!, kvs: (r.kvs ?? []).map(decodeKv), more: r.more ?? false, count: r.count ?? 0 };
}

async function putRevision(key: string, value: string, extra: readonly string[] = []): Promise<number> {
  const r = await ctl.json<{ header: JsonHeader }>(['put', key, value, ...extra]);
  return r.header.revision!;
}

describe('get / put / del', () => {
  test('put prints OK; get prints key and value; get of an absent key prints nothing', async () => {
    expect(await ctl.ok(['put', 'greeting', 'hello world'])).toBe('OK\n');
    expect(await ctl.ok(['get', 'greeting'])).toBe('greeting\nhello world\n');
    expect(await ctl.ok(['put', 'greeting', 'bonjour'])).toBe('OK\n');
    expect(await ctl.ok(['get', 'greeting'])).toBe('greeting\nbonjour\n');
    expect(await ctl.ok(['get', 'no-such-key'])).toBe('');
    // Through each member alone: every member serves writes and linearizable reads.
    for (const ep of cluster.endpoints) {
      expect(await ctl.ok(['put', `via/${ep}`, ep], { endpoints: [ep] })).toBe('OK\n');
      expect(await ctl.ok(['get', `via/${ep}`], { endpoints: [ep] })).toBe(`via/${ep}\n${ep}\n`);
    }
  });

  test('get --prefix, get KEY RANGE_END, --print-value-only, --keys-only', async () => {
    for (const [k, v] of [
      ['fruit/banana', 'yellow'],
      ['fruit/apple', 'red'],
      ['fruit/cherry', 'dark red'],
      ['fruits', 'not under fruit/'],
      ['fruit0', 'outside too'],
    ]) {
      await ctl.ok(['put', k!, v!]);
    }
    expect(await ctl.ok(['get', '--prefix', 'fruit/'])).toBe('fruit/apple\nred\nfruit/banana\nyellow\nfruit/cherry\ndark red\n');
    // [fruit/apple, fruit/cherry): the end is exclusive.
    expect(await ctl.ok(['get', 'fruit/apple', 'fruit/cherry'])).toBe('fruit/apple\nred\nfruit/banana\nyellow\n');
    expect(await ctl.ok(['get', 'fruit/b', 'fruit/c'])).toBe('fruit/banana\nyellow\n');
    expect(await ctl.ok(['get', '--prefix', 'fruit/', '--print-value-only'])).toBe('red\nyellow\ndark red\n');
    expect(await ctl.ok(['get', '--prefix', 'fruit/', '--keys-only'])).toBe('fruit/apple\n\nfruit/banana\n\nfruit/cherry\n\n');
    // keys_only: the server sends no values at all.
    const keysOnly = await getJson(['--prefix', 'fruit/', '--keys-only']);
    expect(keysOnly.kvs.map((kv) => [kv.key, kv.hasValue])).toEqual([
      ['fruit/apple', false],
      ['fruit/banana', false],
      ['fruit/cherry', false],
    ]);
    // --from-key: every key >= fruit0.
    expect(await ctl.ok(['get', '--from-key', 'fruit0', '--keys-only'])).toMatch(/^fruit0\n\nfruits\n\n/);
  });

  test('--limit sets more and count in -w json', async () => {
    const two = await getJson(['--prefix', 'fruit/', '--limit', '2']);
    expect(two.kvs.map((kv) => kv.key)).toEqual(['fruit/apple', 'fruit/banana']);
    expect({ more: two.more, count: two.count }).toEqual({ more: true, count: 3 });
    const three = await getJson(['--prefix', 'fruit/', '--limit', '3']);
    expect(three.kvs.map((kv) => kv.key)).toEqual(['fruit/apple', 'fruit/banana', 'fruit/cherry']);
    expect({ more: three.more, count: three.count }).toEqual({ more: false, count: 3 });
    expect(await ctl.ok(['get', '--prefix', 'fruit/', '--limit', '1'])).toBe('fruit/apple\nred\n');
  });

  test('--sort-by=MODIFY --order=DESCEND lists the latest modified first', async () => {
    for (const k of ['sort/a', 'sort/c', 'sort/b']) await ctl.ok(['put', k, `v-${k}`]);
    expect(await ctl.ok(['get', '--prefix', 'sort/', '--sort-by=MODIFY', '--order=DESCEND', '--keys-only'])).toBe('sort/b\n\nsort/c\n\nsort/a\n\n');
    await ctl.ok(['put', 'sort/a', 'touched']);
    const r = await getJson(['--prefix', 'sort/', '--sort-by=MODIFY', '--order=DESCEND']);
    expect(r.kvs.map((kv) => [kv.key, kv.value])).toEqual([
      ['sort/a', 'touched'],
      ['sort/b', 'v-sort/b'],
      ['sort/c', 'v-sort/c'],
    ]);
    const mods = r.kvs.map((kv) => kv.mod_revision);
    expect(mods).toEqual([...mods].sort((a, b) => b - a));
    expect(new Set(mods).size).toBe(3);
    // And the other way, by key.
    expect(await ctl.ok(['get', '--prefix', 'sort/', '--sort-by=KEY', '--order=DESCEND', '--keys-only'])).toBe('sort/c\n\nsort/b\n\nsort/a\n\n');
  });

  test('-w json: the header revision goes up by exactly 1 per put, and mod_revision is that revision', async () => {
    const before = await ctl.revision();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push(await putRevision('rev/counter', String(i)));
    expect(seen).toEqual([before + 1, before + 2, before + 3, before + 4, before + 5]);
    const r = await getJson(['rev/counter']);
    expect(r.revision).toBe(before + 5);
    expect(r.kvs).toEqual([
      { key: 'rev/counter', value: '4', hasValue: true, create_revision: before + 1, mod_revision: before + 5, version: 5, lease: 0 },
    ]);
    // A get writes nothing.
    expect(await ctl.revision()).toBe(before + 5);
  });

  test('--rev reads the value as it was at that revision', async () => {
    const r1 = await putRevision('hist/k', 'first');
    const r2 = await putRevision('hist/k', 'second');
    expect(r2).toBe(r1 + 1);
    expect(await ctl.ok(['get', 'hist/k'])).toBe('hist/k\nsecond\n');
    expect(await ctl.ok(['get', 'hist/k', `--rev=${r1}`])).toBe('hist/k\nfirst\n');
    expect(await ctl.ok(['get', 'hist/k', `--rev=${r2}`])).toBe('hist/k\nsecond\n');
    // Before it existed: nothing.
    expect(await ctl.ok(['get', 'hist/k', `--rev=${r1 - 1}`])).toBe('');
    const old = await getJson(['hist/k', `--rev=${r1}`]);
    expect(old.kvs).toEqual([{ key: 'hist/k', value: 'first', hasValue: true, create_revision: r1, mod_revision: r1, version: 1, lease: 0 }]);
    // As in etcd, the header of a historical read carries the current revision.
    expect(old.revision).toBe(r2);
  });

  test('del: one key, --prefix, --prev-kv', async () => {
    await ctl.ok(['put', 'doomed', 'bye']);
    const before = await ctl.revision();
    expect(await ctl.ok(['del', 'doomed'])).toBe('1\n');
    expect(await ctl.ok(['get', 'doomed'])).toBe('');
    expect(await ctl.revision()).toBe(before + 1);
    // Deleting nothing writes nothing: the revision stays (as etcd).
    expect(await ctl.ok(['del', 'doomed'])).toBe('0\n');
    expect(await ctl.ok(['del', 'zz-none', 'zz-nonf'])).toBe('0\n');
    expect(await ctl.revision()).toBe(before + 1);

    for (const k of ['d/1', 'd/2', 'd/3', 'd0']) await ctl.ok(['put', k, `v${k}`]);
    expect(await ctl.ok(['del', '--prefix', 'd/'])).toBe('3\n');
    expect(await ctl.ok(['get', '--prefix', 'd'])).toBe('d0\nvd0\n');

    await ctl.ok(['put', 'pk/a', 'alpha']);
    await ctl.ok(['put', 'pk/b', 'beta']);
    expect(await ctl.ok(['del', 'pk/a', '--prev-kv'])).toBe('1\npk/a\nalpha\n');
    expect(await ctl.ok(['del', '--prefix', 'pk/', '--prev-kv'])).toBe('1\npk/b\nbeta\n');
    expect(await ctl.ok(['get', '--prefix', 'pk/'])).toBe('');
  });
});

describe('txn (interactive, from stdin)', () => {
  const PROMPTS = 'compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n';

  test('compares on value, version and mod: the success branch runs, its put and get answer', async () => {
    await ctl.ok(['put', 'tx/k', 'a']);
    const mod = await putRevision('tx/k', 'b'); // version 2
    const before = await ctl.revision();
    const stdin = [`value("tx/k") = "b"`, `version("tx/k") = "2"`, `mod("tx/k") = "${mod}"`, '', 'put tx/res yes', 'get tx/k', '', 'put tx/res no', '', ''].join('\n');
    const out = await ctl.ok(['txn', '-i'], { stdin });
    expect(out).toBe(`${PROMPTS}SUCCESS\n\nOK\n\ntx/k\nb\n`);
    expect(await ctl.ok(['get', 'tx/res'])).toBe('tx/res\nyes\n');
    // One write, one revision.
    expect(await ctl.revision()).toBe(before + 1);
  });

  test('a failing compare runs the failure branch (put and del), and only it', async () => {
    const mod = (await getJson(['tx/k'])).kvs[0]!.mod_revision;
    const stdin = [`value("tx/k") = "b"`, `version("tx/k") = "3"`, '', 'put tx/res2 yes', '', 'put tx/res2 no', 'del tx/k', '', ''].join('\n');
    expect(await ctl.ok(['txn', '-i'], { stdin })).toBe(`${PROMPTS}FAILURE\n\nOK\n\n1\n`);
    expect(await ctl.ok(['get', 'tx/res2'])).toBe('tx/res2\nno\n');
    expect(await ctl.ok(['get', 'tx/k'])).toBe('');

    // etcd compares an absent key's mod_revision as 0: mod("tx/k") < N now holds.
    const absent = [`mod("tx/k") < "${mod}"`, '', 'put tx/res3 absent-is-zero', '', 'put tx/res3 wrong', '', ''].join('\n');
    expect(await ctl.ok(['txn', '-i'], { stdin: absent })).toBe(`${PROMPTS}SUCCESS\n\nOK\n`);
    expect(await ctl.ok(['get', 'tx/res3', '--print-value-only'])).toBe('absent-is-zero\n');
  });

  test('create("k") = "0": create-if-absent succeeds once, then fails', async () => {
    const stdin = [`create("tx/once") = "0"`, '', 'put tx/once first', '', 'get tx/once', '', ''].join('\n');
    expect(await ctl.ok(['txn', '-i'], { stdin })).toBe(`${PROMPTS}SUCCESS\n\nOK\n`);
    const before = await ctl.revision();
    expect(await ctl.ok(['txn', '-i'], { stdin })).toBe(`${PROMPTS}FAILURE\n\ntx/once\nfirst\n`);
    // A txn whose branch only reads writes nothing.
    expect(await ctl.revision()).toBe(before);
  });
});

describe('watch', () => {
  /**
   * Puts `key` again and again (through `writeVia`) until the watch shows it, so the watch is
   * known to be live; returns the index of the first line after that event.
   */
  async function syncWatch(w: RunningEtcdctl, key: string, writeVia: readonly string[]): Promise<number> {
    let n = 0;
    return poll(`the watch to report a put of ${key}`, 15_000, async () => {
      const value = `sync-${++n}`;
      await ctl.ok(['put', key, value], { endpoints: writeVia });
      const until = Date.now() + 1000;
      while (Date.now() < until) {
        const at = w.lines.lastIndexOf(value);
        if (at >= 0) return at + 1;
        if (w.exit()) throw new Error(`watch exited: ${JSON.stringify(w.exit())} ${w.stderr()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return undefined;
    });
  }

  test('watch --prefix on a follower lists puts and deletes made through the leader, in order', async () => {
    const follower = cluster.endpoint(followerIds[0]!);
    const leader = [cluster.endpoint(leaderId)];
    const w = ctl.spawn(['watch', '--prefix', 'w/'], { endpoints: [follower] });
    try {
      const from = await syncWatch(w, 'w/sync', leader);
      await ctl.ok(['put', 'w/a', '1'], { endpoints: leader });
      await ctl.ok(['put', 'wx', 'outside the prefix'], { endpoints: leader });
      await ctl.ok(['put', 'w/b', '2'], { endpoints: leader });
      await ctl.ok(['put', 'w/a', '3'], { endpoints: leader });
      await ctl.ok(['del', 'w/a'], { endpoints: leader });
      await ctl.ok(['del', '--prefix', 'w/'], { endpoints: leader }); // w/b and w/sync, one revision
      const expected = ['PUT', 'w/a', '1', 'PUT', 'w/b', '2', 'PUT', 'w/a', '3', 'DELETE', 'w/a', '', 'DELETE', 'w/b', '', 'DELETE', 'w/sync', ''];
      const lines = await w.waitForLines(from + expected.length, 15_000);
      expect(lines.slice(from)).toEqual(expected);
      expect(w.exit()).toBeNull(); // still watching
    } finally {
      await w.stop();
    }
  });

  test('watch --rev=N replays history from N on a follower, then follows live', async () => {
    const start = (await ctl.revision()) + 1;
    await ctl.ok(['put', 'h/a', '1']);
    await ctl.ok(['put', 'h/b', '2']);
    await ctl.ok(['del', 'h/a']);
    await ctl.ok(['put', 'h/b', '22']);
    const w = ctl.spawn(['watch', '--prefix', 'h/', `--rev=${start}`], { endpoints: [cluster.endpoint(followerIds[1]!)] });
    try {
      const history = ['PUT', 'h/a', '1', 'PUT', 'h/b', '2', 'DELETE', 'h/a', '', 'PUT', 'h/b', '22'];
      expect(await w.waitForLines(history.length, 15_000)).toEqual(history);
      await ctl.ok(['put', 'h/c', 'live']);
      expect(await w.waitForLines(history.length + 3, 15_000)).toEqual([...history, 'PUT', 'h/c', 'live']);
      // From a later revision: only what came after it.
      const w2 = ctl.spawn(['watch', '--prefix', 'h/', `--rev=${start + 3}`], { endpoints: [cluster.endpoint(followerIds[0]!)] });
      try {
        expect(await w2.waitForLines(6, 15_000)).toEqual(['PUT', 'h/b', '22', 'PUT', 'h/c', 'live']);
      } finally {
        await w2.stop();
      }
    } finally {
      await w.stop();
    }
  });

  test('watch --prev-kv prints the previous pair before each event', async () => {
    const start = (await ctl.revision()) + 1;
    // Started at a fixed revision, so nothing can be missed whatever the watch's start-up time.
    const w = ctl.spawn(['watch', 'pv', '--prev-kv', `--rev=${start}`], { endpoints: [cluster.endpoint(followerIds[0]!)] });
    try {
      await ctl.ok(['put', 'pv', 'one']);
      await ctl.ok(['put', 'pv', 'two']);
      await ctl.ok(['del', 'pv']);
      await ctl.ok(['put', 'pv', 'three']);
      const expected = ['PUT', 'pv', 'one', 'PUT', 'pv', 'one', 'pv', 'two', 'DELETE', 'pv', 'two', 'pv', '', 'PUT', 'pv', 'three'];
      expect(await w.waitForLines(expected.length, 15_000)).toEqual(expected);
    } finally {
      await w.stop();
    }
  });
});

test('compaction N: reads below N fail with "required revision has been compacted", at N they work', async () => {
  const r1 = await putRevision('c/k', 'v1');
  const r2 = await putRevision('c/k', 'v2');
  await putRevision('c/k', 'v3');
  expect(await ctl.ok(['compaction', String(r2)])).toBe(`compacted revision ${r2}\n`);

  const below = await ctl.run(['get', 'c/k', `--rev=${r1}`]);
  expect(below.code).toBe(1);
  expect(below.stdout).toBe('');
  expect(below.stderr).toContain('Error: etcdserver: mvcc: required revision has been compacted\n');
  for (const ep of cluster.endpoints) {
    const r = await ctl.run(['get', 'c/k', `--rev=${r2 - 1}`, '--consistency=s'], { endpoints: [ep] });
    expect({ ep, code: r.code, compacted: r.stderr.includes('etcdserver: mvcc: required revision has been compacted') }).toEqual({ ep, code: 1, compacted: true });
  }
  expect(await ctl.ok(['get', 'c/k', `--rev=${r2}`])).toBe('c/k\nv2\n');
  expect(await ctl.ok(['get', 'c/k'])).toBe('c/k\nv3\n');

  // A watch from below the compact revision is cancelled by the server, as etcd does: etcdctl
  // reports it and exits 5 (ExitInterrupted).
  const w = await ctl.run(['watch', 'c/k', `--rev=${r1}`], { endpoints: [cluster.endpoint(followerIds[0]!)] });
  expect({ code: w.code, stdout: w.stdout, stderr: w.stderr }).toEqual({
    code: 5,
    stdout: '',
    stderr: 'watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n',
  });
});

describe('leases', () => {
  const LEASE = /^lease ([0-9a-f]{16}) granted with TTL\((\d+)s\)\n$/;

  async function grant(ttl: number): Promise<string> {
    const out = await ctl.ok(['lease', 'grant', String(ttl)]);
    const m = LEASE.exec(out);
    if (!m) throw new Error(`unexpected lease grant output: ${out}`);
    expect(m[2]).toBe(String(ttl));
    return m[1]!;
  }

  test('grant, put --lease, timetolive --keys, keep-alive --once, list, revoke (the key goes with it)', async () => {
    const id = await grant(5);
    // Lease ids are small integers, assigned in order.
    const next = await grant(5);
    expect(parseInt(next, 16)).toBe(parseInt(id, 16) + 1);
    expect(parseInt(id, 16)).toBeGreaterThanOrEqual(1);
    expect(await ctl.ok(['lease', 'revoke', next])).toBe(`lease ${next} revoked\n`);

    expect(await ctl.ok(['put', '--lease', id, 'leased/a', 'la'])).toBe('OK\n');
    expect(await ctl.ok(['put', `--lease=${id}`, 'leased/b', 'lb'])).toBe('OK\n');
    const kv = (await getJson(['leased/a'])).kvs[0]!;
    expect(kv.lease).toBe(parseInt(id, 16));

    const ttl = await ctl.ok(['lease', 'timetolive', id, '--keys']);
    const m = /^lease ([0-9a-f]{16}) granted with TTL\(5s\), remaining\((\d+)s\), attached keys\(\[leased\/a leased\/b\]\)\n$/.exec(ttl);
    expect({ ttl, matches: m !== null }).toEqual({ ttl, matches: true });
    expect(m![1]).toBe(id);
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
    expect(Number(m![2])).toBeLessThanOrEqual(5);

    expect(await ctl.ok(['lease', 'keep-alive', '--once', id])).toBe(`lease ${id} keepalived with TTL(5)\n`);

    const list = await ctl.ok(['lease', 'list']);
    const listed = list.split('\n').filter((l) => /^[0-9a-f]{16}$/.test(l));
    expect(list).toMatch(new RegExp(`^found ${listed.length} leases\n`));
    expect(listed).toContain(id);
    expect(listed).not.toContain(next);

    expect(await ctl.ok(['lease', 'revoke', id])).toBe(`lease ${id} revoked\n`);
    expect(await ctl.ok(['get', '--prefix', 'leased/'])).toBe('');
    expect(await ctl.ok(['lease', 'timetolive', id])).toBe(`lease ${id} already expired\n`);
    expect((await ctl.ok(['lease', 'list'])).split('\n')).not.toContain(id);

    // A revoked lease cannot be used, revoked again or kept alive.
    const put = await ctl.run(['put', '--lease', id, 'leased/c', 'x']);
    expect({ code: put.code, notFound: put.stderr.includes('etcdserver: requested lease not found') }).toEqual({ code: 1, notFound: true });
    const revoke = await ctl.run(['lease', 'revoke', id]);
    expect({ code: revoke.code, notFound: revoke.stderr.includes('etcdserver: requested lease not found') }).toEqual({ code: 1, notFound: true });
    expect(await ctl.ok(['get', 'leased/c'])).toBe('');
  });

  test('an expired lease (ttl 2, never kept alive) takes its key with it, on every member', async () => {
    const granted = Date.now();
    const id = await grant(2);
    await ctl.ok(['put', '--lease', id, 'expiring', 'soon']);
    expect(await ctl.ok(['get', 'expiring'])).toBe('expiring\nsoon\n');
    const goneAt = await poll('the leased key to disappear', 15_000, async () => ((await ctl.ok(['get', 'expiring'])) === '' ? Date.now() : undefined), 200);
    // Never before its TTL: the leader starts the clock no earlier than the grant.
    expect(goneAt - granted).toBeGreaterThanOrEqual(2000);
    for (const ep of cluster.endpoints) {
      await poll(`${ep} to have applied the revoke`, 5_000, async () => ((await ctl.ok(['get', 'expiring', '--consistency=s'], { endpoints: [ep] })) === '' ? true : undefined));
    }
    expect(await ctl.ok(['lease', 'timetolive', id])).toBe(`lease ${id} already expired\n`);
  });
});

describe('lock and elect (etcd\'s Go concurrency recipes, client side)', () => {
  async function keysUnder(prefix: string): Promise<string[]> {
    return (await getJson(['--prefix', prefix, '--keys-only'])).kvs.map((kv) => kv.key);
  }

  test('etcdctl lock: a second locker waits until the first lets go', async () => {
    const holder = ctl.spawn(['lock', 'mutex'], { endpoints: [cluster.endpoint(followerIds[0]!)] });
    let waiter: RunningEtcdctl | null = null;
    try {
      const [ownKey] = await holder.waitForLines(1, 15_000);
      expect(ownKey).toMatch(/^mutex\/[0-9a-f]+$/);
      expect(await keysUnder('mutex/')).toEqual([ownKey]);
      waiter = ctl.spawn(['lock', 'mutex', 'echo', 'second-has-it']);
      // The waiter has put its own key (its place in line) and must now wait for the holder's.
      const both = await poll('the waiter to queue', 15_000, async () => {
        const keys = await keysUnder('mutex/');
        return keys.length === 2 ? keys : undefined;
      });
      expect(both).toContain(ownKey);
      expect({ lines: waiter.lines, exit: waiter.exit() }).toEqual({ lines: [], exit: null });
      await holder.stop(); // SIGINT: etcdctl unlocks
      expect(await waiter.waitForLines(1, 15_000)).toEqual(['second-has-it']);
      expect(await poll('the waiter to exit', 15_000, async () => waiter!.exit() ?? undefined)).toEqual({ code: 0, signal: null });
      await poll('every lock key to be gone', 15_000, async () => ((await keysUnder('mutex/')).length === 0 ? true : undefined));
    } finally {
      await holder.stop();
      await waiter?.stop();
    }
  });

  test('etcdctl elect: a campaign leads, elect -l observes it, a second candidate takes over when it resigns', async () => {
    const c1 = ctl.spawn(['elect', 'vote', 'cand-1']);
    const observer = ctl.spawn(['elect', '-l', 'vote'], { endpoints: [cluster.endpoint(followerIds[1]!)] });
    let c2: RunningEtcdctl | null = null;
    try {
      const [key1, value1] = await c1.waitForLines(2, 15_000);
      expect(key1).toMatch(/^vote\/[0-9a-f]+$/);
      expect(value1).toBe('cand-1');
      expect(await observer.waitForLines(2, 15_000)).toEqual([key1, 'cand-1']);
      c2 = ctl.spawn(['elect', 'vote', 'cand-2']);
      await poll('the second candidate to queue', 15_000, async () => ((await keysUnder('vote/')).length === 2 ? true : undefined));
      expect({ lines: c2.lines, exit: c2.exit() }).toEqual({ lines: [], exit: null });
      await c1.stop(); // SIGINT: resigns
      const [key2, value2] = await c2.waitForLines(2, 15_000);
      expect(key2).toMatch(/^vote\/[0-9a-f]+$/);
      expect(key2).not.toBe(key1);
      expect(value2).toBe('cand-2');
      expect((await observer.waitForLines(4, 15_000)).slice(2)).toEqual([key2, 'cand-2']);
    } finally {
      await c1.stop();
      await c2?.stop();
      await observer.stop();
    }
  });
});

describe('cluster', () => {
  test('endpoint status -w json: 3 rows, exactly one leader, one raft term', async () => {
    interface Row {
      Endpoint: string;
      Status: { header: JsonHeader; version: string; leader: number; raftTerm: number; raftIndex: number; dbSize: number };
    }
    const rows = await ctl.json<Row[]>(['endpoint', 'status']);
    expect(rows.map((r) => r.Endpoint).sort()).toEqual([...cluster.endpoints].sort());
    const leaders = new Set(rows.map((r) => r.Status.leader));
    expect(leaders.size).toBe(1);
    const leader = [...leaders][0]!;
    expect(leader).toBe(leaderId);
    expect(rows.filter((r) => Number(r.Status.header.member_id) === leader)).toHaveLength(1);
    expect(new Set(rows.map((r) => r.Status.raftTerm)).size).toBe(1);
    expect(new Set(rows.map((r) => r.Status.header.raft_term)).size).toBe(1);
    for (const r of rows) {
      expect(r.Status.header.cluster_id).toBeDefined();
      expect(r.Status.header.member_id).toBeDefined();
      expect(r.Status.version).toMatch(/^3\.\d+\.\d+$/);
      expect(r.Status.raftIndex).toBeGreaterThan(0);
      expect(r.Status.dbSize).toBeGreaterThan(0);
    }
    expect(new Set(rows.map((r) => String(r.Status.header.cluster_id))).size).toBe(1);
    expect(rows.map((r) => Number(r.Status.header.member_id)).sort()).toEqual([1, 2, 3]);
    // The simple table names each endpoint once, with the leader flagged.
    const table = await ctl.ok(['endpoint', 'status']);
    expect(table.trimEnd().split('\n')).toHaveLength(3);
    expect(table.split('\n').filter((l) => /, true, false, /.test(l))).toHaveLength(1);
  });

  test('endpoint health: each endpoint healthy (lines on stderr), -w json on stdout', async () => {
    const r = await ctl.run(['endpoint', 'health']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const healthy = r.stderr.split('\n').filter((l) => l !== '');
    expect(healthy).toHaveLength(3);
    for (const ep of cluster.endpoints) expect(healthy.filter((l) => l.startsWith(`${ep} is healthy: successfully committed proposal: took = `))).toHaveLength(1);

    const json = await ctl.json<Array<{ endpoint: string; health: boolean; took: string; error?: string }>>(['endpoint', 'health']);
    expect(json.map((h) => [h.endpoint, h.health, h.error]).sort()).toEqual(cluster.endpoints.map((ep) => [ep, true, undefined]));
  });

  test('member list: 3 started members with their peer and client URLs', async () => {
    const expected = [1, 2, 3].map((id) => `${id}, started, n${id}, http://127.0.0.1:${cluster.basePort + 50 + id - 1}, http://127.0.0.1:${cluster.basePort + id - 1}, false`);
    expect((await ctl.ok(['member', 'list'])).trimEnd().split('\n')).toEqual(expected);
    const r = await ctl.json<{ header: JsonHeader; members: Array<{ ID: number | string; name: string; peerURLs: string[]; clientURLs: string[] }> }>(['member', 'list']);
    expect(r.header.cluster_id).toBeDefined();
    expect(r.members.map((m) => ({ name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }))).toEqual(
      [1, 2, 3].map((id) => ({ name: `n${id}`, peerURLs: [`http://127.0.0.1:${cluster.basePort + 50 + id - 1}`], clientURLs: [`http://${cluster.endpoint(id)}`] })),
    );
    for (const m of r.members) expect(m.ID).toBeDefined();
  });
});

test('not served, answered Unimplemented: membership changes, move-leader, defrag, snapshot, hashkv, auth', async () => {
  const one = [cluster.endpoint(leaderId)];
  const cases: Array<[string[], string]> = [
    [['member', 'add', 'n4', '--peer-urls=http://127.0.0.1:1'], 'MemberAdd'],
    [['member', 'remove', '3'], 'MemberRemove'],
    [['member', 'update', '3', '--peer-urls=http://127.0.0.1:1'], 'MemberUpdate'],
    [['move-leader', String(followerIds[0])], 'MoveLeader'],
    [['defrag'], 'Defragment'],
    [['endpoint', 'hashkv'], 'HashKV'],
    [['auth', 'enable'], '/etcdserverpb.Auth/AuthEnable'],
    [['user', 'list'], '/etcdserverpb.Auth/UserList'],
  ];
  for (const [args, method] of cases) {
    const r = await ctl.run(args, { endpoints: one });
    expect({ args, failed: r.code !== 0, unimplemented: r.stderr.includes(`code = Unimplemented desc = The server does not implement the method ${method}`) }).toEqual({
      args,
      failed: true,
      unimplemented: true,
    });
  }
  const snapshotFile = `${cluster.dir}/snapshot.db`;
  const snap = await ctl.run(['snapshot', 'save', snapshotFile], { endpoints: one });
  expect({ code: snap.code, unimplemented: snap.stderr.includes('The server does not implement the method Snapshot') }).toEqual({ code: 5, unimplemented: true });
  // Alarms: served, and there are none.
  expect(await ctl.ok(['alarm', 'list'])).toBe('');
  // Nothing changed: still 3 members.
  expect((await ctl.ok(['member', 'list'])).trimEnd().split('\n')).toHaveLength(3);
});

test('kill -9 of the leader: etcdctl over all three endpoints keeps writing; no acknowledged put is lost', async () => {
  const { leader } = await cluster.waitForLeader();
  const oldLeader = leader.id!;
  const oldTerm = leader.term!;
  const acked = new Map<string, string>();
  /** `put -w json`: acknowledged when it exits 0 with a header; returns the answering term. */
  const put = async (key: string, value: string): Promise<{ ok: boolean; term: number; out: string }> => {
    const r = await ctl.run(['put', key, value, '-w', 'json']);
    if (r.code !== 0) return { ok: false, term: 0, out: `${r.stdout}${r.stderr}` };
    const term = parseEtcdJson<{ header: JsonHeader }>(r.stdout).header.raft_term!;
    acked.set(key, value);
    return { ok: true, term, out: r.stdout };
  };
  for (let i = 0; i < 5; i++) expect((await put(`fo/pre-${i}`, `before-${i}`)).ok).toBe(true);

  const killedAt = Date.now(); // node.sh returns once the process is gone, which takes ~1 s
  cluster.nodeOk('kill', oldLeader);

  // Until the survivors elect a leader, a put may fail (no leader, timeout); retry it, same key
  // and value, until one succeeds.
  const failures: string[] = [];
  const first = await poll('a put to succeed after the leader was killed', 15_000, async () => {
    const r = await put('fo/0', 'after-0');
    if (r.ok) return r;
    failures.push(r.out);
    return undefined;
  });
  const recoveredMs = Date.now() - killedAt;
  expect(recoveredMs).toBeLessThan(15_000);
  // Sent after the leader died, so committed by a leader of a later term.
  expect(first.term).toBeGreaterThan(oldTerm);

  // From then on, every put succeeds at its first attempt and reads back as the last written.
  for (let i = 1; i <= 15; i++) {
    const r = await put(`fo/${i}`, `after-${i}`);
    expect({ i, ok: r.ok, out: r.ok ? '' : r.out }).toEqual({ i, ok: true, out: '' });
    expect(r.term).toBeGreaterThan(oldTerm);
    const last = await put('fo/last', `last-${i}`);
    expect({ i, ok: last.ok }).toEqual({ i, ok: true });
    const got = await ctl.run(['get', 'fo/last', '--print-value-only']);
    expect({ i, code: got.code, value: got.stdout }).toEqual({ i, code: 0, value: `last-${i}\n` });
  }

  cluster.nodeOk('restart', oldLeader);
  await cluster.waitForLeader();
  await cluster.waitForConvergence([1, 2, 3]);
  const expected = [...acked.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  expect(expected).toHaveLength(5 + 16 + 1);
  for (const ep of cluster.endpoints) {
    const r = await getJson(['--prefix', 'fo/', '--consistency=s'], [ep]);
    expect({ ep, kvs: r.kvs.map((kv) => [kv.key, kv.value]) }).toEqual({ ep, kvs: expected });
  }
  // Through all endpoints, linearizably, too.
  expect((await getJson(['--prefix', 'fo/'])).kvs.map((kv) => [kv.key, kv.value])).toEqual(expected);
  process.stderr.write(
    `[etcdctl failover] killed leader n${oldLeader} (term ${oldTerm}); first put acknowledged ${recoveredMs} ms later at term ${first.term}, after ${failures.length} failed attempts\n${failures.join('\n')}`,
  );
}, 90_000);
