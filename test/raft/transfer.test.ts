/**
 * Dissertation 3.10, leadership transfer: the leader brings the target's log up to date,
 * stops accepting proposals, sends TimeoutNow, and the target campaigns at once (skipping
 * PreVote and the followers' lease). A transfer not done in an election timeout is abandoned.
 */
import { bytes, Network, ofType } from './harness';

const both = { preVote: true, checkQuorum: true } as const;

describe('3.10 leadership transfer', () => {
  it('to an up-to-date follower: TimeoutNow at once, and it wins at term+1', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    expect(net.node(1).transferLeader(2)).toBe(true);
    net.collect(1);
    expect(net.queue).toEqual([{ type: 'TimeoutNow', from: 1, to: 2, term: 1 }]);
    net.deliverAll();
    const votes = ofType(net.sent, 'RequestVote').filter((m) => m.from === 2);
    expect(votes.map((m) => [m.term, m.transfer])).toEqual([
      [2, true],
      [2, true],
    ]);
    expect(ofType(net.sent, 'PreVote').filter((m) => m.from === 2)).toEqual([]);
    expect(net.leaders()).toEqual([2]);
    for (const id of net.ids) expect(net.node(id).status()).toMatchObject({ term: 2, leaderId: 2 });
  });

  it('voters in the old leader lease still vote for the transferee (and the old leader too)', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.tick(1);
    net.deliverAll(); // node 3 just heard a heartbeat: in lease
    net.node(1).transferLeader(2);
    net.deliverAll();
    const grants = ofType(net.delivered, 'RequestVoteResp').filter((m) => m.to === 2 && !m.reject);
    expect(grants.map((m) => m.from).sort()).toEqual([1, 3]);
  });

  it('to a lagging follower: it is caught up first, then sent TimeoutNow', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.isolate(3);
    for (let i = 0; i < 5; i++) net.propose(1, `w${i}`);
    net.deliverAll();
    net.heal();
    const last = net.node(1).status().lastLogIndex;
    expect(net.node(3).status().lastLogIndex).toBeLessThan(last);
    expect(net.node(1).transferLeader(3)).toBe(true);
    net.collect(1);
    expect(ofType(net.queue, 'TimeoutNow')).toEqual([]);
    // Catching up (the next heartbeat answer reopens the probe if it was paused).
    net.tick(1);
    for (let i = 0; i < 20 && !net.sent.some((m) => m.type === 'TimeoutNow'); i++) net.deliver();
    const timeoutNowAt = net.sent.findIndex((m) => m.type === 'TimeoutNow');
    // Every AppendEntries that brought node 3 to `last` was sent before the TimeoutNow.
    const lastAppend = net.sent.findIndex((m) => m.type === 'AppendEntriesResp' && m.from === 3 && !m.reject && m.index === last);
    expect(lastAppend).toBeGreaterThanOrEqual(0);
    expect(lastAppend).toBeLessThan(timeoutNowAt);
    net.deliverAll();
    expect(net.leaders()).toEqual([3]);
    expect(net.node(3).status().term).toBe(2);
  });

  it('rejects proposals with "transferring" while the transfer runs', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.isolate(3);
    net.node(1).transferLeader(3);
    expect(net.node(1).propose(bytes('x'))).toEqual({ ok: false, error: { code: 'transferring', leaderId: 3 } });
  });

  it('is abandoned after an election timeout: proposals are accepted again', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.isolate(3);
    net.node(1).transferLeader(3);
    for (let t = 0; t < 9; t++) {
      net.tick(1);
      net.deliverAll();
    }
    expect(net.node(1).propose(bytes('x')).ok).toBe(false);
    net.tick(1);
    net.deliverAll();
    expect(net.node(1).status().role).toBe('leader');
    expect(net.node(1).propose(bytes('x'))).toMatchObject({ ok: true });
  });

  it('an abandoned transfer whose TimeoutNow was lost leaves the old leader in place', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.node(1).transferLeader(2);
    net.collect(1);
    net.drop((m) => m.type === 'TimeoutNow');
    for (let t = 0; t < 15; t++) {
      net.tickAll();
      net.deliverAll();
    }
    expect(net.leaders()).toEqual([1]);
    expect(net.node(1).status().term).toBe(1);
  });

  it('refuses a transfer to itself, to a non-member, or from a follower', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    expect(net.node(1).transferLeader(1)).toBe(false);
    expect(net.node(1).transferLeader(9)).toBe(false);
    expect(net.node(2).transferLeader(3)).toBe(false);
    expect(net.node(1).propose(bytes('still mine')).ok).toBe(true);
  });
});
