import fc from 'fast-check';
import { ByteWriter } from '../../src/statemachine/binary';
import { casOp, deleteRangeOp, putOp, rangeOp, type Command } from '../../src/statemachine/command';
import { COMMAND_FORMAT_VERSION, CommandDecodeError, decodeCommand, encodeCommand } from '../../src/statemachine/command-codec';
import { commandArb, wideShape } from './arbitraries';
import { b } from './helpers';

const examples: Array<[string, Command]> = [
  ['put', { stampMs: 0, op: putOp(b('k'), b('v')) }],
  ['put with prevKv and a session', { session: { clientId: 'client-é-1', seq: 42 }, stampMs: 1_700_000_000_000, op: putOp(b('k'), new Uint8Array(0), { prevKv: true }) }],
  ['delete range', { stampMs: 5, op: deleteRangeOp(b('a'), b('b'), { prevKv: true }) }],
  ['cas', { stampMs: 5, op: casOp(b('lock'), null, b('me')) }],
  [
    'txn with every compare and op kind',
    {
      stampMs: Number.MAX_SAFE_INTEGER,
      op: {
        type: 'txn',
        compare: [
          { key: b('a'), target: 'value', result: 'less', value: b('z') },
          { key: b('a'), target: 'modRevision', result: 'greater', value: 2 ** 40 },
          { key: b('a'), target: 'createRevision', result: 'notEqual', value: 0 },
          { key: b('a'), target: 'version', result: 'equal', value: 127 },
        ],
        success: [putOp(b('x'), b('1')), rangeOp(b('x'), { rangeEnd: Uint8Array.of(0), limit: 300 })],
        failure: [{ type: 'delete', key: b('x') }],
      },
    },
  ],
];

/** Runs `f` and returns what it threw (failing the test if it returned). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('command codec', () => {
  test.each(examples)('round trip: %s', (_name, cmd) => {
    const bytes = encodeCommand(cmd);
    expect(bytes[0]).toBe(COMMAND_FORMAT_VERSION);
    expect(decodeCommand(bytes)).toEqual(cmd);
  });

  test('a plain put is compact', () => {
    // version, flags, stamp, tag, key len, key, value len, value, opts
    expect(encodeCommand({ stampMs: 0, op: putOp(b('k'), b('v')) }).length).toBe(9);
  });

  test('property: decode(encode(c)) equals c, and encoding is canonical', () => {
    fc.assert(
      fc.property(commandArb(wideShape), (cmd) => {
        const bytes = encodeCommand(cmd);
        const back = decodeCommand(bytes);
        expect(back).toEqual(cmd);
        expect(encodeCommand(back)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  test('decoded byte strings are copies, not views of the entry data', () => {
    const bytes = encodeCommand({ stampMs: 0, op: putOp(b('k'), b('v')) });
    const cmd = decodeCommand(bytes);
    bytes.fill(0);
    expect(cmd.op.type === 'put' && [...cmd.op.key, ...cmd.op.value]).toEqual([...b('kv')]);
  });

  test('encode rejects numbers that are not non-negative safe integers', () => {
    expect(() => encodeCommand({ stampMs: -1, op: putOp(b('k'), b('v')) })).toThrow(RangeError);
    expect(() => encodeCommand({ stampMs: 1.5, op: putOp(b('k'), b('v')) })).toThrow(RangeError);
    expect(() => encodeCommand({ stampMs: 2 ** 53, op: putOp(b('k'), b('v')) })).toThrow(RangeError);
  });
});

describe('malformed bytes throw CommandDecodeError', () => {
  const valid = encodeCommand(examples[4]![1]);
  const bad: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['unknown version', Uint8Array.of(2, 0, 0, 1, 1, 0x6b, 0, 0)],
    ['version 0', Uint8Array.of(0, 0, 0, 1, 1, 0x6b, 0, 0)],
    ['unknown flags', Uint8Array.of(1, 0x02, 0, 1, 1, 0x6b, 0, 0)],
    ['unknown op tag', Uint8Array.of(1, 0, 0, 99)],
    ['range at top level', Uint8Array.of(1, 0, 0, 4, 1, 0x6b, 0, 0)],
    ['nested txn', Uint8Array.of(1, 0, 0, 3, 0, 1, 3, 0, 0, 0, 0)],
    ['unknown put options', Uint8Array.of(1, 0, 0, 1, 1, 0x6b, 0, 0x10)],
    ['put lease flag without the lease', Uint8Array.of(1, 0, 0, 1, 1, 0x6b, 0, 0x08)],
    ['put lease 0 written as present', Uint8Array.of(1, 0, 0, 1, 1, 0x6b, 0, 0x08, 0)],
    ['leaseGrant without ttl', Uint8Array.of(1, 0, 0, 8, 1)],
    ['leaseGrant inside a txn', Uint8Array.of(1, 0, 0, 3, 0, 1, 8, 1, 1, 0)],
    ['compact inside a txn', Uint8Array.of(1, 0, 0, 3, 0, 1, 10, 1, 0, 0)],
    ['trailing byte after compact', Uint8Array.of(1, 0, 0, 10, 1, 0)],
    ['trailing byte', Uint8Array.of(...encodeCommand(examples[0]![1]), 0)],
    ['key length beyond the end', Uint8Array.of(1, 0, 0, 1, 100, 0x6b)],
    ['non-minimal varint', Uint8Array.of(1, 0, 0x80, 0x00, 1, 1, 0x6b, 0, 0)],
    ['varint beyond 2^53', Uint8Array.of(1, 0, ...new ByteWriter().uvarint(2 ** 53 - 1).finish().map((x, i) => (i === 7 ? x + 1 : x)), 1, 1, 0x6b, 0, 0)],
    ['varint longer than 8 bytes', Uint8Array.of(1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)],
    ['client id not UTF-8', Uint8Array.of(1, 1, 2, 0xc3, 0x28, 1, 0, 1, 1, 0x6b, 0, 0)],
    ['huge compare count', Uint8Array.of(1, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x0f)],
    ['unknown compare target', Uint8Array.of(1, 0, 0, 3, 1, 1, 0x6b, 7, 0, 0, 0, 0)],
    ['unknown compare result', Uint8Array.of(1, 0, 0, 3, 1, 1, 0x6b, 0, 9, 0, 0, 0)],
    ['invalid boolean-like option byte', Uint8Array.of(1, 0, 0, 2, 1, 0x6b, 0, 0x80)],
  ];

  test.each(bad)('%s', (_name, bytes) => {
    expect(thrown(() => decodeCommand(bytes))).toBeInstanceOf(CommandDecodeError);
  });

  test('every strict prefix of a valid command is rejected', () => {
    for (let n = 0; n < valid.length; n++) {
      expect(thrown(() => decodeCommand(valid.subarray(0, n)))).toBeInstanceOf(CommandDecodeError);
    }
  });

  test('property: random bytes decode or throw CommandDecodeError, nothing else; decodable bytes are canonical', () => {
    const versioned = fc.uint8Array({ maxLength: 40 }).map((x) => Uint8Array.of(COMMAND_FORMAT_VERSION, ...x));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), versioned), (bytes) => {
        let cmd: Command;
        try {
          cmd = decodeCommand(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CommandDecodeError);
          return;
        }
        expect(encodeCommand(cmd)).toEqual(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  test('property: corrupting one byte of a valid command never escapes as another error', () => {
    fc.assert(
      fc.property(commandArb(wideShape), fc.nat(), fc.integer({ min: 1, max: 255 }), (cmd, at, xor) => {
        const bytes = encodeCommand(cmd);
        bytes[at % bytes.length] ^= xor;
        try {
          decodeCommand(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CommandDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decoded bytes never alias the input', () => {
  it('copies keys and values out of a Buffer (Buffer#slice would be a view)', () => {
    const wire = Buffer.from(encodeCommand({ stampMs: 1, op: { type: 'put', key: new TextEncoder().encode('k1'), value: new TextEncoder().encode('v1') } }));
    const cmd = decodeCommand(wire);
    wire.fill(0);
    if (cmd.op.type !== 'put') throw new Error('expected a put');
    expect(Buffer.from(cmd.op.key).toString()).toBe('k1');
    expect(Buffer.from(cmd.op.value).toString()).toBe('v1');
  });
});
