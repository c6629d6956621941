import fc from 'fast-check';
import { ByteReader, ByteWriter } from '../../src/statemachine/binary';
import { putOp, type Command } from '../../src/statemachine/command';
import { COMMAND_FORMAT_VERSION, CommandDecodeError, decodeCommand, encodeCommand } from '../../src/statemachine/command-codec';
import { RecordDecodeError } from '../../src/statemachine/record-error';
import { readOutcome, writeOutcome } from '../../src/statemachine/response-codec';
import type { CommandOutcome } from '../../src/statemachine/results';
import { commandArb, wideShape, wideTopicShape } from './arbitraries';
import { b } from './helpers';

const topicExamples: Array<[string, Command]> = [
  ['createTopic retain everything', { stampMs: 1, op: { type: 'createTopic', topic: 'orders', policy: { kind: 'retain' } } }],
  ['createTopic retain by count', { stampMs: 1, op: { type: 'createTopic', topic: 'orders', policy: { kind: 'retain', retainRecords: 1000 } } }],
  ['createTopic retain by bytes', { stampMs: 1, op: { type: 'createTopic', topic: 'a.b-c_d', policy: { kind: 'retain', retainBytes: 2 ** 40 } } }],
  ['createTopic retain by both', { stampMs: 1, op: { type: 'createTopic', topic: 'x', policy: { kind: 'retain', retainRecords: 3, retainBytes: 4 } } }],
  ['createTopic compact', { stampMs: 1, op: { type: 'createTopic', topic: 'users', policy: { kind: 'compact' } } }],
  [
    'append with keys, no keys, an empty key, empty values and headers, in a session',
    {
      session: { clientId: 'producer-1', seq: 7 },
      stampMs: 1_700_000_000_000,
      op: {
        type: 'append',
        topic: 'orders',
        records: [
          { key: b('k1'), value: b('v1') },
          { value: b('no key') },
          { key: new Uint8Array(0), value: new Uint8Array(0) },
          { value: b('h'), headers: [['trace-é', b('abc')], ['trace-é', new Uint8Array(0)]] },
        ],
      },
    },
  ],
  ['commitOffset', { stampMs: 2, op: { type: 'commitOffset', group: 'billing', topic: 'orders', offset: 42 } }],
  ['commitOffset forced', { stampMs: 2, op: { type: 'commitOffset', group: 'grüppe', topic: 'orders', offset: 0, force: true } }],
];

describe('command codec: topic ops', () => {
  test.each(topicExamples)('round trip: %s', (_name, cmd) => {
    const bytes = encodeCommand(cmd);
    expect(bytes[0]).toBe(COMMAND_FORMAT_VERSION);
    expect(decodeCommand(bytes)).toEqual(cmd);
    expect(encodeCommand(decodeCommand(bytes))).toEqual(bytes);
  });

  test('the wire form is pinned (a change here breaks replicas running the previous build)', () => {
    const append: Command = { stampMs: 5, op: { type: 'append', topic: 't', records: [{ key: b('k'), value: b('v'), headers: [['h', b('x')]] }, { value: b('') }] } };
    // version flags stamp | tag topic | n | flags key value nh name value | flags value nh
    expect([...encodeCommand(append)]).toEqual([1, 0, 5, 6, 1, 0x74, 2, 1, 1, 0x6b, 1, 0x76, 1, 1, 0x68, 1, 0x78, 0, 0, 0]);
    const create: Command = { stampMs: 0, op: { type: 'createTopic', topic: 't', policy: { kind: 'retain', retainBytes: 300 } } };
    expect([...encodeCommand(create)]).toEqual([1, 0, 0, 5, 1, 0x74, 1, 0x02, 0xac, 0x02]);
    const commit: Command = { stampMs: 0, op: { type: 'commitOffset', group: 'g', topic: 't', offset: 3, force: true } };
    expect([...encodeCommand(commit)]).toEqual([1, 0, 0, 7, 1, 0x67, 1, 0x74, 3, 1]);
  });

  test('KV commands encode exactly as before the topic ops existed', () => {
    expect([...encodeCommand({ stampMs: 0, op: putOp(b('k'), b('v')) })]).toEqual([1, 0, 0, 1, 1, 0x6b, 1, 0x76, 0]);
  });

  test('property: decode(encode(c)) equals c for every op kind, and encoding is canonical', () => {
    fc.assert(
      fc.property(commandArb({ ...wideShape, topics: wideTopicShape }), (cmd) => {
        const bytes = encodeCommand(cmd);
        const back = decodeCommand(bytes);
        expect(back).toEqual(cmd);
        expect(encodeCommand(back)).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  test('property: corrupting one byte of a topic command never escapes as another error', () => {
    fc.assert(
      fc.property(commandArb({ ...wideShape, topics: wideTopicShape }), fc.nat(), fc.integer({ min: 1, max: 255 }), (cmd, at, xor) => {
        const bytes = encodeCommand(cmd);
        bytes[at % bytes.length] ^= xor;
        try {
          const back = decodeCommand(bytes);
          expect(encodeCommand(back)).toEqual(bytes); // whatever decodes is canonical
        } catch (err) {
          expect(err).toBeInstanceOf(CommandDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('malformed topic ops throw CommandDecodeError', () => {
  const bad: Array<[string, number[]]> = [
    ['unknown policy kind', [1, 0, 0, 5, 1, 0x74, 3]],
    ['unknown retain flags', [1, 0, 0, 5, 1, 0x74, 1, 0x04]],
    ['retain flag without its number', [1, 0, 0, 5, 1, 0x74, 1, 0x01]],
    ['topic not UTF-8', [1, 0, 0, 5, 2, 0xc3, 0x28, 2]],
    ['unknown record flags', [1, 0, 0, 6, 1, 0x74, 1, 0x02, 0, 0]],
    ['record count beyond the bytes left', [1, 0, 0, 6, 1, 0x74, 0x7f, 0, 0, 0]],
    ['header count beyond the bytes left', [1, 0, 0, 6, 1, 0x74, 1, 0, 0, 9]],
    ['header name not UTF-8', [1, 0, 0, 6, 1, 0x74, 1, 0, 0, 1, 1, 0xff, 0]],
    ['truncated record', [1, 0, 0, 6, 1, 0x74, 1, 1, 1]],
    ['unknown commitOffset options', [1, 0, 0, 7, 1, 0x67, 1, 0x74, 3, 2]],
    ['group not UTF-8', [1, 0, 0, 7, 1, 0xff, 1, 0x74, 3, 0]],
    ['createTopic inside a txn', [1, 0, 0, 3, 0, 1, 5, 1, 0x74, 2, 0]],
    ['append inside a txn', [1, 0, 0, 3, 0, 1, 6, 1, 0x74, 0, 0]],
    ['trailing byte after commitOffset', [1, 0, 0, 7, 1, 0x67, 1, 0x74, 3, 0, 0]],
  ];

  test.each(bad)('%s', (_name, bytes) => {
    let error: unknown = null;
    try {
      decodeCommand(Uint8Array.from(bytes));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CommandDecodeError);
  });

  test('every strict prefix of a valid append is rejected', () => {
    const valid = encodeCommand(topicExamples[5]![1]);
    for (let n = 0; n < valid.length; n++) expect(() => decodeCommand(valid.subarray(0, n))).toThrow(CommandDecodeError);
  });
});

describe('response codec: topic responses and cached rejections (session records)', () => {
  const outcomes: CommandOutcome[] = [
    { revision: 3, response: { type: 'createTopic', created: true } },
    { revision: 3, response: { type: 'createTopic', created: false } },
    { revision: 0, response: { type: 'append', baseOffset: 2 ** 40, count: 10_000 } },
    { revision: 9, response: { type: 'commitOffset', offset: 17 } },
    { revision: 9, rejection: { code: 'rejected', status: 'not_found', reason: 'topic "x" does not exist — é' } },
    { revision: 1, rejection: { code: 'rejected', status: 'resource_exhausted', reason: '' } },
  ];

  test.each(outcomes.map((o) => [JSON.stringify(o), o] as const))('round trip %s', (_name, outcome) => {
    const w = new ByteWriter();
    writeOutcome(w, outcome);
    const r = new ByteReader(w.finish(), (reason) => new RecordDecodeError(reason));
    expect(readOutcome(r)).toEqual(outcome);
    r.end();
  });

  test('an unknown rejection status or a topic response inside a txn is refused', () => {
    const read = (bytes: number[]) => () => readOutcome(new ByteReader(Uint8Array.from(bytes), (reason) => new RecordDecodeError(reason)));
    expect(read([0, 8, 9, 0])).toThrow(RecordDecodeError);
    expect(read([0, 4, 1, 1, 6, 0, 1])).toThrow(RecordDecodeError);
  });
});
