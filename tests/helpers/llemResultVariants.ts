import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as losslessParse, stringify as losslessStringify } from 'lossless-json';
import { defaultConfigHashFn } from '../../core/results/defaultConfigHash';

/**
 * Realistic llem result.json files made from the real one (../shared/fixtures/llem/gpt2_pytorch_v2.0.json):
 * a batch-size (and optionally precision) sweep with several cycles, every figure consistent with the
 * others (energy ↔ per-token ↔ adjusted ↔ throughput ↔ timestamps) and the measurement_config_hash
 * recomputed for the changed effective_config, so the importer verifies it as it would llem's own.
 */

/** The declared fields of llem's `pytorch` section (llem contract §1.9): a dump lists them all. */
const PYTORCH_FIELDS = [
  'batch_size', 'attn_implementation', 'torch_compile', 'torch_compile_mode', 'torch_compile_backend', 'load_in_4bit',
  'load_in_8bit', 'bnb_4bit_compute_dtype', 'bnb_4bit_quant_type', 'bnb_4bit_use_double_quant', 'use_cache',
  'cache_implementation', 'num_beams', 'early_stopping', 'length_penalty', 'no_repeat_ngram_size', 'prompt_lookup_num_tokens',
  'device_map', 'max_memory', 'revision', 'trust_remote_code', 'num_processes',
] as const;

export interface VariantSpec {
  batchSize: number;
  precision: string;
  cycle: number;
  /** Raw energy per output token written into the file (J). */
  jPerOutputToken: number;
  totalEnergyJ: number;
  inferenceSec: number;
  startTime: string;
  /** Relative path of the written result.json. */
  relPath: string;
  withTimeseries: boolean;
}

export interface SweepOptions {
  batchSizes: readonly number[];
  precisions?: readonly string[];
  cycles: number;
  /** Cycle-to-cycle spread, multiplied onto energy (deterministic). */
  noise?: readonly number[];
  /** Which variants get a timeseries.parquet beside them (copied from `timeseriesSource`). */
  withTimeseries?: (v: Pick<VariantSpec, 'batchSize' | 'precision' | 'cycle'>) => boolean;
}

const OUTPUT_TOKENS = 640; // fixture: n = 5 × max_output_tokens 128 (llem contract §6.4)
const BASELINE_W = 35.94775694444444;

/** Energy per output token falls with batch size (roughly b^-0.45); fp16 a little below bf16. */
export function modelJPerToken(batchSize: number, precision: string): number {
  return 0.3563106640752035 * batchSize ** -0.45 * (precision === 'fp16' ? 0.97 : precision === 'fp32' ? 1.6 : 1);
}

export function planSweep(o: SweepOptions): VariantSpec[] {
  const noise = o.noise ?? [1, 1.03, 0.975, 1.01, 0.99];
  const out: VariantSpec[] = [];
  let minute = 0;
  for (const precision of o.precisions ?? ['bf16']) {
    for (const batchSize of o.batchSizes) {
      for (let cycle = 0; cycle < o.cycles; cycle++) {
        const wobble = noise[cycle % noise.length]!;
        const jPerOutputToken = modelJPerToken(batchSize, precision) * wobble;
        const start = new Date(Date.UTC(2026, 2, 13, 14, 21, 11) + minute++ * 60_000);
        const startTime = `${start.toISOString().slice(0, 19)}.145237`;
        out.push({
          batchSize,
          precision,
          cycle,
          jPerOutputToken,
          totalEnergyJ: jPerOutputToken * OUTPUT_TOKENS,
          // Slower cycles use a little more energy: time varies with the same sign, a third as much.
          inferenceSec: 4.294965875800699 * batchSize ** -0.6 * (1 + (wobble - 1) / 3),
          startTime,
          relPath: `gpt2_pytorch_bs${batchSize}_${precision}_c${cycle}/result.json`,
          withTimeseries: o.withTimeseries?.({ batchSize, precision, cycle }) ?? false,
        });
      }
    }
  }
  return out;
}

/** The result.json text of one variant. */
export function variantText(fixtureText: string, v: VariantSpec): string {
  const doc = losslessParse(fixtureText) as Record<string, any>;
  const config = doc.effective_config as Record<string, any>;
  const pytorch: Record<string, unknown> = {};
  for (const f of PYTORCH_FIELDS) pytorch[f] = null;
  pytorch.batch_size = v.batchSize;
  config.pytorch = pytorch;
  config.precision = v.precision;
  config.output_dir = `/tmp/llem-studio-e2e/${path.dirname(v.relPath)}`;
  const hash = defaultConfigHashFn()(config);

  const duration = v.inferenceSec + 0.1305;
  const adjusted = Math.max(0, v.totalEnergyJ - BASELINE_W * duration);
  const totalTokens = Number(doc.total_tokens);
  const endTime = new Date(Date.parse(`${v.startTime.slice(0, 19)}Z`) + Math.round(duration * 1000)).toISOString().slice(0, 23);
  const flops = Number(doc.total_flops);
  const compact = v.startTime.slice(0, 19).replace(/[-:]/g, '').replace('T', '_');
  Object.assign(doc, {
    experiment_id: `gpt2_${compact}`,
    measurement_config_hash: hash,
    total_energy_j: v.totalEnergyJ,
    total_inference_time_sec: v.inferenceSec,
    avg_tokens_per_second: totalTokens / v.inferenceSec,
    avg_energy_per_token_j: v.jPerOutputToken,
    flops_per_second: flops / v.inferenceSec,
    energy_adjusted_j: adjusted,
    start_time: v.startTime,
    end_time: `${endTime}000`,
    timeseries: 'timeseries.parquet',
  });
  doc.energy_breakdown.raw_j = v.totalEnergyJ;
  doc.energy_breakdown.adjusted_j = adjusted;
  return losslessStringify(doc, undefined, 2)!;
}

/** Writes the sweep under `dir`; returns the variants with absolute paths. */
export function writeSweep(dir: string, fixtureText: string, o: SweepOptions, timeseriesSource?: string): (VariantSpec & { file: string })[] {
  return planSweep(o).map((v) => {
    const file = path.join(dir, v.relPath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, variantText(fixtureText, v));
    if (v.withTimeseries && timeseriesSource) copyFileSync(timeseriesSource, path.join(path.dirname(file), 'timeseries.parquet'));
    return { ...v, file };
  });
}
