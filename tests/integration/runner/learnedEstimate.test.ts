/**
 * Issue 17 point 8: the plan estimate learns from campaigns that ran. Campaigns run through the real runner with
 * the fake llem (per-phase times modelled) into a real SQLite store; the store then gives the estimate the phase
 * times of the most recent campaign on this host for the same model and engine, and the plan says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveContractStudy } from '../../../core/llem/families/gitContract/resolveStudy';
import { DEFAULT_ASSUMPTIONS, estimateCampaign } from '../../../core/llem/estimate';
import { loadYaml11 } from '../../../core/llem/yaml11';
import { runPlanCommand } from '../../../core/cli/plan';
import { inProcessPlanner } from '../../../core/campaigns/campaignPlanner';
import { LEARNED_TABLE_MAX_AGE_MS, withLearnedPhases } from '../../../core/campaigns/learnedPlanner';
import { learnedPhasesLookup, openLearnedPhases, readLearnedPhases, readLearnedPhasesTable } from '../../../core/runner/phaseHistoryStore';
import { makePlan, makeRunner, sandbox, type Sandbox } from './helpers';

let s: Sandbox;
afterEach(() => s?.cleanup());

const PHASES_A = { FAKE_LLEM_LOAD_MS: '300', FAKE_LLEM_BASELINE_MS: '200', FAKE_LLEM_WARMUP_MS: '100', FAKE_LLEM_THERMAL_MS: '150', FAKE_LLEM_MEASURE_MS: '400' };
const PHASES_B = { ...PHASES_A, FAKE_LLEM_LOAD_MS: '700' };

async function runCampaign(id: string, models: string[], cycles: number, phases: Record<string, string>) {
  const { runner } = makeRunner(s, makePlan(id, models, cycles), {}, { env: { ...s.env, ...phases } });
  const out = await runner.run();
  expect(out.ok && out.value.status).toBe('completed');
}

const head = (y: string) => resolveContractStudy('head', loadYaml11(y));

describe('the estimate learns per-phase times from recent campaigns on this host', () => {
  it('reads the most recent campaign of the same model and engine, and the plan says “based on N runs of …”', async () => {
    s = sandbox();
    await runCampaign('sweep-a', ['org/a', 'org/other'], 3, PHASES_A);

    const learned = readLearnedPhases(s.db, { host: os.hostname(), model: 'org/a', engine: 'pytorch' });
    expect(learned).not.toBeNull();
    expect(learned).toMatchObject({ campaignId: 'sweep-a', campaignName: 'sweep-a', runs: 3 });
    // The modelled times, give or take timer slack and log-line latency.
    const near = (x: number, modelled: number) => {
      expect(x).toBeGreaterThanOrEqual(modelled - 0.02);
      expect(x).toBeLessThan(modelled + 0.3);
    };
    near(learned!.modelLoad, 0.3);
    near(learned!.baseline, 0.2);
    near(learned!.warmup, 0.1);
    near(learned!.thermalWait, 0.15);
    near(learned!.measuring, 0.4);
    expect(learned!.nPrompts).toBeGreaterThan(0);
    expect(learned!.lowFactor).toBeLessThanOrEqual(1);
    expect(learned!.highFactor).toBeGreaterThanOrEqual(1);

    // Another host, model or engine teaches nothing.
    expect(readLearnedPhases(s.db, { host: 'some-other-host', model: 'org/a', engine: 'pytorch' })).toBeNull();
    expect(readLearnedPhases(s.db, { host: os.hostname(), model: 'org/never-ran', engine: 'pytorch' })).toBeNull();
    expect(readLearnedPhases(s.db, { host: os.hostname(), model: 'org/a', engine: 'vllm' })).toBeNull();
    // Too old: nothing from beyond the learning window.
    expect(readLearnedPhases(s.db, { host: os.hostname(), model: 'org/a', engine: 'pytorch', nowMs: Date.now() + 365 * 86_400_000 })).toBeNull();

    // The estimate of a new study of org/a uses those phases; one of an unknown model keeps the default assumptions.
    const study = head('model: org/a\nbackend: pytorch\nn: 4\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 2}\n');
    const before = estimateCampaign(study);
    expect(before.basis).toBe(DEFAULT_ASSUMPTIONS);
    const after = estimateCampaign(study, undefined, learnedPhasesLookup(s.db));
    expect(after.basis).toBe('based on 3 runs of sweep-a');
    expect(after.perConfig[0]).toMatchObject({ source: 'measured-phases', basis: 'based on 3 runs of sweep-a' });
    expect(after.usesHeuristic).toBe(false);
    // Two runs × the learned model load (same workload: no scaling), not the rule of thumb's 5 s and more.
    expect(after.breakdown.modelLoad).toBeCloseTo(2 * learned!.modelLoad, 6);
    expect(after.breakdown.baseline).toBeCloseTo(2 * learned!.baseline, 6);
    expect(after.totalDurationSeconds.mid).toBeLessThan(before.totalDurationSeconds.low);
    // Measuring scales with the workload (prompts × output tokens).
    const bigger = estimateCampaign(head(`model: org/a\nbackend: pytorch\nn: ${learned!.nPrompts! * 10}\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n`), undefined, learnedPhasesLookup(s.db));
    const same = estimateCampaign(head(`model: org/a\nbackend: pytorch\nn: ${learned!.nPrompts!}\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n`), undefined, learnedPhasesLookup(s.db));
    expect(bigger.breakdown.measurement).toBeCloseTo(10 * same.breakdown.measurement, 6);
    const unknown = estimateCampaign(head('model: org/unknown\nbackend: pytorch\nn: 4\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n'), undefined, learnedPhasesLookup(s.db));
    expect(unknown.basis).toBe(DEFAULT_ASSUMPTIONS);

    // A later campaign of the same model is the one learned from.
    await runCampaign('sweep-b', ['org/a'], 1, PHASES_B);
    const later = readLearnedPhases(s.db, { host: os.hostname(), model: 'org/a', engine: 'pytorch' });
    expect(later).toMatchObject({ campaignName: 'sweep-b', runs: 1 });
    near(later!.modelLoad, 0.7);
  });

  it('the designer’s planner gets the learned table: its plan view says the basis, and the table is re-read at most every 30 s', async () => {
    s = sandbox();
    await runCampaign('designer-sweep', ['org/a'], 2, PHASES_A);
    let reads = 0;
    let now = 1_000_000;
    const planner = withLearnedPhases(
      inProcessPlanner(),
      () => {
        reads++;
        return readLearnedPhasesTable(s.db);
      },
      () => now,
    );
    const yaml = 'model: org/a\nbackend: pytorch\nn: 4\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n';
    const planned = await planner.plan({ yaml, profile: 'head' });
    if (!planned.ok) throw new Error(planned.error.message);
    expect(planned.value.estimate.basis).toBe('based on 2 runs of designer-sweep');
    const other = await planner.plan({ yaml: yaml.replace('org/a', 'org/b'), profile: 'head' });
    expect(other.ok && other.value.estimate.basis).toBe(DEFAULT_ASSUMPTIONS);
    expect(reads).toBe(1);
    now += LEARNED_TABLE_MAX_AGE_MS + 1;
    await planner.plan({ yaml, profile: 'head' });
    expect(reads).toBe(2);
    // A store that cannot be read plans with the default assumptions instead of failing.
    const broken = withLearnedPhases(inProcessPlanner(), () => {
      throw new Error('database is locked');
    });
    const fallback = await broken.plan({ yaml, profile: 'head' });
    expect(fallback.ok && fallback.value.estimate.basis).toBe(DEFAULT_ASSUMPTIONS);
  });

  it('`llem-studio plan` prints the basis: learned from the data folder, or default assumptions without one', async () => {
    s = sandbox();
    await runCampaign('h100-sweep', ['org/a'], 2, PHASES_A);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-learned-plan-'));
    try {
      const file = path.join(dir, 'study.yaml');
      writeFileSync(file, 'model: org/a\nbackend: pytorch\nn: 4\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n');
      s.db.pragma('wal_checkpoint(TRUNCATE)');
      const learned = openLearnedPhases(s.dataDir);
      expect(learned).not.toBeNull();
      try {
        const out = await runPlanCommand({ file, json: false, llemProfile: 'head' }, { learnedPhases: learned!.lookup });
        expect(out.exitCode).toBe(0);
        expect(out.stdout).toContain('Estimate (based on 2 runs of h100-sweep):');
        expect(out.stdout).toMatch(/llem start and write-out \d/);
      } finally {
        learned!.close();
      }
      const plain = await runPlanCommand({ file, json: false, llemProfile: 'head' });
      expect(plain.stdout).toContain(`Estimate (${DEFAULT_ASSUMPTIONS}: heuristic, wide range):`);
      // No store in a folder: nothing to learn from, and planning creates none.
      expect(openLearnedPhases(dir)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
