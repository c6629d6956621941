import pino from 'pino';
import type { RaftNode } from '../../src/raft/node/raft-node';
import { Lessor } from '../../src/server/etcd/lessor';

/** A node stand-in: the lessor reads only the role/term and the state machine's leases. */
function fakeNode() {
  const state = { role: 'leader' as string, term: 1, leases: new Map<number, number>() };
  const node = {
    status: () => ({ role: state.role, term: state.term }),
    stateMachine: {
      lease: (id: number) => (state.leases.has(id) ? { id, ttlSeconds: state.leases.get(id)!, keys: [] } : undefined),
      leases: () => [...state.leases].map(([id, ttlSeconds]) => ({ id, ttlSeconds })),
    },
  } as unknown as RaftNode;
  return { node, state };
}

describe('Lessor (leader-side lease expiry)', () => {
  let now = 0;
  beforeEach(() => {
    jest.useFakeTimers();
    now = 1_000_000;
  });
  afterEach(() => jest.useRealTimers());
  const advance = (ms: number) => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };

  it('revokes a lease once its TTL passes without a keep-alive, one revoke at a time', () => {
    const { node, state } = fakeNode();
    const revoked: number[] = [];
    let finish: () => void = () => undefined;
    const lessor = new Lessor(node, (id) => {
      revoked.push(id);
      return new Promise<void>((r) => (finish = r));
    }, pino({ level: 'silent' }), () => now);
    state.leases.set(7, 2);
    lessor.start();
    advance(100); // first sight of lease 7: it expires 2 s from now
    advance(1900);
    expect(revoked).toEqual([]);
    advance(200);
    expect(revoked).toEqual([7]);
    advance(500); // the revoke is still in flight: no second one
    expect(revoked).toEqual([7]);
    finish();
    lessor.stop();
  });

  it('a keep-alive starts the TTL over; an unknown lease answers -1', () => {
    const { node, state } = fakeNode();
    const revoked: number[] = [];
    const lessor = new Lessor(node, async (id) => void revoked.push(id), pino({ level: 'silent' }), () => now);
    state.leases.set(3, 1);
    lessor.start();
    for (let i = 0; i < 5; i++) {
      advance(800);
      expect(lessor.renew(3)).toBe(1);
    }
    expect(revoked).toEqual([]);
    expect(lessor.remaining(3)).toBe(1);
    expect(lessor.renew(99)).toBe(-1);
    expect(lessor.remaining(99)).toBe(-1);
    advance(1100);
    expect(revoked).toEqual([3]);
    lessor.stop();
  });

  it('a follower keeps no deadlines, and a new term starts every lease over at its full TTL (etcd)', () => {
    const { node, state } = fakeNode();
    const revoked: number[] = [];
    const lessor = new Lessor(node, async (id) => void revoked.push(id), pino({ level: 'silent' }), () => now);
    state.leases.set(5, 3);
    lessor.start();
    advance(2500);
    state.role = 'follower';
    advance(5000); // a follower never revokes, whatever its clock says
    expect(revoked).toEqual([]);
    expect(lessor.remaining(5)).toBe(-1);
    state.role = 'leader';
    state.term = 2;
    advance(100);
    expect(lessor.remaining(5)).toBe(3);
    advance(2800);
    expect(revoked).toEqual([]);
    advance(300);
    expect(revoked).toEqual([5]);
    lessor.stop();
  });

  it('forgets a lease the state machine no longer has', () => {
    const { node, state } = fakeNode();
    const lessor = new Lessor(node, async () => undefined, pino({ level: 'silent' }), () => now);
    state.leases.set(1, 10);
    expect(lessor.remaining(1)).toBe(10);
    state.leases.delete(1);
    expect(lessor.remaining(1)).toBe(-1);
  });
});
