import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appEnergyTolerance, compareAppEnergy, type AppMeasuringEnergy } from '../../../core/results/figureDefinitions';
import { checkQuality, type QualityInputs, type QualitySample } from '../../../core/results/quality/qualityChecks';
import { importSampleSet } from '../../../core/results/sampleRuns';
import { openTempDb } from './helpers';

const SAMPLES = path.resolve(__dirname, '../../../resources/sample-runs');
const SAMPLE_ID = 'h100-gpt2-random-weights';

const GOOD: QualityInputs = {
  output_tokens: 640, n_prompts: 5, max_output_tokens: 128, total_energy_j: 6000, energy_adjusted_j: 3000, duration_sec: 60,
  baseline_power_w: 50, baseline_method: 'fresh', power_limit_w: 300, num_gpus: 1, max_temperature_c: 60, throttle_thermal: 0,
};
const ONE_HZ: QualitySample[] = Array.from({ length: 60 }, (_, i) => ({ gpu_index: 0, timestamp_s: i, power_w: 100, temperature_c: 60 }));
/** The app's figures over a 60 s measuring phase sampled every 0.1 s, both `factor` × llem's 6000 J. */
const app = (factor: number, over: Partial<AppMeasuringEnergy> = {}): AppMeasuringEnergy => ({
  gpus: 1, counterJ: 6000 * factor, integratedJ: 6000 * factor, windowS: 60, samplePeriodS: 0.1, ...over,
});
const energyCheck = (a: AppMeasuringEnergy | null, r: Partial<QualityInputs> = {}) =>
  checkQuality({ ...GOOD, ...r }, ONE_HZ, a).checks.find((c) => c.id === 'energy_figures_agree')!;

describe("llem's energy against the app's counter and integrated power (synthetic boundaries)", () => {
  it('tolerance: 2 % plus one sample period at each edge, relative to the window', () => {
    expect(appEnergyTolerance(60, 0.1)).toBeCloseTo(0.02 + 0.2 / 60, 12);
    expect(appEnergyTolerance(2, 0.1)).toBeCloseTo(0.12, 12);
    expect(appEnergyTolerance(5, 0.1)).toBeGreaterThan(appEnergyTolerance(60, 0.1));
    expect(appEnergyTolerance(60, 1)).toBeGreaterThan(appEnergyTolerance(60, 0.1));
  });

  it('pass within the tolerance, warn up to twice it, fail beyond — on either side', () => {
    const tol = appEnergyTolerance(60, 0.1);
    expect(energyCheck(app(1 + tol * 0.99)).status).toBe('pass');
    expect(energyCheck(app(1 - tol * 0.99)).status).toBe('pass');
    expect(energyCheck(app(1 + tol * 1.01)).status).toBe('warn');
    expect(energyCheck(app(1 - tol * 1.99)).status).toBe('warn');
    const fail = energyCheck(app(1 + tol * 2.01));
    expect(fail.status).toBe('fail');
    expect(fail.caveat).toContain("llem's energy differs from the app's NVML counter by");
    expect(fail.reason).toContain("the app's NVML counter");
  });

  it('the tolerance uses the shorter window: the same 10 % passes over 2 s and fails over 60 s', () => {
    expect(energyCheck(app(1.1, { windowS: 2 }), { duration_sec: 2, total_energy_j: 6000 }).status).not.toBe('fail');
    expect(compareAppEnergy(6000, 2, app(1.1, { windowS: 2 }))[0]!.status).toBe('pass');
    expect(compareAppEnergy(6000, 60, app(1.1))[0]!.status).toBe('fail');
  });

  it('the worst comparison wins: a good counter does not hide a bad integrated figure', () => {
    const c = energyCheck(app(1, { integratedJ: 6000 * 1.5 }));
    expect(c.status).toBe('fail');
    expect(c.caveat).toContain('integrated power');
    expect(c.caveat).not.toContain('NVML counter');
  });

  it('not checked, with the reason, where the app has no figures; the grade stays what the other checks give', () => {
    const none = checkQuality(GOOD, ONE_HZ, null);
    const c = none.checks.find((x) => x.id === 'energy_figures_agree')!;
    expect(c.status).toBe('pass'); // llem vs its own timeseries still made and passed
    expect(c.reason).toContain("App's counter and integrated energy: The app has no energy of its own");
    expect(none.grade).toBe('A');
    const noTimeseries = energyCheck(null, {});
    expect(noTimeseries.reason).toContain('no energy of its own');
    // Only the app's figures: they decide.
    const onlyApp = checkQuality(GOOD, [], app(1)).checks.find((x) => x.id === 'energy_figures_agree')!;
    expect(onlyApp.status).toBe('pass');
    expect(checkQuality(GOOD, [], null).checks.find((x) => x.id === 'energy_figures_agree')!.status).toBe('not_checked');
  });

  it('different GPU counts, a missing counter, or no sample period are not compared (never a false flag)', () => {
    expect(compareAppEnergy(6000, 60, app(0.5), 2).map((c) => c.status)).toEqual(['not_checked', 'not_checked']);
    expect(compareAppEnergy(6000, 60, app(0.5), 2)[0]!.words).toContain('The app measured 1 GPU, llem 2');
    expect(compareAppEnergy(6000, 60, app(1, { counterJ: null })).map((c) => c.status)).toEqual(['not_checked', 'pass']);
    expect(compareAppEnergy(6000, 60, app(1, { samplePeriodS: null }))[0]!.status).toBe('not_checked');
    expect(compareAppEnergy(null, 60, app(1))[0]!.words).toContain('llem reported no energy');
  });
});

describe("real case: the H100 sample's own energy check (the app's NVML counter over its measuring phase)", () => {
  it("each run's counter and integrated energy agree with llem's within the window's tolerance", async () => {
    const evidence = JSON.parse(readFileSync(path.join(SAMPLES, SAMPLE_ID, 'evidence/energy-check.json'), 'utf8')) as {
      runs: {
        result: { precision: string; batchSize: number; llemTotalJ: number };
        measuringPhase: { counterJ: number; integratedJ: number; samples: number; startMs: number; endMs: number };
      }[];
    };
    const { db, cleanup } = openTempDb();
    try {
      const imported = await importSampleSet(db, SAMPLE_ID, SAMPLES);
      if (!imported.ok) throw new Error(imported.error.message);
      expect(evidence.runs).toHaveLength(4);
      for (const run of evidence.runs) {
        const row = db
          .prepare(`SELECT id, output_tokens, n_prompts, max_output_tokens, total_energy_j, energy_adjusted_j, duration_sec, baseline_power_w, baseline_method,
                           power_limit_w, num_gpus, max_temperature_c, throttle_thermal FROM results WHERE precision = ? AND batch_size = ?`)
          .get(run.result.precision, run.result.batchSize) as QualityInputs & { id: number };
        expect(row.total_energy_j).toBeCloseTo(run.result.llemTotalJ, 6); // the same run
        const samples = db.prepare('SELECT gpu_index, timestamp_s, power_w, temperature_c FROM llem_timeseries WHERE result_id = ? ORDER BY timestamp_s').all(row.id) as QualitySample[];
        const m = run.measuringPhase;
        const windowS = (m.endMs - m.startMs) / 1000;
        const appEnergy: AppMeasuringEnergy = { gpus: 1, counterJ: m.counterJ, integratedJ: m.integratedJ, windowS, samplePeriodS: windowS / (m.samples - 1) };
        const comparisons = compareAppEnergy(row.total_energy_j, row.duration_sec, appEnergy, row.num_gpus);
        for (const c of comparisons) {
          expect(c.status, `${run.result.precision}/${run.result.batchSize} ${c.name}: ${c.words}`).toBe('pass');
          expect(Math.abs(c.relativeDifference!)).toBeLessThan(0.01); // within 1 % on the real H100 runs
        }
        const check = checkQuality(row, samples, appEnergy).checks.find((c) => c.id === 'energy_figures_agree')!;
        expect(check.reason).toContain("the app's NVML counter");
      }
    } finally {
      cleanup();
    }
  });
});
