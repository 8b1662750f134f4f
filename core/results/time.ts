/**
 * llem writes `start_time`, `end_time` and `collected_at` as naive local ISO text (no zone, llem
 * contract §6.3); baseline timestamps carry `Z`. A naive value is read in this machine's zone —
 * the only assumption possible — and callers store the raw text beside it.
 */
export interface LlemDateTime {
  /** Epoch milliseconds (naive values read as local time). */
  epochMs: number;
  /** Microseconds past `epochMs`'s millisecond (0–999), so durations keep llem's precision. */
  extraMicros: number;
  /** Same wall-clock fields read as if UTC: naive differences ignore DST, like Python's. */
  naiveMs: number;
  zoned: boolean;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))?$/;

export function parseLlemDateTime(text: string): LlemDateTime | null {
  const m = PATTERN.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  const micros = Number(fraction);
  const ms = Math.floor(micros / 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const naiveMs = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let epochMs: number;
  const zoned = m[8] !== undefined;
  if (m[8] === 'Z') epochMs = naiveMs;
  else if (m[9] !== undefined) {
    const offsetMin = (Number(m[10]) * 60 + Number(m[11])) * (m[9] === '-' ? -1 : 1);
    epochMs = naiveMs - offsetMin * 60_000;
  } else epochMs = new Date(year, month - 1, day, hour, minute, second, ms).getTime();
  return { epochMs, extraMicros: micros % 1000, naiveMs, zoned };
}

/** `end − start` in seconds at microsecond precision, as Python's naive datetime subtraction does. */
export function durationSeconds(start: LlemDateTime, end: LlemDateTime): number {
  const naive = !start.zoned && !end.zoned;
  const startMs = naive ? start.naiveMs : start.epochMs;
  const endMs = naive ? end.naiveMs : end.epochMs;
  return ((endMs - startMs) * 1000 + (end.extraMicros - start.extraMicros)) / 1e6;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
