/** Codecs of what the etcd semantics added: lease and compact ops, put options, the lease compare, their responses, record formats. */

import { ByteReader, ByteWriter } from '../../src/statemachine/binary';
import { compactOp, leaseGrantOp, leaseRevokeOp, putOp, type Command } from '../../src/statemachine/command';
import { CommandDecodeError, decodeCommand, encodeCommand } from '../../src/statemachine/command-codec';
import { RecordDecodeError } from '../../src/statemachine/record-error';
import { decodeRecord, encodeKvRecord, encodeSessionRecord, kvRecordKey, sessionRecordKey } from '../../src/statemachine/records';
import { readOutcome, writeOutcome } from '../../src/statemachine/response-codec';
import type { CommandOutcome, KeyValue } from '../../src/statemachine/results';
import { StateMachine } from '../../src/statemachine/state-machine';
import { b, entryOf } from './helpers';

const examples: Array<[string, Command]> = [
  ['leaseGrant with an assigned id', { stampMs: 1, op: leaseGrantOp(60) }],
  ['leaseGrant with an id', { stampMs: 1, op: leaseGrantOp(9_000_000_001, 2 ** 53 - 1) }],
  ['leaseRevoke', { session: { clientId: 'c', seq: 3 }, stampMs: 1, op: leaseRevokeOp(12345) }],
  ['compact', { stampMs: 1, op: compactOp(2 ** 40) }],
  ['put with a lease', { stampMs: 1, op: putOp(b('k'), b('v'), { lease: 2 ** 53 - 1, prevKv: true }) }],
  ['put with ignore flags', { stampMs: 1, op: putOp(b('k'), new Uint8Array(0), { ignoreValue: true, ignoreLease: true }) }],
  [
    'txn with a lease compare and leased puts',
    {
      stampMs: 1,
      op: {
        type: 'txn',
        compare: [{ key: b('k'), target: 'lease', result: 'equal', value: 7 }],
        success: [putOp(b('k'), b('v'), { lease: 7 })],
        failure: [putOp(b('k'), new Uint8Array(0), { ignoreValue: true })],
      },
    },
  ],
];

describe('command codec: etcd additions', () => {
  test.each(examples)('round trip: %s', (_name, cmd) => {
    const bytes = encodeCommand(cmd);
    expect(decodeCommand(bytes)).toEqual(cmd);
    expect(encodeCommand(decodeCommand(bytes))).toEqual(bytes);
  });

  test('an old-style put encodes to the very same bytes as before', () => {
    // version, flags, stamp, tag, key len, key, value len, value, opts
    expect([...encodeCommand({ stampMs: 0, op: putOp(b('k'), b('v')) })]).toEqual([1, 0, 0, 1, 1, 0x6b, 1, 0x76, 0]);
    expect([...encodeCommand({ stampMs: 0, op: putOp(b('k'), b('v'), { prevKv: true }) })]).toEqual([1, 0, 0, 1, 1, 0x6b, 1, 0x76, 1]);
    // lease 0 is "no lease": canonical form leaves it out, bytes unchanged.
    expect(encodeCommand({ stampMs: 0, op: { type: 'put', key: b('k'), value: b('v'), lease: 0 } })).toEqual(encodeCommand({ stampMs: 0, op: putOp(b('k'), b('v')) }));
    expect(putOp(b('k'), b('v'), { lease: 0, ignoreValue: false })).toEqual({ type: 'put', key: b('k'), value: b('v') });
  });

  test('wire layout of the new ops and options', () => {
    expect([...encodeCommand({ stampMs: 0, op: leaseGrantOp(5, 3) })]).toEqual([1, 0, 0, 8, 3, 5]);
    expect([...encodeCommand({ stampMs: 0, op: leaseRevokeOp(3) })]).toEqual([1, 0, 0, 9, 3]);
    expect([...encodeCommand({ stampMs: 0, op: compactOp(300) })]).toEqual([1, 0, 0, 10, 0xac, 0x02]);
    expect([...encodeCommand({ stampMs: 0, op: putOp(b('k'), b(''), { lease: 3, prevKv: true }) })]).toEqual([1, 0, 0, 1, 1, 0x6b, 0, 0x09, 3]);
    expect([...encodeCommand({ stampMs: 0, op: putOp(b('k'), b(''), { ignoreValue: true, ignoreLease: true }) })]).toEqual([1, 0, 0, 1, 1, 0x6b, 0, 0x06]);
  });

  test('a compare target beyond lease is unknown', () => {
    expect(() => decodeCommand(Uint8Array.of(1, 0, 0, 3, 1, 1, 0x6b, 5, 0, 0, 0, 0))).toThrow(CommandDecodeError);
  });
});

describe('response codec: etcd additions', () => {
  const kv: KeyValue = { key: b('k'), value: b('v'), createRevision: 2, modRevision: 9, version: 3, lease: 2 ** 53 - 1 };
  const outcomes: CommandOutcome[] = [
    { revision: 4, response: { type: 'leaseGrant', id: 2 ** 53 - 1, ttlSeconds: 9_000_000_000 } },
    { revision: 4, response: { type: 'leaseRevoke', deleted: 12 } },
    { revision: 4, response: { type: 'compact' } },
    { revision: 4, response: { type: 'put', prevKv: kv } },
    { revision: 4, response: { type: 'delete', deleted: 1, prevKvs: [kv] } },
    { revision: 4, response: { type: 'txn', succeeded: true, responses: [{ type: 'range', kvs: [kv, { ...kv, lease: 0 }], more: true, count: 5 }] } },
    { revision: 4, rejection: { code: 'rejected', status: 'invalid_argument', reason: 'etcdserver: key not found' } },
    { revision: 4, rejection: { code: 'rejected', status: 'out_of_range', reason: 'etcdserver: mvcc: required revision has been compacted' } },
  ];

  test.each(outcomes.map((o) => [JSON.stringify(o), o] as const))('round trip %s', (_name, outcome) => {
    const w = new ByteWriter();
    writeOutcome(w, outcome);
    const r = new ByteReader(w.finish(), (reason) => new RecordDecodeError(reason));
    expect(readOutcome(r)).toEqual(outcome);
    r.end();
  });

  test('format 1 (session records v1) reads kvs without a lease, and no lease responses', () => {
    // revision 4, put with prevKv: key "k", value "v", create 2, mod 9, version 3 (no lease)
    const v1 = Uint8Array.of(4, 1, 1, 1, 0x6b, 1, 0x76, 2, 9, 3);
    const r = new ByteReader(v1, (reason) => new RecordDecodeError(reason));
    expect(readOutcome(r, 1)).toEqual({ revision: 4, response: { type: 'put', prevKv: { ...kv, lease: 0 } } });
    r.end();
    expect(() => readOutcome(new ByteReader(Uint8Array.of(4, 11), (reason) => new RecordDecodeError(reason)), 1)).toThrow(RecordDecodeError);
  });
});

describe('record formats: etcd additions', () => {
  test('a KV record of format v1 (no lease) decodes with lease 0; v2 carries the lease', () => {
    expect(decodeRecord(kvRecordKey(b('k')), Uint8Array.of(1, 2, 9, 3, 0x76))).toEqual({
      kind: 'kv',
      kv: { key: b('k'), value: b('v'), createRevision: 2, modRevision: 9, version: 3, lease: 0 },
    });
    const kv: KeyValue = { key: b('k'), value: b('v'), createRevision: 2, modRevision: 9, version: 3, lease: 300 };
    expect(encodeKvRecord(kv)[0]).toBe(2);
    expect(decodeRecord(kvRecordKey(b('k')), encodeKvRecord(kv))).toEqual({ kind: 'kv', kv });
  });

  test('a session record of format v1 decodes (its cached kvs with lease 0); v2 round-trips', () => {
    const v1 = Uint8Array.of(1, 5, 10, 4, 1, 1, 1, 0x6b, 1, 0x76, 2, 9, 3); // lastSeq 5, lastUsedMs 10, outcome format 1
    expect(decodeRecord(sessionRecordKey('c'), v1)).toEqual({
      kind: 'session',
      session: {
        clientId: 'c',
        lastSeq: 5,
        lastUsedMs: 10,
        outcome: { revision: 4, response: { type: 'put', prevKv: { key: b('k'), value: b('v'), createRevision: 2, modRevision: 9, version: 3, lease: 0 } } },
      },
    });
    const entry = { clientId: 'c', lastSeq: 5, lastUsedMs: 10, outcome: { revision: 4, response: { type: 'leaseGrant', id: 3, ttlSeconds: 9 } } } as const;
    expect(encodeSessionRecord(entry)[0]).toBe(2);
    expect(decodeRecord(sessionRecordKey('c'), encodeSessionRecord(entry))).toEqual({ kind: 'session', session: entry });
    expect(() => decodeRecord(sessionRecordKey('c'), Uint8Array.of(3, 5, 10, 4, 11))).toThrow(RecordDecodeError);
  });

  test('meta records of formats v1 and v2 (revision = Raft index) restore with compactRevision 0 and lease ids from 1', () => {
    // v2: revision 0 (nothing written: etcd's empty store is revision 1), maxStampMs 7, digest
    const digest = StateMachine.restore([], 0).snapshotRecords()[0]![1].subarray(-8);
    const sm = StateMachine.restore([[b('m'), Uint8Array.of(2, 0, 7, ...digest)]], 3);
    expect(sm.revision).toBe(1);
    expect(sm.compactRevision).toBe(0);
    const grant = sm.apply(entryOf(4, encodeCommand({ stampMs: 8, op: leaseGrantOp(10) })));
    expect(grant).toMatchObject({ kind: 'ok', response: { id: 1 } });
    // v2 with a real revision keeps counting from it.
    const old = StateMachine.restore([[b('m'), Uint8Array.of(2, 9, 7, ...digest)]], 9);
    expect(old.apply(entryOf(10, encodeCommand({ stampMs: 8, op: putOp(b('k'), b('v')) })))).toMatchObject({ revision: 10 });
  });
});
