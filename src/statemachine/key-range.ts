/**
 * etcd's conventions for a key range [key, rangeEnd):
 *  - rangeEnd empty (or absent): the single key `key`;
 *  - rangeEnd = "\0": every key >= `key` (so key "\0" with rangeEnd "\0" is the whole key space);
 *  - otherwise the half-open interval [key, rangeEnd); empty when rangeEnd <= key.
 */

import { compareBytes } from './bytes';

const EMPTY = new Uint8Array(0);

/** The rangeEnd that means "no upper bound". */
export const RANGE_END_ALL: Uint8Array = Uint8Array.of(0);

export function isSingleKey(rangeEnd: Uint8Array | undefined): boolean {
  return rangeEnd === undefined || rangeEnd.length === 0;
}

export function isUnbounded(rangeEnd: Uint8Array | undefined): boolean {
  return rangeEnd !== undefined && rangeEnd.length === 1 && rangeEnd[0] === 0;
}

/**
 * The smallest key greater than every key starting with `prefix` (etcd's GetPrefixRangeEnd):
 * drop trailing 0xff bytes and increment the last remaining one. A prefix of only 0xff bytes
 * (or an empty prefix) has no such key, so the answer is "\0", meaning "no upper bound".
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      // A copy: Buffer#slice would return a view and the increment would corrupt the caller's prefix.
      const end = Uint8Array.from(prefix.subarray(0, i + 1));
      end[i] = end[i]! + 1;
      return end;
    }
  }
  return RANGE_END_ALL.slice();
}

/** Whether `candidate` lies in the range (key, rangeEnd) under the conventions above. */
export function rangeContains(key: Uint8Array, rangeEnd: Uint8Array | undefined, candidate: Uint8Array): boolean {
  if (isSingleKey(rangeEnd)) return compareBytes(key, candidate) === 0;
  if (compareBytes(candidate, key) < 0) return false;
  return isUnbounded(rangeEnd) || compareBytes(candidate, rangeEnd ?? EMPTY) < 0;
}
