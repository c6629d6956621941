/**
 * Dissertation 6.4, linearizable reads without writing to the log (ReadIndex): the leader
 * records its commit index, confirms it is still leader with a round of heartbeats started
 * after the read arrived, and only then releases the read at that index.
 */
import { initialState, logOfTerms, msg, Network, newCore, ofType } from './harness';

const plain = { preVote: false, checkQuorum: false } as const;

function ready(n = 3, opts = {}) {
  const net = Network.of(n, { ...plain, ...opts });
  net.electLeader(1); // the no-op is committed: reads may proceed
  net.queue = [];
  return net;
}

const released = (net: Network, id = 1) => net.readStates.get(id)!;
const heartbeatsFrom = (net: Network, id = 1) => ofType(net.sent, 'Heartbeat').filter((m) => m.from === id);

describe('6.4 ReadIndex on the leader', () => {
  it('is released only once a quorum acknowledged a heartbeat round sent after it', () => {
    const net = ready(3);
    const hbBefore = heartbeatsFrom(net).length;
    expect(net.node(1).readIndex(7)).toEqual({ ok: true });
    net.collect(1);
    const round = ofType(net.queue, 'Heartbeat');
    expect(round.map((m) => m.to)).toEqual([2, 3]);
    expect(heartbeatsFrom(net).length).toBe(hbBefore + 2);
    expect(released(net)).toEqual([]);
    // Node 2 acknowledges: with the leader that is 2 of 3.
    net.deliver((m) => m.to === 2);
    expect(released(net)).toEqual([]);
    net.deliver((m) => m.from === 2);
    expect(released(net)).toEqual([{ ctx: 7, index: 1 }]);
  });

  it('in a 5-node cluster one acknowledgement is not enough, two are', () => {
    const net = ready(5);
    net.node(1).readIndex(1);
    net.collect(1);
    net.deliver((m) => m.type === 'Heartbeat');
    net.deliver((m) => m.type === 'HeartbeatResp' && m.from === 2);
    expect(released(net)).toEqual([]);
    net.deliver((m) => m.type === 'HeartbeatResp' && m.from === 3);
    expect(released(net)).toEqual([{ ctx: 1, index: 1 }]);
  });

  it('acknowledgements of a round sent before the read do not release it', () => {
    const net = ready(3);
    net.tick(1); // round r goes out (queued)
    const early = ofType(net.queue, 'Heartbeat');
    expect(early).toHaveLength(2);
    net.node(1).readIndex(9);
    net.collect(1);
    expect(ofType(net.queue, 'Heartbeat')).toHaveLength(2); // rides on the next round, no extra one now
    net.deliver((m) => early.includes(m as never));
    net.deliver((m) => m.type === 'HeartbeatResp');
    expect(released(net)).toEqual([]);
    // Round r confirmed, so round r+1 starts at once; its acks release the read.
    const next = ofType(net.queue, 'Heartbeat');
    expect(next.map((m) => m.readRound)).toEqual([early[0].readRound + 1, early[0].readRound + 1]);
    net.deliverAll();
    expect(released(net)).toEqual([{ ctx: 9, index: 1 }]);
  });

  it('a burst of reads in one loop turn shares one round', () => {
    const net = ready(3);
    const before = heartbeatsFrom(net).length;
    for (let ctx = 1; ctx <= 100; ctx++) net.node(1).readIndex(ctx);
    net.collect(1);
    expect(ofType(net.queue, 'Heartbeat')).toHaveLength(2); // one round (two followers), not 100
    net.deliverAll();
    expect(heartbeatsFrom(net).length - before).toBe(2); // that round confirmed all of them
    expect(released(net).map((r) => r.ctx)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('reads arriving while a round is in flight share the next one', () => {
    const net = ready(3);
    const before = heartbeatsFrom(net).length;
    net.node(1).readIndex(1);
    net.collect(1);
    net.node(1).readIndex(2);
    net.node(1).readIndex(3);
    net.deliverAll();
    expect(heartbeatsFrom(net).length - before).toBe(4); // two rounds for three reads
    expect(released(net).map((r) => r.ctx)).toEqual([1, 2, 3]);
  });

  it('is released at the commit index known when the read arrived, covering earlier writes', () => {
    const net = ready(3);
    const { index } = net.propose(1, 'w');
    net.deliverAll();
    expect(net.node(1).status().commitIndex).toBe(index);
    net.node(1).readIndex(4);
    net.deliverAll();
    expect(released(net)).toEqual([{ ctx: 4, index }]);
  });

  it('waits for the leader to commit an entry of its own term first', () => {
    // Entries of term 1 exist, commit 0: a fresh leader of term 2 cannot know the true commit index.
    const net = Network.of(3, plain, () => initialState(logOfTerms([1, 1]), { term: 1 }));
    net.node(1).campaign();
    net.deliverAll((m) => m.type === 'RequestVote' || m.type === 'RequestVoteResp');
    expect(net.node(1).status()).toMatchObject({ role: 'leader', commitIndex: 0 });
    net.node(1).readIndex(5);
    net.collect(1);
    expect(ofType(net.queue, 'Heartbeat')).toEqual([]); // no round for it yet
    net.deliverAll();
    expect(net.node(1).status().commitIndex).toBe(3);
    expect(released(net)).toEqual([{ ctx: 5, index: 3 }]);
  });

  it('a single-node cluster releases at once', () => {
    const core = newCore(1, [1], plain);
    core.campaign();
    core.advance(core.ready());
    core.readIndex(3);
    expect(core.ready().readStates).toEqual([{ ctx: 3, index: 1 }]);
  });
});

describe('6.4 ReadIndex elsewhere, and when leadership is lost', () => {
  it('a follower refuses a read, naming the leader', () => {
    const net = ready(3);
    expect(net.node(2).readIndex(1)).toEqual({ ok: false, error: { code: 'not_leader', leaderId: 1 } });
    expect(net.node(2).hasReady()).toBe(false);
  });

  it('pending reads are aborted when the leader steps down, deferred ones too', () => {
    const net = Network.of(3, plain, () => initialState(logOfTerms([1]), { term: 1 }));
    net.node(1).campaign();
    net.deliverAll((m) => m.type === 'RequestVote' || m.type === 'RequestVoteResp');
    net.node(1).readIndex(1); // deferred: no own-term commit yet
    net.deliverAll();
    net.node(1).readIndex(2); // pending on a round
    net.collect(1);
    net.isolate(1);
    net.node(1).readIndex(3);
    net.node(1).step(msg.heartbeat(2, 1, 9));
    net.collect(1);
    expect(released(net).map((r) => r.ctx)).toEqual([1]);
    expect(net.abortedReads.get(1)).toEqual([2, 3]);
    expect(net.node(1).readIndex(4)).toEqual({ ok: false, error: { code: 'not_leader', leaderId: 2 } });
  });

  it('an isolated leader never releases a read (it could be stale)', () => {
    const net = ready(3);
    net.isolate(1);
    net.node(1).readIndex(1);
    for (let t = 0; t < 50; t++) {
      net.tick(1);
      net.deliverAll();
    }
    expect(released(net)).toEqual([]);
  });

  it('with unsafe.readWithoutQuorum the isolated leader releases it at once (the test above can fail)', () => {
    const net = ready(3, { unsafe: { readWithoutQuorum: true } });
    net.isolate(1);
    // Meanwhile the majority elects node 2 and commits a write the old leader never sees.
    net.heal();
    net.isolate(1);
    net.electLeader(2);
    const { index } = net.propose(2, 'newer');
    net.deliverAll();
    expect(net.node(2).status().commitIndex).toBe(index);
    net.node(1).readIndex(1);
    net.collect(1);
    expect(released(net)).toEqual([{ ctx: 1, index: 1 }]); // stale: misses `newer`
    expect(index).toBeGreaterThan(1);
  });
});

describe('6.4 ReadIndex on a single-node cluster', () => {
  it('is released by the node alone, even after heartbeat rounds went unanswered by nobody', () => {
    const net = Network.of(1, { preVote: false, checkQuorum: false });
    net.node(1).campaign();
    net.deliverAll();
    expect(net.node(1).status().role).toBe('leader');
    for (let i = 0; i < 5; i++) net.node(1).tick(); // heartbeat rounds with no peer to answer them
    net.node(1).readIndex(9);
    net.deliverAll();
    expect(released(net).map((r) => r.ctx)).toEqual([9]);
  });
});
