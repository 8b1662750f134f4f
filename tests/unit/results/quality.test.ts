import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../core/results';
import { buildConfigViews } from '../../../core/results/views/configViews';
import { buildHeadline } from '../../../core/results/views/headline';
import { boundedOutputTokens } from '../../../core/results/figureDefinitions';
import {
  checkQuality, energyTolerance, gradeRank, TEMPERATURE_FAIL_C, TEMPERATURE_WARN_C, WINDOW_FAIL_S, WINDOW_PASS_S,
  type QualityInputs, type QualityReport, type QualitySample,
} from '../../../core/results/quality/qualityChecks';
import { ensureQualityChecks, readQuality } from '../../../core/results/quality/qualityStore';
import { importSampleSet } from '../../../core/results/sampleRuns';
import type { Db } from '../../../core/store/database';
import { openTempDb, sharedFixture } from './helpers';

const SAMPLES = path.resolve(__dirname, '../../../resources/sample-runs');
const SAMPLE_ID = 'h100-gpt2-random-weights';

function statusOf(report: { checks: { id: string; status: string }[] }, id: string): string | undefined {
  return report.checks.find((c) => c.id === id)?.status;
}

describe('quality checks on the shipped H100 sample', () => {
  let db: Db;
  let cleanup: () => void;
  beforeEach(async () => {
    ({ db, cleanup } = openTempDb());
    const imported = await importSampleSet(db, SAMPLE_ID, SAMPLES);
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.value.added).toHaveLength(4);
  });
  afterEach(() => cleanup());

  function byBatch(): Map<string, { id: number; batch: number; precision: string; q: ReturnType<typeof readQuality> extends Map<number, infer V> ? V : never }> {
    const rows = db.prepare('SELECT id, batch_size, precision FROM results').all() as { id: number; batch_size: number; precision: string }[];
    const quality = readQuality(db);
    return new Map(rows.map((r) => [`${r.precision}/${r.batch_size}`, { id: r.id, batch: r.batch_size, precision: r.precision, q: quality.get(r.id)! }]));
  }

  it('stores checks at import: batch 32 fails the token count and is graded below batch 1', () => {
    const runs = byBatch();
    expect(runs.size).toBe(4);
    for (const precision of ['float16', 'bfloat16']) {
      const one = runs.get(`${precision}/1`)!.q;
      const b32 = runs.get(`${precision}/32`)!.q;
      expect(statusOf(one, 'output_tokens_possible')).toBe('pass');
      expect(statusOf(b32, 'output_tokens_possible')).toBe('fail');
      expect(b32.checks.find((c) => c.id === 'output_tokens_possible')!.caveat).toBe('at most 4,096 tokens were generated; llem reported 6,686');
      expect(b32.outputTokensBounded).toBe(4096);
      // 8.2 s and 4.9 s windows: below the 10 s floor.
      expect(statusOf(b32, 'window_long_enough')).toBe('fail');
      expect(statusOf(one, 'window_long_enough')).toBe('pass');
      expect(gradeRank(b32.grade)).toBeGreaterThan(gradeRank(one.grade));
      expect(b32.grade).toBe('C');
    }
  });

  it('the energy, baseline, power, temperature and gap checks pass on the real 60 s runs', () => {
    const one = byBatch().get('float16/1')!.q;
    for (const id of ['energy_figures_agree', 'baseline_subtracted', 'power_in_range', 'temperature_in_range', 'samples_without_gaps']) {
      expect(statusOf(one, id), id).toBe('pass');
    }
    expect(one.grade).toBe('A');
  });

  it('the bounded headline ratio is what the bounded counts give (≈ 13.5×), with the caveat beside it', () => {
    const views = buildConfigViews(db, {});
    if (!views.ok) throw new Error(views.error.message);
    const h = buildHeadline(views.value.configs, views.value.parameters);
    if (!h.available) throw new Error(h.reason);
    // Expected from the stored columns themselves: energy ÷ min(llem's tokens, n_prompts × max_output_tokens), for the
    // pair that differs in batch size only (bfloat16: batch 1 vs batch 32).
    const perToken = (precision: string, batch: number) => {
      const r = db.prepare('SELECT total_energy_j, output_tokens, n_prompts, max_output_tokens FROM results WHERE precision = ? AND batch_size = ?').get(precision, batch) as {
        total_energy_j: number; output_tokens: number; n_prompts: number; max_output_tokens: number;
      };
      return r.total_energy_j / boundedOutputTokens(r)!;
    };
    const expected = perToken('bfloat16', 1) / perToken('bfloat16', 32);
    expect(h.factor.ratio).toBeCloseTo(expected, 9);
    expect(h.factor.ratio).toBeCloseTo(h.worse.mean / h.better.mean, 12);
    // Within 1 % of 13.5× (the README's "about 13×"), where llem's own counts gave 22.1×.
    expect(Math.abs(h.factor.ratio / 13.5 - 1)).toBeLessThan(0.01);
    expect(h.text).toMatch(/uses 13\.6× less energy per output token/);
    expect(h.caveats.join(' | ')).toContain('at most 4,096 tokens were generated; llem reported 6,686');
    expect(h.grades.better).toBe('C');
    // llem's own figures would have said 22.1×: kept, on request.
    expect(h.rawFactor).not.toBeNull();
    expect(h.rawFactor!).toBeCloseTo(7482.464930244753 / 4096 / (551.6668733128298 / 6686), 6);
  });

  it('re-checks results stored before migration 007 (lazy backfill), and only once', () => {
    db.exec('DELETE FROM result_quality');
    const first = ensureQualityChecks(db);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.checked).toBe(4);
    const again = ensureQualityChecks(db);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.checked).toBe(0);
    expect([...readQuality(db).values()].map((q) => q.grade).sort()).toEqual(['A', 'A', 'C', 'C']);
  });
});

describe('quality checks on the real llem fixture (schema 2.0, A100)', () => {
  const fixture = sharedFixture('llem/gpt2_pytorch_v2.0.json');
  it.skipIf(fixture.skip)('grades it C: counts possible, no timeseries to check energy or gaps, and a 4.4 s window fails', async () => {
    const { db, cleanup } = openTempDb();
    try {
      const out = await importResultFile(db, fixture.path);
      if (out.outcome !== 'added') throw new Error(JSON.stringify(out));
      const q = readQuality(db, [out.resultId]).get(out.resultId)!;
      const raw = JSON.parse(readFileSync(fixture.path, 'utf8')) as { total_energy_j: number };
      expect(raw.total_energy_j).toBeGreaterThan(0);
      expect(statusOf(q, 'output_tokens_possible')).toBe('pass');
      expect(statusOf(q, 'energy_figures_agree')).toBe('not_checked');
      expect(statusOf(q, 'samples_without_gaps')).toBe('not_checked');
      expect(statusOf(q, 'window_long_enough')).toBe('fail');
      expect(statusOf(q, 'baseline_subtracted')).toBe('pass');
      expect(q.grade).toBe('C');
    } finally {
      cleanup();
    }
  });
});

// ---- synthetic boundaries -------------------------------------------------------------------------------------

const GOOD: QualityInputs = {
  output_tokens: 640, n_prompts: 5, max_output_tokens: 128, total_energy_j: 6000, energy_adjusted_j: 3000, duration_sec: 60,
  baseline_power_w: 50, baseline_method: 'fresh', power_limit_w: 300, num_gpus: 1, max_temperature_c: 60, throttle_thermal: 0,
};
/** 1 Hz samples whose bucket sum is `energy` over `seconds` (constant power). */
function samples(seconds: number, energy: number, gpu = 0): QualitySample[] {
  return Array.from({ length: seconds }, (_, i) => ({ gpu_index: gpu, timestamp_s: i, power_w: energy / seconds, temperature_c: 60 }));
}
const check = (r: Partial<QualityInputs>, s: QualitySample[] = samples(60, 6000)): QualityReport => checkQuality({ ...GOOD, ...r }, s);

describe('quality checks at their boundaries (synthetic)', () => {
  it('all pass → grade A', () => {
    const q = check({});
    expect(q.checks.map((c) => c.status)).toEqual(q.checks.map(() => 'pass'));
    expect(q.grade).toBe('A');
  });

  it('token count: n_prompts × max_output_tokens passes, one more fails', () => {
    expect(statusOf(check({ output_tokens: 640 }), 'output_tokens_possible')).toBe('pass');
    const over = check({ output_tokens: 641 });
    expect(statusOf(over, 'output_tokens_possible')).toBe('fail');
    expect(over.outputTokensBounded).toBe(640);
    expect(statusOf(check({ max_output_tokens: null }), 'output_tokens_possible')).toBe('not_checked');
  });

  it('energy agreement: tolerance grows as the window shrinks; warn to 2×, fail beyond', () => {
    const tol = energyTolerance(60);
    expect(tol).toBeCloseTo(0.02 + 1 / 60, 12);
    expect(energyTolerance(5)).toBeGreaterThan(energyTolerance(60));
    const at = (factor: number) => statusOf(check({}, samples(60, 6000 * factor)), 'energy_figures_agree');
    expect(at(1 + tol * 0.99)).toBe('pass');
    expect(at(1 + tol * 1.01)).toBe('warn');
    expect(at(1 - tol * 1.99)).toBe('warn');
    expect(at(1 + tol * 2.01)).toBe('fail');
    expect(statusOf(check({}, []), 'energy_figures_agree')).toBe('not_checked');
  });

  it('window: 30 s passes, just under warns, under 10 s fails', () => {
    const w = (d: number) => statusOf(check({ duration_sec: d, total_energy_j: d * 100 }, samples(Math.max(2, Math.round(d)), d * 100)), 'window_long_enough');
    expect(w(WINDOW_PASS_S)).toBe('pass');
    expect(w(WINDOW_PASS_S - 0.1)).toBe('warn');
    expect(w(WINDOW_FAIL_S)).toBe('warn');
    expect(w(WINDOW_FAIL_S - 0.1)).toBe('fail');
  });

  it('baseline: missing baseline or adjusted energy warns', () => {
    expect(statusOf(check({ baseline_power_w: null }), 'baseline_subtracted')).toBe('warn');
    expect(statusOf(check({ energy_adjusted_j: null }), 'baseline_subtracted')).toBe('warn');
    expect(check({ baseline_power_w: null }).grade).toBe('B');
  });

  it('power: below 90 % of idle or above 105 % of the board limit fails', () => {
    // 60 s window: average = energy / 60.
    expect(statusOf(check({ total_energy_j: 60 * 45.1 }, samples(60, 60 * 45.1)), 'power_in_range')).toBe('pass');
    expect(statusOf(check({ total_energy_j: 60 * 44.9 }, samples(60, 60 * 44.9)), 'power_in_range')).toBe('fail');
    expect(statusOf(check({ total_energy_j: 60 * 315 }, samples(60, 60 * 315)), 'power_in_range')).toBe('pass');
    expect(statusOf(check({ total_energy_j: 60 * 316 }, samples(60, 60 * 316)), 'power_in_range')).toBe('fail');
    // Two GPUs: the limit counts twice.
    expect(statusOf(check({ num_gpus: 2, total_energy_j: 60 * 500 }, [...samples(60, 60 * 250), ...samples(60, 60 * 250, 1)]), 'power_in_range')).toBe('pass');
  });

  it('temperature: warn from 85 °C or under thermal throttling, fail from 95 °C', () => {
    expect(statusOf(check({ max_temperature_c: TEMPERATURE_WARN_C - 0.1 }), 'temperature_in_range')).toBe('pass');
    expect(statusOf(check({ max_temperature_c: TEMPERATURE_WARN_C }), 'temperature_in_range')).toBe('warn');
    expect(statusOf(check({ throttle_thermal: 1 }), 'temperature_in_range')).toBe('warn');
    expect(statusOf(check({ max_temperature_c: TEMPERATURE_FAIL_C }), 'temperature_in_range')).toBe('fail');
  });

  it('gaps: a missing second warns, more than 10 % of the window missing fails', () => {
    const s = samples(60, 6000);
    const oneGap = s.filter((x) => x.timestamp_s !== 30);
    expect(statusOf(check({}, oneGap), 'samples_without_gaps')).toBe('warn');
    const bigGap = s.filter((x) => x.timestamp_s < 20 || x.timestamp_s > 28);
    expect(statusOf(check({}, bigGap), 'samples_without_gaps')).toBe('fail');
    const empty = s.map((x, i) => (i === 10 ? { ...x, power_w: null } : x));
    expect(statusOf(check({}, empty), 'samples_without_gaps')).toBe('warn');
  });
});
