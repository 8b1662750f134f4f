import { describe, expect, it } from 'vitest';
import { parseSmiLine, parseSmiNumber, parseSmiTimestamp, QUERY_FIELD_SETS } from '../../../core/telemetry/sources/nvidiaSmiParse';

const NEW = QUERY_FIELD_SETS[0]!;
const OLD = QUERY_FIELD_SETS[1]!;

describe('nvidia-smi CSV parsing', () => {
  it('parses a full line of the newest field set (instant power preferred, hex throttle mask)', () => {
    const line = '0, 2026/03/15 10:00:00.250, 231.45, 229.10, 64, 97, 30512, 40960, 1410, 1215, 0x0000000000000004';
    const r = parseSmiLine(line, NEW, 0);
    expect(r).toEqual({
      ok: true,
      sample: {
        gpuIndex: 0,
        tMs: new Date(2026, 2, 15, 10, 0, 0, 250).getTime(),
        powerW: 231.45,
        powerInstant: true,
        energyMj: null,
        temperatureC: 64,
        smUtilPct: 97,
        memoryUsedMb: 30512,
        memoryTotalMb: 40960,
        smClockMhz: 1410,
        memClockMhz: 1215,
        throttleReasons: 4,
      },
    });
  });

  it('turns [N/A] / [Not Supported] into null and falls back to power.draw', () => {
    const line = '1, 2026/03/15 10:00:00.000, [N/A], 70.5, 40, [Not Supported], 100, 16000, 300, 800, 0x0';
    const r = parseSmiLine(line, NEW, 5);
    expect(r.ok && r.sample).toMatchObject({ gpuIndex: 1, powerW: 70.5, powerInstant: false, smUtilPct: null, throttleReasons: 0 });
  });

  it('parses the older field set and uses the arrival time when the timestamp is unreadable', () => {
    const r = parseSmiLine('0, garbage, 55.0, 38, 0, 10, 8000, 210, 405, 0x0000000000000001', OLD, 1234);
    expect(r.ok && r.sample).toMatchObject({ tMs: 1234, powerW: 55, powerInstant: false, throttleReasons: 1 });
  });

  it('rejects lines with the wrong column count or no GPU index, with a message', () => {
    expect(parseSmiLine('0, 1, 2', NEW, 0)).toMatchObject({ ok: false, message: expect.stringContaining('expected 11 columns, got 3') });
    expect(parseSmiLine('x, 2026/03/15 10:00:00.000, 1, 1, 1, 1, 1, 1, 1, 1, 0x0', NEW, 0)).toMatchObject({ ok: false, message: expect.stringContaining('no GPU index') });
    expect(parseSmiLine('0, 2026/03/15 10:00:00.000, -5, 1, 1, 1, 1, 1, 1, 1, 0x0', NEW, 0).ok).toBe(true); // negative power is odd but finite
  });

  it('number and timestamp helpers', () => {
    expect(parseSmiNumber(' [Unknown Error] ')).toBeNull();
    expect(parseSmiNumber('N/A')).toBeNull();
    expect(parseSmiNumber('')).toBeNull();
    expect(parseSmiNumber('0x20')).toBe(32);
    expect(parseSmiNumber('12.5')).toBe(12.5);
    expect(parseSmiNumber('12.5W')).toBeNull();
    expect(parseSmiTimestamp('2026/01/02 03:04:05.6')).toBe(new Date(2026, 0, 2, 3, 4, 5, 600).getTime());
    expect(parseSmiTimestamp('2026-01-02 03:04:05')).toBeNull();
  });
});
