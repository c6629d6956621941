/**
 * Raft paper, sections 5.1 (basics: terms) and 5.2 (leader election), checked rule by rule on
 * lone cores stepped by hand and on small hand-driven clusters.
 */
import type { RaftCore } from '../../src/raft/core/raft';
import type { Message, Rand, Role } from '../../src/raft/core/types';
import { RaftCore as Core } from '../../src/raft/core/raft';
import { config, drain, initialState, logOfTerms, msg, Network, newCore, ofType } from './harness';

const noPreVote = { preVote: false, checkQuorum: false } as const;

/** A 3-node cluster whose node 1 is in `role` at term 2 (terms move by elections, as in life). */
function coreInRole(role: Role): { net: Network; core: RaftCore } {
  const net = Network.of(3, { preVote: true, checkQuorum: false }, () => initialState([], { term: 1 }));
  const core = net.node(1);
  if (role === 'leader') {
    net.electLeader(1);
  } else if (role === 'candidate' || role === 'precandidate') {
    core.campaign();
    if (role === 'candidate') net.deliverAll((m) => m.type === 'PreVote' || m.type === 'PreVoteResp');
  } else {
    net.electLeader(2);
  }
  net.collectAll();
  net.queue = [];
  expect(core.status().role).toBe(role);
  return { net, core };
}

describe('5.1 terms: a higher term makes any server a follower', () => {
  const roles: Role[] = ['follower', 'precandidate', 'candidate', 'leader'];

  it.each(roles)('%s adopts the higher term of an AppendEntries and follows its sender', (role) => {
    const { core } = coreInRole(role);
    const term = core.status().term;
    core.step(msg.appendEntries(3, 1, term + 5, 0, 0));
    const st = core.status();
    expect(st.role).toBe('follower');
    expect(st.term).toBe(term + 5);
    expect(st.leaderId).toBe(3);
    const rd = core.ready();
    expect(rd.hardState).toEqual({ term: term + 5, vote: 0, commit: expect.any(Number) });
  });

  it.each(roles)('%s adopts the higher term of a RequestVote and forgets its vote (no lease)', (role) => {
    const { core } = coreInRole(role);
    const term = core.status().term;
    core.step(msg.requestVote(3, 1, term + 1, 100, term + 1));
    const st = core.status();
    expect(st.role).toBe('follower');
    expect(st.term).toBe(term + 1);
    expect(st.leaderId).toBe(0);
    const rd = core.ready();
    expect(rd.hardState?.term).toBe(term + 1);
    expect(rd.hardState?.vote).toBe(3); // a fresh term: its one vote is still free
  });

  it('a leader steps down on a higher-term vote rejection it receives', () => {
    const { core } = coreInRole('leader');
    const term = core.status().term;
    core.step(msg.voteResp(2, 1, term + 3, true));
    expect(core.status()).toMatchObject({ role: 'follower', term: term + 3, leaderId: 0 });
  });

  it('a stale-term AppendEntries is rejected with the current term and changes nothing', () => {
    const { core } = coreInRole('leader');
    const before = core.status();
    core.step(msg.appendEntries(2, 1, before.term - 1, 0, 0, logOfTerms([1]), 0));
    expect(core.status()).toEqual(before);
    const msgs = drain(core);
    expect(msgs).toEqual([msg.appendResp(1, 2, before.term, 0, true)]);
  });

  it('a stale-term RequestVote is rejected with the current term', () => {
    const { core } = coreInRole('follower');
    const term = core.status().term;
    core.step(msg.requestVote(3, 1, term - 1, 50, term - 1));
    const out = drain(core);
    expect(out).toEqual([msg.voteResp(1, 3, term, true)]);
    expect(core.status().term).toBe(term);
  });

  it('a stale-term AppendEntriesResp does not move the leader', () => {
    const { net, core } = coreInRole('leader');
    net.propose(1, 'x');
    net.collect(1);
    const before = core.status();
    core.step(msg.appendResp(2, 1, before.term - 1, before.lastLogIndex));
    core.step(msg.appendResp(3, 1, before.term - 1, before.lastLogIndex));
    expect(core.status()).toEqual(before);
  });
});

describe('5.2 leader election: the election timeout', () => {
  it('a follower that hears nothing becomes a candidate: term+1, votes for itself, RequestVote to all', () => {
    const core = newCore(1, [1, 2, 3], noPreVote, initialState(logOfTerms([1, 1, 2]), { term: 2 }));
    let ticks = 0;
    while (core.status().role === 'follower') {
      core.tick();
      ticks++;
      if (ticks > 20) throw new Error('no election');
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
    const rd = core.ready();
    expect(core.status()).toMatchObject({ role: 'candidate', term: 3, leaderId: 0 });
    expect(rd.hardState).toEqual({ term: 3, vote: 1, commit: 0 });
    expect(rd.messages).toEqual([
      msg.requestVote(1, 2, 3, 3, 2),
      msg.requestVote(1, 3, 3, 3, 2),
    ]);
  });

  it('a follower that keeps hearing heartbeats never campaigns', () => {
    const core = newCore(1, [1, 2, 3], noPreVote, initialState([], { term: 1 }));
    for (let i = 0; i < 100; i++) {
      core.tick();
      if (i % 5 === 0) core.step(msg.heartbeat(2, 1, 1));
    }
    expect(core.status()).toMatchObject({ role: 'follower', term: 1, leaderId: 2 });
    expect(ofType(drain(core), 'RequestVote')).toEqual([]);
  });

  it('randomized timeouts lie in [electionTicks, 2*electionTicks) and do vary', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const core = newCore(1, [1, 2, 3], { ...noPreVote, seed, electionTicks: 10 });
      let ticks = 0;
      while (core.status().role === 'follower') {
        core.tick();
        ticks++;
      }
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeLessThan(20);
      seen.add(ticks);
      // A candidate's retry timeout is drawn from the same range.
      let retry = 0;
      while (core.status().term === 1) {
        core.tick();
        retry++;
      }
      expect(retry).toBeGreaterThanOrEqual(10);
      expect(retry).toBeLessThan(20);
    }
    expect(seen.size).toBeGreaterThan(5);
  });

  it.each([
    [0, 10],
    [9, 19],
  ])('the timeout is electionTicks + rand.int(electionTicks): rand=%i gives %i ticks', (r, expected) => {
    const asked: number[] = [];
    const rand: Rand = {
      int: (n) => {
        asked.push(n);
        return r;
      },
    };
    const core = new Core(config(1, [1, 2, 3], noPreVote), initialState(), rand);
    let ticks = 0;
    while (core.status().role === 'follower') {
      core.tick();
      ticks++;
    }
    expect(ticks).toBe(expected);
    expect(asked.every((n) => n === 10)).toBe(true);
  });
});

describe('5.2 leader election: counting votes', () => {
  // [cluster size, votes received (node -> granted), expected role]
  const cases: [number, [number, boolean][], Role][] = [
    [1, [], 'leader'],
    [3, [[2, true], [3, true]], 'leader'],
    [3, [[2, true]], 'leader'],
    [5, [[2, true], [3, true], [4, true], [5, true]], 'leader'],
    [5, [[2, true], [3, true], [4, true]], 'leader'],
    [5, [[2, true], [3, true]], 'leader'],
    // no majority yet: still a candidate
    [3, [[2, false]], 'candidate'],
    [5, [[2, true]], 'candidate'],
    [5, [[2, false], [3, false]], 'candidate'],
    [5, [], 'candidate'],
    // a majority rejected: give up at once
    [3, [[2, false], [3, false]], 'follower'],
    [5, [[2, false], [3, false], [4, false]], 'follower'],
  ];

  it.each(cases)('size %i, votes %j -> %s, in one round of RequestVote', (size, votes, want) => {
    const voters = Array.from({ length: size }, (_, i) => i + 1);
    const core = newCore(1, voters, noPreVote, initialState([], { term: 1 }));
    core.campaign();
    const sent = ofType(drain(core), 'RequestVote');
    expect(sent.map((m) => m.to)).toEqual(voters.slice(1));
    for (const [from, granted] of votes) core.step(msg.voteResp(from, 1, 2, !granted));
    expect(core.status().role).toBe(want);
    expect(core.status().term).toBe(2);
  });

  it('a duplicated grant from one voter is counted once', () => {
    const core = newCore(1, [1, 2, 3, 4, 5], noPreVote, initialState([], { term: 1 }));
    core.campaign();
    const grant = (from: number) => core.step(msg.voteResp(from, 1, 2, false));
    const reject = (from: number) => core.step(msg.voteResp(from, 1, 2, true));
    reject(2);
    reject(3);
    grant(2); // the same voter cannot change its mind to a grant
    grant(3);
    grant(4);
    grant(4);
    expect(core.status().role).toBe('candidate');
    grant(5);
    expect(core.status().role).toBe('leader');
  });

  it('a leader is elected in one round on a live cluster, and all follow it', () => {
    const net = Network.of(5, noPreVote);
    net.electLeader(3);
    const requests = net.sent.filter((m) => m.type === 'RequestVote');
    expect(requests).toHaveLength(4);
    for (const id of net.ids) {
      expect(net.node(id).status()).toMatchObject({ term: 1, leaderId: 3, role: id === 3 ? 'leader' : 'follower' });
    }
  });

  it('split votes: two candidates of one term both stay candidates, then a timeout retries at term+1', () => {
    const net = Network.of(5, noPreVote);
    net.isolate(5);
    net.node(1).campaign();
    net.node(2).campaign();
    net.collectAll();
    // 3 hears 1 first and 4 hears 2 first, 5 hears nobody: 2 votes each of 5, no majority.
    net.deliver((m) => m.type === 'RequestVote' && ((m.from === 1 && m.to === 3) || (m.from === 2 && m.to === 4)));
    net.deliverAll();
    expect(net.node(1).status()).toMatchObject({ role: 'candidate', term: 1 });
    expect(net.node(2).status()).toMatchObject({ role: 'candidate', term: 1 });
    expect(net.leaders()).toEqual([]);
    net.heal();
    // Retry: node 1's timeout fires first (node 2 is not ticked), it campaigns at term 2 and wins.
    let ticks = 0;
    while (net.node(1).status().term === 1) {
      net.tick(1);
      ticks++;
    }
    expect(ticks).toBeLessThan(20);
    expect(net.node(1).status()).toMatchObject({ role: 'candidate', term: 2 });
    net.deliverAll();
    expect(net.leaders()).toEqual([1]);
  });
});

describe('5.2 leader election: one vote per term', () => {
  function voter(): RaftCore {
    return newCore(1, [1, 2, 3], noPreVote, initialState(logOfTerms([1]), { term: 1 }));
  }

  it('grants its vote to the first candidate of a term and refuses a second one', () => {
    const core = voter();
    core.step(msg.requestVote(2, 1, 2, 1, 1));
    core.step(msg.requestVote(3, 1, 2, 1, 1));
    const rd = core.ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 2, commit: 0 });
    expect(rd.messages).toEqual([msg.voteResp(1, 2, 2, false), msg.voteResp(1, 3, 2, true)]);
  });

  it('answers a retransmitted request of the same candidate with a grant again', () => {
    const core = voter();
    core.step(msg.requestVote(2, 1, 2, 1, 1));
    core.step(msg.requestVote(2, 1, 2, 1, 1));
    expect(ofType(drain(core), 'RequestVoteResp').map((m) => m.reject)).toEqual([false, false]);
  });

  it('a new term frees the vote again', () => {
    const core = voter();
    core.step(msg.requestVote(2, 1, 2, 1, 1));
    core.step(msg.requestVote(3, 1, 3, 1, 1));
    const out = ofType(drain(core), 'RequestVoteResp');
    expect(out.map((m) => [m.to, m.term, m.reject])).toEqual([
      [2, 2, false],
      [3, 3, false],
    ]);
  });

  it('the vote survives a restart: the restarted voter still refuses a second candidate', () => {
    const net = Network.of(3, noPreVote, () => initialState(logOfTerms([1]), { term: 1 }));
    net.node(1).step(msg.requestVote(2, 1, 2, 1, 1));
    net.collect(1);
    const restarted = net.restart(1);
    restarted.step(msg.requestVote(3, 1, 2, 1, 1));
    const out = net.collect(1);
    expect(out).toEqual([msg.voteResp(1, 3, 2, true)]);
  });

  it('a candidate refuses other candidates of its own term (it voted for itself)', () => {
    const core = newCore(1, [1, 2, 3], noPreVote, initialState([], { term: 1 }));
    core.campaign();
    drain(core);
    core.step(msg.requestVote(2, 1, 2, 5, 2));
    expect(drain(core)).toEqual([msg.voteResp(1, 2, 2, true)]);
    expect(core.status().role).toBe('candidate');
  });

  it('a follower that already knows the leader of this term refuses to vote in it', () => {
    const core = voter();
    core.step(msg.heartbeat(2, 1, 2));
    core.step(msg.requestVote(3, 1, 2, 1, 1));
    expect(ofType(drain(core), 'RequestVoteResp')).toEqual([msg.voteResp(1, 3, 2, true)]);
  });
});

describe('5.2 leader election: a candidate meets the leader', () => {
  it.each<[string, (term: number) => Message]>([
    ['AppendEntries', (t) => msg.appendEntries(2, 1, t, 0, 0)],
    ['Heartbeat', (t) => msg.heartbeat(2, 1, t)],
  ])('a candidate steps down on %s from a leader of its own term', (_name, make) => {
    const core = newCore(1, [1, 2, 3], noPreVote, initialState([], { term: 1 }));
    core.campaign();
    drain(core);
    expect(core.status()).toMatchObject({ role: 'candidate', term: 2 });
    core.step(make(2));
    expect(core.status()).toMatchObject({ role: 'follower', term: 2, leaderId: 2 });
    const out = drain(core);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ to: 2, term: 2 });
    expect('reject' in out[0] && out[0].reject).toBe(false);
  });

  it('a pre-candidate also steps down on a heartbeat of its current term', () => {
    const core = newCore(1, [1, 2, 3], { preVote: true, checkQuorum: false }, initialState([], { term: 1 }));
    core.campaign();
    expect(core.status().role).toBe('precandidate');
    core.step(msg.heartbeat(2, 1, 1));
    expect(core.status()).toMatchObject({ role: 'follower', term: 1, leaderId: 2 });
  });

  it('the leader sends a heartbeat to every follower each heartbeatTicks', () => {
    const net = Network.of(3, { ...noPreVote, heartbeatTicks: 3 });
    net.electLeader(1);
    const before = net.sent.length;
    net.tick(1, 2);
    expect(net.sent.length).toBe(before);
    net.tick(1);
    const hb = net.sent.slice(before);
    expect(hb.map((m) => [m.type, m.to])).toEqual([
      ['Heartbeat', 2],
      ['Heartbeat', 3],
    ]);
  });
});
