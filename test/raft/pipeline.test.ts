/**
 * Flow control of replication (dissertation 10.2 and etcd's Progress): probe sends one message
 * at a time, replicate pipelines up to maxInflightMsgs, heartbeat answers unstick a pipeline
 * whose messages were lost, and proposals made in one loop turn share messages, within
 * maxEntriesPerMsg and maxBytesPerMsg.
 */
import { bytes, Network, ofType, termsOf } from './harness';
import type { AppendEntriesMsg } from '../../src/raft/core/types';

const plain = { preVote: false, checkQuorum: false } as const;

function aesTo(net: Network, id: number): AppendEntriesMsg[] {
  return ofType(net.queue, 'AppendEntries').filter((m) => m.to === id);
}

describe('10.2 pipelining in the replicate state', () => {
  function pipelined() {
    const net = Network.of(3, { ...plain, maxInflightMsgs: 3, maxEntriesPerMsg: 1 });
    net.electLeader(1); // both followers acked the no-op: replicate state
    return net;
  }

  it('sends up to maxInflightMsgs AppendEntries without waiting, then pauses', () => {
    const net = pipelined();
    for (let i = 0; i < 5; i++) net.propose(1, `p${i}`);
    net.collect(1);
    const inflight = aesTo(net, 2);
    expect(inflight.map((m) => [m.prevLogIndex, m.entries.map((e) => e.index)])).toEqual([
      [1, [2]],
      [2, [3]],
      [3, [4]],
    ]);
    net.propose(1, 'more');
    net.collect(1);
    expect(aesTo(net, 2)).toHaveLength(3); // window full: nothing more
  });

  it('each acknowledgement reopens the window by the messages it covers', () => {
    const net = pipelined();
    for (let i = 0; i < 6; i++) net.propose(1, `p${i}`);
    net.collect(1);
    // Deliver the first AppendEntries to node 2 and its answer.
    const first = aesTo(net, 2)[0];
    net.deliver((m) => m === first);
    net.deliver((m) => m.type === 'AppendEntriesResp' && m.from === 2);
    const now = aesTo(net, 2);
    expect(now.map((m) => m.entries[0].index)).toEqual([3, 4, 5]);
    // One answer covering two messages frees two slots.
    const [a, b] = now;
    net.deliver((m) => m === a || m === b);
    const acks = ofType(net.queue, 'AppendEntriesResp').filter((m) => m.from === 2);
    net.deliver((m) => m === acks[1]); // the ack of index 4 alone
    expect(aesTo(net, 2).map((m) => m.entries[0].index)).toEqual([5, 6, 7]);
  });

  it('drains to completion once everything is delivered', () => {
    const net = pipelined();
    for (let i = 0; i < 20; i++) net.propose(1, `p${i}`);
    net.deliverAll();
    expect(net.logsMatch()).toBe(true);
    expect(net.node(2).status().lastLogIndex).toBe(21);
    expect(net.node(1).status().commitIndex).toBe(21);
  });

  it('a lost window is recovered by the next heartbeat answer, and only then', () => {
    const net = pipelined();
    for (let i = 0; i < 5; i++) net.propose(1, `p${i}`);
    net.deliverAllLosing((m) => m.type === 'AppendEntries' && m.to === 2);
    expect(net.node(2).status().lastLogIndex).toBe(1);
    expect(net.queue).toEqual([]); // stuck: nothing in flight, the window is full of lost messages
    net.tick(1);
    net.deliverAll();
    expect(termsOf(net.node(2))).toEqual(termsOf(net.node(1)));
    expect(net.node(2).status().lastLogIndex).toBe(6);
  });

  it('a hole in the pipeline (one lost message) is repaired through a probe', () => {
    const net = pipelined();
    for (let i = 0; i < 3; i++) net.propose(1, `p${i}`);
    net.collect(1);
    const [lost] = aesTo(net, 2);
    net.drop((m) => m === lost);
    net.deliverAll();
    const rejects = ofType(net.delivered, 'AppendEntriesResp').filter((m) => m.from === 2 && m.reject);
    expect(rejects.length).toBeGreaterThanOrEqual(1);
    expect(net.node(2).status().lastLogIndex).toBe(4);
    expect(net.logsMatch()).toBe(true);
  });
});

describe('10.2 probing: one message at a time until the follower answers', () => {
  it('a follower that does not answer gets a single AppendEntries however much is proposed', () => {
    const net = Network.of(3, plain);
    net.isolate(3);
    net.electLeader(1);
    for (let i = 0; i < 10; i++) {
      net.propose(1, `p${i}`);
      net.deliverAll();
    }
    expect(net.sentBetween(1, 3, 'AppendEntries')).toHaveLength(1);
    expect(net.sentBetween(1, 2, 'AppendEntries').length).toBeGreaterThanOrEqual(10);
    // Back online: the next heartbeat answer lets a new probe through and it catches up.
    net.heal();
    net.tick(1);
    net.deliverAll();
    expect(termsOf(net.node(3))).toEqual(termsOf(net.node(1)));
  });
});

describe('10.2.1 batching: proposals of one loop turn share messages', () => {
  it('many proposals before ready() leave in one AppendEntries per follower', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    for (let i = 0; i < 10; i++) net.propose(1, `p${i}`);
    const rd = net.node(1).ready();
    expect(rd.entries).toHaveLength(10);
    const aes = ofType(rd.messages, 'AppendEntries');
    expect(aes.map((m) => [m.to, m.entries.length])).toEqual([
      [2, 10],
      [3, 10],
    ]);
  });

  it('maxEntriesPerMsg splits a batch', () => {
    const net = Network.of(3, { ...plain, maxEntriesPerMsg: 4 });
    net.electLeader(1);
    for (let i = 0; i < 10; i++) net.propose(1, `p${i}`);
    net.collect(1);
    expect(aesTo(net, 2).map((m) => m.entries.length)).toEqual([4, 4, 2]);
  });

  it('maxBytesPerMsg splits a batch, yet an entry larger than it still travels alone', () => {
    const net = Network.of(3, { ...plain, maxBytesPerMsg: 100 });
    net.electLeader(1);
    for (let i = 0; i < 5; i++) net.node(1).propose(new Uint8Array(40));
    net.node(1).propose(new Uint8Array(150));
    net.node(1).propose(new Uint8Array(10));
    net.collect(1);
    const sizes = aesTo(net, 2).map((m) => m.entries.map((e) => e.data.length));
    expect(sizes).toEqual([[40, 40], [40, 40], [40], [150], [10]]);
    for (const m of aesTo(net, 2)) {
      const total = m.entries.reduce((n, e) => n + e.data.length, 0);
      expect(total <= 100 || m.entries.length === 1).toBe(true);
    }
  });

  it('the data of a proposal arrives intact', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    net.propose(1, 'hello');
    net.deliverAll();
    expect(net.node(3).entryAt(2)?.data).toEqual(bytes('hello'));
  });
});
