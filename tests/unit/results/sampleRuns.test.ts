import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSampleRunsDir, importSampleSet, listSampleSets } from '../../../core/results/sampleRuns';
import { loadReplayFile } from '../../../core/telemetry/sources/replay';
import type { Db } from '../../../core/store/database';
import { openTempDb, tempDir } from './helpers';

const BUNDLE = path.resolve(__dirname, '../../fixtures/llem-pypi-0.7.0-cpu');
const manifest = (id: string) => ({
  id,
  label: 'CPU smoke test',
  gpu: 'none (CPU)',
  measuredOn: '2026-11-26',
  llemVersion: '0.7.0',
  model: 'GPT-2-style, 2 layers',
  caveats: ['random weights'],
});

describe('sample runs shipped with the app', () => {
  let db: Db;
  let cleanup: () => void;
  let root: { dir: string; cleanup: () => void };
  beforeEach(() => {
    ({ db, cleanup } = openTempDb());
    root = tempDir('llem-samples-');
  });
  afterEach(() => {
    cleanup();
    root.cleanup();
  });

  function addSet(id: string, body: unknown = manifest(id)): string {
    const dir = path.join(root.dir, id);
    mkdirSync(dir, { recursive: true });
    cpSync(BUNDLE, path.join(dir, 'runs'), { recursive: true });
    writeFileSync(path.join(dir, 'sample.json'), JSON.stringify(body));
    return dir;
  }

  it('lists valid sets and names what is wrong with the others', () => {
    addSet('cpu-smoke');
    addSet('bad-one', { ...manifest('bad-one'), measuredOn: 'yesterday' });
    addSet('moved', manifest('elsewhere'));
    const listed = listSampleSets(root.dir);
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.sets.map((s) => s.id)).toEqual(['cpu-smoke']);
    expect(listed.value.problems).toHaveLength(2);
    expect(listed.value.problems.join('\n')).toMatch(/bad-one.*measuredOn/);
    expect(listed.value.problems.join('\n')).toMatch(/id "elsewhere" does not match its folder "moved"/);
  });

  it('imports a set once; loading it again adds nothing', async () => {
    addSet('cpu-smoke');
    const first = await importSampleSet(db, 'cpu-smoke', root.dir);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.added).toHaveLength(1);
    expect(first.value.rejected).toEqual([]);
    const again = await importSampleSet(db, 'cpu-smoke', root.dir);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.added).toEqual([]);
    expect(again.value.duplicates).toHaveLength(1);
    expect(db.prepare('SELECT COUNT(*) FROM results').pluck().get()).toBe(1);
  });

  it('an unknown set is a clear error', async () => {
    const r = await importSampleSet(db, 'nope', root.dir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('No sample runs called "nope"');
  });

  it('every set shipped in resources/sample-runs is valid and imports without a rejected file', async () => {
    const listed = listSampleSets(defaultSampleRunsDir());
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.problems).toEqual([]);
    expect(listed.value.sets.map((s) => s.id)).toContain('h100-gpt2-random-weights');
    for (const set of listed.value.sets) {
      expect(set.caveats.join(' '), set.id).toMatch(/random weights|trained/i);
      // The app's own 10 Hz recording of the set replays as telemetry.
      const replay = loadReplayFile(path.join(set.dir, 'telemetry-replay.jsonl'));
      if (!replay.ok) throw new Error(replay.error.message);
      expect(replay.value.samples.length, set.id).toBeGreaterThan(1000);
      const r = await importSampleSet(db, set.id);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.rejected, set.id).toEqual([]);
      expect(r.value.added.length, set.id).toBeGreaterThan(0);
      expect(r.value.added.every((a) => a.hashVerified === true), set.id).toBe(true);
    }
  });

  it('the H100 set: four real runs with a 1 Hz timeseries each, and the batch-32 token miscount flagged', async () => {
    const r = await importSampleSet(db, 'h100-gpt2-random-weights');
    if (!r.ok) throw new Error(r.error.message);
    const rows = db
      .prepare(`SELECT r.id, r.batch_size, r.precision, r.output_tokens, r.total_energy_j, r.gpu_name, r.timeseries_status,
                       (SELECT COUNT(*) FROM result_warnings w WHERE w.result_id = r.id AND w.code = 'output_tokens_above_maximum') AS flagged
                  FROM results r ORDER BY r.batch_size, r.precision`)
      .all() as { batch_size: number; precision: string; output_tokens: number; total_energy_j: number; gpu_name: string; timeseries_status: string; flagged: number }[];
    expect(rows.map((x) => [x.batch_size, x.precision, x.gpu_name, x.timeseries_status])).toEqual([
      [1, 'bfloat16', 'NVIDIA H100 80GB HBM3', 'imported'],
      [1, 'float16', 'NVIDIA H100 80GB HBM3', 'imported'],
      [32, 'bfloat16', 'NVIDIA H100 80GB HBM3', 'imported'],
      [32, 'float16', 'NVIDIA H100 80GB HBM3', 'imported'],
    ]);
    // 64 prompts × 64 new tokens = 4,096 at most: llem's 6,686 at batch 32 is flagged, batch 1 is not.
    expect(rows.map((x) => [x.output_tokens, x.flagged])).toEqual([[4096, 0], [4096, 0], [6686, 1], [6686, 1]]);
    expect(rows.every((x) => x.total_energy_j > 100)).toBe(true);
  });
});
