/** A fixed-size set of small integers in 32-bit words, with a compact string key for memo maps. */
export class Bitset {
  private readonly words: Uint32Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Bitset size ${size}`);
    this.words = new Uint32Array(Math.max(1, Math.ceil(size / 32)));
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  set(i: number): void {
    this.check(i);
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  clear(i: number): void {
    this.check(i);
    this.words[i >>> 5] &= ~(1 << (i & 31));
  }

  /** Two UTF-16 code units per word, so keys of one set size all have the same length (a state
   *  hash appended to it cannot make two different pairs collide). */
  key(): string {
    const w = this.words;
    let s = '';
    for (let i = 0; i < w.length; i++) s += String.fromCharCode(w[i] & 0xffff, w[i] >>> 16);
    return s;
  }

  /** A copy of the words, for `sameAs`. */
  snapshot(): Uint32Array {
    return this.words.slice();
  }

  sameAs(snapshot: Uint32Array): boolean {
    const w = this.words;
    if (snapshot.length !== w.length) return false;
    for (let i = 0; i < w.length; i++) if (w[i] !== snapshot[i]) return false;
    return true;
  }

  count(): number {
    let n = 0;
    for (let i = 0; i < this.words.length; i++) {
      let x = this.words[i];
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  private check(i: number): void {
    if (!((i | 0) === i && i >= 0 && i < this.size)) throw new RangeError(`Bitset index ${i} outside [0, ${this.size})`);
  }
}
