/** Number formatting with units, shared by every page: units on every number. */

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = seconds / 60;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

export function formatEnergy(joules: number): string {
  if (!Number.isFinite(joules)) return '—';
  const wh = joules / 3600;
  if (wh >= 1000) return `${(wh / 1000).toFixed(2)} kWh`;
  if (wh >= 1) return `${wh.toFixed(1)} Wh`;
  return `${Math.round(joules)} J`;
}

export function formatRange(range: { low: number; high: number }, format: (n: number) => string): string {
  return `${format(range.low)} – ${format(range.high)}`;
}

/** File sizes in SI units, as the exporter reports them ("12.3 kB", "1.2 MB"). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)} kB`;
  return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
}
