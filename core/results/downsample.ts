/**
 * Reducing a long time series to about one point per screen pixel. Pure functions over parallel
 * arrays (t ascending). Two methods:
 *  - min/max buckets: per pixel column the min, max and mean — never hides a spike (the default
 *    for power and temperature charts);
 *  - LTTB (Largest-Triangle-Three-Buckets, Steinarsson 2013): picks real points that keep the
 *    visual shape, for line charts that must show actual samples.
 */

export interface BandSeries {
  /** Bucket centre times. */
  t: number[];
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** Non-null samples that fell into each bucket. */
  count: number[];
}

/** A pre-aggregated span of samples (a rollup bucket, or one raw sample with n = 1). */
export interface Span {
  tFirst: number;
  tLast: number;
  min: number | null;
  max: number | null;
  sum: number;
  n: number;
}

/**
 * Merges spans into `width` equal time buckets over [from, to]. A span is assigned by its midpoint,
 * so pre-aggregated spans are never split (they are far narrower than a bucket by construction).
 * Buckets without data are dropped (a gap in the chart, not a fake zero).
 */
export function mergeSpansIntoBuckets(spans: Iterable<Span>, from: number, to: number, width: number): BandSeries {
  const w = Math.max(1, Math.floor(width));
  const span = to - from;
  const mins = new Float64Array(w).fill(Infinity);
  const maxs = new Float64Array(w).fill(-Infinity);
  const sums = new Float64Array(w);
  const counts = new Float64Array(w);
  for (const s of spans) {
    if (s.n === 0 || s.min === null || s.max === null) continue;
    const mid = (s.tFirst + s.tLast) / 2;
    let i = span > 0 ? Math.floor(((mid - from) / span) * w) : 0;
    if (i < 0) i = 0;
    if (i >= w) i = w - 1;
    if (s.min < mins[i]!) mins[i] = s.min;
    if (s.max > maxs[i]!) maxs[i] = s.max;
    sums[i] = sums[i]! + s.sum;
    counts[i] = counts[i]! + s.n;
  }
  const out: BandSeries = { t: [], mean: [], min: [], max: [], count: [] };
  for (let i = 0; i < w; i++) {
    if (counts[i] === 0) continue;
    out.t.push(span > 0 ? from + ((i + 0.5) * span) / w : from);
    out.mean.push(sums[i]! / counts[i]!);
    out.min.push(mins[i]!);
    out.max.push(maxs[i]!);
    out.count.push(counts[i]!);
  }
  return out;
}

/**
 * LTTB: keeps the first and last point and, per bucket, the point forming the largest triangle
 * with the previously kept point and the next bucket's average. Returns indices into the input.
 * Null values are skipped beforehand by the caller.
 */
export function lttbIndices(t: ArrayLike<number>, v: ArrayLike<number>, threshold: number): number[] {
  const n = t.length;
  const k = Math.floor(threshold);
  if (k >= n || k <= 2) {
    if (k >= n) return Array.from({ length: n }, (_, i) => i);
    return n === 0 ? [] : n === 1 ? [0] : [0, n - 1].slice(0, Math.max(1, k));
  }
  const out: number[] = [0];
  const every = (n - 2) / (k - 2);
  let a = 0;
  for (let i = 0; i < k - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgT = 0;
    let avgV = 0;
    const nextLen = nextEnd - nextStart;
    for (let j = nextStart; j < nextEnd; j++) {
      avgT += t[j]!;
      avgV += v[j]!;
    }
    if (nextLen > 0) {
      avgT /= nextLen;
      avgV /= nextLen;
    } else {
      avgT = t[n - 1]!;
      avgV = v[n - 1]!;
    }
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ta = t[a]!;
    const va = v[a]!;
    let best = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ta - avgT) * (v[j]! - va) - (ta - t[j]!) * (avgV - va));
      if (area > best) {
        best = area;
        chosen = j;
      }
    }
    out.push(chosen);
    a = chosen;
  }
  out.push(n - 1);
  return out;
}
