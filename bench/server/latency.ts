/**
 * A fixed-bucket latency histogram (0.1 ms buckets up to 2 s, plus overflow) that load processes fill
 * and the coordinator merges: percentiles without keeping every sample.
 */

const BUCKET_MS = 0.1;
const BUCKETS = 20_000;

/** Latency histogram, mergeable across processes (plain arrays cross IPC). */
export class Histogram {
  counts: number[] = new Array<number>(BUCKETS + 1).fill(0);
  total = 0;

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    const index = ms <= 0 ? 0 : Math.min(BUCKETS, Math.floor(ms / BUCKET_MS));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total++;
  }

  /** Adds another histogram's counts (from `counts` sent over IPC). */
  merge(counts: readonly number[]): void {
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] ?? 0;
      if (c) {
        this.counts[i] = (this.counts[i] ?? 0) + c;
        this.total += c;
      }
    }
  }

  /** The latency (ms) under which `p` (0..1) of the samples fall; Infinity past the last bucket. */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.ceil(p * this.total);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return i === BUCKETS ? Infinity : (i + 1) * BUCKET_MS;
    }
    return Infinity;
  }
}

/** Wall-clock milliseconds with sub-ms precision, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
