/**
 * A FIFO of record sizes in a growable ring buffer: the sizes of a retained topic's records,
 * oldest first, so retention knows how many bytes it frees without reading the records back.
 * 8 bytes per record (a Float64Array holds any safe integer), no object per record.
 */

const INITIAL_CAPACITY = 16;

export class SizeQueue {
  private ring = new Float64Array(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(size: number): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) % this.ring.length] = size;
    this.count++;
  }

  /** Removes and returns the oldest size; throws when empty (the caller's count is wrong). */
  shift(): number {
    if (this.count === 0) throw new Error('SizeQueue.shift: empty');
    const size = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    if (this.count === 0) this.head = 0;
    return size;
  }

  /** Oldest first. */
  *values(): IterableIterator<number> {
    for (let i = 0; i < this.count; i++) yield this.ring[(this.head + i) % this.ring.length]!;
  }

  private grow(): void {
    const next = new Float64Array(this.ring.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) % this.ring.length]!;
    this.ring = next;
    this.head = 0;
  }
}
