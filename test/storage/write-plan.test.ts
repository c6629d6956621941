import type { Entry } from '../../src/raft/core/types';
import { planWrite, type DurableState } from '../../src/raft/storage/write-plan';

const entry = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: new Uint8Array([index]) });
const state: DurableState = { hardState: { term: 2, vote: 1, commit: 1 }, applied: 1, snapshot: null, firstIndex: 1, terms: [1, 2] };

describe('which group commits are fsynced (Figure 2: term, vote and log are persistent; commit is volatile)', () => {
  it('new entries, a new term or a new vote are synced before anything is promised on them', () => {
    expect(planWrite(state, { entries: [entry(3, 2)] }, '/d').mustSync).toBe(true);
    expect(planWrite(state, { hardState: { term: 3, vote: 0, commit: 1 } }, '/d').mustSync).toBe(true);
    expect(planWrite({ ...state, hardState: { term: 2, vote: 0, commit: 1 } }, { hardState: { term: 2, vote: 3, commit: 1 } }, '/d').mustSync).toBe(true);
  });

  it('a batch that only moves the commit index or applies state-machine progress skips the fsync', () => {
    const commitOnly = planWrite(state, { hardState: { term: 2, vote: 1, commit: 2 } }, '/d');
    expect(commitOnly.mustSync).toBe(false);
    expect(commitOnly.ops.length).toBe(1); // still written: a restart usually resumes from it
    const smOnly = planWrite(state, { stateMachine: { puts: [[Uint8Array.of(1), Uint8Array.of(2)]], dels: [], applied: 2 } }, '/d');
    expect(smOnly.mustSync).toBe(false);
    const both = planWrite(state, { hardState: { term: 2, vote: 1, commit: 2 }, stateMachine: { puts: [], dels: [], applied: 2 } }, '/d');
    expect(both.mustSync).toBe(false);
  });
});
