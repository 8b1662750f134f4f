import { TelemetrySampleSchema, type TelemetrySample } from '../../../contract/telemetry';

/**
 * nvidia-smi `--query-gpu=… --format=csv,noheader,nounits` parsing. Field names differ between driver
 * generations (power.draw.instant is new; clocks_throttle_reasons was renamed clocks_event_reasons), so the
 * source probes which list the installed nvidia-smi accepts and parses columns by that list.
 */
export const QUERY_FIELD_SETS: readonly (readonly string[])[] = [
  ['index', 'timestamp', 'power.draw.instant', 'power.draw', 'temperature.gpu', 'utilization.gpu', 'memory.used', 'memory.total', 'clocks.sm', 'clocks.mem', 'clocks_event_reasons.active'],
  ['index', 'timestamp', 'power.draw', 'temperature.gpu', 'utilization.gpu', 'memory.used', 'memory.total', 'clocks.sm', 'clocks.mem', 'clocks_throttle_reasons.active'],
  ['index', 'timestamp', 'power.draw', 'temperature.gpu', 'utilization.gpu', 'memory.used', 'memory.total'],
];

/** `[N/A]`, `[Not Supported]`, `N/A`, `[Unknown Error]`, empty → null; else a finite number or null. */
export function parseSmiNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (v === '' || v.startsWith('[') || /^n\/?a$/i.test(v)) return null;
  if (/^0x[0-9a-f]+$/i.test(v)) return Number.parseInt(v, 16);
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** nvidia-smi prints local time as `YYYY/MM/DD HH:MM:SS.mmm`. */
export function parseSmiTimestamp(raw: string | undefined): number | null {
  const m = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?$/.exec((raw ?? '').trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((ms ?? '0').padEnd(3, '0'))).getTime();
  return Number.isFinite(t) ? t : null;
}

export type SmiParse = { ok: true; sample: TelemetrySample } | { ok: false; message: string };

export function parseSmiLine(line: string, fields: readonly string[], fallbackNowMs: number): SmiParse {
  const parts = line.split(',').map((p) => p.trim());
  if (parts.length !== fields.length) return { ok: false, message: `expected ${fields.length} columns, got ${parts.length}: ${line.slice(0, 200)}` };
  const col = (name: string): string | undefined => {
    const i = fields.indexOf(name);
    return i >= 0 ? parts[i] : undefined;
  };
  const index = parseSmiNumber(col('index'));
  if (index === null || !Number.isInteger(index) || index < 0) return { ok: false, message: `no GPU index in: ${line.slice(0, 200)}` };
  const instant = parseSmiNumber(col('power.draw.instant'));
  const reasons = parseSmiNumber(col('clocks_event_reasons.active') ?? col('clocks_throttle_reasons.active'));
  const candidate = {
    gpuIndex: index,
    tMs: parseSmiTimestamp(col('timestamp')) ?? fallbackNowMs,
    powerW: instant ?? parseSmiNumber(col('power.draw')),
    powerInstant: instant !== null,
    energyMj: null, // nvidia-smi's query interface has no energy counter
    temperatureC: parseSmiNumber(col('temperature.gpu')),
    smUtilPct: parseSmiNumber(col('utilization.gpu')),
    memoryUsedMb: parseSmiNumber(col('memory.used')),
    memoryTotalMb: parseSmiNumber(col('memory.total')),
    smClockMhz: parseSmiNumber(col('clocks.sm')),
    memClockMhz: parseSmiNumber(col('clocks.mem')),
    throttleReasons: reasons !== null && Number.isSafeInteger(reasons) && reasons >= 0 ? reasons : null,
  };
  const parsed = TelemetrySampleSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, message: `unexpected values in: ${line.slice(0, 200)}` };
  return { ok: true, sample: parsed.data };
}
