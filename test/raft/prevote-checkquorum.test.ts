/**
 * Dissertation 9.6 (PreVote) and 6.2 / 4.2.3 (CheckQuorum and the leader lease that lets
 * followers ignore disruptive vote requests), each next to a control run without the feature
 * so the test is shown able to fail.
 */
import {
  drain,
  initialState,
  logOfTerms,
  msg,
  Network,
  newCore,
  ofType,
} from './harness';

const both = { preVote: true, checkQuorum: true } as const;

describe('9.6 PreVote: a partitioned node cannot disrupt the cluster when it returns', () => {
  function partitionAndReturn(preVote: boolean): Network {
    const net = Network.of(3, { preVote, checkQuorum: true });
    net.electLeader(1);
    net.isolate(3);
    // Node 3 times out again and again while the majority side keeps working.
    for (let t = 0; t < 60; t++) {
      net.tickAll();
      net.deliverAll();
    }
    net.propose(1, 'during partition');
    net.deliverAll();
    net.heal();
    for (let t = 0; t < 5; t++) {
      net.tickAll();
      net.deliverAll();
    }
    return net;
  }

  it('with PreVote the isolated node never raises its term and the leader stays', () => {
    const net = partitionAndReturn(true);
    expect(net.sent.filter((m) => m.from === 3 && m.type === 'PreVote').length).toBeGreaterThan(3);
    expect(net.sent.filter((m) => m.from === 3 && m.type === 'RequestVote')).toEqual([]);
    for (const id of net.ids) expect(net.node(id).status()).toMatchObject({ term: 1, leaderId: 1 });
    expect(net.leaders()).toEqual([1]);
    expect(net.node(3).status().commitIndex).toBe(2); // and it caught up
  });

  it('without PreVote (control) the returning node inflates its term and deposes the leader', () => {
    const net = partitionAndReturn(false);
    expect(net.node(3).status().term).toBeGreaterThan(3);
    expect(net.node(1).status().term).toBeGreaterThan(1);
    expect(net.sent.some((m) => m.from === 1 && m.to === 3 && m.type === 'Heartbeat')).toBe(true);
  });

  it('a pre-candidate keeps its term and vote, and its PreVotes ask for term+1', () => {
    const core = newCore(1, [1, 2, 3], both, initialState(logOfTerms([1, 2]), { term: 2, vote: 3 }));
    core.campaign();
    expect(core.status()).toMatchObject({ role: 'precandidate', term: 2 });
    const rd = core.ready();
    expect(rd.hardState).toBeNull();
    expect(rd.messages).toEqual([msg.preVote(1, 2, 3, 2, 2), msg.preVote(1, 3, 3, 2, 2)]);
  });

  it('granting a pre-vote changes neither the voter term nor its vote', () => {
    const core = newCore(2, [1, 2, 3], both, initialState(logOfTerms([1, 2]), { term: 2, vote: 3 }));
    core.step(msg.preVote(1, 2, 3, 2, 2));
    const rd = core.ready();
    expect(rd.hardState).toBeNull();
    expect(rd.messages).toEqual([msg.voteResp(2, 1, 3, false, true)]);
    expect(core.status()).toMatchObject({ term: 2, role: 'follower' });
    // Its real vote in term 2 is untouched: a RequestVote at term 2 from node 1 is still refused.
    core.step(msg.requestVote(1, 2, 2, 2, 2));
    expect(drain(core)).toEqual([msg.voteResp(2, 1, 2, true)]);
  });

  it('a majority of pre-vote grants turns the pre-candidate into a candidate at term+1', () => {
    const core = newCore(1, [1, 2, 3], both, initialState([], { term: 2 }));
    core.campaign();
    drain(core);
    core.step(msg.voteResp(2, 1, 3, false, true));
    expect(core.status()).toMatchObject({ role: 'candidate', term: 3 });
    const rd = core.ready();
    expect(rd.hardState).toEqual({ term: 3, vote: 1, commit: 0 });
    expect(ofType(rd.messages, 'RequestVote').map((m) => [m.to, m.term, m.transfer])).toEqual([
      [2, 3, false],
      [3, 3, false],
    ]);
  });

  it('a majority of pre-vote rejections ends the pre-campaign with the term unchanged', () => {
    const core = newCore(1, [1, 2, 3], both, initialState([], { term: 2 }));
    core.campaign();
    core.step(msg.voteResp(2, 1, 2, true, true));
    core.step(msg.voteResp(3, 1, 2, true, true));
    expect(core.status()).toMatchObject({ role: 'follower', term: 2 });
  });

  it('a pre-candidate behind in term learns the term from a rejection and follows', () => {
    const core = newCore(1, [1, 2, 3], both, initialState([], { term: 2 }));
    core.campaign();
    core.step(msg.voteResp(2, 1, 7, true, true));
    expect(core.status()).toMatchObject({ role: 'follower', term: 7 });
  });

  it('a stale pre-vote is rejected with the current term', () => {
    const core = newCore(2, [1, 2, 3], both, initialState([], { term: 5 }));
    core.step(msg.preVote(1, 2, 3, 9, 2));
    expect(drain(core)).toEqual([msg.voteResp(2, 1, 5, true, true)]);
  });
});

describe('6.2 CheckQuorum: a leader that cannot reach a majority steps down', () => {
  it('after one election timeout without hearing from a majority', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.isolate(1);
    // The first timeout is forgiven (every follower starts "recently active").
    net.tick(1, 10);
    expect(net.node(1).status().role).toBe('leader');
    net.tick(1, 9);
    expect(net.node(1).status().role).toBe('leader');
    net.tick(1, 1);
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: 1, leaderId: 0 });
  });

  it('hearing from one follower of three is a majority: it stays', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.isolate(3);
    for (let t = 0; t < 50; t++) {
      net.tick(1);
      net.deliverAll();
    }
    expect(net.node(1).status().role).toBe('leader');
  });

  it('hearing from one follower of five is not: it steps down', () => {
    const net = Network.of(5, both);
    net.electLeader(1);
    for (const id of [3, 4, 5]) net.isolate(id);
    for (let t = 0; t < 20; t++) {
      net.tick(1);
      net.deliverAll();
    }
    expect(net.node(1).status().role).toBe('follower');
  });

  it('without CheckQuorum (control) the isolated leader stays leader forever', () => {
    const net = Network.of(3, { preVote: true, checkQuorum: false });
    net.electLeader(1);
    net.isolate(1);
    net.tick(1, 200);
    expect(net.node(1).status().role).toBe('leader');
  });
});

describe('4.2.3 leader lease: followers ignore vote requests while they hear a leader', () => {
  function followerInLease(checkQuorum: boolean) {
    const core = newCore(2, [1, 2, 3], { preVote: false, checkQuorum }, initialState(logOfTerms([1]), { term: 1 }));
    core.step(msg.heartbeat(1, 2, 1, 1));
    drain(core);
    return core;
  }

  it('a RequestVote of a higher term is dropped: no answer, no term change', () => {
    const core = followerInLease(true);
    core.step(msg.requestVote(3, 2, 5, 9, 1));
    expect(core.hasReady()).toBe(false);
    expect(core.status()).toMatchObject({ term: 1, leaderId: 1, role: 'follower' });
  });

  it('so is a PreVote', () => {
    const core = followerInLease(true);
    core.step(msg.preVote(3, 2, 2, 9, 1));
    expect(core.hasReady()).toBe(false);
  });

  it('once an election timeout passes without the leader, the request is heard', () => {
    const core = followerInLease(true);
    for (let t = 0; t < 10; t++) core.tick();
    drain(core);
    core.step(msg.requestVote(3, 2, 5, 9, 1));
    expect(core.status()).toMatchObject({ term: 5 });
    expect(ofType(drain(core), 'RequestVoteResp')).toEqual([msg.voteResp(2, 3, 5, false)]);
  });

  it('without CheckQuorum (control) the request deposes the term at once', () => {
    const core = followerInLease(false);
    core.step(msg.requestVote(3, 2, 5, 9, 1));
    expect(core.status()).toMatchObject({ term: 5, leaderId: 0 });
  });

  it('on a cluster: a disruptive candidate neither wins nor moves anybody term', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    // Node 3 is "disruptive": it skips pre-vote and campaigns at term 2 directly.
    net.node(3).step(msg.timeoutNow(1, 3, 1));
    net.collect(3);
    expect(net.node(3).status()).toMatchObject({ role: 'candidate', term: 2 });
    const requests = ofType(net.queue, 'RequestVote').map((m) => ({ ...m, transfer: false }));
    net.queue = requests;
    net.deliver();
    expect(net.queue).toEqual([]); // nobody answered
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 1 });
    expect(net.node(2).status()).toMatchObject({ role: 'follower', term: 1 });
  });
});

describe('stale leaders and candidates learn the newer term from the answer they get', () => {
  it('a leader cut off during an election steps down on the reply to its next heartbeat', () => {
    const net = Network.of(3, { preVote: true, checkQuorum: false });
    net.electLeader(1);
    net.isolate(1);
    net.tickUntil(() => net.leaders().includes(2) || net.leaders().includes(3), { ids: [2, 3], max: 100 });
    const newTerm = net.node(2).status().term;
    expect(newTerm).toBeGreaterThan(1);
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 1 });
    net.heal();
    net.tick(1); // heartbeat at term 1
    const answers = net.deliver((m) => m.from === 1);
    expect(answers.length).toBe(2);
    const replies = ofType(net.queue, 'AppendEntriesResp').filter((m) => m.to === 1);
    expect(replies.map((m) => [m.term, m.reject])).toEqual([
      [newTerm, true],
      [newTerm, true],
    ]);
    net.deliver((m) => m.to === 1);
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: newTerm });
  });

  it('a lone stale leader core answered at a higher term becomes follower in that term', () => {
    const net = Network.of(3, both);
    net.electLeader(1);
    net.node(1).step(msg.appendResp(2, 1, 4, 0, true));
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: 4, leaderId: 0 });
  });
});
