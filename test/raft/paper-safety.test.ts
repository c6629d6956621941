/**
 * Raft paper, section 5.4 (safety): the election restriction (5.4.1), committing entries from
 * previous terms (5.4.2, Figure 8), and the persistence rule behind every promise (Figure 2:
 * "updated on stable storage before responding to RPCs"). Each safety rule is also checked
 * against its `unsafe` mutation, so the test is shown able to fail.
 */
import type { Message } from '../../src/raft/core/types';
import {
  and,
  bytes,
  drain,
  initialState,
  logOfTerms,
  msg,
  Network,
  newCore,
  not,
  ofType,
  termsOf,
  type CoreOpts,
} from './harness';

const plain = { preVote: false, checkQuorum: false } as const;

describe('5.4.1 election restriction: votes only for an at-least-as-up-to-date log', () => {
  // Voter log: terms [1, 2] (last index 2, last term 2), at term 2. Candidate at term 3.
  const cases: [string, number, number, boolean][] = [
    ['lower last term, shorter', 1, 1, false],
    ['lower last term, longer', 5, 1, false],
    ['empty log', 0, 0, false],
    ['same last term, shorter', 1, 2, false],
    ['same last term, same length', 2, 2, true],
    ['same last term, longer', 3, 2, true],
    ['higher last term, shorter', 1, 3, true],
  ];

  function voter(opts: CoreOpts = {}) {
    return newCore(1, [1, 2, 3], { ...plain, ...opts }, initialState(logOfTerms([1, 2]), { term: 2 }));
  }

  it.each(cases)('candidate log %s -> granted: %p', (_name, lastLogIndex, lastLogTerm, granted) => {
    const core = voter();
    core.step(msg.requestVote(2, 1, 3, lastLogIndex, lastLogTerm));
    const rd = core.ready();
    expect(rd.messages).toEqual([msg.voteResp(1, 2, 3, !granted)]);
    expect(rd.hardState).toEqual({ term: 3, vote: granted ? 2 : 0, commit: 0 });
  });

  it.each(cases.filter(([, , , granted]) => !granted))(
    'with unsafe.skipVoteLogCheck the %s candidate is granted (the check above can fail)',
    (_name, lastLogIndex, lastLogTerm) => {
      const core = voter({ unsafe: { skipVoteLogCheck: true } });
      core.step(msg.requestVote(2, 1, 3, lastLogIndex, lastLogTerm));
      expect(core.ready().messages).toEqual([msg.voteResp(1, 2, 3, false)]);
    },
  );

  it('the same rule governs pre-votes', () => {
    const core = newCore(1, [1, 2, 3], { preVote: true, checkQuorum: false }, initialState(logOfTerms([1, 2]), { term: 2 }));
    core.step(msg.preVote(2, 1, 3, 1, 2));
    core.step(msg.preVote(3, 1, 3, 2, 2));
    expect(drain(core)).toEqual([msg.voteResp(1, 2, 2, true, true), msg.voteResp(1, 3, 3, false, true)]);
  });

  it('a node missing a committed entry cannot become leader', () => {
    const net = Network.of(3, plain, (id) => initialState(logOfTerms(id === 1 ? [1] : [1, 1]), { term: 1, commit: 2 }));
    net.node(1).campaign();
    net.deliverAll();
    expect(net.node(1).status().role).toBe('follower');
    expect(ofType(net.delivered, 'RequestVoteResp').every((m) => m.reject)).toBe(true);
    net.electLeader(2);
    expect(termsOf(net.node(1)).slice(0, 2)).toEqual([1, 1]);
  });
});

/**
 * Figure 8, five servers. (a) S1 led term 2 and replicated index 2 to S2. (b) S5 led term 3 and
 * wrote a different index 2 only to itself. (c) S1 leads term 4 and replicates its term-2 entry
 * to a majority. The test then plays (d): S1 crashes and S5 wins term 5, overwriting index 2.
 */
describe('5.4.2 committing entries from previous terms (Figure 8)', () => {
  const logs: Record<number, number[]> = { 1: [1, 2], 2: [1, 2], 3: [1], 4: [1], 5: [1, 3] };
  const hasIndex3 = (m: Message) => m.type === 'AppendEntries' && m.entries.some((e) => e.index === 3);

  function figure8(opts: CoreOpts): Network {
    const net = Network.of(5, { ...plain, maxEntriesPerMsg: 1, ...opts }, (id) =>
      initialState(logOfTerms(logs[id]), { term: 3, commit: 1 }, 1),
    );
    net.isolate(5); // S5 is down
    net.node(1).campaign(); // term 4; once elected S1 appends its no-op at index 3
    net.deliverAll((m) => m.type === 'RequestVote' || m.type === 'RequestVoteResp');
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 4, lastLogIndex: 3 });
    // (c): the term-2 entry reaches S3 and S4; nobody receives the term-4 no-op.
    // (S3 and S4 do see the no-op's first AppendEntries: they reject it, lacking index 2.)
    net.deliverAllLosing((m) => hasIndex3(m) && net.node(m.to).termAt(2) !== undefined);
    for (const id of [1, 3, 4]) expect(net.node(id).termAt(2)).toBe(2);
    return net;
  }

  /** (d): S1 crashes, S5 returns and is elected at term 5 with votes from S2, S3, S4. */
  function s5TakesOver(net: Network): void {
    net.heal();
    net.isolate(1);
    net.node(5).campaign(); // term 4: everyone already voted for S1
    net.deliverAll();
    expect(net.node(5).status()).toMatchObject({ role: 'follower', term: 4 });
    net.electLeader(5);
    expect(net.node(5).status()).toMatchObject({ role: 'leader', term: 5 });
  }

  it('a leader does not commit an earlier-term entry by counting replicas', () => {
    const net = figure8({});
    expect(net.node(1).status().commitIndex).toBe(1);
    expect(net.applied.get(1)!.map((e) => e.index)).toEqual([]);
    // Once an entry of the current term (the no-op) is on a majority, both commit together.
    net.tick(1); // a heartbeat round makes S1 resend what was lost
    net.deliverAll();
    expect(net.node(1).status().commitIndex).toBe(3);
    expect(net.applied.get(1)!.map((e) => [e.index, e.term])).toEqual([
      [2, 2],
      [3, 4],
    ]);
  });

  it('(d) is then harmless: S5 overwrites index 2, which nobody had committed', () => {
    const net = figure8({});
    s5TakesOver(net);
    net.deliverAll();
    for (const id of [2, 3, 4, 5]) expect(termsOf(net.node(id))).toEqual([1, 3, 5]);
    for (const id of net.ids) expect(net.applied.get(id)!.filter((e) => e.index === 2 && e.term === 2)).toEqual([]);
  });

  it('(e) once the current-term entry is on a majority, S5 can no longer win', () => {
    const net = figure8({});
    net.tick(1);
    net.deliverAll(); // no-op reaches S2, S3 and S4: indexes 2 and 3 committed
    expect(net.node(1).status().commitIndex).toBe(3);
    net.heal();
    net.isolate(1);
    for (let attempt = 0; attempt < 3; attempt++) {
      net.node(5).campaign();
      net.deliverAll();
      expect(net.node(5).status().role).not.toBe('leader');
    }
    for (const id of [3, 4]) expect(termsOf(net.node(id))).toEqual([1, 2, 4]);
  });

  it('with unsafe.commitPriorTermByCount the entry is committed by counting, and (d) then loses it', () => {
    const net = figure8({ unsafe: { commitPriorTermByCount: true } });
    // The mutation commits index 2 (term 2) as soon as S1, S3, S4 hold it...
    expect(net.node(1).status().commitIndex).toBe(2);
    expect(net.applied.get(1)!.map((e) => [e.index, e.term])).toEqual([[2, 2]]);
    // ...S1 crashes before telling anyone, and S5 (whose log ends in term 3) wins term 5.
    s5TakesOver(net);
    net.deliverAll();
    for (const id of [2, 3, 4, 5]) expect(net.node(id).termAt(2)).toBe(3);
    net.tickAll();
    net.deliverAll();
    // State Machine Safety is broken: S1 applied (2, term 2), the new majority applies (2, term 3).
    for (const id of [2, 3, 4, 5]) {
      expect(net.applied.get(id)!.find((e) => e.index === 2)?.term).toBe(3);
    }
  });
});

describe('Figure 2 persistence: state is durable before the messages that promise it', () => {
  it('a granted vote leaves in the same Ready as the hard state recording it', () => {
    const core = newCore(1, [1, 2, 3], plain, initialState(logOfTerms([1]), { term: 1 }));
    core.step(msg.requestVote(2, 1, 4, 1, 1));
    expect(core.hasReady()).toBe(true);
    const rd = core.ready();
    expect(rd.hardState).toEqual({ term: 4, vote: 2, commit: 0 });
    expect(rd.messages).toEqual([msg.voteResp(1, 2, 4, false)]);
    core.advance(rd);
    // Asked again, it does not resend state it already handed out.
    core.step(msg.requestVote(2, 1, 4, 1, 1));
    const again = core.ready();
    expect(again.hardState).toBeNull();
    expect(again.messages).toEqual([msg.voteResp(1, 2, 4, false)]);
  });

  it('a candidate requests votes in the Ready that persists its new term and self-vote', () => {
    const core = newCore(1, [1, 2, 3], plain, initialState([], { term: 6 }));
    core.campaign();
    const rd = core.ready();
    expect(rd.hardState).toEqual({ term: 7, vote: 1, commit: 0 });
    expect(ofType(rd.messages, 'RequestVote').map((m) => m.term)).toEqual([7, 7]);
  });

  it('a follower acknowledges entries in the Ready that persists them', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState([], { term: 1 }));
    core.step(msg.appendEntries(1, 2, 1, 0, 0, logOfTerms([1, 1]), 0));
    const rd = core.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(rd.messages).toEqual([msg.appendResp(2, 1, 1, 2)]);
    expect(core.status().stableIndex).toBe(0);
    core.advance(rd);
    expect(core.status().stableIndex).toBe(2);
  });

  it('a single-node leader commits its own entries only after advance', () => {
    const core = newCore(1, [1], plain);
    core.campaign();
    expect(core.status()).toMatchObject({ role: 'leader', term: 1, commitIndex: 0 });
    let rd = core.ready();
    expect(rd.entries.map((e) => e.type)).toEqual(['noop']);
    expect(rd.committedEntries).toEqual([]);
    core.advance(rd);
    expect(core.status().commitIndex).toBe(1);

    const res = core.propose(bytes('x'));
    expect(res).toEqual({ ok: true, index: 2, term: 1 });
    rd = core.ready();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1]);
    expect(rd.entries.map((e) => e.index)).toEqual([2]);
    expect(core.status().commitIndex).toBe(1); // written, not yet durable
    core.advance(rd);
    expect(core.status().commitIndex).toBe(2);
    rd = core.ready();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([2]);
    expect(rd.hardState).toEqual({ term: 1, vote: 1, commit: 2 });
  });

  it('a leader crash before its write is durable loses an entry nobody was promised', () => {
    const net = Network.of(1, plain);
    net.electLeader(1);
    net.node(1).propose(bytes('x'));
    net.node(1).ready(); // handed out, never persisted
    const restarted = net.restart(1, 1);
    expect(restarted.status()).toMatchObject({ lastLogIndex: 1, commitIndex: 1 });
  });

  it('the harness check catches a driver that sends a vote before persisting it (the check can fail)', () => {
    const net = Network.of(3, plain);
    const core = net.node(1);
    core.step(msg.requestVote(2, 1, 1, 0, 0));
    const rd = core.ready(); // a buggy driver: sends without persisting
    const grant = rd.messages[0];
    expect(grant).toEqual(msg.voteResp(1, 2, 1, false));
    expect(() => net.checkPromise(1, grant)).toThrow(/persist/);
  });
});

describe('5.4.3 Leader Completeness, on a cluster with lossy rounds', () => {
  it('every elected leader holds every entry committed before its term', () => {
    const net = Network.of(5, plain);
    const committed: { index: number; term: number }[] = [];
    for (let round = 0; round < 5; round++) {
      const leader = (round % 5) + 1;
      net.heal();
      net.electLeader(leader);
      for (const c of committed) expect(net.node(leader).termAt(c.index)).toBe(c.term);
      // Some followers miss this round's entries entirely.
      net.isolate(((round + 2) % 5) + 1);
      for (let i = 0; i < 3; i++) net.propose(leader, `r${round}-${i}`);
      net.deliverAll(and(not((m) => m.type === 'Heartbeat')));
      const commit = net.node(leader).status().commitIndex;
      for (let i = 1; i <= commit; i++) committed.push({ index: i, term: net.node(leader).termAt(i)! });
    }
    expect(committed.length).toBeGreaterThan(10);
  });
});
