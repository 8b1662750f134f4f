import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportLeaderboard, LeaderboardEntriesFileSchema, LeaderboardIndexSchema, type LeaderboardEntriesFile, type LeaderboardIndex } from '../../../core/export/index';
import { importPaths } from '../../../core/results/importPaths';
import { tQuantile } from '../../../core/results/stats';
import type { Db } from '../../../core/store/database';
import { openTempDb, sharedFixture, tempDir } from '../results/helpers';
import { CAMPAIGN_A, CAMPAIGN_B, GEN, importLoose, LOOSE, seedAll, seedCampaign } from './seed';

let store: ReturnType<typeof openTempDb>;
let out: ReturnType<typeof tempDir>;
beforeEach(() => {
  store = openTempDb();
  out = tempDir('llem-export-');
});
afterEach(() => {
  store.cleanup();
  out.cleanup();
});

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else files[r] = readFileSync(p, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return files;
}

function exported(db: Db, dir: string, extra: Partial<Parameters<typeof exportLeaderboard>[1]> = {}) {
  const r = exportLeaderboard(db, { outDir: dir, generatorVersion: GEN, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as LeaderboardIndex;
  const files = Object.fromEntries(index.files.map((f) => [f.path, JSON.parse(readFileSync(path.join(dir, f.path), 'utf8')) as LeaderboardEntriesFile]));
  return { report: r.value, index, files };
}

describe('leaderboard export: layout and content', () => {
  it('writes an index plus one file per campaign and one for campaign-less imports, all schema-valid', async () => {
    await seedAll(store.db);
    const { index, files, report } = exported(store.db, out.dir);
    expect(index.files.map((f) => f.path)).toEqual([`campaigns/${CAMPAIGN_A.id}.json`, `campaigns/${CAMPAIGN_B.id}.json`, 'imported/results.json']);
    expect(LeaderboardIndexSchema.safeParse(index).success).toBe(true);
    for (const f of Object.values(files)) expect(LeaderboardEntriesFileSchema.safeParse(f).success).toBe(true);
    expect(index.total_entries).toBe(2 + 1 + 2);
    expect(report.entries).toBe(5);
    expect(index.last_updated).toBe('2026-03-02');
    // The index's byte counts and hashes describe the files as written.
    for (const ref of index.files) {
      const text = readFileSync(path.join(out.dir, ref.path));
      expect(ref.bytes).toBe(text.length);
      expect(ref.sha256).toBe((await import('node:crypto')).createHash('sha256').update(text).digest('hex'));
    }
    const a = files[`campaigns/${CAMPAIGN_A.id}.json`]!;
    expect(a.group).toEqual({ kind: 'campaign', campaign_id: CAMPAIGN_A.id, study_design_hash: '0123456789abcdef' });
  });

  it('summarises cycles with mean and a Student-t 95 % CI (hand-computed)', async () => {
    await seedCampaign(store.db, CAMPAIGN_A);
    const { files } = exported(store.db, out.dir);
    const entries = files[`campaigns/${CAMPAIGN_A.id}.json`]!.entries;
    const b1 = entries.find((e) => e.parameters['pytorch.batch_size'] === 1)!;
    expect(b1.cycles).toBe(3);
    // 500, 550, 600 J over 640 output tokens: mean 550/640, sd 50/640, half-width t(0.975, 2)·sd/√3.
    const m = b1.metrics.j_per_output_token;
    expect(m.n).toBe(3);
    expect(m.mean).toBeCloseTo(550 / 640, 10);
    expect(m.sd).toBeCloseTo(50 / 640, 10);
    expect(m.ci95_half_width).toBeCloseTo((4.302652729749464 * (50 / 640)) / Math.sqrt(3), 9);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302652729749464, 9);
    expect(m.ci95_low).toBeCloseTo(550 / 640 - m.ci95_half_width!, 9);
    // Baseline 10 W over the 20 s window: adjusted = E − 200 J → 300 / 350 / 400 J.
    expect(b1.metrics.j_per_output_token_adjusted.mean).toBeCloseTo(350 / 640, 10);
    expect(b1.metrics.j_per_request_adjusted.mean).toBeCloseTo(35, 10);
    expect(b1.metrics.j_per_request.mean).toBeCloseTo(55, 10); // 550 J / 10 prompts
    expect(b1.metrics.tokens_per_second.mean).toBeCloseTo(960 / 18, 10); // (640 + 320) tokens / 18 s
    expect(b1.metrics.latency_per_request_s.mean).toBeCloseTo(1.8, 10);
    expect(b1.metrics.avg_power_w.mean).toBeCloseTo(27.5, 10); // 550 J / 20 s
    expect(b1.flags.llem_warnings).toEqual({ short_measurement_duration: 1 });
    expect(b1.flags.single_cycle).toBe(false);
    expect(b1.measured).toEqual({ first: '2026-01-02', last: '2026-01-04' });
    expect(b1.llem_versions).toEqual(['0.8.0']);
    expect(b1.gpu).toEqual({ name: 'NVIDIA H100 80GB HBM3', count: null, power_limits_w: [700] });
    expect(b1.study_design_hash).toBe('0123456789abcdef');
    expect(b1.sources).toEqual(['measured']);
    expect(b1.flags.hash_mismatches).toBe(0);
    // One identity hash for the config, three llem hashes (each cycle had its own --output).
    expect(b1.llem_reported_hashes).toHaveLength(3);
    expect(b1.measurement_config_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(b1.workload).toEqual({ dataset: 'aienergyscore', n_prompts: 10, max_input_tokens: 512, max_output_tokens: 64, batch_size: 1 });

    const b4 = entries.find((e) => e.parameters['pytorch.batch_size'] === 4)!;
    expect(b4.flags.thermal_throttled_cycles).toBe(1);
    expect(b4.metrics.latency_per_request_s.mean).toBeCloseTo(0.6, 10);
    // Batch 4 is cheaper and faster: it alone is on the energy/latency front.
    expect(b4.pareto.energy_latency).toBe(true);
    expect(b1.pareto.energy_latency).toBe(false);
  });

  it('lists only what was swept as parameters (never output_dir, model or backend)', async () => {
    await seedCampaign(store.db, CAMPAIGN_A);
    const { files } = exported(store.db, out.dir);
    for (const e of files[`campaigns/${CAMPAIGN_A.id}.json`]!.entries) expect(Object.keys(e.parameters)).toEqual(['pytorch.batch_size']);
  });

  it('exports only the campaigns asked for, and refuses unknown or empty ones', async () => {
    await seedAll(store.db);
    const { index } = exported(store.db, out.dir, { campaignIds: [CAMPAIGN_B.id] });
    expect(index.files.map((f) => f.path)).toEqual([`campaigns/${CAMPAIGN_B.id}.json`]);
    const unknown = exportLeaderboard(store.db, { generatorVersion: GEN, outDir: out.dir, campaignIds: ['nope'] });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error).toMatchObject({ code: 'unknown_campaign', message: expect.stringContaining('nope') });
    store.db.prepare(`INSERT INTO campaigns (id, name, study_json, status, created_at, updated_at) VALUES ('empty', 'e', '{}', 'draft', 'x', 'x')`).run();
    const empty = exportLeaderboard(store.db, { generatorVersion: GEN, outDir: out.dir, campaignIds: ['empty'] });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error.code).toBe('empty_campaign');
  });

  it('refuses an empty store with a clear message', () => {
    const r = exportLeaderboard(store.db, { generatorVersion: GEN, outDir: out.dir });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('nothing_to_export');
    expect(existsSync(path.join(out.dir, 'index.json'))).toBe(false);
  });
});

describe('leaderboard export: personal data', () => {
  const PERSONAL = ['/home/alice', 'alice', 'gpu-box-17', 'bobs-laptop', "Alice's batch sweep", 'Bob vllm run', 'Downloads', 'llem-runs'];

  it('leaves out paths, host names and campaign names by default (a local model path keeps only its last segment)', async () => {
    await seedAll(store.db);
    exported(store.db, out.dir);
    const all = Object.values(readTree(out.dir)).join('\n');
    for (const word of PERSONAL) expect(all.toLowerCase()).not.toContain(word.toLowerCase());
    expect(all).toContain('"<local>/my-finetune"');
  });

  it('includes them when the user opts in, and says so', async () => {
    await seedAll(store.db);
    const { files } = exported(store.db, out.dir, { includePersonalData: true });
    const a = files[`campaigns/${CAMPAIGN_A.id}.json`]!;
    expect(a.provenance.personal_data).toBe('included');
    expect(a.group.campaign_name).toBe("Alice's batch sweep");
    expect(a.entries[0]!.private_provenance!.hosts).toEqual(['gpu-box-17.lab.example']);
    expect(a.entries[0]!.private_provenance!.output_dirs.every((d) => d.startsWith('/home/alice/llem-runs/'))).toBe(true);
    const loose = files['imported/results.json']!;
    expect(loose.entries.map((e) => e.model)).toContain('/home/alice/checkpoints/my-finetune');
    expect(loose.entries.flatMap((e) => e.private_provenance!.source_paths)).toContain('/home/alice/Downloads/r1/result.json');
  });
});

describe('leaderboard export: reproducible bytes', () => {
  it('exporting the same data twice gives byte-identical files', async () => {
    await seedAll(store.db);
    exported(store.db, out.dir);
    const first = readTree(out.dir);
    const again = tempDir('llem-export-again-');
    try {
      exported(store.db, again.dir);
      expect(readTree(again.dir)).toEqual(first);
      // And re-exporting over the first folder changes nothing.
      exported(store.db, out.dir);
      expect(readTree(out.dir)).toEqual(first);
    } finally {
      again.cleanup();
    }
  });

  it('the same results imported in another order, into another store, export byte-identically', async () => {
    for (const c of LOOSE) await importLoose(store.db, c);
    await importLoose(store.db, { model: 'org/model-c', energyJ: 710, startTime: '2026-03-05T08:00:00.000000' });
    exported(store.db, out.dir);
    const other = openTempDb();
    const otherOut = tempDir('llem-export-other-');
    try {
      await importLoose(other.db, { model: 'org/model-c', energyJ: 710, startTime: '2026-03-05T08:00:00.000000' });
      for (const c of [...LOOSE].reverse()) await importLoose(other.db, c);
      exported(other.db, otherOut.dir);
      expect(readTree(otherOut.dir)).toEqual(readTree(out.dir));
    } finally {
      other.cleanup();
      otherOut.cleanup();
    }
  });

  it('writes sorted keys, 2-space indent and a final newline', async () => {
    await seedCampaign(store.db, CAMPAIGN_B);
    exported(store.db, out.dir);
    const text = readFileSync(path.join(out.dir, 'index.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(text.split('\n')[1]).toMatch(/^ {2}"/);
  });
});

describe('leaderboard export: budget, validation and stale files', () => {
  it('refuses an export over the size budget and writes nothing', async () => {
    await seedAll(store.db);
    const r = exportLeaderboard(store.db, { generatorVersion: GEN, outDir: out.dir, maxBytes: 2000 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('over_budget');
      expect(r.error.message).toMatch(/over the size budget of 2\.0 kB; nothing was written/);
      expect(r.error.message).toContain('--campaign');
    }
    expect(readTree(out.dir)).toEqual({});
  });

  it('validates before writing: a row that breaks the schema names the file and field, and nothing is written', async () => {
    await seedCampaign(store.db, CAMPAIGN_B);
    store.db.prepare("UPDATE results SET backend = ''").run();
    const r = exportLeaderboard(store.db, { generatorVersion: GEN, outDir: out.dir });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('schema_violation');
      expect(r.error.issues?.[0]?.path).toBe(`campaigns/${CAMPAIGN_B.id}.json#/entries/0/backend`);
    }
    expect(readTree(out.dir)).toEqual({});
  });

  it('removes entries files the previous export listed but this one does not, and nothing else', async () => {
    await seedAll(store.db);
    exported(store.db, out.dir);
    writeFileSync(path.join(out.dir, 'README.md'), 'curator notes\n');
    exported(store.db, out.dir, { campaignIds: [CAMPAIGN_A.id] });
    expect(Object.keys(readTree(out.dir)).sort()).toEqual(['README.md', `campaigns/${CAMPAIGN_A.id}.json`, 'index.json']);
  });
});

describe('reference data is never exported as own measurements', () => {
  const fixture = sharedFixture('mlenergy/leaderboard-v3');
  it.skipIf(fixture.skip)('an export after importing ML.ENERGY v3 holds only own results', async () => {
    const report = await importPaths(store.db, [fixture.path]);
    expect(report.added.length).toBeGreaterThan(0);
    const referenceRows = (store.db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get() as { n: number }).n;
    expect(referenceRows).toBeGreaterThan(0);
    // Reference data alone: nothing of ours to export.
    const none = exportLeaderboard(store.db, { generatorVersion: GEN, outDir: out.dir });
    expect(none.ok).toBe(false);
    await seedCampaign(store.db, CAMPAIGN_B);
    const { index, files } = exported(store.db, out.dir);
    expect(index.total_entries).toBe(1);
    expect(index.models).toEqual(['org/model-b']);
    expect(Object.values(files).flatMap((f) => f.entries.flatMap((e) => e.sources))).toEqual(['measured']);
    expect(JSON.stringify(readTree(out.dir))).not.toMatch(/Qwen|ML\.ENERGY/);
  });
});
