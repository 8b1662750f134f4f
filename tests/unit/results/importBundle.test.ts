import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../core/results/importLlemResult';
import { importPaths } from '../../../core/results/importPaths';
import { findResult } from '../../../core/runner/resultFile';
import type { Db } from '../../../core/store/database';
import { getResult } from '../../../core/store/resultsStore';
import { openTempDb, tempDir } from './helpers';

/**
 * The PyPI release (llenergymeasure 0.7.0) writes a "bundle" per experiment, not the contract's result.json:
 * metrics in result.json, the declared config in config.json, the GPU in system.json, all inside a study
 * folder even for one experiment. The fixture is that release's own output (tests/fixtures/llem-pypi-0.7.0-cpu).
 */
const FIXTURE = path.resolve(__dirname, '../../fixtures/llem-pypi-0.7.0-cpu');
const studyDir = readdirSync(FIXTURE).find((n) => n.startsWith('study_'))!;
const experimentDir = path.join(FIXTURE, studyDir, readdirSync(path.join(FIXTURE, studyDir)).find((n) => n.startsWith('c1_'))!);
const readJson = (p: string): Record<string, any> => JSON.parse(readFileSync(p, 'utf8'));

describe('import of a real llem 0.7.0 bundle', () => {
  let db: Db;
  let cleanup: () => void;
  let files: { dir: string; cleanup: () => void };
  beforeEach(() => {
    ({ db, cleanup } = openTempDb());
    files = tempDir();
  });
  afterEach(() => {
    cleanup();
    files.cleanup();
  });

  /** A writable copy of the experiment folder, so a test can break a sidecar. */
  function copyBundle(): string {
    const dir = path.join(files.dir, path.basename(experimentDir));
    cpSync(experimentDir, dir, { recursive: true });
    return dir;
  }

  it('stores the metrics from result.json and the settings from config.json, and verifies the declared hash', async () => {
    const result = readJson(path.join(experimentDir, 'result.json'));
    const config = readJson(path.join(experimentDir, 'config.json'));
    const declared = config.declared_config;
    const out = await importResultFile(db, path.join(experimentDir, 'result.json'));
    expect(out.outcome).toBe('added');
    if (out.outcome !== 'added') return;
    expect(out.hashVerified).toBe(true);
    // llem 0.7.0 counts a batch's input padding as output: 57 "output" tokens where 4 prompts × 8 allow 32.
    expect(result.output_tokens).toBe(57);
    expect(out.notes).toEqual([
      expect.stringMatching(/^output_tokens_above_maximum: llem reports 57 output tokens, more than n_prompts × max_output_tokens = 4 × 8 = 32 allows/),
      expect.stringMatching(/^quality grade C \(Token counts possible: fail; /),
    ]);
    const got = getResult(db, out.resultId);
    if (!got.ok) throw new Error(got.error.message);
    const c = got.value.columns;
    const expected: Record<string, unknown> = {
      schema_version: `bundle-${result.bundle_version}`,
      llem_version: result.llenergymeasure_version,
      experiment_id: result.experiment_id,
      measurement_config_hash: result.declared_config_hash,
      recomputed_config_hash: result.declared_config_hash,
      hash_verified: 1,
      identity_hash: result.declared_config_hash,
      model: result.model_name,
      backend: result.engine,
      precision: declared.transformers.engine_params.dtype,
      batch_size: declared.transformers.llem_execution.batch_size,
      n_prompts: declared.task.dataset.n_prompts,
      max_input_tokens: declared.task.max_input_tokens,
      max_output_tokens: declared.task.max_output_tokens,
      measurement_methodology: config.measurement_methodology,
      total_tokens: result.total_tokens,
      output_tokens: result.output_tokens,
      total_inference_time_sec: result.total_inference_time_sec,
      avg_tokens_per_second: result.avg_tokens_per_second,
      total_flops: result.total_flops,
      flops_per_output_token: result.flops_per_output_token,
      start_time: result.start_time,
      end_time: result.end_time,
      cuda_version: '13.0',
      e2e_latency_mean_ms: result.extended_metrics.request_latency.e2e_latency_mean_ms,
      warning_count: result.measurement_warnings.length + 1,
      throttle_detected: 0,
      timeseries_status: 'none',
    };
    for (const [key, value] of Object.entries(expected)) expect.soft(c[key as keyof typeof c], key).toBe(value);
    // No energy sampler ran: llem's 0.0 is "not measured", never a zero-joule result at the top of a chart.
    expect(result.total_energy_j).toBe(0);
    expect(c.total_energy_j).toBeNull();
    expect(c.avg_energy_per_token_j).toBeNull();
    // "unavailable" / "unknown" hardware facts are no values.
    expect(c.gpu_name).toBeNull();
    expect(c.driver_version).toBeNull();
    expect(c.raw_json).toBe(readFileSync(path.join(experimentDir, 'result.json'), 'utf8'));
    expect(JSON.parse(c.effective_config_json)).toEqual(declared);
    expect(JSON.parse(c.extra_json!)).toHaveProperty('runner_provenance.mode', 'process');
  });

  it('is idempotent', async () => {
    const file = path.join(experimentDir, 'result.json');
    const first = await importResultFile(db, file);
    const second = await importResultFile(db, file);
    expect(first.outcome).toBe('added');
    expect(second).toMatchObject({ outcome: 'duplicate', matchedBy: 'sha256' });
  });

  it('a changed declared config is reported as a hash mismatch, not silently stored as verified', async () => {
    const dir = copyBundle();
    const configPath = path.join(dir, 'config.json');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('"n_prompts": 4', '"n_prompts": 5'));
    const out = await importResultFile(db, path.join(dir, 'result.json'));
    expect(out).toMatchObject({ outcome: 'added', hashVerified: false });
    if (out.outcome !== 'added') return;
    expect(out.notes.join('\n')).toMatch(/declared_config_hash mismatch: file says 95d36bb90d40a8e1, config\.json's declared_config hashes to [0-9a-f]{16}/);
  });

  it('without config.json the result is still stored, with a note and no hash check', async () => {
    const dir = copyBundle();
    rmSync(path.join(dir, 'config.json'));
    const out = await importResultFile(db, path.join(dir, 'result.json'));
    expect(out).toMatchObject({ outcome: 'added', hashVerified: null });
    if (out.outcome !== 'added') return;
    // Without the declared config there is no n_prompts × max_output_tokens to check the token count against.
    expect(out.notes[0]).toBe('hash not checked: no usable config.json beside the result');
    expect(out.notes.slice(1)).toEqual([expect.stringMatching(/^quality grade [BC] /)]);
    const got = getResult(db, out.resultId);
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.columns.model).toBe('/tmp/m9/model');
    expect(got.value.columns.batch_size).toBeNull();
  });

  it('a config.json of another experiment is not used', async () => {
    const dir = copyBundle();
    const configPath = path.join(dir, 'config.json');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replaceAll('95d36bb90d40a8e1', '0000000000000000'));
    const out = await importResultFile(db, path.join(dir, 'result.json'));
    expect(out).toMatchObject({ outcome: 'added', hashVerified: null });
    if (out.outcome !== 'added') return;
    expect(out.notes.join('\n')).toContain('config.json belongs to another experiment');
  });

  it('a broken bundle result is rejected naming the field', async () => {
    const dir = copyBundle();
    const resultPath = path.join(dir, 'result.json');
    const broken = readJson(resultPath);
    broken.output_tokens = 'many';
    writeFileSync(resultPath, JSON.stringify(broken));
    const out = await importResultFile(db, resultPath);
    expect(out.outcome).toBe('rejected');
    if (out.outcome !== 'rejected') return;
    expect(out.reason).toContain('not a valid llem result (bundle)');
    expect(out.reason).toContain('output_tokens');
  });

  it('a folder import takes the result and leaves the sidecars and manifest aside with reasons', async () => {
    const report = await importPaths(db, [FIXTURE]);
    expect(report.added.map((a) => path.basename(a.path))).toEqual(['result.json']);
    expect(report.rejected).toEqual([]);
    const ignored = report.ignored.map((i) => `${path.relative(FIXTURE, i.path)}: ${i.reason}`).join('\n');
    expect(ignored).toMatch(/c1_[^/]+\/config\.json: llem bundle sidecar/);
    expect(ignored).toMatch(/c1_[^/]+\/system\.json: llem bundle sidecar/);
    expect(ignored).toMatch(/manifest\.json: llem study manifest/);
  });
});

describe('the runner finds the bundle llem 0.7.0 leaves in --output', () => {
  it('one level deeper than the contract layout, inside study_<time>/', () => {
    const { lookup, found } = findResult(FIXTURE);
    expect(lookup).toEqual({ kind: 'found', resultPath: path.join(experimentDir, 'result.json') });
    expect(found).toMatchObject({ llemMeasurementConfigHash: '95d36bb90d40a8e1', resultDir: experimentDir, timeseriesPath: null });
    // energy_measurement_unavailable: llem's 0.0 is no measurement.
    expect(found!.llemTotalEnergyJ).toBeNull();
  });

  it('two bundles in one output folder are "several", not a guess', () => {
    const files = tempDir();
    try {
      cpSync(path.join(FIXTURE, studyDir), path.join(files.dir, 'study_a'), { recursive: true });
      cpSync(path.join(FIXTURE, studyDir), path.join(files.dir, 'study_b'), { recursive: true });
      expect(findResult(files.dir).lookup.kind).toBe('several');
    } finally {
      files.cleanup();
    }
  });
});
