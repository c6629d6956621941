/** Majority arithmetic alone (Raft paper 5.2: "a majority of the servers"), by table and by property. */
import fc from 'fast-check';
import { committedIndex, quorumSize, tallyVotes } from '../../src/raft/core/quorum';

describe('quorumSize', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, 4],
    [7, 4],
  ])('%i voters need %i', (n, q) => {
    expect(quorumSize(n)).toBe(q);
  });

  it('any two quorums intersect', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (n) => {
        expect(2 * quorumSize(n)).toBeGreaterThan(n);
        expect(quorumSize(n)).toBeLessThanOrEqual(n);
      }),
    );
  });
});

describe('committedIndex', () => {
  const of = (matches: number[]) => committedIndex(matches.map((_, i) => i + 1), (id) => matches[id - 1]);

  it.each<[number[], number]>([
    [[5], 5],
    [[5, 3], 3],
    [[5, 3, 1], 3],
    [[1, 3, 5], 3],
    [[5, 5, 1, 1], 1],
    [[5, 5, 5, 1], 5],
    [[9, 8, 7, 0, 0], 7],
    [[9, 8, 0, 0, 0], 0],
    [[2, 2, 2, 2, 2], 2],
  ])('matches %j -> %i', (matches, want) => {
    expect(of(matches)).toBe(want);
  });

  it('is 0 with no voters', () => {
    expect(committedIndex([], () => 7)).toBe(0);
  });

  it('asks only about the voters it is given', () => {
    const asked: number[] = [];
    committedIndex([4, 7, 9], (id) => (asked.push(id), id));
    expect(asked.sort()).toEqual([4, 7, 9]);
  });

  it('property: is the largest index that a majority has matched', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 9 }), (matches) => {
        const got = of(matches);
        const q = quorumSize(matches.length);
        const atLeast = (i: number) => matches.filter((m) => m >= i).length;
        expect(atLeast(got)).toBeGreaterThanOrEqual(q);
        let best = 0;
        for (let i = 0; i <= 31; i++) if (atLeast(i) >= q) best = i;
        expect(got).toBe(best);
      }),
      { numRuns: 500 },
    );
  });

  it('property: never decreases when one voter matches more', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 9 }), fc.nat(), fc.nat({ max: 10 }), (matches, k, inc) => {
        const before = of(matches);
        const after = [...matches];
        after[k % after.length] += inc;
        expect(of(after)).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});

describe('tallyVotes', () => {
  const tally = (n: number, votes: [number, boolean][]) =>
    tallyVotes(Array.from({ length: n }, (_, i) => i + 1), new Map(votes));

  it.each<[number, [number, boolean][], string]>([
    [1, [[1, true]], 'won'],
    [1, [[1, false]], 'lost'],
    [1, [], 'pending'],
    [3, [[1, true], [2, true]], 'won'],
    [3, [[1, true], [2, false]], 'pending'],
    [3, [[2, false], [3, false]], 'lost'],
    [4, [[1, true], [2, true]], 'pending'],
    [4, [[1, true], [2, false], [3, false]], 'lost'],
    [5, [[1, true], [2, true], [3, true]], 'won'],
    [5, [[1, true], [2, false], [3, false]], 'pending'],
  ])('%i voters, votes %j -> %s', (n, votes, want) => {
    expect(tally(n, votes)).toBe(want);
  });

  it('ignores votes from non-voters', () => {
    expect(tallyVotes([1, 2, 3], new Map([[1, true], [7, true], [8, true]]))).toBe('pending');
  });

  it('property: won iff a majority granted, lost iff a majority can no longer grant', () => {
    const arb = fc.integer({ min: 1, max: 9 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.array(fc.constantFrom<boolean | undefined>(true, false, undefined), { minLength: n, maxLength: n })),
    );
    fc.assert(
      fc.property(arb, ([n, vs]) => {
        const votes = new Map<number, boolean>();
        vs.forEach((v, i) => v !== undefined && votes.set(i + 1, v));
        const granted = vs.filter((v) => v === true).length;
        const rejected = vs.filter((v) => v === false).length;
        const q = quorumSize(n);
        const want = granted >= q ? 'won' : n - rejected < q ? 'lost' : 'pending';
        expect(tally(n, [...votes])).toBe(want);
      }),
      { numRuns: 500 },
    );
  });
});
