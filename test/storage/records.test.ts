import type { Entry } from '../../src/raft/core/types';
import { entryKey, parseKey } from '../../src/raft/storage/keys';
import {
  decodeAppliedIndex,
  decodeEntry,
  decodeFormatVersion,
  decodeHardState,
  decodeStateMachineRecord,
  encodeAppliedIndex,
  encodeEntry,
  encodeFormatVersion,
  encodeHardState,
  encodeStateMachineRecord,
} from '../../src/raft/storage/records';
import { bytes } from './helpers';

describe('records', () => {
  test('round-trip every record kind', () => {
    const hardState = { term: 7, vote: 3, commit: Number.MAX_SAFE_INTEGER };
    expect(decodeHardState(encodeHardState(hardState).value)).toEqual({ ok: true, value: hardState });
    const noop: Entry = { index: 9, term: 4, type: 'noop', data: new Uint8Array(0) };
    expect(decodeEntry(9, encodeEntry(noop).value)).toEqual({ ok: true, value: noop });
    const sm = encodeStateMachineRecord(bytes('k'), bytes('value'));
    expect(decodeStateMachineRecord(bytes('k'), sm.value)).toEqual({ ok: true, value: bytes('value') });
    expect(decodeAppliedIndex(encodeAppliedIndex(42).value)).toEqual({ ok: true, value: 42 });
    expect(decodeFormatVersion(encodeFormatVersion(1).value)).toEqual({ ok: true, value: 1 });
  });

  test('entry keys sort in index order and parse back', () => {
    const key256 = entryKey(256);
    expect(Buffer.compare(Buffer.from(entryKey(255)), Buffer.from(key256))).toBe(-1);
    expect(parseKey(key256)).toEqual({ kind: 'entry', index: 256 });
  });

  test('a value stored under another key fails its checksum', () => {
    const stored = encodeEntry({ index: 5, term: 1, type: 'normal', data: bytes('x') });
    expect(decodeEntry(6, stored.value)).toEqual({ ok: false, reason: 'checksum mismatch' });
  });

  test('a short value reads as truncated, a flipped bit as a checksum mismatch', () => {
    const { value } = encodeEntry({ index: 1, term: 1, type: 'normal', data: bytes('hello') });
    const truncated = decodeEntry(1, value.subarray(0, value.length - 2));
    expect(truncated.ok ? '' : truncated.reason).toMatch(/^truncated/);
    const flipped = value.slice();
    flipped[flipped.length - 1]! ^= 0x01;
    expect(decodeEntry(1, flipped)).toEqual({ ok: false, reason: 'checksum mismatch' });
  });

  test('encoding refuses values it could not read back', () => {
    expect(() => encodeHardState({ term: -1, vote: 0, commit: 0 })).toThrow(RangeError);
    expect(() => encodeEntry({ index: 0, term: 1, type: 'normal', data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodeEntry({ index: 1, term: 0, type: 'normal', data: new Uint8Array(0) })).toThrow(RangeError);
  });
});
