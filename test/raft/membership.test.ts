/**
 * Membership changes, Raft dissertation chapter 4: single-server changes (4.1) through learners
 * that catch up first (4.2.1), removing servers and the leader (4.2.2), and removed servers that
 * must not disrupt the cluster (4.2.3). Each rule the core enforces is also shown broken by its
 * `unsafe` mutation where one exists.
 */
import { applyChange, ConfigEntryDecodeError, decodeConfigEntry, encodeConfigEntry, makeConfig } from '../../src/raft/core/membership';
import type { ConfChange, NodeId } from '../../src/raft/core/types';
import { and, bytes, from, msg, Network, newCore, initialState, ofType, to, type } from './harness';

const plain = { preVote: false, checkQuorum: false } as const;

function change(net: Network, leader: NodeId, ch: ConfChange): { index: number } {
  const res = net.node(leader).proposeConfChange(ch);
  if (!res.ok) throw new Error(`${ch.type}(${ch.id}) refused: ${JSON.stringify(res.error)}`);
  return res;
}

/** Nodes 1..n exist; only `voters` form the bootstrap configuration; leader 1 elected. */
function cluster(n: number, voters: NodeId[], opts: object = plain): Network {
  const net = Network.withBootstrap(Array.from({ length: n }, (_, i) => i + 1), voters, opts);
  net.electLeader(voters[0]);
  return net;
}

/** Big-endian u32 words, as a config entry is written. */
function words(...ws: number[]): Uint8Array {
  const out = new Uint8Array(4 * ws.length);
  ws.forEach((w, i) => new DataView(out.buffer).setUint32(4 * i, w));
  return out;
}

/** Adds `id` as a learner and lets everything settle. */
function addLearner(net: Network, leader: NodeId, id: NodeId): void {
  change(net, leader, { type: 'addLearner', id });
  net.deliverAll();
}

describe('4.1: a server uses the latest configuration in its log, committed or not', () => {
  it('the leader switches when it appends the change, before it commits', () => {
    const net = cluster(4, [1, 2, 3]);
    const leader = net.node(1);
    const { index } = change(net, 1, { type: 'addLearner', id: 4 });
    expect(leader.status()).toMatchObject({ config: makeConfig([1, 2, 3], [4]), configIndex: index, committedConfig: makeConfig([1, 2, 3]) });
    expect(leader.status().progress.map((p) => p.id)).toEqual([2, 3, 4]);
    net.deliverAll();
    expect(leader.status().committedConfig).toEqual(makeConfig([1, 2, 3], [4]));
    expect(net.node(4).status()).toMatchObject({ config: makeConfig([1, 2, 3], [4]), commitIndex: index });
  });

  it('a follower switches when the entry reaches its log, before it knows it committed', () => {
    const net = cluster(4, [1, 2, 3]);
    change(net, 1, { type: 'addLearner', id: 4 });
    net.collect(1);
    net.deliver(and(to(2), type('AppendEntries')));
    expect(net.node(2).status()).toMatchObject({ config: makeConfig([1, 2, 3], [4]), committedConfig: makeConfig([1, 2, 3]) });
  });

  it('a follower that loses an uncommitted change to a new leader goes back to the configuration before it', () => {
    const net = cluster(6, [1, 2, 3, 4, 5]);
    change(net, 1, { type: 'addLearner', id: 6 });
    net.collect(1);
    net.deliver(and(to(2), type('AppendEntries')));
    net.drop(() => true);
    expect(net.node(2).status().config).toEqual(makeConfig([1, 2, 3, 4, 5], [6]));
    net.isolate(1);
    net.isolate(2);
    net.electLeader(3); // votes of 4 and 5: the change never reached them
    net.heal();
    net.isolate(1);
    net.propose(3, 'x');
    net.tick(3);
    net.deliverAll();
    expect(net.node(2).status().config).toEqual(makeConfig([1, 2, 3, 4, 5]));
    expect(net.node(2).status().configIndex).toBe(0);
  });

  it('the leader refuses a second change while the first is uncommitted ("config_change_pending")', () => {
    const net = cluster(4, [1, 2, 3]);
    const { index } = change(net, 1, { type: 'addLearner', id: 4 });
    expect(net.node(1).proposeConfChange({ type: 'promote', id: 4 })).toEqual({
      ok: false,
      error: { code: 'config_change_pending', configIndex: index, commitIndex: index - 1 },
    });
    net.deliverAll();
    expect(net.node(1).proposeConfChange({ type: 'promote', id: 4 })).toMatchObject({ ok: true, config: makeConfig([1, 2, 3, 4]) });
  });

  it('with unsafe.concurrentConfigChanges it accepts it (the check above can fail)', () => {
    const net = cluster(4, [1, 2, 3], { ...plain, unsafe: { concurrentConfigChanges: true } });
    change(net, 1, { type: 'addLearner', id: 4 });
    expect(net.node(1).proposeConfChange({ type: 'promote', id: 4 }).ok).toBe(true);
  });

  it('the 4.1 note: a new leader accepts no change until an entry of its own term commits', () => {
    const net = Network.withBootstrap([1, 2, 3, 4], [1, 2, 3], plain);
    net.node(1).campaign();
    net.collect(1);
    net.deliverAll((m) => m.type === 'RequestVote' || m.type === 'RequestVoteResp');
    expect(net.node(1).isLeader()).toBe(true);
    expect(net.node(1).proposeConfChange({ type: 'addLearner', id: 4 })).toEqual({
      ok: false,
      error: { code: 'config_change_pending', configIndex: 0, commitIndex: 0 },
    });
    net.deliverAll();
    expect(net.node(1).proposeConfChange({ type: 'addLearner', id: 4 }).ok).toBe(true);
  });

  /**
   * Why one change at a time: two voters added in one go, {1,2,3} -> {1,2,3,4,5}, leave majorities
   * {1,2} (of the old configuration) and {3,4,5} (of the new one) that do not overlap. Leader 3
   * replicates both changes to 4 and 5 only; then each side elects a leader, in the same term.
   */
  function twoAdds(unsafe: boolean): { net: Network; second: boolean } {
    const net = Network.withBootstrap([1, 2, 3, 4, 5], [1, 2, 3], { ...plain, unsafe: { concurrentConfigChanges: unsafe } });
    net.electLeader(3);
    addLearner(net, 3, 4);
    addLearner(net, 3, 5);
    net.partition([1, 2]);
    change(net, 3, { type: 'promote', id: 4 });
    const second = net.node(3).proposeConfChange({ type: 'promote', id: 5 }).ok;
    net.deliverAll();
    net.node(1).campaign(); // old configuration {1,2,3}: votes of 1 and 2
    net.node(4).campaign(); // its latest configuration: votes of 4, 3 (and 5)
    net.deliverAll();
    return { net, second };
  }

  it('two changes at once let two leaders be elected in one term (unsafe.concurrentConfigChanges)', () => {
    const { net, second } = twoAdds(true);
    expect(second).toBe(true);
    expect(net.leaders().map((id) => [id, net.node(id).status().term])).toEqual([
      [1, 2],
      [4, 2],
    ]);
  });

  it('one change at a time: the same schedule elects one leader only', () => {
    const { net, second } = twoAdds(false);
    expect(second).toBe(false);
    expect(net.leaders()).toEqual([1]); // 4 gets 2 votes of the 4 voters {1,2,3,4}
  });
});

describe('4.1: refusals', () => {
  it('already_member, not_member, not_learner, last_voter, invalid_id', () => {
    const c = makeConfig([1, 2], [3]);
    expect(applyChange(c, { type: 'addLearner', id: 2 })).toEqual({ ok: false, error: { code: 'already_member', id: 2 } });
    expect(applyChange(c, { type: 'addLearner', id: 3 })).toEqual({ ok: false, error: { code: 'already_member', id: 3 } });
    expect(applyChange(c, { type: 'removeNode', id: 9 })).toEqual({ ok: false, error: { code: 'not_member', id: 9 } });
    expect(applyChange(c, { type: 'promote', id: 1 })).toEqual({ ok: false, error: { code: 'not_learner', id: 1 } });
    expect(applyChange(c, { type: 'promote', id: 9 })).toEqual({ ok: false, error: { code: 'not_learner', id: 9 } });
    expect(applyChange(makeConfig([1], [3]), { type: 'removeNode', id: 1 })).toEqual({ ok: false, error: { code: 'last_voter', id: 1 } });
    expect(applyChange(c, { type: 'addLearner', id: 0 })).toEqual({ ok: false, error: { code: 'invalid_id', id: 0 } });
    expect(applyChange(c, { type: 'addLearner', id: 1.5 })).toEqual({ ok: false, error: { code: 'invalid_id', id: 1.5 } });
    expect(applyChange(makeConfig([1], [3]), { type: 'removeNode', id: 3 })).toEqual({ ok: true, config: makeConfig([1]) });
  });

  it('the leader answers with them; a follower answers not_leader', () => {
    const net = cluster(3, [1, 2, 3]);
    expect(net.node(1).proposeConfChange({ type: 'addLearner', id: 2 })).toEqual({ ok: false, error: { code: 'already_member', id: 2 } });
    expect(net.node(1).proposeConfChange({ type: 'removeNode', id: 7 })).toEqual({ ok: false, error: { code: 'not_member', id: 7 } });
    expect(net.node(2).proposeConfChange({ type: 'addLearner', id: 7 })).toEqual({ ok: false, error: { code: 'not_leader', leaderId: 1 } });
    expect(net.node(1).status().lastLogIndex).toBe(1);
  });

  it('a single voter cannot remove itself', () => {
    const net = cluster(1, [1]);
    expect(net.node(1).proposeConfChange({ type: 'removeNode', id: 1 })).toEqual({ ok: false, error: { code: 'last_voter', id: 1 } });
  });
});

describe('4.2.1: learners receive the log, never vote, never count', () => {
  it('a node outside the bootstrap configuration never campaigns', () => {
    const core = newCore(4, [1, 2, 3], plain);
    for (let i = 0; i < 100; i++) core.tick();
    core.campaign();
    expect(core.ready().messages).toEqual([]);
    expect(core.status().role).toBe('follower');
  });

  it("a learner's acknowledgements never count toward commit", () => {
    const net = cluster(4, [1, 2, 3]);
    addLearner(net, 1, 4);
    net.cutLink(1, 2);
    net.cutLink(1, 3);
    const { index } = net.propose(1, 'x');
    net.deliverAll();
    expect(net.node(4).status().lastLogIndex).toBe(index);
    expect(net.node(1).status().commitIndex).toBe(index - 1);
    net.heal();
    net.tickUntil(() => net.node(1).status().commitIndex === index, { max: 5 });
  });

  it('a learner never counts in the ReadIndex quorum', () => {
    const net = cluster(4, [1, 2, 3]);
    addLearner(net, 1, 4);
    net.cutLink(1, 2);
    net.cutLink(1, 3);
    expect(net.node(1).readIndex(7).ok).toBe(true);
    net.deliverAll();
    net.tick(1);
    net.deliverAll();
    expect(net.readStates.get(1)).toEqual([]);
    net.heal();
    net.tickUntil(() => net.readStates.get(1)!.length === 1, { max: 5 });
  });

  it('a learner never starts an election, even with the leader gone', () => {
    const net = cluster(4, [1, 2, 3]);
    addLearner(net, 1, 4);
    net.isolate(1);
    const mark = net.sent.length;
    for (let i = 0; i < 60; i++) net.tick(4);
    expect(net.sent.slice(mark).filter((m) => m.from === 4)).toEqual([]);
  });

  it('a candidate counts only the votes of its configuration\'s voters', () => {
    const net = cluster(4, [1, 2, 3]);
    addLearner(net, 1, 4);
    net.isolate(1);
    net.isolate(3);
    net.node(2).campaign();
    net.collect(2);
    net.deliverAll();
    expect(ofType(net.sent, 'RequestVote').filter((m) => m.from === 2).map((m) => m.to)).toEqual([1, 3]);
    net.node(2).step(msg.voteResp(4, 2, net.node(2).status().term, false)); // a learner's grant
    expect(net.node(2).status().role).toBe('candidate');
  });

  it('a promoted learner that has not heard of its promotion still grants its vote: the cluster needs it (4.1)', () => {
    const net = cluster(4, [1, 2, 3]);
    addLearner(net, 1, 4);
    net.cutLink(1, 4);
    change(net, 1, { type: 'promote', id: 4 });
    net.deliverAll(); // committed by 1, 2, 3: voters {1,2,3,4}, 4 still a learner in its own view
    expect(net.node(4).status().config).toEqual(makeConfig([1, 2, 3], [4]));
    net.heal();
    net.isolate(1); // 2 needs 3 of {1,2,3,4}: itself, 3, and 4, which believes it is a learner
    net.node(2).campaign();
    net.collect(2);
    net.deliverAll();
    expect(net.node(2).isLeader()).toBe(true);
    expect(ofType(net.sent, 'RequestVoteResp').some((m) => m.from === 4 && !m.reject)).toBe(true);
  });

  it('a new node catches up through a snapshot and the log, is promoted, and can then lead', () => {
    const net = cluster(4, [1, 2, 3], { ...plain, snapshotTrailingEntries: 0 });
    for (let i = 0; i < 20; i++) net.propose(1, `v${i}`);
    net.deliverAll();
    expect(net.compact(1, 21).ok).toBe(true);
    addLearner(net, 1, 4);
    net.tickUntil(() => net.node(4).status().appliedIndex === net.node(1).status().commitIndex, { max: 10 });
    expect(net.restored.get(4)!.map((s) => [s.index, s.config])).toEqual([[21, makeConfig([1, 2, 3])]]);
    expect(net.node(4).status().config).toEqual(makeConfig([1, 2, 3], [4]));
    change(net, 1, { type: 'promote', id: 4 });
    net.deliverAll();
    expect(net.node(4).status().config).toEqual(makeConfig([1, 2, 3, 4]));
    net.isolate(1);
    net.node(4).campaign();
    net.collect(4);
    net.deliverAll();
    expect(net.node(4).isLeader()).toBe(true);
  });

  it('leadership can be transferred to voters only', () => {
    const net = cluster(4, [1, 2, 3]);
    addLearner(net, 1, 4);
    expect(net.node(1).transferLeader(4)).toBe(false);
    expect(net.node(1).transferLeader(9)).toBe(false);
    expect(net.node(1).transferLeader(2)).toBe(true);
    net.deliverAll();
    expect(net.node(2).isLeader()).toBe(true);
  });
});

describe('4.2.2: removing servers', () => {
  it('a leader that removes itself keeps leading without counting itself, and steps down once the change commits', () => {
    const net = cluster(3, [1, 2, 3]);
    const { index } = change(net, 1, { type: 'removeNode', id: 1 });
    net.collect(1);
    net.deliver(and(to(2), type('AppendEntries')));
    net.deliver(and(from(2), type('AppendEntriesResp')));
    // 1 and 2 hold it: a majority of {1,2,3}, not of {2,3} without the leader.
    expect(net.node(1).status()).toMatchObject({ role: 'leader', commitIndex: index - 1 });
    expect(net.propose(1, 'still leading').index).toBe(index + 1);
    net.deliverAll(); // node 3's acknowledgement of the change commits it: the leader steps down at once
    expect(net.node(1).status()).toMatchObject({ role: 'follower', commitIndex: index, config: makeConfig([2, 3]) });
    for (const id of [2, 3]) expect(net.node(id).status().committedConfig).toEqual(makeConfig([2, 3]));
    for (let i = 0; i < 60; i++) net.tick(1);
    expect(net.node(1).status().role).toBe('follower');
    net.tickUntil(() => net.leaders().length > 0, { ids: [2, 3], max: 100 });
    expect(net.leaders()).not.toContain(1);
  });

  it('the leader stops replicating to a follower once its removal commits', () => {
    const net = cluster(3, [1, 2, 3]);
    change(net, 1, { type: 'removeNode', id: 3 });
    net.deliverAll();
    expect(net.node(1).status().progress.map((p) => p.id)).toEqual([2]);
    const mark = net.sent.length;
    net.propose(1, 'x');
    net.tick(1);
    net.deliverAll();
    expect(net.sent.slice(mark).filter((m) => m.to === 3)).toEqual([]);
    expect(net.node(3).status().config).toEqual(makeConfig([1, 2]));
  });

  it('a server outside its latest configuration still campaigns while that change is uncommitted, without counting its own vote', () => {
    // Leader 1 of {1,2} removes itself; the change reaches nobody and 1 restarts. Node 2 cannot
    // win without 1 (whose log is longer), so 1 must campaign: with 2's vote it leads {2},
    // commits the change and steps down; then 2 leads alone.
    const net = cluster(2, [1, 2]);
    change(net, 1, { type: 'removeNode', id: 1 });
    net.collect(1);
    net.drop(() => true);
    net.restart(1, net.node(1).status().appliedIndex);
    expect(net.node(1).status()).toMatchObject({ config: makeConfig([2]), committedConfig: makeConfig([1, 2]) });
    net.node(2).campaign();
    net.collect(2);
    net.deliverAll();
    expect(net.node(2).isLeader()).toBe(false);
    net.tickUntil(() => net.node(2).isLeader(), { max: 200 });
    expect(net.node(2).status().committedConfig).toEqual(makeConfig([2]));
    expect(net.node(1).status().role).toBe('follower');
    const term = net.node(2).status().term;
    expect(net.leaders()).toEqual([2]);
    expect(term).toBeGreaterThan(2);
  });

  it('4.2.3: a removed server that never learned of its removal does not disrupt the cluster', () => {
    const net = cluster(3, [1, 2, 3], { preVote: true, checkQuorum: true });
    net.isolate(3);
    change(net, 1, { type: 'removeNode', id: 3 });
    net.deliverAll();
    expect(net.node(1).status().committedConfig).toEqual(makeConfig([1, 2]));
    net.heal();
    const term = net.node(1).status().term;
    const mark = net.sent.length;
    for (let i = 0; i < 300; i++) {
      net.tickAll();
      net.deliverAll();
    }
    expect(ofType(net.sent.slice(mark), 'PreVote').some((m) => m.from === 3)).toBe(true); // it keeps trying
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term });
    expect(net.node(2).status()).toMatchObject({ role: 'follower', term, leaderId: 1 });
  });

  it('a removed server that learned of its removal stops campaigning', () => {
    const net = cluster(3, [1, 2, 3]);
    change(net, 1, { type: 'removeNode', id: 3 });
    net.tick(1);
    net.deliverAll();
    expect(net.node(3).status()).toMatchObject({ config: makeConfig([1, 2]), committedConfig: makeConfig([1, 2]) });
    net.isolate(1);
    const mark = net.sent.length;
    for (let i = 0; i < 100; i++) net.tick(3);
    expect(net.sent.slice(mark).filter((m) => m.from === 3)).toEqual([]);
  });
});

describe('configuration entries and snapshots', () => {
  it('a config entry carries the change and the whole resulting configuration', () => {
    const data = encodeConfigEntry({ type: 'promote', id: 4 }, makeConfig([1, 2, 3, 4], [6]));
    expect(decodeConfigEntry(data)).toEqual({ change: { type: 'promote', id: 4 }, config: makeConfig([1, 2, 3, 4], [6]), context: new Uint8Array(0) });
    expect(() => decodeConfigEntry(bytes('garbage!'))).toThrow(ConfigEntryDecodeError);
    expect(() => decodeConfigEntry(data.subarray(0, data.length - 4))).toThrow(ConfigEntryDecodeError);
  });

  it('a config entry carries an opaque context after the learners, unpadded', () => {
    const context = bytes('h4:7000');
    const data = encodeConfigEntry({ type: 'addLearner', id: 4 }, makeConfig([1, 2, 3], [4]), context);
    expect(data.length).toBe(4 * 10 + 7);
    expect(decodeConfigEntry(data)).toEqual({ change: { type: 'addLearner', id: 4 }, config: makeConfig([1, 2, 3], [4]), context });
    const odd = encodeConfigEntry({ type: 'removeNode', id: 2 }, makeConfig([1]), Uint8Array.of(7, 8, 9));
    expect(decodeConfigEntry(odd).context).toEqual(Uint8Array.of(7, 8, 9));
  });

  it('a version 1 entry (before contexts) still decodes, with an empty context', () => {
    const v1 = words(1, 2, 4, 4, 1, 2, 3, 4, 1, 6); // promote 4: voters [1,2,3,4], learners [6]
    expect(decodeConfigEntry(v1)).toEqual({ change: { type: 'promote', id: 4 }, config: makeConfig([1, 2, 3, 4], [6]), context: new Uint8Array(0) });
    expect(() => decodeConfigEntry(words(1, 2, 4, 1, 1, 0, 0))).toThrow(/4 trailing bytes/);
    expect(() => decodeConfigEntry(words(3, 2, 4, 1, 1, 0, 0))).toThrow(/version 3/);
  });

  it('a context length beyond the entry, or bytes after the context, are refused', () => {
    const data = encodeConfigEntry({ type: 'addLearner', id: 4 }, makeConfig([1], [4]), bytes('ctx'));
    const lengthAt = data.length - 3 - 4;
    const tooLong = data.slice();
    new DataView(tooLong.buffer).setUint32(lengthAt, 4);
    expect(() => decodeConfigEntry(tooLong)).toThrow(/context of 4 bytes in 3/);
    const huge = data.slice();
    new DataView(huge.buffer).setUint32(lengthAt, 0xffff_ffff);
    expect(() => decodeConfigEntry(huge)).toThrow(ConfigEntryDecodeError);
    expect(() => decodeConfigEntry(Uint8Array.of(...data, 0))).toThrow(/1 trailing bytes/);
    expect(() => decodeConfigEntry(data.subarray(0, data.length - 1))).toThrow(ConfigEntryDecodeError);
  });

  it('a member count beyond the entry is refused before anything is allocated', () => {
    expect(() => decodeConfigEntry(words(2, 1, 4, 0xffff_ffff, 1))).toThrow(/4294967295 voters in 4 bytes/);
    expect(() => decodeConfigEntry(words(2, 1, 4, 1, 1, 3, 4, 0))).toThrow(/3 learners in 8 bytes/);
  });

  it('proposeConfChange stores the context in the entry every node applies', () => {
    const net = cluster(4, [1, 2, 3]);
    const context = bytes('addresses of 4');
    expect(net.node(1).proposeConfChange({ type: 'addLearner', id: 4 }, context).ok).toBe(true);
    net.deliverAll();
    change(net, 1, { type: 'promote', id: 4 });
    net.tick(1);
    net.deliverAll();
    for (const id of [1, 2, 3, 4]) {
      const configs = net.applied.get(id)!.filter((e) => e.type === 'config').map((e) => decodeConfigEntry(e.data));
      expect(configs.map((c) => [c.change.type, c.context])).toEqual([
        ['addLearner', context],
        ['promote', new Uint8Array(0)],
      ]);
    }
  });

  it('a snapshot records the configuration as of its index, not the latest', () => {
    const net = cluster(4, [1, 2, 3], { ...plain, snapshotTrailingEntries: 0 });
    net.propose(1, 'a');
    net.deliverAll();
    const { index } = change(net, 1, { type: 'addLearner', id: 4 });
    net.deliverAll();
    expect(index).toBe(3);
    expect(net.compact(2, 2)).toMatchObject({ ok: true, snapshot: { index: 2, config: makeConfig([1, 2, 3]) } });
    expect(net.compact(2, 3)).toMatchObject({ ok: true, snapshot: { index: 3, config: makeConfig([1, 2, 3], [4]) } });
    expect(net.node(2).status()).toMatchObject({ config: makeConfig([1, 2, 3], [4]), configIndex: 3, firstIndex: 4 });
  });

  it('a node restarts with the configuration of its snapshot and of the config entries after it', () => {
    const snapshot = { index: 5, term: 1, config: makeConfig([1, 2, 3], [4]) };
    const cfgEntry = { index: 6, term: 1, type: 'config' as const, data: encodeConfigEntry({ type: 'promote', id: 4 }, makeConfig([1, 2, 3, 4])) };
    const core = newCore(4, [1, 2, 3], plain, initialState([cfgEntry], { term: 1, commit: 5 }, 5, snapshot));
    expect(core.status()).toMatchObject({ config: makeConfig([1, 2, 3, 4]), configIndex: 6, committedConfig: makeConfig([1, 2, 3], [4]) });
  });
});
