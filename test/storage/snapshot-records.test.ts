import { crc32c } from '../../src/raft/storage/crc32c';
import { KEY_SNAPSHOT, parseKey } from '../../src/raft/storage/keys';
import {
  decodeInstallMarker,
  decodeSnapshotMeta,
  decodeStagedRecordCount,
  encodeInstallMarker,
  encodeSnapshotMeta,
  encodeStagedRecordCount,
} from '../../src/raft/storage/records';
import { bytes, snapshotMeta } from './helpers';

/** Frames `payload` under `key` as records.ts does, so a test can store a well-checksummed bad payload. */
function framed(key: Uint8Array, payload: Uint8Array): Uint8Array {
  const value = new Uint8Array(8 + payload.length);
  const view = new DataView(value.buffer);
  view.setUint32(4, payload.length);
  value.set(payload, 8);
  view.setUint32(0, crc32c(value.subarray(4), crc32c(key)));
  return value;
}

/** A snapshot payload written field by field: [bits, value] pairs, big-endian. */
function payload(fields: ReadonlyArray<readonly [32 | 64, number]>): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, [bits]) => n + bits / 8, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const [bits, n] of fields) {
    if (bits === 32) view.setUint32(offset, n);
    else view.setBigUint64(offset, BigInt(n));
    offset += bits / 8;
  }
  return out;
}

function reasonOf(value: Uint8Array): string {
  const decoded = decodeSnapshotMeta(value);
  return decoded.ok ? 'decoded fine' : decoded.reason;
}

describe("snapshot metadata record 's'", () => {
  test('round-trips voters and learners; the key parses back', () => {
    const meta = snapshotMeta(Number.MAX_SAFE_INTEGER, 7, [1, 4, 9], [2, 3]);
    const stored = encodeSnapshotMeta(meta);
    expect(stored.key).toEqual(KEY_SNAPSHOT);
    expect(decodeSnapshotMeta(stored.value)).toEqual({ ok: true, value: meta });
    expect(decodeSnapshotMeta(encodeSnapshotMeta(snapshotMeta(1, 1, [], [])).value)).toEqual({ ok: true, value: snapshotMeta(1, 1, [], []) });
    expect(parseKey(bytes('s'))).toEqual({ kind: 'snapshot' });
    expect(parseKey(bytes('i'))).toEqual({ kind: 'installMarker' });
  });

  test('the layout is index u64, term u64, voter count u32, voters u64, learner count u32, learners u64', () => {
    const expected = payload([[64, 12], [64, 3], [32, 2], [64, 1], [64, 2], [32, 1], [64, 5]]);
    expect(encodeSnapshotMeta(snapshotMeta(12, 3, [1, 2], [5])).value).toEqual(framed(KEY_SNAPSHOT, expected));
  });

  test('a flipped bit is a checksum mismatch, a short value is truncated', () => {
    const { value } = encodeSnapshotMeta(snapshotMeta(5, 2));
    const flipped = value.slice();
    flipped[20]! ^= 0x04;
    expect(reasonOf(flipped)).toBe('checksum mismatch');
    expect(reasonOf(value.subarray(0, value.length - 1))).toMatch(/^truncated/);
  });

  test.each([
    ['a voter count beyond the payload', [[64, 5], [64, 2], [32, 0xffffffff], [64, 1]], /voter count 4294967295 needs 34359738360 bytes, 8 left/],
    ['a learner count beyond the payload', [[64, 5], [64, 2], [32, 1], [64, 1], [32, 2], [64, 3]], /learner count 2 needs 16 bytes, 8 left/],
    ['a voter count below the ids stored', [[64, 5], [64, 2], [32, 0], [64, 1], [32, 0]], /8 bytes after the learner list/],
    ['bytes after the learners', [[64, 5], [64, 2], [32, 0], [32, 0], [32, 9]], /4 bytes after the learner list/],
    ['no learner count', [[64, 5], [64, 2], [32, 1], [64, 1]], /learner count cut off/],
    ['no index and term', [[64, 5]], /shorter than index and term/],
    ['index 0', [[64, 0], [64, 2], [32, 0], [32, 0]], /snapshot index 0 or term 2 out of range/],
    ['unsorted voters', [[64, 5], [64, 2], [32, 2], [64, 3], [64, 1], [32, 0]], /voters not strictly ascending: 3 then 1/],
    ['a voter listed twice', [[64, 5], [64, 2], [32, 2], [64, 3], [64, 3], [32, 0]], /voters not strictly ascending: 3 then 3/],
    ['a voter that is also a learner', [[64, 5], [64, 2], [32, 1], [64, 3], [32, 1], [64, 3]], /node 3 is both a voter and a learner/],
  ] as const)('refuses %s', (_, fields, reason) => {
    expect(reasonOf(framed(KEY_SNAPSHOT, payload(fields)))).toMatch(reason);
  });

  test('an id beyond the safe integer range is refused', () => {
    const ids = payload([[64, 5], [64, 2], [32, 1]]);
    const big = new Uint8Array(8).fill(0xff);
    const all = new Uint8Array([...ids, ...big, ...payload([[32, 0]])]);
    expect(reasonOf(framed(KEY_SNAPSHOT, all))).toMatch(/voter id beyond the safe integer range/);
  });

  test('encoding refuses metadata it would refuse to read', () => {
    expect(() => encodeSnapshotMeta(snapshotMeta(0, 1))).toThrow(RangeError);
    expect(() => encodeSnapshotMeta(snapshotMeta(1, 0))).toThrow(RangeError);
    expect(() => encodeSnapshotMeta(snapshotMeta(1, 1, [2, 1]))).toThrow(/voters not strictly ascending/);
    expect(() => encodeSnapshotMeta(snapshotMeta(1, 1, [1, 2], [2]))).toThrow(/both a voter and a learner/);
    expect(() => encodeSnapshotMeta(snapshotMeta(1, 1, [-1]))).toThrow(RangeError);
  });
});

describe("install marker 'i' and staged record count 'c'", () => {
  test('round-trip', () => {
    const marker = { hardState: { term: 4, vote: 2, commit: 9 }, snapshot: snapshotMeta(9, 3, [1, 2], [7]) };
    expect(decodeInstallMarker(encodeInstallMarker(marker).value)).toEqual({ ok: true, value: marker });
    expect(decodeStagedRecordCount(encodeStagedRecordCount(12345).value)).toEqual({ ok: true, value: 12345 });
  });

  test('a marker cut inside its hard state or its metadata is refused', () => {
    const { key, value } = encodeInstallMarker({ hardState: { term: 4, vote: 2, commit: 9 }, snapshot: snapshotMeta(9, 3) });
    const payloadBytes = value.subarray(8);
    const short = decodeInstallMarker(framed(key, payloadBytes.subarray(0, 20)));
    expect(short.ok ? '' : short.reason).toMatch(/install marker payload of 20 bytes/);
    const cut = decodeInstallMarker(framed(key, payloadBytes.subarray(0, payloadBytes.length - 8)));
    expect(cut.ok ? '' : cut.reason).toMatch(/voter count 3 needs 24 bytes, 20 left/);
  });
});
