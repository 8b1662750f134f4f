/**
 * Turns a campaign measured on a real GPU (a llem Studio data directory brought back from the device machine)
 * into the sample set the app ships (resources/sample-runs/<id>/) and the figures the issue note cites.
 *
 *   node scripts/gpu/make-sample-data.mjs <dataDir> <id> --label L --gpu G --date YYYY-MM-DD --model M [--caveat C]...
 *
 * Writes: runs/<NNNN>/  llem's own bundle per run (result.json, config.json, system.json, timeseries.parquet)
 *         telemetry-replay.jsonl  the app's own 10 Hz NVML samples of the whole campaign, in the replay format
 *                                 (`llem-studio run --telemetry replay:<file>` replays them)
 *         sample.json             what core/results/sampleRuns.ts lists
 *         summary.json            per run: settings, J per output token, tokens/s, the three energy figures
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SampleSetManifestSchema } from '../../core/results/sampleRuns';
import { openDatabase, type Db } from '../../core/store/database';
import { readRunTelemetry } from '../../core/telemetry/storedSampleStore';

const BUNDLE_FILES = ['result.json', 'config.json', 'system.json', 'timeseries.parquet'];

interface RunRow {
  run_id: number;
  run_index: number;
  cycle: number;
  output_dir: string;
  summary: string;
  result_id: number | null;
  model: string | null;
  precision: string | null;
  batch_size: number | null;
  output_tokens: number | null;
  total_energy_j: number | null;
  avg_tokens_per_second: number | null;
  total_inference_time_sec: number | null;
  gpu_name: string | null;
  start_time_ms: number | null;
  end_time_ms: number | null;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      gpu: { type: 'string' },
      date: { type: 'string' },
      model: { type: 'string' },
      llem: { type: 'string', default: '0.7.0' },
      caveat: { type: 'string', multiple: true, default: [] },
      out: { type: 'string', default: 'resources/sample-runs' },
    },
  });
  const [dataDir, id] = positionals;
  if (!dataDir || !id) throw new Error('usage: make-sample-data <dataDir> <id> --label … --gpu … --date … --model …');
  const manifest = SampleSetManifestSchema.parse({
    id,
    label: values.label,
    gpu: values.gpu,
    measuredOn: values.date,
    llemVersion: values.llem,
    model: values.model,
    caveats: values.caveat,
  });
  const opened = openDatabase(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value;
  const runs = db
    .prepare(
      `SELECT ru.id AS run_id, e.ordinal AS run_index, ru.cycle, a.output_dir, e.summary, r.id AS result_id, r.model, r.precision, r.batch_size,
              r.output_tokens, r.total_energy_j, r.avg_tokens_per_second, r.total_inference_time_sec, r.gpu_name, r.start_time_ms, r.end_time_ms
         FROM runs ru JOIN experiments e ON e.id = ru.experiment_id
         JOIN run_attempts a ON a.run_id = ru.id AND a.attempt = ru.attempt
         LEFT JOIN results r ON r.run_id = ru.id
        WHERE ru.status = 'succeeded' ORDER BY ru.id`,
    )
    .all() as RunRow[];
  if (runs.length === 0) throw new Error(`${dataDir}: no succeeded runs`);

  const target = path.resolve(values.out!, id);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.join(target, 'runs'), { recursive: true });

  const summary = [];
  for (const run of runs) {
    // The data directory moved (device → here): the attempt's output folder is found by its path inside it.
    const outputDir = relocate(run.output_dir, dataDir);
    const bundle = findBundle(outputDir);
    if (!bundle) throw new Error(`run ${run.run_id}: no llem bundle under ${outputDir}`);
    const dest = path.join(target, 'runs', `${String(run.run_index).padStart(4, '0')}-${path.basename(bundle)}`);
    mkdirSync(dest, { recursive: true });
    for (const f of BUNDLE_FILES) if (existsSync(path.join(bundle, f))) copyFileSync(path.join(bundle, f), path.join(dest, f));
    const energy = db
      .prepare(`SELECT window, counter_j, integrated_j, llem_j, sample_count FROM run_energy WHERE run_id = ? AND gpu_index = 0`)
      .all(run.run_id) as { window: string; counter_j: number | null; integrated_j: number | null; llem_j: number | null; sample_count: number }[];
    summary.push({
      run: run.run_index,
      summary: run.summary,
      precision: run.precision,
      batch_size: run.batch_size,
      output_tokens: run.output_tokens,
      j_per_output_token: run.total_energy_j !== null && run.output_tokens ? run.total_energy_j / run.output_tokens : null,
      output_tokens_per_s: run.output_tokens && run.total_inference_time_sec ? run.output_tokens / run.total_inference_time_sec : null,
      llem_tokens_per_s: run.avg_tokens_per_second,
      llem_energy_j: run.total_energy_j,
      energy: Object.fromEntries(energy.map((e) => [e.window, { counter_j: e.counter_j, integrated_j: e.integrated_j, llem_j: e.llem_j, samples: e.sample_count }])),
    });
  }
  writeReplay(db, runs, path.join(target, 'telemetry-replay.jsonl'), manifest);
  writeFileSync(path.join(target, 'sample.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(target, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  db.close();
  process.stdout.write(`${JSON.stringify({ target, runs: summary.length }, null, 2)}\n`);
}

function relocate(outputDir: string, dataDir: string): string {
  if (existsSync(outputDir)) return outputDir;
  const marker = `${path.sep}runs${path.sep}`;
  const i = outputDir.lastIndexOf(marker);
  if (i < 0) return outputDir;
  return path.join(dataDir, outputDir.slice(i + 1));
}

function findBundle(outputDir: string): string | null {
  if (!existsSync(outputDir)) return null;
  for (const study of readdirSync(outputDir).filter((d) => d.startsWith('study_'))) {
    const exp = readdirSync(path.join(outputDir, study)).find((d) => existsSync(path.join(outputDir, study, d, 'result.json')));
    if (exp) return path.join(outputDir, study, exp);
  }
  return null;
}

/** Every sample of every run, in time order, relative to the first: the replay format of contract/telemetry.ts. */
function writeReplay(db: Db, runs: RunRow[], file: string, m: { gpu: string; measuredOn: string; model: string }): void {
  const samples = runs.flatMap((r) => readRunTelemetry(db, { runId: r.run_id }).map((s) => s.sample));
  samples.sort((a, b) => a.tMs - b.tMs || a.gpuIndex - b.gpuIndex);
  const t0 = samples[0]?.tMs ?? 0;
  const gpus = [...new Set(samples.map((s) => s.gpuIndex))].sort((a, b) => a - b);
  const lines = [
    JSON.stringify({
      format: 'llem-studio-telemetry-replay',
      version: 1,
      origin: `measured: llem Studio's NVML sampler on ${m.gpu}, ${m.measuredOn}, during the runs of this sample set (model: ${m.model}); gaps between runs left out`,
      gpus: gpus.map((index) => ({ index, name: m.gpu })),
    }),
    ...samples.map((s) => JSON.stringify({ ...s, tMs: s.tMs - t0 })),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
}

main();
