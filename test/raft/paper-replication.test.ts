/**
 * Raft paper, section 5.3 (log replication): the leader's side (append, replicate, commit by
 * majority) and the follower's side (Figure 2's AppendEntries receiver rules), then Figure 7.
 */
import type { LogEntry as Entry } from '../../src/raft/core/types';
import {
  bytes,
  drain,
  entry,
  initialState,
  logOfTerms,
  msg,
  Network,
  newCore,
  ofType,
  termsOf,
} from './harness';

const plain = { preVote: false, checkQuorum: false } as const;

describe('5.3 log replication: the leader', () => {
  it('appends a proposal to its own log and sends it to every follower', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    const res = net.node(1).propose(bytes('x'));
    expect(res).toEqual({ ok: true, index: 2, term: 1 });
    const rd = net.node(1).ready();
    expect(rd.entries).toEqual([{ index: 2, term: 1, type: 'normal', data: bytes('x') }]);
    const aes = ofType(rd.messages, 'AppendEntries');
    expect(aes.map((m) => m.to)).toEqual([2, 3]);
    for (const m of aes) {
      expect(m).toMatchObject({ term: 1, prevLogIndex: 1, prevLogTerm: 1, leaderCommit: 1 });
      expect(m.entries).toEqual(rd.entries);
    }
  });

  it('commits once a majority holds the entry, counting itself only once its own write is durable', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    const leader = net.node(1);
    leader.propose(bytes('x'));
    const rd = leader.ready(); // "persisting" starts; not advanced yet
    leader.step(msg.appendResp(2, 1, 1, 2));
    // 2 of 3 hold index 2 but the leader's copy is not durable: only node 2 counts.
    expect(leader.status()).toMatchObject({ commitIndex: 1, stableIndex: 1 });
    leader.advance(rd);
    expect(leader.status()).toMatchObject({ commitIndex: 2, stableIndex: 2 });
    const next = leader.ready();
    expect(next.committedEntries.map((e) => e.index)).toEqual([2]);
    expect(next.hardState?.commit).toBe(2);
  });

  it('commits without its own copy when the followers alone are a majority (10.2.1)', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    const leader = net.node(1);
    leader.propose(bytes('x'));
    leader.ready();
    leader.step(msg.appendResp(2, 1, 1, 2));
    leader.step(msg.appendResp(3, 1, 1, 2));
    expect(leader.status()).toMatchObject({ commitIndex: 2, stableIndex: 1 });
  });

  it('every follower learns the new commit index without waiting for a heartbeat, a paused one too', () => {
    const net = Network.of(3, plain);
    net.node(1).campaign();
    net.collect(1);
    net.deliverAll(); // no tick ever happens: no heartbeat can carry the commit index
    // Node 2's ack committed the no-op while node 3's probe was still unanswered (paused).
    for (const id of net.ids) expect(net.node(id).status().commitIndex).toBe(1);
    expect(ofType(net.sent, 'Heartbeat')).toEqual([]);
    net.propose(1, 'x');
    net.deliverAll();
    for (const id of net.ids) expect(net.applied.get(id)!.map((e) => e.index)).toEqual([1, 2]);
  });

  it('does not commit on a minority of acknowledgements', () => {
    const net = Network.of(5, plain);
    net.electLeader(1);
    net.isolate(3);
    net.isolate(4);
    net.isolate(5);
    const { index } = net.propose(1, 'x');
    net.deliverAll();
    expect(net.node(1).status().commitIndex).toBe(index - 1);
    expect(net.node(2).status().lastLogIndex).toBe(index);
    net.heal();
    net.tickUntil(() => net.node(1).status().commitIndex === index, { ids: [1], max: 3 });
  });

  it('appends a no-op of its term on election, and earlier-term entries commit with it (5.4.2, 8)', () => {
    const net = Network.of(3, plain, () => initialState(logOfTerms([1, 1]), { term: 1 }));
    net.electLeader(1);
    const leader = net.node(1);
    expect(leader.status().term).toBe(2);
    expect(leader.entryAt(3)).toEqual({ index: 3, term: 2, type: 'noop', data: new Uint8Array(0) });
    for (const id of net.ids) {
      expect(net.node(id).status().commitIndex).toBe(3);
      expect(net.applied.get(id)!.map((e) => [e.index, e.type])).toEqual([
        [1, 'normal'],
        [2, 'normal'],
        [3, 'noop'],
      ]);
    }
  });

  it('every node applies the same entries in the same order', () => {
    const net = Network.of(5, plain);
    net.electLeader(2);
    for (let i = 0; i < 20; i++) {
      net.propose(2, `cmd-${i}`);
      if (i % 3 === 0) net.deliverAll();
    }
    net.deliverAll();
    net.tickAll();
    net.deliverAll();
    const want = net.applied.get(2)!.map((e) => `${e.index}/${e.term}/${new TextDecoder().decode(e.data)}`);
    expect(want).toHaveLength(21);
    for (const id of net.ids) {
      expect(net.applied.get(id)!.map((e) => `${e.index}/${e.term}/${new TextDecoder().decode(e.data)}`)).toEqual(want);
    }
  });

  it('heartbeats carry the commit index clamped to what the follower is known to match', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    net.isolate(3);
    net.propose(1, 'a');
    net.propose(1, 'b');
    net.deliverAll();
    expect(net.node(1).status().commitIndex).toBe(3);
    net.tick(1);
    const hbs = ofType(net.queue, 'Heartbeat');
    expect(hbs.find((m) => m.to === 2)?.commit).toBe(3);
    expect(hbs.find((m) => m.to === 3)?.commit).toBe(1); // 3 matched only the no-op
  });
});

describe('5.3 log replication: proposals reach the leader or fail loudly', () => {
  it('a follower rejects a proposal naming the leader, and nothing is queued or appended', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    const f = net.node(2);
    const before = f.status();
    expect(f.propose(bytes('x'))).toEqual({ ok: false, error: { code: 'not_leader', leaderId: 1 } });
    expect(f.status()).toEqual(before);
    expect(f.hasReady()).toBe(false);
  });

  it('a candidate rejects a proposal with an unknown leader (0)', () => {
    const core = newCore(1, [1, 2, 3], plain);
    core.campaign();
    expect(core.propose(bytes('x'))).toEqual({ ok: false, error: { code: 'not_leader', leaderId: 0 } });
  });

  it('a leader that stepped down answers not_leader instead of appending', () => {
    const net = Network.of(3, plain);
    net.electLeader(1);
    net.node(1).step(msg.heartbeat(2, 1, 5));
    const res = net.node(1).propose(bytes('x'));
    expect(res).toEqual({ ok: false, error: { code: 'not_leader', leaderId: 2 } });
  });
});

describe('5.3 log replication: the AppendEntries consistency check (follower)', () => {
  // Follower log: terms [1, 2, 2, 2] (indexes 1..4), nothing committed.
  const cases: [string, number, number, { reject: boolean; index: number; conflictTerm: number; conflictIndex: number }][] = [
    ['an empty log prefix always matches', 0, 0, { reject: false, index: 0, conflictTerm: 0, conflictIndex: 0 }],
    ['a matching entry', 1, 1, { reject: false, index: 1, conflictTerm: 0, conflictIndex: 0 }],
    ['the matching last entry', 4, 2, { reject: false, index: 4, conflictTerm: 0, conflictIndex: 0 }],
    ['wrong term at index 1', 1, 3, { reject: true, index: 1, conflictTerm: 1, conflictIndex: 1 }],
    ['wrong term: hint is the first index of the follower term', 4, 3, { reject: true, index: 4, conflictTerm: 2, conflictIndex: 2 }],
    ['wrong term mid-run', 3, 1, { reject: true, index: 3, conflictTerm: 2, conflictIndex: 2 }],
    ['past the end: hint is lastIndex+1', 7, 3, { reject: true, index: 7, conflictTerm: 0, conflictIndex: 5 }],
  ];

  it.each(cases)('%s (prev %i/t%i)', (_name, prevLogIndex, prevLogTerm, want) => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 2, 2, 2]), { term: 3 }));
    core.step(msg.appendEntries(1, 2, 3, prevLogIndex, prevLogTerm, [], 0));
    const rd = core.ready();
    expect(rd.messages).toEqual([msg.appendResp(2, 1, 3, want.index, want.reject, want.conflictTerm, want.conflictIndex)]);
    expect(termsOf(core)).toEqual([1, 2, 2, 2]); // a rejected or empty message never edits the log
  });

  it('the rejection does not commit anything either', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 2, 2, 2]), { term: 3 }));
    core.step(msg.appendEntries(1, 2, 3, 4, 3, [entry(5, 3)], 5));
    expect(core.status().commitIndex).toBe(0);
  });
});

describe('5.3 log replication: appending on the follower', () => {
  const cases: [string, number[], number, number, Entry[], number[], number[]][] = [
    // name, follower terms, prevIndex, prevTerm, entries, resulting terms, indexes in the Ready
    ['appends after the last entry', [1, 2], 2, 2, [entry(3, 3)], [1, 2, 3], [3]],
    ['truncates a conflicting suffix', [1, 2, 2], 1, 1, [entry(2, 3), entry(3, 4)], [1, 3, 4], [2, 3]],
    ['truncates at the first conflict only', [1, 2, 2, 2], 1, 1, [entry(2, 2), entry(3, 5)], [1, 2, 5], [3]],
    ['keeps entries it already has and what follows them', [1, 2, 2], 0, 0, [entry(1, 1)], [1, 2, 2], []],
    ['keeps a matching prefix then appends', [1, 2], 1, 1, [entry(2, 2), entry(3, 2)], [1, 2, 2], [3]],
    ['replaces the whole log', [1, 1], 0, 0, [entry(1, 3)], [3], [1]],
  ];

  it.each(cases)('%s', (_name, terms, prevIndex, prevTerm, entries, want, readyIdx) => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms(terms), { term: 5 }));
    core.step(msg.appendEntries(1, 2, 5, prevIndex, prevTerm, entries, 0));
    expect(termsOf(core)).toEqual(want);
    const rd = core.ready();
    expect(rd.entries.map((e) => e.index)).toEqual(readyIdx);
    expect(rd.messages).toEqual([msg.appendResp(2, 1, 5, prevIndex + entries.length)]);
    core.advance(rd);
    expect(core.status().stableIndex).toBe(want.length);
  });

  it('an AppendEntries reaching below the commit index is answered with it and cannot touch committed entries', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 1]), { term: 2, commit: 2 }, 2));
    core.step(msg.appendEntries(1, 2, 3, 1, 1, [entry(2, 3)], 0));
    expect(termsOf(core)).toEqual([1, 1]);
    expect(drain(core)).toEqual([msg.appendResp(2, 1, 3, 2)]);
  });
});

describe('5.3 log replication: the follower commit index', () => {
  // follower terms, AppendEntries (prevIndex, prevTerm, entries, leaderCommit), expected commit
  const cases: [string, number[], number, number, Entry[], number, number][] = [
    ['adopts leaderCommit when it has the entries', [], 0, 0, [entry(1, 1), entry(2, 1)], 2, 2],
    ['adopts a smaller leaderCommit', [], 0, 0, [entry(1, 1), entry(2, 1)], 1, 1],
    ['stops at the last new entry when leaderCommit is beyond it', [], 0, 0, [entry(1, 1)], 5, 1],
    // The log holds unverified entries past the new ones: they must not be committed (Figure 2: "index of last new entry").
    ['does not commit unverified entries past the last new one', [1, 1, 1], 0, 0, [entry(1, 1)], 3, 1],
    ['an empty message commits up to its prevLogIndex only', [1, 1, 1], 1, 1, [], 3, 1],
  ];

  it.each(cases)('%s', (_name, terms, prevIndex, prevTerm, entries, leaderCommit, want) => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms(terms), { term: 1 }));
    core.step(msg.appendEntries(1, 2, 1, prevIndex, prevTerm, entries, leaderCommit));
    expect(core.status().commitIndex).toBe(want);
    const rd = core.ready();
    expect(rd.hardState?.commit).toBe(want);
    expect(rd.committedEntries.map((e) => e.index)).toEqual(Array.from({ length: want }, (_, i) => i + 1));
  });

  it('never moves its commit index backwards', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 1, 1]), { term: 1, commit: 3 }, 3));
    core.step(msg.appendEntries(1, 2, 1, 3, 1, [], 1));
    core.step(msg.heartbeat(1, 2, 1, 0));
    expect(core.status().commitIndex).toBe(3);
  });
});

describe('5.3 Figure 7: a new leader of term 8 brings every follower log to match its own', () => {
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followers: [string, number[], number][] = [
    // name, log terms, most AppendEntries rejections the fast backtracking may take
    ['(a) missing one entry', [1, 1, 1, 4, 4, 5, 5, 6, 6], 1],
    ['(b) missing many entries', [1, 1, 1, 4], 1],
    ['(c) one extra entry', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], 0],
    ['(d) two extra entries of term 7', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], 0],
    ['(e) missing and extra entries of term 4', [1, 1, 1, 4, 4, 4, 4], 2],
    ['(f) many entries of terms 2 and 3', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 2],
  ];
  const want = [...leaderLog, 8];

  it.each(followers)('%s, with few round trips', (_name, terms, maxRejects) => {
    // Node 3 holds the leader's log so node 1 wins even when node 2 (the follower under test) refuses.
    const logs = new Map([
      [1, leaderLog],
      [2, terms],
      [3, leaderLog],
    ]);
    const net = Network.of(3, plain, (id) => initialState(logOfTerms(logs.get(id)!), { term: 7, commit: 3 }, 3));
    net.electLeader(1);
    net.deliverAll();
    expect(net.node(1).status().term).toBe(8);
    expect(termsOf(net.node(2))).toEqual(want);
    expect(net.node(2).status().commitIndex).toBe(11);
    const rejects = net.sentBetween(2, 1, 'AppendEntriesResp').filter((m) => 'reject' in m && m.reject);
    expect(rejects.length).toBeLessThanOrEqual(maxRejects);
    expect(net.sentBetween(1, 2, 'AppendEntries').length).toBeLessThanOrEqual(maxRejects + 2);
    // The fake disk agrees with the in-memory log.
    expect(net.disk(2).entries.map((e) => e.term)).toEqual(want);
  });

  it('all six followers at once in a 7-node cluster (c and d refuse to vote)', () => {
    const logs = [leaderLog, ...followers.map(([, t]) => t)];
    const net = Network.of(7, plain, (id) => initialState(logOfTerms(logs[id - 1]), { term: 7, commit: 3 }, 3));
    net.node(1).campaign();
    net.deliverAll();
    const votes = ofType(net.delivered, 'RequestVoteResp');
    expect(votes.filter((m) => m.reject).map((m) => m.from).sort()).toEqual([4, 5]); // (c) and (d)
    expect(net.leaders()).toEqual([1]);
    for (const id of net.ids) expect(termsOf(net.node(id))).toEqual(want);
    // A leader that decremented nextIndex one entry at a time would need 8 rejections for (f) alone.
    const rejects = ofType(net.sent, 'AppendEntriesResp').filter((m) => m.reject);
    expect(rejects.length).toBeLessThanOrEqual(6);
    for (const id of net.ids) expect(net.node(id).status().commitIndex).toBe(11);
  });

  it('without the conflict hint (one index at a time) the same sync takes many more round trips', () => {
    // Control for the round-trip bound above: strip the hints from (f)'s answers in flight.
    const net = Network.of(3, plain, (id) =>
      initialState(logOfTerms(id === 2 ? followers[5][1] : leaderLog), { term: 7, commit: 3 }, 3),
    );
    net.node(1).campaign();
    for (let i = 0; i < 100 && net.queue.length + Number(net.node(1).hasReady()) > 0; i++) {
      net.collectAll();
      net.queue = net.queue.map((m) =>
        m.type === 'AppendEntriesResp' && m.reject ? { ...m, conflictTerm: 0, conflictIndex: m.index } : m,
      );
      net.deliver(net.queue.length > 0 ? () => true : () => false);
    }
    expect(termsOf(net.node(2))).toEqual(want);
    const rejects = net.sentBetween(2, 1, 'AppendEntriesResp').filter((m) => 'reject' in m && m.reject);
    expect(rejects.length).toBeGreaterThanOrEqual(7);
  });
});

describe('5.3 log matching on a lone follower', () => {
  it('responds to every AppendEntries, in order', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState([], { term: 1 }));
    core.step(msg.appendEntries(1, 2, 1, 0, 0, [entry(1, 1)], 0));
    core.step(msg.appendEntries(1, 2, 1, 1, 1, [entry(2, 1)], 1));
    core.step(msg.appendEntries(1, 2, 1, 5, 1, [entry(6, 1)], 1));
    expect(drain(core)).toEqual([
      msg.appendResp(2, 1, 1, 1),
      msg.appendResp(2, 1, 1, 2),
      msg.appendResp(2, 1, 1, 5, true, 0, 3),
    ]);
  });
});
