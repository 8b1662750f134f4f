/**
 * Issue 19: where each run's baseline came from, through the real runner, importer and store, with the fake llem.
 *
 * - As llem 0.7.0 (one `llem run` per run, each measures its own baseline: tests/llem-baseline proves that of the
 *   real llem), a three-run campaign records three baselines, each measured inside its own run's window.
 * - As a llem that could share one across runs (modelled by the fake's FAKE_LLEM_SHARED_BASELINE_FILE; 0.7.0 has
 *   no such thing), the same campaign measures the baseline once and the two other runs record it as reused from
 *   run 1, with its age, and spend no time in the baseline phase: the provenance and the breakdown follow what llem
 *   reports, not what the app assumes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { formatCampaignTime, readCampaignTime } from '../../../core/runner/timeBreakdown';
import { makePlan, makeRunner, sandbox, type Sandbox } from './helpers';

let s: Sandbox;
afterEach(() => s?.cleanup());

const PHASES = { FAKE_LLEM_BASELINE_MS: '150', FAKE_LLEM_MEASURE_MS: '60', FAKE_LLEM_BASELINE_W: '31.5' };

describe('baseline provenance of a campaign run by the fake llem', () => {
  it('as llem 0.7.0: every run measures its own baseline, inside its own window', async () => {
    s = sandbox(PHASES);
    const { runner } = makeRunner(s, makePlan('own', ['org/a', 'org/b', 'org/c']));
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');

    const t = readCampaignTime(s.db, 'own');
    expect(t.runs).toHaveLength(3);
    for (const r of t.runs) {
      expect(r.baseline).toMatchObject({ source: 'this_run', method: 'fresh', measuredByRunIndex: r.runIndex, powerW: 31.5 });
      expect(r.parts.baseline).toBeGreaterThanOrEqual(0.13);
    }
    expect(t.baselines).toEqual({ measured: 3, reused: 0, unknown: 0 });
    expect(formatCampaignTime(t)).toContain('Baseline: measured by 3 runs, reused by 0');
  });

  it('as a llem that shares its baseline cache: measured once, reused by the two other runs with its age', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'fake-llem-baseline-'));
    onTestFinished(() => rmSync(cacheDir, { recursive: true, force: true }));
    const cacheFile = path.join(cacheDir, 'shared-baseline.json');
    s = sandbox({ ...PHASES, FAKE_LLEM_SHARED_BASELINE_FILE: cacheFile });
    const { runner } = makeRunner(s, makePlan('shared', ['org/a', 'org/b', 'org/c']));
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');

    const t = readCampaignTime(s.db, 'shared');
    const [first, ...others] = [...t.runs].sort((a, b) => a.runIndex - b.runIndex);
    expect(first!.baseline).toMatchObject({ source: 'this_run', method: 'fresh' });
    expect(first!.parts.baseline).toBeGreaterThanOrEqual(0.13);
    let previousAge = 0;
    for (const r of others) {
      expect(r.baseline).toMatchObject({ source: 'earlier_run', method: 'cached', measuredByRunIndex: first!.runIndex, powerW: 31.5 });
      // Older with every run, and no time spent measuring it again.
      expect(r.baseline!.ageS).toBeGreaterThan(previousAge);
      previousAge = r.baseline!.ageS!;
      expect(r.parts.baseline).toBeLessThan(0.05);
    }
    expect(t.baselines).toEqual({ measured: 1, reused: 2, unknown: 0 });
    expect(formatCampaignTime(t)).toContain('Baseline: measured by 1 run, reused by 2');
  });
});
