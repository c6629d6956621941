/**
 * Explicit limits on what a leader accepts (TigerBeetle's "put a limit on everything"): the
 * bytes of proposed-but-uncommitted entries, and the size of one entry. Beyond them a proposal
 * is refused with a typed error, never queued without bound or dropped silently.
 */
import { Network } from './harness';

const plain = { preVote: false, checkQuorum: false } as const;

function isolatedLeader(opts: object) {
  const net = Network.of(3, { ...plain, ...opts });
  net.electLeader(1);
  net.isolate(2);
  net.isolate(3); // nothing commits from here on
  return net;
}

const data = (n: number) => new Uint8Array(n);

describe('maxUncommittedBytes: an overloaded leader says so', () => {
  it('refuses with "overloaded" once uncommitted bytes would pass the limit', () => {
    const net = isolatedLeader({ maxUncommittedBytes: 100 });
    const leader = net.node(1);
    expect(leader.propose(data(60)).ok).toBe(true);
    expect(leader.propose(data(41))).toEqual({ ok: false, error: { code: 'overloaded', uncommittedBytes: 60, limit: 100 } });
    expect(leader.propose(data(40)).ok).toBe(true); // exactly at the limit is allowed
    expect(leader.propose(data(1))).toEqual({ ok: false, error: { code: 'overloaded', uncommittedBytes: 100, limit: 100 } });
    expect(leader.status().lastLogIndex).toBe(3); // no-op + two accepted
  });

  it('accepts again once entries commit', () => {
    const net = isolatedLeader({ maxUncommittedBytes: 100 });
    net.propose(1, data(100));
    expect(net.node(1).propose(data(10)).ok).toBe(false);
    net.heal();
    net.tick(1);
    net.deliverAll();
    expect(net.node(1).status().commitIndex).toBe(2);
    expect(net.node(1).propose(data(100)).ok).toBe(true);
  });

  it('an entry larger than the budget is accepted when nothing is uncommitted (it could never pass otherwise)', () => {
    const net = isolatedLeader({ maxUncommittedBytes: 100, maxEntryBytes: 1000 });
    expect(net.node(1).propose(data(500)).ok).toBe(true);
    expect(net.node(1).propose(data(1)).ok).toBe(false);
  });

  it('the no-op of a new leader costs nothing, and a new leadership starts with an empty budget', () => {
    const net = isolatedLeader({ maxUncommittedBytes: 10 });
    net.propose(1, data(10));
    expect(net.node(1).propose(data(1)).ok).toBe(false);
    // Node 1 loses and regains leadership: uncommitted bytes of the old term are not carried over.
    net.heal();
    net.node(1).step({ type: 'Heartbeat', from: 2, to: 1, term: 5, commit: 0, readRound: 0 });
    net.collect(1);
    net.queue = [];
    net.electLeader(1);
    expect(net.node(1).propose(data(10)).ok).toBe(true);
  });
});

describe('maxEntryBytes: one entry has a size limit', () => {
  it('refuses a larger entry with "too_large" and accepts one exactly at the limit', () => {
    const net = Network.of(3, { ...plain, maxEntryBytes: 64 });
    net.electLeader(1);
    expect(net.node(1).propose(data(65))).toEqual({ ok: false, error: { code: 'too_large', bytes: 65, limit: 64 } });
    expect(net.node(1).propose(data(64))).toMatchObject({ ok: true, index: 2 });
    expect(net.node(1).status().lastLogIndex).toBe(2);
  });

  it('checks the size before the budget', () => {
    const net = isolatedLeader({ maxEntryBytes: 64, maxUncommittedBytes: 10 });
    net.propose(1, data(10));
    expect(net.node(1).propose(data(100))).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });
});
