import { deleteOp, putOp } from '../../src/statemachine/command';
import { encodeCommand } from '../../src/statemachine/command-codec';
import { b, entryOf, Replica } from './helpers';

const TTL_MS = 60_000;

describe('exactly-once sessions (dissertation 6.3)', () => {
  test('the same (clientId, seq) applied twice returns the first result and changes nothing', () => {
    const r = new Replica();
    const first = r.run(putOp(b('k'), b('v1')), { session: { clientId: 'c1', seq: 1 } });
    r.run(putOp(b('other'), b('x'))); // 2: the store moves on
    const kvRecords = r.sm.snapshotRecords().filter(([k]) => k[0] === 0x6b);
    const retry = r.run(putOp(b('k'), b('v1')), { session: { clientId: 'c1', seq: 1 } });
    expect(retry).toEqual({ ...first, index: 3, duplicate: true });
    expect(retry.revision).toBe(2); // the revision of the original write, not of now (3)
    expect(r.sm.revision).toBe(3);
    expect(r.get('k')).toMatchObject({ version: 1, modRevision: 2 });
    expect(r.sm.snapshotRecords().filter(([k]) => k[0] === 0x6b)).toEqual(kvRecords);
  });

  test('a retry is answered from the cache even if the op would now do something else', () => {
    const r = new Replica();
    const first = r.run(deleteOp(b('k'), { prevKv: true }), { session: { clientId: 'c', seq: 1 } });
    r.run(putOp(b('k'), b('v')));
    const retry = r.run(deleteOp(b('k'), { prevKv: true }), { session: { clientId: 'c', seq: 1 } });
    expect(retry.kind === 'ok' && retry.response).toEqual(first.kind === 'ok' && first.response);
    expect(r.value('k')).toBe('v');
  });

  test('a seq older than the last one is rejected as stale, without applying', () => {
    const r = new Replica();
    r.run(putOp(b('k'), b('1')), { session: { clientId: 'c', seq: 1 } });
    r.run(putOp(b('k'), b('2')), { session: { clientId: 'c', seq: 2 } });
    const stale = r.run(putOp(b('k'), b('old')), { session: { clientId: 'c', seq: 1 } });
    expect(stale).toMatchObject({
      kind: 'error',
      index: 3,
      error: { code: 'session_seq_stale', clientId: 'c', seq: 1, lastSeq: 2 },
    });
    expect(r.value('k')).toBe('2');
  });

  test('a new seq applies; sessions are per client; commands without a session always apply', () => {
    const r = new Replica();
    r.run(putOp(b('n'), b('a')), { session: { clientId: 'c1', seq: 1 } });
    expect(r.run(putOp(b('n'), b('b')), { session: { clientId: 'c2', seq: 1 } })).toMatchObject({ duplicate: false });
    expect(r.run(putOp(b('n'), b('c')), { session: { clientId: 'c1', seq: 5 } })).toMatchObject({ duplicate: false });
    r.run(putOp(b('n'), b('d')));
    r.run(putOp(b('n'), b('d')));
    expect(r.get('n')?.version).toBe(5);
  });

  test('seq 0 and an empty client id are invalid commands', () => {
    const r = new Replica();
    expect(r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 0 } })).toMatchObject({
      kind: 'error',
      error: { code: 'invalid_command' },
    });
    expect(r.run(putOp(b('k'), b('v')), { session: { clientId: '', seq: 1 } })).toMatchObject({ kind: 'error' });
    expect(r.value('k')).toBeUndefined();
  });

  test('the session cache survives persist + restore', () => {
    const r = new Replica();
    const first = r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 7 }, stampMs: 100 });
    r.persist();
    const restored = r.restoreFromDb();
    // The client's retry of the same command, after the node restarted.
    const data = encodeCommand({ session: { clientId: 'c', seq: 7 }, stampMs: 200, op: putOp(b('k'), b('v')) });
    expect(restored.apply(entryOf(2, data))).toEqual({ ...first, index: 2, duplicate: true });
  });
});

describe('session expiry is measured in leader stamps, never the local clock', () => {
  let clockSpy: jest.SpyInstance[] = [];
  beforeEach(() => {
    // Any clock read inside apply would throw and fail the test.
    clockSpy = [
      jest.spyOn(Date, 'now').mockImplementation(() => {
        throw new Error('the state machine read Date.now()');
      }),
      jest.spyOn(performance, 'now').mockImplementation(() => {
        throw new Error('the state machine read performance.now()');
      }),
    ];
  });
  afterEach(() => clockSpy.forEach((s) => s.mockRestore()));

  test('a session unused for sessionTtlMs of stamps is dropped; a retry then re-applies', () => {
    const r = new Replica({ sessionTtlMs: TTL_MS });
    r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 1 }, stampMs: 1_000 });
    r.run(putOp(b('x'), b('1')), { stampMs: 1_000 + TTL_MS - 1 }); // another client's write moves time
    expect(r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 1 }, stampMs: 1_000 })).toMatchObject({
      duplicate: true,
    });
    // The retry touched the session at the latest stamp (1_000 + TTL - 1); go a full TTL past that.
    r.run(putOp(b('x'), b('2')), { stampMs: 1_000 + 2 * TTL_MS - 1 });
    expect(r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 1 }, stampMs: 0 })).toMatchObject({
      kind: 'ok',
      duplicate: false,
    });
    expect(r.get('k')?.version).toBe(2);
  });

  test('a stamp going backwards (a skewed new leader) does not rewind time', () => {
    const r = new Replica({ sessionTtlMs: TTL_MS });
    r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 1 }, stampMs: 5_000 });
    r.run(putOp(b('x'), b('1')), { stampMs: 5_000 + TTL_MS }); // expires c
    r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 2 }, stampMs: 0 }); // a skewed leader
    // Time is still 5_000 + TTL: c was just used "now", so a retry is still deduplicated.
    expect(r.run(putOp(b('k'), b('v')), { session: { clientId: 'c', seq: 2 }, stampMs: 1 })).toMatchObject({
      duplicate: true,
    });
  });

  test('beyond sessionsMax the least recently used session is evicted, ties by client id', () => {
    const r = new Replica({ sessionsMax: 3 });
    r.run(putOp(b('k'), b('1')), { session: { clientId: 'b', seq: 1 }, stampMs: 10 });
    r.run(putOp(b('k'), b('2')), { session: { clientId: 'a', seq: 1 }, stampMs: 10 });
    r.run(putOp(b('k'), b('3')), { session: { clientId: 'c', seq: 1 }, stampMs: 20 });
    r.run(putOp(b('k'), b('4')), { session: { clientId: 'd', seq: 1 }, stampMs: 30 }); // evicts 'a' (10, "a" < "b")
    const retried = (clientId: string): boolean => {
      const res = r.run(putOp(b('probe'), b(clientId)), { session: { clientId, seq: 1 }, stampMs: 30 });
      return res.kind === 'ok' && res.duplicate;
    };
    expect(retried('b')).toBe(true);
    expect(retried('c')).toBe(true);
    expect(retried('d')).toBe(true);
    expect(retried('a')).toBe(false); // re-applied, and in turn evicted the LRU
  });
});
