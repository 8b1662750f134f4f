import type { RatioView, SummaryView } from '../../../contract/apiResults';
import { tQuantile } from '..';

/**
 * The ratio of two configuration means, a / b, with a 95 % confidence interval.
 *
 * Computed on the log scale (delta method): se(ln mean) ≈ sd / (mean · √n), so
 * se(ln a/b) = √(cv_a²/n_a + cv_b²/n_b), with Welch–Satterthwaite degrees of freedom and Student's t —
 * with the 3–5 cycles people run, a normal 1.96 would claim far too much certainty. The interval is
 * exp(ln r ± t·se): always positive, and it treats "2× more" and "2× less" alike.
 */
export function ratioOfMeans(a: SummaryView, b: SummaryView, confidence = 0.95): RatioView | null {
  if (a.mean === null || b.mean === null || !(a.mean > 0) || !(b.mean > 0)) return null;
  const ratio = a.mean / b.mean;
  if (!Number.isFinite(ratio)) return null;
  if (a.n < 2 || b.n < 2 || a.sd === null || b.sd === null) return { ratio, ci95Low: null, ci95High: null };
  const va = (a.sd / a.mean) ** 2 / a.n;
  const vb = (b.sd / b.mean) ** 2 / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { ratio, ci95Low: ratio, ci95High: ratio };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = tQuantile(1 - (1 - confidence) / 2, df);
  const lnR = Math.log(ratio);
  return { ratio, ci95Low: Math.exp(lnR - t * se), ci95High: Math.exp(lnR + t * se) };
}

/** True when the interval excludes 1 (a real difference), false when it includes it, null without one. */
export function excludesOne(r: RatioView | null): boolean | null {
  if (!r || r.ci95Low === null || r.ci95High === null) return null;
  return r.ci95Low > 1 || r.ci95High < 1;
}

/** "5.3", "12", "1.04" — enough digits to tell a factor from 1. */
export function formatFactor(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1).replace(/\.0$/, '');
  if (x >= 1.1) return x.toFixed(1);
  return x.toFixed(2);
}
