/**
 * A small HDR-style latency histogram: values in whole microseconds, log-linear buckets.
 * Values below 256 µs have a bucket each; above, every power of two [2^k, 2^(k+1)) is split into
 * 128 equal buckets, so a bucket is at most 1/128 of its lower bound wide (< 0.8% relative error;
 * reported values are bucket midpoints, < 0.4%). Range 0 .. 2^26 µs (67 s); larger values are
 * clamped into the top bucket (the exact maximum is kept separately).
 */
const LINEAR = 256; // values 0..255 map one to one
const SUB = 128; // sub-buckets per power of two above LINEAR
const MAX_SHIFT = 19; // 2^(8+19) µs = 134 s > 60 s
export const HISTOGRAM_MAX_US = LINEAR * 2 ** MAX_SHIFT - 1;
const BUCKETS = LINEAR + MAX_SHIFT * SUB;

function indexOf(us: number): number {
  if (us < LINEAR) return us;
  const msb = 31 - Math.clz32(us); // >= 8
  const shift = msb - 7; // >= 1
  return LINEAR + (shift - 1) * SUB + ((us >>> shift) - SUB);
}

/** [lowest, highest] value of a bucket. */
function boundsOf(i: number): [number, number] {
  if (i < LINEAR) return [i, i];
  const shift = Math.floor((i - LINEAR) / SUB) + 1;
  const sub = ((i - LINEAR) % SUB) + SUB;
  return [sub * 2 ** shift, (sub + 1) * 2 ** shift - 1];
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sumUs = 0;
  minUs = Infinity;
  maxUs = 0;

  /** Records one value in microseconds (fractions are rounded). */
  record(us: number): void {
    const v = us <= 0 ? 0 : Math.round(us);
    this.counts[indexOf(v > HISTOGRAM_MAX_US ? HISTOGRAM_MAX_US : v)]++;
    this.count++;
    this.sumUs += v;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumUs = 0;
    this.minUs = Infinity;
    this.maxUs = 0;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  /** The value at percentile p (0..100) in µs: the midpoint of its bucket, capped at min/max. */
  percentileUs(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const [lo, hi] = boundsOf(i);
        return Math.min(this.maxUs, Math.max(this.minUs, (lo + hi) / 2));
      }
    }
    return this.maxUs;
  }

  /** Sparse form for JSON: [bucketIndex, count] pairs plus exact min/max/sum. */
  toJSON(): { buckets: Array<[number, number]>; count: number; sumUs: number; minUs: number; maxUs: number } {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] > 0) buckets.push([i, this.counts[i]]);
    return { buckets, count: this.count, sumUs: this.sumUs, minUs: this.count ? this.minUs : 0, maxUs: this.maxUs };
  }
}

/** Self-check (`npm run bench -- selfcheck`): bucket math and percentiles against a sorted array. */
export function histogramSelfCheck(): string[] {
  const problems: string[] = [];
  for (let i = 0; i < BUCKETS; i++) {
    const [lo, hi] = boundsOf(i);
    if (indexOf(lo) !== i || indexOf(hi) !== i) problems.push(`bucket ${i}: bounds [${lo}, ${hi}] do not map back`);
    if (i > 0 && boundsOf(i - 1)[1] + 1 !== lo) problems.push(`bucket ${i}: gap below ${lo}`);
    if (lo >= LINEAR && (hi - lo + 1) / lo > 1 / SUB + 1e-12) problems.push(`bucket ${i}: too wide`);
  }
  if (boundsOf(BUCKETS - 1)[1] !== HISTOGRAM_MAX_US) problems.push('top bucket does not end at HISTOGRAM_MAX_US');
  const h = new Histogram();
  const values: number[] = [];
  let seed = 12345;
  for (let i = 0; i < 100_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = Math.round(Math.exp((seed / 2 ** 31) * Math.log(60e6))); // log-uniform 1 µs .. 60 s
    values.push(v);
    h.record(v);
  }
  values.sort((a, b) => a - b);
  for (const p of [50, 90, 99, 99.9, 100]) {
    const exact = values[Math.max(0, Math.ceil((p / 100) * values.length) - 1)];
    const got = h.percentileUs(p);
    if (Math.abs(got - exact) > Math.max(0.5, exact * 0.01)) problems.push(`p${p}: ${got} vs exact ${exact} (> 1%)`);
  }
  return problems;
}
