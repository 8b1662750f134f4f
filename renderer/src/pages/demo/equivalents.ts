/**
 * Plain-language equivalents of an amount of energy, for policy audiences. Each states its assumption so the
 * audience can judge it; they are orders of magnitude, not measurements.
 */
export interface Equivalent {
  id: string;
  label: (amount: number) => string;
  /** How much energy one unit is, in joules. */
  joulesPerUnit: number;
  source: string;
}

export const EQUIVALENTS: Equivalent[] = [
  {
    id: 'phone',
    label: (n) => (n >= 1 ? `${formatAmount(n)} smartphone charge${n === 1 ? '' : 's'}` : `${formatAmount(n * 100)}% of a smartphone charge`),
    joulesPerUnit: 15 * 3600, // 15 Wh
    source: 'A full charge of a typical smartphone battery: about 4,000 mAh at 3.85 V ≈ 15 Wh (battery ratings printed on common phones).',
  },
  {
    id: 'kettle',
    label: (n) => (n >= 1 ? `${formatAmount(n)} second${n === 1 ? '' : 's'} of an electric kettle` : `${formatAmount(n * 1000)} ms of an electric kettle`),
    joulesPerUnit: 2000, // 2 kW × 1 s
    source: 'A 2 kW electric kettle (a common rating in Europe) uses 2,000 J every second.',
  },
  {
    id: 'led',
    label: (n) =>
      n >= 1 ? `${formatAmount(n)} hour${n === 1 ? '' : 's'} of a 10 W LED bulb` : n * 60 >= 1 ? `${formatAmount(n * 60)} minute${n * 60 === 1 ? '' : 's'} of a 10 W LED bulb` : `${formatAmount(n * 3600)} second${n * 3600 === 1 ? '' : 's'} of a 10 W LED bulb`,
    joulesPerUnit: 10 * 3600, // 10 W × 1 h
    source: 'A 10 W LED bulb (about as bright as a 60 W incandescent bulb, per typical packaging) uses 36,000 J an hour.',
  },
];

export function formatAmount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Number.isInteger(n)) return n.toLocaleString('en');
  if (n >= 100) return Math.round(n).toLocaleString('en');
  if (n >= 10) return n.toFixed(1);
  if (n >= 0.01) return n.toFixed(2);
  return n.toExponential(1);
}

/** Always joules: the Demo's other figures are in J (per token), and J and Wh are never mixed in one view. */
export function formatJoules(j: number): string {
  if (!Number.isFinite(j)) return '—';
  if (j >= 10) return `${Math.round(j).toLocaleString('en')} J`;
  return `${j.toFixed(2)} J`;
}

/** Cumulative energy (J) under a power series (W over s), trapezoidal, up to time `until` (s). */
export function energyUntil(t: readonly number[], w: readonly (number | null)[], until: number): number {
  let joules = 0;
  for (let i = 1; i < t.length; i++) {
    const t0 = t[i - 1]!;
    const t1 = t[i]!;
    const w0 = w[i - 1];
    const w1 = w[i];
    if (t0 >= until) break;
    if (w0 === null || w0 === undefined || w1 === null || w1 === undefined) continue;
    const end = Math.min(t1, until);
    const w1At = t1 === t0 ? w1 : w0 + ((w1 - w0) * (end - t0)) / (t1 - t0);
    joules += ((w0 + w1At) / 2) * (end - t0);
  }
  return joules;
}

/** Power at time `at` (s), linearly interpolated; null outside the series. */
export function powerAt(t: readonly number[], w: readonly (number | null)[], at: number): number | null {
  for (let i = 1; i < t.length; i++) {
    if (t[i]! >= at) {
      const w0 = w[i - 1];
      const w1 = w[i];
      if (w0 === null || w0 === undefined || w1 === null || w1 === undefined) return w1 ?? w0 ?? null;
      const span = t[i]! - t[i - 1]!;
      return span === 0 ? w1 : w0 + ((w1 - w0) * (at - t[i - 1]!)) / span;
    }
  }
  return null;
}
