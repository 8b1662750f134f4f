import { parse as losslessParse } from 'lossless-json';
import { importResultBytes } from '../../../core/results/importLlemResult';
import { defaultConfigHashFn } from '../../../core/results/defaultConfigHash';
import type { Db } from '../../../core/store/database';
import { makeResult, type MakeResultOptions } from '../results/makeResult';

/**
 * Fills a test store the way real use does: campaigns whose runs produced llem results (with the
 * runner's attempt rows, host names and --output folders), plus hand-imported results without a
 * campaign. Results carry their true measurement_config_hash, so hashes verify.
 */

const hashFn = defaultConfigHashFn();

/** The generator version tests write (callers inject it; the app passes APP_VERSION). */
export const GEN = '9.9.9-test';

export interface SeedCycle extends MakeResultOptions {
  /** Path the result "was read from" (a personal path on purpose). */
  sourcePath?: string;
}

/** makeResult with measurement_config_hash recomputed over its effective_config (as llem would write it). */
export function realResult(o: SeedCycle, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const r = makeResult(o, overrides);
  r.measurement_config_hash = hashFn(losslessParse(JSON.stringify(r.effective_config)));
  return r;
}

export async function importLoose(db: Db, cycle: SeedCycle, overrides: Record<string, unknown> = {}): Promise<number> {
  const r = realResult(cycle, overrides);
  const out = await importResultBytes(db, Buffer.from(JSON.stringify(r, null, 2)), cycle.sourcePath ?? `/home/alice/results/${cycle.startTime ?? 'x'}/result.json`);
  if (out.outcome !== 'added') throw new Error(`seed import failed: ${JSON.stringify(out)}`);
  return out.resultId;
}

export interface SeedCampaign {
  id: string;
  name: string;
  studyDesignHash: string | null;
  host: string;
  /** One entry per run; runs of the same config share an experiment. */
  cycles: SeedCycle[];
}

export async function seedCampaign(db: Db, c: SeedCampaign): Promise<number[]> {
  const now = '2026-01-01T00:00:00.000Z';
  db.prepare(
    `INSERT INTO campaigns (id, name, study_json, study_design_hash, llem_profile, status, created_at, updated_at)
     VALUES (?, ?, '{}', ?, 'head', 'completed', ?, ?)`,
  ).run(c.id, c.name, c.studyDesignHash, now, now);
  const experimentIds = new Map<string, number>();
  const resultIds: number[] = [];
  let runIndex = 0;
  for (const cycle of c.cycles) {
    const key = `${cycle.model ?? ''}|${cycle.backend ?? ''}|${cycle.batchSize ?? ''}|${cycle.precision ?? ''}`;
    let experimentId = experimentIds.get(key);
    if (experimentId === undefined) {
      experimentId = Number(
        db
          .prepare('INSERT INTO experiments (campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (?, ?, ?, ?, ?)')
          .run(c.id, experimentIds.size, '{}', `exp${experimentIds.size}`, key).lastInsertRowid,
      );
      experimentIds.set(key, experimentId);
    }
    const outputDir = cycle.outputDir ?? `/home/alice/llem-runs/${c.id}/run-${runIndex}`;
    const runId = Number(
      db
        .prepare(`INSERT INTO runs (campaign_id, experiment_id, run_index, cycle, status, output_dir) VALUES (?, ?, ?, 1, 'succeeded', ?)`)
        .run(c.id, experimentId, runIndex, outputDir).lastInsertRowid,
    );
    db.prepare(
      `INSERT INTO run_attempts (run_id, attempt, status, host, attempt_dir, output_dir, config_path, stdout_path, stderr_path,
         timeout_seconds, started_at) VALUES (?, 1, 'succeeded', ?, ?, ?, ?, ?, ?, 600, ?)`,
    ).run(runId, c.host, `/home/alice/.config/llem Studio/runs/${runIndex}`, outputDir, '/home/alice/cfg.yaml', '/tmp/o', '/tmp/e', now);
    const r = realResult({ ...cycle, outputDir });
    const out = await importResultBytes(db, Buffer.from(JSON.stringify(r, null, 2)), `${outputDir}/result.json`, { runId });
    if (out.outcome !== 'added') throw new Error(`seed import failed: ${JSON.stringify(out)}`);
    resultIds.push(out.resultId);
    runIndex++;
  }
  return resultIds;
}

export const CAMPAIGN_A: SeedCampaign = {
  id: 'c0ffee00-0000-4000-8000-00000000000a',
  name: "Alice's batch sweep",
  studyDesignHash: '0123456789abcdef',
  host: 'gpu-box-17.lab.example',
  cycles: [
    // Config 1: batch 1, three cycles of 500 / 550 / 600 J over 10 × 64 = 640 output tokens; baseline 10 W × 20 s.
    { model: 'org/model-a', batchSize: 1, energyJ: 500, baselineW: 10, startTime: '2026-01-02T10:00:00.000000' },
    { model: 'org/model-a', batchSize: 1, energyJ: 550, baselineW: 10, startTime: '2026-01-03T10:00:00.000000' },
    { model: 'org/model-a', batchSize: 1, energyJ: 600, baselineW: 10, startTime: '2026-01-04T10:00:00.000000', warnings: ['short_measurement_duration: 4.4 s'] },
    // Config 2: batch 4, two cycles, faster and cheaper, one thermally throttled.
    { model: 'org/model-a', batchSize: 4, energyJ: 300, inferenceS: 6, startTime: '2026-01-02T11:00:00.000000', throttled: true },
    { model: 'org/model-a', batchSize: 4, energyJ: 320, inferenceS: 6, startTime: '2026-01-03T11:00:00.000000' },
  ],
};

export const CAMPAIGN_B: SeedCampaign = {
  id: 'c0ffee00-0000-4000-8000-00000000000b',
  name: 'Bob vllm run',
  studyDesignHash: 'fedcba9876543210',
  host: 'bobs-laptop',
  cycles: [
    { model: 'org/model-b', backend: 'vllm', batchSize: 64, energyJ: 900, startTime: '2026-02-01T09:00:00.000000', gpuName: 'NVIDIA A100-SXM4-80GB' },
  ],
};

/** Campaign-less imports, one with a model given as a local path. */
export const LOOSE: SeedCycle[] = [
  { model: 'org/model-c', energyJ: 700, startTime: '2026-03-01T08:00:00.000000', sourcePath: '/home/alice/Downloads/r1/result.json' },
  { model: '/home/alice/checkpoints/my-finetune', energyJ: 800, startTime: '2026-03-02T08:00:00.000000', sourcePath: '/home/alice/Downloads/r2/result.json' },
];

export async function seedAll(db: Db): Promise<void> {
  await seedCampaign(db, CAMPAIGN_A);
  await seedCampaign(db, CAMPAIGN_B);
  for (const c of LOOSE) await importLoose(db, c);
}
