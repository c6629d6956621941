/**
 * Length-prefixed binary primitives used by every codec of the state machine (commands,
 * responses, persisted records). Integers are unsigned LEB128 varints limited to
 * Number.MAX_SAFE_INTEGER; the reader accepts only the minimal encoding so that every
 * decodable byte string has exactly one meaning and re-encodes to itself.
 */

const VARINT_BYTES_MAX = 8; // 8 * 7 = 56 bits >= 53 bits of a safe integer

/**
 * Scratch buffers of finished writers, reused by the next ones. Every command, record and
 * response is encoded through a ByteWriter, several per write on every node; growing a fresh
 * buffer 64 -> 128 -> 256 bytes each time cost three ArrayBuffer allocations per encoding (each
 * also work for the GC's array-buffer sweeper) where one, the exact-size result, is enough. A list,
 * not one buffer, because writers nest (a value is encoded while its container is half written).
 */
const scratchPool: Uint8Array[] = [];
const SCRATCH_POOL_MAX = 16;
const SCRATCH_BYTES_MIN = 256;
const SCRATCH_KEPT_BYTES_MAX = 64 << 10;
const FINISHED = new Uint8Array(0);

export class ByteWriter {
  private buf = scratchPool.pop() ?? new Uint8Array(SCRATCH_BYTES_MIN);
  private len = 0;

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`u8 out of range: ${value}`);
    this.reserve(1);
    this.buf[this.len++] = value;
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  uvarint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uvarint out of range: ${value}`);
    this.reserve(VARINT_BYTES_MAX);
    let v = value;
    // Division instead of `>>>`: bitwise operators truncate to 32 bits.
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }

  /** Length-prefixed byte string. */
  bytes(value: Uint8Array): this {
    this.uvarint(value.length);
    return this.raw(value);
  }

  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A copy of exactly the written bytes; the writer is spent (its scratch buffer goes back to the pool). */
  finish(): Uint8Array {
    if (this.buf === FINISHED) throw new Error('ByteWriter used after finish()');
    const out = this.buf.slice(0, this.len);
    if (this.buf.length <= SCRATCH_KEPT_BYTES_MAX && scratchPool.length < SCRATCH_POOL_MAX) scratchPool.push(this.buf);
    this.buf = FINISHED;
    return out;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    if (this.buf === FINISHED) throw new Error('ByteWriter used after finish()');
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Reads what ByteWriter wrote; every malformation is reported through `fail`, which must throw. */
export class ByteReader {
  private at = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly fail: (reason: string) => Error,
  ) {}

  /** The caller's typed error for `reason`, for malformations only the caller can recognise. */
  failure(reason: string): Error {
    return this.fail(reason);
  }

  get remaining(): number {
    return this.buf.length - this.at;
  }

  /** The next byte without consuming it; truncation is reported as by u8. */
  peek(): number {
    if (this.at >= this.buf.length) throw this.fail(`truncated at byte ${this.at}`);
    return this.buf[this.at]!;
  }

  u8(): number {
    if (this.at >= this.buf.length) throw this.fail(`truncated at byte ${this.at}`);
    return this.buf[this.at++]!;
  }

  bool(): boolean {
    const b = this.u8();
    if (b > 1) throw this.fail(`invalid boolean ${b} at byte ${this.at - 1}`);
    return b === 1;
  }

  uvarint(): number {
    const start = this.at;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_BYTES_MAX; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw this.fail(`non-minimal varint at byte ${start}`);
        if (result > Number.MAX_SAFE_INTEGER) throw this.fail(`varint exceeds 2^53 at byte ${start}`);
        return result;
      }
      scale *= 0x80;
    }
    throw this.fail(`varint longer than ${VARINT_BYTES_MAX} bytes at byte ${start}`);
  }

  /**
   * An element count. Every element takes at least `minBytesEach` bytes, so a count larger than
   * what is left is malformed: rejecting it early stops a 5-byte input from asking for 2^50 slots.
   */
  count(minBytesEach: number): number {
    const n = this.uvarint();
    if (n * minBytesEach > this.remaining) throw this.fail(`count ${n} exceeds the remaining ${this.remaining} bytes`);
    return n;
  }

  /** Length-prefixed byte string, copied so the result never aliases the input buffer. */
  bytes(): Uint8Array {
    const n = this.uvarint();
    if (n > this.remaining) throw this.fail(`byte string of ${n} exceeds the remaining ${this.remaining} bytes`);
    const out = Uint8Array.prototype.slice.call(this.buf, this.at, this.at + n); // a copy even when buf is a Buffer
    this.at += n;
    return out;
  }

  /** Everything not read yet, copied. */
  rest(): Uint8Array {
    const out = Uint8Array.prototype.slice.call(this.buf, this.at); // a copy even when buf is a Buffer
    this.at = this.buf.length;
    return out;
  }

  /** Trailing garbage means the writer and reader disagree on the format: reject it. */
  end(): void {
    if (this.at !== this.buf.length) throw this.fail(`${this.remaining} trailing bytes`);
  }
}
