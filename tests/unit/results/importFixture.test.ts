import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../core/results/importLlemResult';
import { getResult } from '../../../core/store/resultsStore';
import type { Db } from '../../../core/store/database';
import { openTempDb, sharedFixture, tempDir } from './helpers';

const fixture = sharedFixture('llem/gpt2_pytorch_v2.0.json');

describe.skipIf(fixture.skip)('import of the real llem result gpt2_pytorch_v2.0.json', () => {
  let db: Db;
  let cleanup: () => void;
  let file: Record<string, any>;
  beforeEach(() => {
    ({ db, cleanup } = openTempDb());
    file = JSON.parse(readFileSync(fixture.path, 'utf8'));
  });
  afterEach(() => cleanup());

  it('stores every figure exactly as the file has it', async () => {
    const outcome = await importResultFile(db, fixture.path);
    expect(outcome.outcome).toBe('added');
    if (outcome.outcome !== 'added') return;
    const got = getResult(db, outcome.resultId);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const c = got.value.columns;
    const hw = file.environment_snapshot.hardware;
    const expected: Record<string, unknown> = {
      schema_version: file.schema_version,
      experiment_id: file.experiment_id,
      measurement_config_hash: file.measurement_config_hash,
      backend: file.backend,
      model: file.effective_config.model,
      precision: file.effective_config.precision,
      n_prompts: file.effective_config.n,
      max_input_tokens: file.effective_config.max_input_tokens,
      max_output_tokens: file.effective_config.max_output_tokens,
      measurement_methodology: file.measurement_methodology,
      total_tokens: file.total_tokens,
      total_energy_j: file.total_energy_j,
      total_inference_time_sec: file.total_inference_time_sec,
      avg_tokens_per_second: file.avg_tokens_per_second,
      avg_energy_per_token_j: file.avg_energy_per_token_j,
      total_flops: file.total_flops,
      flops_per_output_token: file.flops_per_output_token,
      flops_per_input_token: file.flops_per_input_token,
      flops_per_second: file.flops_per_second,
      baseline_power_w: file.baseline_power_w,
      energy_adjusted_j: file.energy_adjusted_j,
      baseline_method: file.energy_breakdown.baseline_method,
      baseline_timestamp: file.energy_breakdown.baseline_timestamp,
      baseline_cache_age_sec: file.energy_breakdown.baseline_cache_age_sec,
      start_time: file.start_time,
      end_time: file.end_time,
      llem_version: file.environment_snapshot.tool_version,
      gpu_name: hw.gpu.name,
      gpu_vram_total_mb: hw.gpu.vram_total_mb,
      gpu_compute_capability: hw.gpu.compute_capability,
      cuda_version: file.environment_snapshot.cuda_version,
      driver_version: hw.cuda.driver_version,
      power_limit_w: hw.thermal.power_limit_w,
      throttle_detected: file.thermal_throttle.detected ? 1 : 0,
      throttle_duration_sec: file.thermal_throttle.throttle_duration_sec,
      max_temperature_c: file.thermal_throttle.max_temperature_c,
      model_memory_mb: file.extended_metrics.memory.model_memory_mb,
      peak_memory_mb: file.extended_metrics.memory.peak_memory_mb,
      inference_memory_mb: file.extended_metrics.memory.inference_memory_mb,
      tpot_ms: file.extended_metrics.tpot_ms,
      warning_count: file.measurement_warnings.length,
      timeseries_file: file.timeseries,
      source: 'imported',
      run_id: null,
    };
    for (const [key, value] of Object.entries(expected)) expect.soft(c[key as keyof typeof c], key).toBe(value);
    expect(c.raw_json).toBe(readFileSync(fixture.path, 'utf8'));
    expect(JSON.parse(c.effective_config_json)).toEqual(file.effective_config);
    // Floats keep their written form (1.0 stays 1.0), which the config hash depends on.
    expect(c.effective_config_json).toContain('"temperature":1.0');
    expect(got.value.warnings).toEqual(
      file.measurement_warnings.map((text: string) => ({ code: text.slice(0, text.indexOf(':')), text })),
    );
    expect(got.value.warnings[0]?.code).toBe('short_measurement_duration');
  });

  it('derives output tokens and the measured window consistently with §6.4 and §8.4', async () => {
    const outcome = await importResultFile(db, fixture.path);
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    const got = getResult(db, outcome.resultId);
    if (!got.ok) throw new Error(got.error.message);
    const c = got.value.columns;
    // n = 5 prompts × max_output_tokens 128 = 640 output tokens, 1 280 input (§6.4).
    expect(c.output_tokens).toBe(file.effective_config.n * file.effective_config.max_output_tokens);
    expect(c.total_tokens - (c.output_tokens ?? 0)).toBe(1280);
    // 14:21:11.145237 → 14:21:15.570627
    expect(c.duration_sec).toBeCloseTo(4.42539, 6);
    // §8.4: adjusted = raw − baseline × (end − start); llem's own value must match our window.
    expect(c.total_energy_j! - c.baseline_power_w! * c.duration_sec!).toBeCloseTo(file.energy_adjusted_j, 6);
  });

  it('flags the missing timeseries.parquet instead of failing (llem result copies lack it)', async () => {
    const outcome = await importResultFile(db, fixture.path);
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    expect(outcome.notes.some((n) => n.startsWith('timeseries missing'))).toBe(true);
    const got = getResult(db, outcome.resultId);
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.columns.timeseries_status).toBe('missing');
  });

  it('stores the same file once, from any path', async () => {
    const { dir, cleanup: rm } = tempDir();
    try {
      const copy = path.join(dir, 'result.json');
      copyFileSync(fixture.path, copy);
      const first = await importResultFile(db, fixture.path);
      const second = await importResultFile(db, fixture.path);
      const third = await importResultFile(db, copy);
      expect(first.outcome).toBe('added');
      expect(second).toMatchObject({ outcome: 'duplicate', matchedBy: 'sha256' });
      expect(third).toMatchObject({ outcome: 'duplicate', matchedBy: 'sha256' });
      expect(db.prepare('SELECT COUNT(*) AS n FROM results').get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM result_warnings').get()).toEqual({ n: 1 });
    } finally {
      rm();
    }
  });
});
