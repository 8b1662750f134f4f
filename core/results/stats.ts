/**
 * Descriptive statistics for repeated measurements of one config (cycles). Pure functions.
 * The 95 % confidence interval uses Student's t with n − 1 degrees of freedom: with the 3–5
 * cycles people run, the normal 1.96 would claim far too much certainty (t = 2.776 at df = 4).
 */

export interface Summary {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null for n < 2. */
  sd: number | null;
  /** Half-width of the 95 % CI of the mean: t(0.975, n−1) · sd / √n; null for n < 2. */
  ci95HalfWidth: number | null;
  ci95Low: number | null;
  ci95High: number | null;
  /** Coefficient of variation sd / |mean|; null for n < 2 or mean 0. */
  cv: number | null;
  min: number | null;
  max: number | null;
}

/** Summarises the finite values; null/NaN/±Infinity entries are skipped (not measured). */
export function summarise(values: readonly (number | null | undefined)[], confidence = 0.95): Summary {
  return summariseBy(values, (v) => v, confidence);
}

/** summarise over `pick(item)` without building an intermediate array (aggregation hot path). */
export function summariseBy<T>(items: readonly T[], pick: (item: T) => number | null | undefined, confidence = 0.95): Summary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < items.length; i++) {
    const v = pick(items[i]!);
    if (v == null || !Number.isFinite(v)) continue;
    // Welford: numerically stable for large, nearly equal energies.
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { n, mean: null, sd: null, ci95HalfWidth: null, ci95Low: null, ci95High: null, cv: null, min: null, max: null };
  if (n === 1) return { n, mean, sd: null, ci95HalfWidth: null, ci95Low: null, ci95High: null, cv: null, min, max };
  const sd = Math.sqrt(m2 / (n - 1));
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return {
    n,
    mean,
    sd,
    ci95HalfWidth: half,
    ci95Low: mean - half,
    ci95High: mean + half,
    cv: mean === 0 ? null : sd / Math.abs(mean),
    min,
    max,
  };
}

// ------------------------------------------------------------------------------------------------
// Student's t distribution
// ------------------------------------------------------------------------------------------------

const quantileCache = new Map<string, number>();

/**
 * Quantile of Student's t with `df` degrees of freedom (df > 0, 0 < p < 1): the t with
 * P(T ≤ t) = p. Inverts the exact CDF (regularised incomplete beta) by bisection to ~1e-12.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
  const key = `${p}|${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  let q: number;
  if (p === 0.5) q = 0;
  else if (p < 0.5) q = -tQuantile(1 - p, df);
  else {
    let lo = 0;
    let hi = 1;
    while (studentTCdf(hi, df) < p) {
      lo = hi;
      hi *= 2;
      if (hi > 1e300) break;
    }
    for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
      const mid = (lo + hi) / 2;
      if (studentTCdf(mid, df) < p) lo = mid;
      else hi = mid;
    }
    q = (lo + hi) / 2;
  }
  quantileCache.set(key, q);
  return q;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b) by the continued fraction (modified Lentz), using the symmetry for fast convergence. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lnGamma(1 - z);
  const g = 7;
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const zz = z - 1;
  let x = coefficients[0]!;
  for (let i = 1; i < g + 2; i++) x += coefficients[i]! / (zz + i);
  const t = zz + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(x);
}
