/**
 * Log compaction (Raft paper section 7, dissertation chapter 5): compaction on the driver's
 * request, never past what the state machine applied; the leader's InstallSnapshot when a
 * follower needs entries it compacted away (Figure 13); the follower's receiver rules 5-7; the
 * failure paths (the driver reports a failed transfer, or no answer comes); and restarts from a
 * snapshot plus the entries after it.
 */
import { makeConfig } from '../../src/raft/core/membership';
import type { SnapshotMeta } from '../../src/raft/core/types';
import { and, bytes, drain, entry, from, initialState, logOfTerms, msg, Network, newCore, not, ofType, type, to } from './harness';

const plain = { preVote: false, checkQuorum: false } as const;

/** A 3-node cluster with leader 1 and `n` committed proposals applied everywhere (index 1 is the no-op). */
function clusterWith(n: number, opts: object = {}): Network {
  const net = Network.of(3, { ...plain, ...opts });
  net.electLeader(1);
  for (let i = 0; i < n; i++) net.propose(1, `v${i}`);
  net.deliverAll();
  return net;
}

/** Node 3 misses `n` entries while cut off; the leader then compacts at its applied index. */
function laggingFollower(n: number, trailing: number, opts: object = {}): { net: Network; snapshotIndex: number } {
  const net = clusterWith(3, { snapshotTrailingEntries: trailing, ...opts });
  net.isolate(3);
  for (let i = 0; i < n; i++) net.propose(1, `w${i}`);
  net.deliverAll();
  const applied = net.node(1).status().appliedIndex;
  const res = net.compact(1, applied);
  if (!res.ok) throw new Error(JSON.stringify(res));
  net.heal();
  return { net, snapshotIndex: applied };
}

describe('chapter 5: compaction on the driver\'s request', () => {
  it('compact(index) records the snapshot (index, term, configuration) and drops the log up to index - snapshotTrailingEntries', () => {
    const net = clusterWith(9, { snapshotTrailingEntries: 3 });
    const leader = net.node(1);
    expect(leader.status().appliedIndex).toBe(10);
    const res = net.compact(1, 8);
    expect(res).toEqual({ ok: true, snapshot: { index: 8, term: 1, config: makeConfig([1, 2, 3]) }, firstIndex: 6 });
    expect(leader.status()).toMatchObject({ firstIndex: 6, snapshotIndex: 8, lastLogIndex: 10, commitIndex: 10 });
    expect(leader.entryAt(5)).toBeUndefined();
    expect(leader.entryAt(6)?.index).toBe(6);
    expect(leader.termAt(5)).toBe(1); // the compaction point keeps its term
    expect(leader.termAt(4)).toBeUndefined();
    expect(leader.snapshot()).toEqual(res.ok && res.snapshot);
    expect(net.disk(1).entries[0].index).toBe(6);
  });

  it('with no trailing margin the log starts right after the snapshot: firstIndex = snapshot.index + 1', () => {
    const net = clusterWith(5, { snapshotTrailingEntries: 0 });
    expect(net.compact(1, 6)).toMatchObject({ ok: true, firstIndex: 7 });
    expect(net.node(1).termAt(6)).toBe(1);
    expect(net.node(1).entryAt(6)).toBeUndefined();
  });

  it('refuses to compact past the applied index ("not_applied"): the log is never truncated past what the state machine holds', () => {
    const net = clusterWith(2);
    const leader = net.node(1);
    leader.propose(bytes('unapplied'));
    expect(leader.compact(4)).toEqual({ ok: false, error: { code: 'not_applied', index: 4, applied: 3 } });
    expect(leader.compact(99)).toMatchObject({ ok: false, error: { code: 'not_applied' } });
    expect(leader.status()).toMatchObject({ firstIndex: 1, snapshotIndex: 0 });
  });

  it('refuses an index the latest snapshot already covers ("already_compacted")', () => {
    const net = clusterWith(4, { snapshotTrailingEntries: 0 });
    expect(net.compact(1, 4).ok).toBe(true);
    expect(net.node(1).compact(4)).toEqual({ ok: false, error: { code: 'already_compacted', index: 4, snapshotIndex: 4 } });
    expect(net.node(1).compact(2)).toMatchObject({ ok: false, error: { code: 'already_compacted' } });
  });

  it('with unsafe.compactBeyondApplied the core accepts an unapplied index (the check above can fail)', () => {
    const net = clusterWith(2, { unsafe: { compactBeyondApplied: true } });
    net.node(1).propose(bytes('unapplied'));
    expect(net.node(1).compact(4).ok).toBe(true);
  });

  it('replication to followers within the trailing margin continues from the log, without a snapshot', () => {
    const net = clusterWith(3, { snapshotTrailingEntries: 10 });
    net.isolate(3);
    for (let i = 0; i < 4; i++) net.propose(1, `w${i}`);
    net.deliverAll();
    expect(net.compact(1, 8).ok).toBe(true);
    net.heal();
    net.tickUntil(() => net.node(3).status().commitIndex === 8, { max: 20 });
    expect(ofType(net.sent, 'InstallSnapshot')).toEqual([]);
    expect(net.logsMatch()).toBe(true);
  });
});

describe('section 7 / Figure 13: InstallSnapshot, leader side', () => {
  it('sends InstallSnapshot (metadata only) when the follower needs a compacted entry, and nothing else until it answers', () => {
    const { net, snapshotIndex } = laggingFollower(5, 0);
    net.propose(1, 'more'); // node 3 rejects it: its log ends at 4, the leader's log starts at 10
    net.collect(1);
    net.deliver(and(to(3), type('AppendEntries')));
    net.deliver(and(from(3), type('AppendEntriesResp')));
    const snaps = ofType(net.queue, 'InstallSnapshot');
    expect(snaps).toEqual([msg.installSnapshot(1, 3, 1, { index: snapshotIndex, term: 1, config: makeConfig([1, 2, 3]) })]);
    expect(net.node(1).status().progress.find((p) => p.id === 3)).toMatchObject({ state: 'snapshot', match: 4 });
    // A new proposal is not sent to a follower waiting for its snapshot.
    net.drop(to(3));
    const mark = net.sent.length;
    net.propose(1, 'even more');
    net.collect(1);
    net.tick(1); // nor do heartbeat answers restart the appends
    net.deliverAll(not(type('InstallSnapshot')));
    expect(ofType(net.sent.slice(mark), 'AppendEntries').filter((m) => m.to === 3)).toEqual([]);
    expect(ofType(net.sent.slice(mark), 'Heartbeat').filter((m) => m.to === 3)).toHaveLength(1);
  });

  it('after the answer it probes from the snapshot index and the follower catches up through the log', () => {
    const { net, snapshotIndex } = laggingFollower(5, 0);
    net.propose(1, 'after');
    net.tickUntil(() => net.node(3).status().commitIndex === net.node(1).status().commitIndex, { max: 20 });
    expect(net.restored.get(3)).toEqual([{ index: snapshotIndex, term: 1, config: makeConfig([1, 2, 3]) }]);
    expect(net.applied.get(3)!.map((e) => e.index).slice(-1)).toEqual([snapshotIndex + 1]);
    expect(net.node(1).status().progress.find((p) => p.id === 3)).toMatchObject({ state: 'replicate', match: snapshotIndex + 1 });
    expect(net.node(3).status()).toMatchObject({ firstIndex: snapshotIndex + 1, snapshotIndex, appliedIndex: snapshotIndex + 1 });
  });

  it('a failed transfer reported by the driver (snapshotFailed) puts the follower back into probe, and a heartbeat later a new snapshot goes out', () => {
    const { net } = laggingFollower(5, 0);
    net.tick(1);
    net.deliverAll(not(type('InstallSnapshot')));
    net.drop(type('InstallSnapshot'));
    net.node(1).snapshotFailed(3);
    expect(net.node(1).status().progress.find((p) => p.id === 3)).toMatchObject({ state: 'probe' });
    net.collect(1);
    expect(ofType(net.queue, 'InstallSnapshot')).toEqual([]); // paused until the next heartbeat answer
    net.tick(1);
    net.deliverAll(not(type('InstallSnapshot')));
    expect(ofType(net.queue, 'InstallSnapshot').map((m) => m.to)).toEqual([3]);
  });

  it('no answer within snapshotTimeoutHeartbeats heartbeat intervals: back to probe (the InstallSnapshot was lost)', () => {
    const { net } = laggingFollower(5, 0, { snapshotTimeoutHeartbeats: 4, heartbeatTicks: 2 });
    const leader = net.node(1);
    net.tick(1, 2);
    net.deliverAll(not(type('InstallSnapshot')));
    net.drop(type('InstallSnapshot')); // lost
    net.tick(1, 7);
    expect(leader.status().progress.find((p) => p.id === 3)).toMatchObject({ state: 'snapshot' });
    net.tick(1);
    expect(leader.status().progress.find((p) => p.id === 3)).toMatchObject({ state: 'probe' });
  });

  it('a lagging follower restored from a snapshot holds the same log as the others from there on', () => {
    const { net } = laggingFollower(12, 2);
    for (let i = 0; i < 3; i++) net.propose(1, `x${i}`);
    net.tickUntil(() => net.ids.every((id) => net.node(id).status().appliedIndex === net.node(1).status().lastLogIndex), { max: 30 });
    const last = net.node(1).status().lastLogIndex;
    for (let i = net.node(3).status().firstIndex; i <= last; i++) expect(net.node(3).termAt(i)).toBe(net.node(1).termAt(i));
  });
});

describe('Figure 13: InstallSnapshot, receiver rules', () => {
  const snap: SnapshotMeta = { index: 5, term: 2, config: makeConfig([1, 2, 3]) };

  it('rule 1: a snapshot from an older term is refused; the stale leader learns the current term', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 1]), { term: 3 }));
    core.step(msg.installSnapshot(1, 2, 2, snap));
    const rd = core.ready();
    expect(rd.snapshot).toBeNull();
    expect(rd.messages).toEqual([msg.appendResp(2, 1, 3, 0, true)]);
  });

  it('rule 7: a log without the snapshot\'s last entry is discarded; the snapshot is handed to the driver before any later entry', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 1, 1]), { term: 1, commit: 2 }, 2));
    core.step(msg.installSnapshot(1, 2, 2, snap));
    expect(core.status()).toMatchObject({ term: 2, leaderId: 1, commitIndex: 5, lastLogIndex: 5, firstIndex: 6, snapshotIndex: 5 });
    const rd = core.ready();
    expect(rd.snapshot).toEqual(snap);
    expect(rd.committedEntries).toEqual([]);
    expect(rd.entries).toEqual([]);
    expect(rd.hardState).toEqual({ term: 2, vote: 0, commit: 5 });
    expect(rd.messages).toEqual([msg.installSnapshotResp(2, 1, 2, 5)]);
    core.advance(rd);
    expect(core.status().appliedIndex).toBe(5);
    expect(core.hasReady()).toBe(false);
    // Normal replication continues after the snapshot.
    core.step(msg.appendEntries(1, 2, 2, 5, 2, [entry(6, 2)], 6));
    const next = core.ready();
    expect(next.snapshot).toBeNull();
    expect(next.committedEntries.map((e) => e.index)).toEqual([6]);
  });

  it('rule 7 also discards a conflicting entry at the snapshot index', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([1, 1, 1, 1, 1, 1]), { term: 1, commit: 1 }));
    core.step(msg.installSnapshot(1, 2, 2, snap)); // our entry 5 has term 1, the snapshot's term 2
    expect(core.status()).toMatchObject({ lastLogIndex: 5, commitIndex: 5 });
    expect(core.termAt(6)).toBeUndefined();
    expect(core.ready().snapshot).toEqual(snap);
  });

  it('rule 6: a log holding the snapshot\'s last entry keeps what follows; the entries up to it commit and are applied from the log', () => {
    const log = logOfTerms([1, 1, 2, 2, 2, 2, 2]);
    const core = newCore(2, [1, 2, 3], plain, initialState(log, { term: 2, commit: 2 }, 2));
    core.step(msg.installSnapshot(1, 2, 2, snap));
    const rd = core.ready();
    expect(rd.snapshot).toBeNull();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([3, 4, 5]);
    expect(rd.messages).toEqual([msg.installSnapshotResp(2, 1, 2, 5)]);
    expect(core.status()).toMatchObject({ lastLogIndex: 7, commitIndex: 5, firstIndex: 1 });
  });

  it('a snapshot at or below the commit index brings nothing: the follower answers with its commit index', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState(logOfTerms([2, 2, 2, 2, 2, 2]), { term: 2, commit: 6 }, 6));
    core.step(msg.installSnapshot(1, 2, 2, snap));
    const rd = core.ready();
    expect(rd.snapshot).toBeNull();
    expect(rd.messages).toEqual([msg.installSnapshotResp(2, 1, 2, 6)]);
    expect(core.status().lastLogIndex).toBe(6);
  });

  it('a candidate of the same term recognises the leader that sends a snapshot', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState([], { term: 1 }));
    core.campaign();
    drain(core);
    expect(core.status()).toMatchObject({ role: 'candidate', term: 2 });
    core.step(msg.installSnapshot(1, 2, 2, snap));
    expect(core.status()).toMatchObject({ role: 'follower', leaderId: 1, commitIndex: 5 });
  });

  it('the snapshot\'s configuration replaces the follower\'s', () => {
    const core = newCore(2, [1, 2, 3], plain, initialState([], { term: 1 }));
    const withLearner: SnapshotMeta = { index: 5, term: 2, config: makeConfig([1, 2, 3], [4]) };
    core.step(msg.installSnapshot(1, 2, 2, withLearner));
    expect(core.status().config).toEqual(makeConfig([1, 2, 3], [4]));
    expect(core.status().committedConfig).toEqual(makeConfig([1, 2, 3], [4]));
  });

  it('the answer leaves only in the Ready that persists the snapshot (persist before you promise)', () => {
    const { net } = laggingFollower(5, 0);
    net.tickUntil(() => net.restored.get(3)!.length === 1, { max: 10 });
    // checkPromise (harness) verified InstallSnapshotResp against node 3's disk when it left.
    expect(net.disk(3).snapshot?.index).toBe(net.restored.get(3)![0].index);
    expect(ofType(net.sent, 'InstallSnapshotResp').length).toBeGreaterThan(0);
  });
});

describe('restart from a snapshot', () => {
  const snapshot: SnapshotMeta = { index: 10, term: 3, config: makeConfig([1, 2, 3]) };

  it('starts from the snapshot and the entries after it', () => {
    const entries = [entry(11, 3), entry(12, 4)];
    const core = newCore(1, [1, 2, 3], plain, initialState(entries, { term: 4, commit: 11 }, 10, snapshot));
    expect(core.status()).toMatchObject({ firstIndex: 11, snapshotIndex: 10, lastLogIndex: 12, commitIndex: 11, appliedIndex: 10 });
    expect(core.termAt(10)).toBe(3);
    expect(core.ready().committedEntries.map((e) => e.index)).toEqual([11]);
  });

  it('accepts entries kept below the snapshot (the trailing margin); the first one becomes the compaction point', () => {
    const entries = [entry(8, 2), entry(9, 3), entry(10, 3), entry(11, 3)];
    const core = newCore(1, [1, 2, 3], plain, initialState(entries, { term: 3, commit: 10 }, 10, snapshot));
    expect(core.status()).toMatchObject({ firstIndex: 9, snapshotIndex: 10, lastLogIndex: 11, appliedIndex: 10 });
    expect(core.termAt(8)).toBe(2);
    expect(core.entryAt(9)?.term).toBe(3);
  });

  it('the state machine holds at least the snapshot: applied and commit start there', () => {
    const core = newCore(1, [1, 2, 3], plain, initialState([], { term: 3, commit: 0 }, 0, snapshot));
    expect(core.status()).toMatchObject({ commitIndex: 10, appliedIndex: 10, lastLogIndex: 10 });
  });

  it('refuses a log that disagrees with the snapshot at its index, or leaves a gap after it', () => {
    expect(() => newCore(1, [1, 2, 3], plain, initialState([entry(10, 2), entry(11, 3)], { term: 3 }, 10, snapshot))).toThrow(/term/);
    expect(() => newCore(1, [1, 2, 3], plain, initialState([entry(12, 3)], { term: 3 }, 10, snapshot))).toThrow(/contiguous/);
  });

  it('a restarted node serves InstallSnapshot from its own snapshot as leader', () => {
    const { net, snapshotIndex } = laggingFollower(6, 0);
    net.isolate(3);
    net.restart(1, net.node(1).status().appliedIndex);
    net.heal();
    net.isolate(3);
    net.electLeader(1);
    net.heal();
    net.tickUntil(() => net.node(3).status().commitIndex === net.node(1).status().commitIndex, { max: 30 });
    expect(net.restored.get(3)!.map((s) => s.index)).toEqual([snapshotIndex]);
  });
});
