/**
 * A sorted array kept sorted by binary-search insertion. Insert and remove cost a memmove
 * (O(n), fast in practice for the sizes here), never a re-sort; iteration order is explicit,
 * which is the point: it never depends on hash-map insertion history.
 */

export type Comparator<T> = (a: T, b: T) => number;

/** First position whose item is >= `probe`. */
export function lowerBound<T>(items: readonly T[], probe: T, cmp: Comparator<T>): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(items[mid]!, probe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `item`; it must not already be present (callers keep a map beside the array). */
export function insertSorted<T>(items: T[], item: T, cmp: Comparator<T>): void {
  const at = lowerBound(items, item, cmp);
  if (at < items.length && cmp(items[at]!, item) === 0) throw new Error('insertSorted: item already present');
  items.splice(at, 0, item);
}

/** Removes `item`, which must be present: a miss means the array and its map disagree. */
export function removeSorted<T>(items: T[], item: T, cmp: Comparator<T>): void {
  const at = lowerBound(items, item, cmp);
  if (at >= items.length || cmp(items[at]!, item) !== 0) throw new Error('removeSorted: item not present');
  items.splice(at, 1);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
