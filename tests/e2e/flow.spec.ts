import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { REPO_ROOT } from '../helpers/serveProcess';
import { listTree, readValidExport } from '../helpers/exportSchemas';
import { designStudy, servedApp } from './servedApp';

/**
 * The whole journey in one browser session, as a user makes it: design a sweep (with an invalid combination
 * the plan explains) → run it on the fake llem with replayed GPU telemetry → watch progress and live power →
 * results with charts → compare two configurations → demo mode → export → settings. Every page visited is
 * saved as a full-page screenshot (attached to the report, and in test-results/screenshots/). Chart contents
 * are read from `data-point-count` / `data-series`, which the chart component sets from echarts' own option.
 */

const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');
const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

// 2 precisions × load_in_4bit [true, false] with load_in_8bit true: the two 4-bit + 8-bit combinations are invalid.
const STUDY = [
  'name: "e2e-flow"',
  'model: "fake/ok"',
  'backend: "pytorch"',
  'n: 10',
  'sweep:',
  '  precision: ["fp16", "bf16"]',
  '  pytorch.load_in_4bit: [true, false]',
  '  pytorch.load_in_8bit: [true]',
  'execution:',
  '  n_cycles: 2',
  '  cycle_order: "sequential"',
  '',
].join('\n');
const CONFIGS = 2;
const CYCLES = 2;
const RUNS = CONFIGS * CYCLES;

const app = servedApp({ LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '300' });

async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `flow-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await info.attach(`${name}.png`, { path: file, contentType: 'image/png' });
}

async function pointCount(chart: Locator): Promise<number> {
  await expect(chart).toHaveAttribute('data-point-count', /^\d+$/);
  return Number(await chart.getAttribute('data-point-count'));
}

async function seriesCounts(chart: Locator): Promise<Record<string, number>> {
  const list = JSON.parse((await chart.getAttribute('data-series')) ?? '[]') as { name: string; count: number }[];
  return Object.fromEntries(list.map((s) => [s.name, s.count]));
}

test('design → run → live power → results → compare → demo → export → settings', async () => {
  test.setTimeout(240_000);
  const info = test.info();
  const page = await app.open();
  await page.setViewportSize({ width: 1400, height: 1000 });

  // ---- Design: run count, configurations and the skipped combinations with their reason.
  await designStudy(page, STUDY);
  await expect(page.getByTestId('plan-run-count')).toHaveText(String(RUNS));
  await expect(page.getByTestId('plan-config-count')).toHaveText(String(CONFIGS));
  await expect(page.getByTestId('plan-cycles')).toHaveText(String(CYCLES));
  await expect(page.getByTestId('plan-skipped-count')).toHaveText('2');
  const skipped = page.getByTestId('plan-skipped');
  await expect(skipped).toBeVisible();
  await expect(skipped.getByRole('listitem')).toHaveCount(2);
  await expect(skipped).toContainText('load_in_4bit and load_in_8bit are mutually exclusive');
  await expect(page.getByTestId('plan-configs').getByRole('listitem')).toHaveCount(CONFIGS);
  await expect(page.getByTestId('plan-estimate')).toContainText(/Time: .+ – .+ · GPU energy: .+ – .+/);
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await shot(page, info, '1-design');

  // ---- Runs: the campaign starts; progress and live power (replayed) arrive while it runs.
  await page.getByTestId('run-campaign').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  const campaignId = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/runs\//, ''));
  expect(campaignId).toMatch(/^[0-9a-f-]{36}$/);
  await expect(page.getByTestId('current-run')).toBeVisible({ timeout: 20_000 });
  const livePower = page.getByTestId('live-power');
  await expect(livePower).toHaveAttribute('data-point-count', /^[1-9]\d*$/, { timeout: 20_000 });
  const firstCount = await pointCount(livePower);
  // Two GPUs in the replay, one line each; the chart keeps growing while the campaign runs.
  expect(Object.keys(await seriesCounts(livePower)).sort()).toEqual(['GPU 0', 'GPU 1']);
  await expect.poll(() => pointCount(livePower), { timeout: 15_000 }).toBeGreaterThan(firstCount);
  await expect(page.getByTestId('live-temperature')).toHaveAttribute('data-point-count', /^[1-9]\d*$/);
  await expect(page.getByTestId('campaign-progress-text')).toContainText(new RegExp(`^\\d of ${RUNS} runs finished`));
  await shot(page, info, '2-runs-live');
  await expect(page.getByTestId('campaign-progress-text')).toContainText(`${RUNS} of ${RUNS} runs finished`, { timeout: 90_000 });
  await expect(page.getByTestId('runs-table').getByText('succeeded', { exact: true })).toHaveCount(RUNS);
  await expect(page.getByRole('progressbar', { name: 'Campaign progress' })).toHaveAttribute('aria-valuenow', '100');
  await shot(page, info, '3-runs-finished');

  // ---- Results: every run stored; charts hold one point per configuration (or per cycle).
  await page.getByRole('tab', { name: 'Results' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible();
  await expect(page.getByTestId('results-total')).toHaveText(`(${RUNS})`, { timeout: 15_000 });
  await expect(page.locator('[data-testid="result-row"][data-source="measured"]')).toHaveCount(RUNS);
  const pareto = page.getByTestId('pareto');
  await expect.poll(() => pointCount(pareto)).toBe(CONFIGS);
  expect((await seriesCounts(pareto))['Pareto front']).toBeGreaterThan(0);
  expect(await seriesCounts(page.getByTestId('variance'))).toEqual({ '95 % CI of the mean': CONFIGS, Mean: CONFIGS, Cycles: RUNS });
  expect(await pointCount(page.getByTestId('energy-by-parameter'))).toBeGreaterThan(0);
  expect(await pointCount(page.getByTestId('parallel'))).toBe(CONFIGS);
  // A row's power timeline: the fake llem writes llem's timeseries.parquet beside each result.
  await page.getByTestId('result-row').first().click();
  await expect.poll(() => pointCount(page.getByTestId('timeline'))).toBeGreaterThan(0);
  await shot(page, info, '4-results');

  // ---- Compare: one fp16 row and one bf16 row.
  const rows = page.getByTestId('result-row');
  await rows.filter({ hasText: 'fp16' }).first().getByRole('checkbox').check();
  await rows.filter({ hasText: 'bf16' }).first().getByRole('checkbox').check();
  await expect(page.getByText('2 rows selected (2 configurations)')).toBeVisible();
  await page.getByTestId('compare-button').click();
  const compare = page.getByTestId('compare-table');
  await expect(compare.getByTestId('compare-config')).toHaveCount(2);
  await expect(compare.getByTestId('compare-config').filter({ hasText: 'fp16' })).toHaveCount(1);
  await expect(compare.getByTestId('compare-config').filter({ hasText: 'bf16' })).toHaveCount(1);
  // Every metric row carries a unit and a change against the baseline.
  await expect(compare.getByTestId('compare-row-jPerOutputToken')).toContainText('J/token');
  await expect(compare.getByTestId('compare-row-jPerOutputToken').getByTestId('compare-delta')).toHaveText(/[%×]/);
  await shot(page, info, '5-compare');

  // ---- Demo: two recorded runs replay side by side.
  await page.getByRole('tab', { name: 'Demo' }).click();
  await page.getByRole('combobox', { name: 'Left' }).click();
  await page.getByRole('option', { name: /fp16/ }).first().click();
  await page.getByRole('combobox', { name: 'Right' }).click();
  await page.getByRole('option', { name: /bf16/ }).first().click();
  await expect(page.getByTestId('demo-label-a')).toContainText('Replay of run');
  await expect(page.getByTestId('demo-label-b')).toContainText('Replay of run');
  await page.getByTestId('demo-play').click();
  await expect(page.getByTestId('demo-a-gauge')).toHaveAttribute('data-point-count', '1', { timeout: 10_000 });
  await expect(page.getByTestId('demo-b-gauge')).toHaveAttribute('data-point-count', '1');
  await expect.poll(() => pointCount(page.getByTestId('demo-a-line')), { timeout: 10_000 }).toBeGreaterThan(1);
  await expect(page.getByTestId('demo-energy-a')).not.toHaveText('0.00 J', { timeout: 10_000 });
  await expect(page.getByTestId('demo-jpt-a')).toHaveText(/^\d+\.\d{3} J\/token$/);
  await shot(page, info, '6-demo');
  await page.getByTestId('demo-play').click(); // pause

  // ---- Export: the campaign as leaderboard JSON, written under the data directory and schema-valid.
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('export-button').click();
  const dialog = page.getByRole('dialog', { name: 'Export results' });
  await dialog.getByRole('radio', { name: 'Chosen campaigns' }).check();
  await dialog.getByRole('checkbox', { name: new RegExp(`^e2e-flow — ${RUNS} results`) }).check();
  await expect(dialog.getByTestId('export-summary')).toHaveText(new RegExp(`^${CONFIGS} configurations from ${RUNS} results, in 2 files of [\\d.]+ (bytes|kB)`));
  await expect(dialog.getByTestId('export-files')).toContainText(`campaigns/${campaignId}.json`);
  await expect(dialog.getByTestId('export-personal')).toContainText('No personal data');
  await shot(page, info, '7-export-preview');
  await dialog.getByTestId('export-write').click();
  await expect(dialog.getByTestId('export-done')).toContainText(`Exported ${CONFIGS} configurations from ${RUNS} results`);
  const outDir = (await dialog.getByTestId('export-out-dir').textContent())!.trim();
  expect(outDir.startsWith(path.join(app.serve.dataDir, 'exports') + path.sep)).toBe(true);
  expect(listTree(outDir)).toEqual([`campaigns/${campaignId}.json`, 'index.json']);
  const { index, files } = readValidExport(outDir);
  expect(index.total_entries).toBe(CONFIGS);
  const entries = files[`campaigns/${campaignId}.json`]!;
  expect(entries.group).toMatchObject({ kind: 'campaign', campaign_id: campaignId });
  expect(entries.entries.map((e) => e.precision).sort()).toEqual(['bf16', 'fp16']);
  expect(entries.entries.map((e) => e.cycles)).toEqual([CYCLES, CYCLES]);
  expect(entries.entries.every((e) => e.model === 'fake/ok' && e.metrics.j_per_output_token!.n === CYCLES)).toBe(true);
  await shot(page, info, '8-export-written');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // ---- Settings: environment, the fake llem, the data directory.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('data-dir')).toHaveText(app.serve.dataDir);
  await expect(page.getByTestId('llem-status')).toContainText('found');
  await shot(page, info, '9-settings');
  await page.close();
});
