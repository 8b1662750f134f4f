import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingReason } from '../helpers/chromium';
import { missingDependency } from '../helpers/externalDependency';
import { writeSweep } from '../helpers/llemResultVariants';
import { CLI, REPO_ROOT, startServe, type ServeHandle } from '../helpers/serveProcess';

/**
 * The Results page in browser mode: import a realistic sweep (made from the real llem result in
 * ../shared) through the page, then check that the grid, every chart, the headline and the comparison
 * show that data — chart contents are read from the `data-point-count` / `data-series` attributes the
 * chart component sets from echarts' own option after rendering, not from the existence of a canvas.
 */

const SHARED = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures');
const LLEM_FIXTURE = path.join(SHARED, 'llem', 'gpt2_pytorch_v2.0.json');
const MLENERGY_V3 = path.join(SHARED, 'mlenergy', 'leaderboard-v3');
const TIMESERIES = path.join(REPO_ROOT, 'tests', 'unit', 'results', 'fixtures', 'timeseries_12rows.parquet');

const BATCH_SIZES = [1, 4, 16, 64];
const PRECISIONS = ['bf16', 'fp16'];
const CYCLES = 3;
const CONFIGS = BATCH_SIZES.length * PRECISIONS.length;
const RESULTS = CONFIGS * CYCLES;

let browser: Browser;
let serve: ServeHandle | undefined;
let sweepDir: string;

test.beforeAll(async () => {
  test.skip(missingDependency('Chromium', chromiumMissingReason()), 'Chromium is not installed');
  test.skip(missingDependency('the real llem result fixture', existsSync(LLEM_FIXTURE) ? null : `${LLEM_FIXTURE} not found (a fresh clone has no ../shared)`), 'no ../shared fixtures');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  sweepDir = mkdtempSync(path.join(os.tmpdir(), 'llem-e2e-sweep-'));
  // bf16 batch 16, cycle 0 (started 14:27) carries llem's timeseries.parquet beside its result.json.
  writeSweep(
    path.join(sweepDir, 'gpt2-sweep'),
    readFileSync(LLEM_FIXTURE, 'utf8'),
    { batchSizes: BATCH_SIZES, precisions: PRECISIONS, cycles: CYCLES, withTimeseries: (v) => v.batchSize === 16 && v.precision === 'bf16' && v.cycle === 0 },
    TIMESERIES,
  );
});

test.afterAll(async () => {
  await browser?.close();
  if (sweepDir) rmSync(sweepDir, { recursive: true, force: true });
});

test.beforeEach(async () => {
  serve = await startServe({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' });
});

test.afterEach(async () => {
  await serve?.stop();
});

async function openResults(page: Page): Promise<void> {
  await page.goto(serve!.url);
  await page.getByRole('tab', { name: 'Results' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible();
}

async function pointCount(chart: Locator): Promise<number> {
  await expect(chart).toHaveAttribute('data-point-count', /^\d+$/);
  return Number(await chart.getAttribute('data-point-count'));
}

async function seriesCounts(chart: Locator): Promise<{ name: string; count: number }[]> {
  return JSON.parse((await chart.getAttribute('data-series')) ?? '[]') as { name: string; count: number }[];
}

test('import a sweep → grid rows → charts with data → headline ratio → compare two rows → power timeline', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await openResults(page);
  await expect(page.getByTestId('results-empty')).toContainText('No results yet');

  // Browser mode sends file contents (a page cannot send paths): the folder picker, as a user would.
  await page.getByTestId('import-folder-input').setInputFiles(path.join(sweepDir, 'gpt2-sweep'));
  await expect(page.getByTestId('import-summary')).toHaveText(`${RESULTS} results added, 0 already stored, 0 rejected.`, { timeout: 20_000 });

  // Grid: every result, each labelled with its source.
  await expect(page.getByTestId('results-total')).toHaveText(`(${RESULTS})`);
  await expect(page.getByTestId('result-row')).toHaveCount(25 > RESULTS ? RESULTS : 25);
  await expect(page.getByTestId('result-row').first().getByTestId('source-chip')).toHaveText('imported');
  await expect(page.getByRole('columnheader', { name: /Energy\/token \(J\/token\)/ })).toBeVisible();

  // Energy per token by batch size: one line per precision, a mean and a CI bar per configuration.
  const byParam = page.getByTestId('energy-by-parameter');
  expect(await pointCount(byParam)).toBe(2 * CONFIGS);
  const lines = await seriesCounts(byParam);
  expect(lines.filter((s) => s.name === 'precision bf16').map((s) => s.count)).toEqual([BATCH_SIZES.length, BATCH_SIZES.length]);
  // Pareto: every configuration is a point, either on the front or off it.
  const pareto = page.getByTestId('pareto');
  expect(await pointCount(pareto)).toBe(CONFIGS);
  expect((await seriesCounts(pareto)).find((s) => s.name === 'Pareto front')!.count).toBeGreaterThan(0);
  // Variance: each configuration's mean and CI, and every single cycle.
  const variance = await seriesCounts(page.getByTestId('variance'));
  expect(Object.fromEntries(variance.map((s) => [s.name, s.count]))).toEqual({ '95 % CI of the mean': CONFIGS, Mean: CONFIGS, Cycles: RESULTS });
  expect(await pointCount(page.getByTestId('parallel'))).toBe(CONFIGS);

  // The headline, computed from the aggregation, with its interval.
  await expect(page.getByTestId('headline-text')).toHaveText(/^batch size 64 uses \d+(\.\d+)?× less energy per output token than batch size 1$/);
  await expect(page.getByTestId('headline-ci')).toHaveText(/^95 % CI \d+(\.\d+)?–\d+(\.\d+)?×$/);

  // Compare two rows of different configurations: sort by batch size, tick the first and the last. Batch is in the
  // column chooser (by default the Configuration cell names it, issue #17 point 7).
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('menuitem', { name: /^Batch/ }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /^Batch/ }).click();
  await page.getByRole('combobox').filter({ hasText: '25' }).click();
  await page.getByRole('option', { name: '50', exact: true }).click();
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(RESULTS);
  await expect(rows.first()).toHaveAttribute('aria-label', /batch 1,/);
  await expect(rows.last()).toHaveAttribute('aria-label', /batch 64,/);
  await rows.first().getByRole('checkbox').check();
  await rows.last().getByRole('checkbox').check();
  await page.getByTestId('compare-button').click();
  const compare = page.getByTestId('compare-table');
  await expect(compare.getByTestId('compare-config')).toHaveCount(2);
  await expect(compare.getByTestId('compare-config').first()).toContainText('batch size 1');
  await expect(compare.getByTestId('compare-config').last()).toContainText('batch size 64');
  // Batch 64 needs far less energy per token than the batch-1 baseline.
  await expect(compare.getByTestId('compare-row-jPerOutputToken').getByTestId('compare-delta')).toHaveText(/^−\d+ % \(0\.\d+×\)$/);

  // Power timeline of the one result that came with llem's timeseries, chosen with the keyboard.
  const withTimeseries = rows.filter({ hasText: '2026-03-13 14:27' });
  await withTimeseries.focus();
  await page.keyboard.press('Enter');
  const timeline = page.getByTestId('timeline');
  // make_timeseries_parquet.py: 12 one-second buckets, one of them without a power reading.
  expect(await pointCount(timeline)).toBe(11);
  await expect(page.getByTestId('chart-timeline')).toContainText("llem's 1-second timeseries");

  // Another result has no timeseries: the chart says why, in words.
  await rows.first().click();
  await expect(page.getByTestId('chart-timeline').getByTestId('chart-empty')).toContainText('No power timeline for this result');

  await page.screenshot({ path: test.info().outputPath('results.png'), fullPage: true });
  for (const chart of ['chart-energy-by-parameter', 'chart-pareto', 'chart-variance', 'chart-parallel']) {
    await page.getByTestId(chart).screenshot({ path: test.info().outputPath(`${chart}.png`) });
  }
  // The dark theme redraws the charts with the theme's colours and keeps their data.
  await page.getByRole('button', { name: 'Toggle theme' }).click();
  expect(await pointCount(page.getByTestId('pareto'))).toBe(CONFIGS);
  await page.screenshot({ path: test.info().outputPath('results-dark.png'), fullPage: true });
  await page.close();
});

test('reference overlay is labelled, and a dropped broken file is rejected with its reason', async () => {
  test.skip(missingDependency('ML.ENERGY v3 fixture', existsSync(MLENERGY_V3) ? null : `${MLENERGY_V3} not found`), 'no ML.ENERGY fixture');
  // Seed the data directory the way a terminal user would, while serve runs (WAL: readers and one writer).
  execFileSync(process.execPath, [CLI, 'import', path.join(sweepDir, 'gpt2-sweep'), MLENERGY_V3, '--data-dir', serve!.dataDir], { stdio: 'pipe' });

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await openResults(page);
  await expect(page.getByTestId('results-total')).toHaveText(`(${RESULTS})`);
  const toggle = page.getByTestId('reference-toggle');
  await expect(toggle).toContainText('ML.ENERGY reference data');
  await toggle.getByRole('switch').check();

  // Reference points are their own series, named after their dataset, beside — not among — own results.
  const pareto = page.getByTestId('pareto');
  await expect.poll(async () => (await seriesCounts(pareto)).filter((s) => /ML\.ENERGY.*\(reference\)$/.test(s.name)).reduce((n, s) => n + s.count, 0)).toBeGreaterThan(0);
  expect((await seriesCounts(pareto)).filter((s) => s.name === 'Configurations' || s.name === 'Pareto front').reduce((n, s) => n + s.count, 0)).toBe(CONFIGS);
  // In the grid every reference row says so, with its dataset.
  await page.getByRole('button', { name: /^Source/ }).click(); // ascending: imported < reference
  await page.getByRole('button', { name: /^Source/ }).click(); // descending: reference rows first
  const refRow = page.locator('[data-testid="result-row"][data-source="reference"]').first();
  await expect(refRow.getByTestId('source-chip')).toHaveText('reference');
  await expect(refRow).toContainText('ML.ENERGY');
  await expect(refRow.getByRole('checkbox')).toBeDisabled();

  // Drag and drop: a broken result.json is rejected, and the report names the file and the problem.
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"schema_version": "2.0", "experiment_id": '], 'broken.json', { type: 'application/json' }));
    return dt;
  });
  await page.getByTestId('results-page').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('import-summary')).toHaveText('0 results added, 0 already stored, 1 rejected.');
  await expect(page.getByTestId('import-rejected')).toContainText('Rejected broken.json');
  await expect(page.getByTestId('import-rejected')).toContainText(/broken\.json.*(JSON|ends)/);
  await expect(page.getByTestId('results-total')).toHaveText(/\(\d+\)/);
  await page.screenshot({ path: test.info().outputPath('results-reference.png'), fullPage: true });
  await page.getByTestId('chart-pareto').screenshot({ path: test.info().outputPath('chart-pareto-reference.png') });
  await page.close();
});
