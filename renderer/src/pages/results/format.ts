/** Measurement numbers as people read them: three significant figures, always with a unit. */

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return Math.round(v).toLocaleString('en');
  if (a < 0.001) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export function withUnit(v: number | null | undefined, unit: string): string {
  const n = formatNumber(v);
  return n === '—' ? n : `${n} ${unit}`;
}

/** "−87 %" / "+12 %" from a ratio to a baseline. */
export function formatPercentChange(ratio: number): string {
  const pct = (ratio - 1) * 100;
  const rounded = Math.abs(pct) >= 10 ? Math.round(pct) : Number(pct.toFixed(1));
  if (rounded === 0) return '±0 %';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)} %`;
}

/** "5.3×" */
export function formatFactor(x: number): string {
  if (x >= 100) return `${x.toFixed(0)}×`;
  if (x >= 10) return `${x.toFixed(1).replace(/\.0$/, '')}×`;
  return `${x.toFixed(x >= 1.1 ? 1 : 2)}×`;
}

/** "2026-03-13 14:21" from llem's naive local ISO text (shown as written: it is the measuring machine's clock). */
export function formatStart(iso: string | null): string {
  if (!iso) return '—';
  return iso.slice(0, 16).replace('T', ' ');
}

/** "1 result", "1,234 results"; `many` for irregular plurals ("entries"). */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
