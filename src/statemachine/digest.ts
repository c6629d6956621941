/**
 * 64-bit FNV-1a, pure and dependency-free, for comparing replica states in tests and in the
 * simulator. Not cryptographic: it detects divergence, it does not resist an adversary.
 *
 * JavaScript numbers cannot hold a 64-bit product, so the state is four 16-bit limbs and the
 * multiplication by the FNV prime 2^40 + 0x1b3 is done limb by limb.
 */

export class Fnv1a64 {
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  update(bytes: Uint8Array): this {
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    for (let i = 0; i < bytes.length; i++) {
      h0 ^= bytes[i]!;
      // h * 0x1b3, plus h << 40: limb k lands in limb k + 2, shifted left by 8 bits.
      const t0 = h0 * 0x1b3;
      let t1 = h1 * 0x1b3;
      let t2 = h2 * 0x1b3 + (h0 << 8);
      let t3 = h3 * 0x1b3 + (h1 << 8);
      t1 += t0 >>> 16;
      t2 += t1 >>> 16;
      t3 += t2 >>> 16;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    return this;
  }

  /** The state as 8 big-endian bytes, so a running hash can be persisted and resumed. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(Fnv1a64.BYTES);
    [this.h3, this.h2, this.h1, this.h0].forEach((limb, i) => {
      out[2 * i] = limb >>> 8;
      out[2 * i + 1] = limb & 0xff;
    });
    return out;
  }

  /** Resumes a hash from toBytes(); throws RangeError on a wrong length. */
  static fromBytes(bytes: Uint8Array): Fnv1a64 {
    if (bytes.length !== Fnv1a64.BYTES) throw new RangeError(`Fnv1a64 state must be ${Fnv1a64.BYTES} bytes, got ${bytes.length}`);
    const h = new Fnv1a64();
    const limb = (i: number): number => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
    h.h3 = limb(0);
    h.h2 = limb(1);
    h.h1 = limb(2);
    h.h0 = limb(3);
    return h;
  }

  static readonly BYTES = 8;

  /** 16 lowercase hex digits. */
  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
  }
}
