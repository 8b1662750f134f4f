import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportSite, type LeaderboardEntriesFile, type LeaderboardIndex } from '../../core/export/index';
import { openDatabase } from '../../core/store/database';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingReason } from '../helpers/chromium';
import { missingDependency } from '../helpers/externalDependency';
import { GEN, importLoose, seedAll, seedCampaign } from '../unit/share/seed';

/**
 * The exported static site, opened straight from disk (file://) in Chromium: the table shows every
 * exported configuration and sorts, the chart has one point per configuration at the exported numbers,
 * and nothing from the data can inject markup.
 */

const HOSTILE_MODEL = 'org/<img src=x onerror="window.__pwned=1">';

let browser: Browser;
let work: string;
let siteDir: string;
let index: LeaderboardIndex;
let entries: LeaderboardEntriesFile['entries'];
let byFile: LeaderboardEntriesFile['entries'][];

test.beforeAll(async () => {
  test.skip(missingDependency('Chromium', chromiumMissingReason()), 'Chromium is not installed');
  work = mkdtempSync(path.join(os.tmpdir(), 'llem-site-e2e-'));
  const opened = openDatabase(path.join(work, 'data'));
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value;
  try {
    await seedAll(db);
    await importLoose(db, { model: HOSTILE_MODEL, energyJ: 650, startTime: '2026-03-03T08:00:00.000000' });
    // A real trade-off: fast and costly, slow and frugal, and one dominated by both.
    await seedCampaign(db, {
      id: 'c0ffee00-0000-4000-8000-00000000000c',
      name: 'trade-off',
      studyDesignHash: '00112233445566ff',
      host: 'h',
      cycles: [
        { model: 'org/model-d', batchSize: 8, energyJ: 800, inferenceS: 10, durationS: 12, startTime: '2026-04-01T08:00:00.000000' },
        { model: 'org/model-d', batchSize: 2, energyJ: 400, inferenceS: 30, durationS: 32, startTime: '2026-04-01T09:00:00.000000' },
        { model: 'org/model-d', batchSize: 4, energyJ: 900, inferenceS: 20, durationS: 22, startTime: '2026-04-01T10:00:00.000000' },
      ],
    });
    siteDir = path.join(work, 'site');
    const r = exportSite(db, { outDir: siteDir, generatorVersion: GEN });
    if (!r.ok) throw new Error(r.error.message);
  } finally {
    db.close();
  }
  index = JSON.parse(readFileSync(path.join(siteDir, 'data', 'index.json'), 'utf8')) as LeaderboardIndex;
  byFile = index.files.map((f) => (JSON.parse(readFileSync(path.join(siteDir, 'data', f.path), 'utf8')) as LeaderboardEntriesFile).entries);
  entries = byFile.flat();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

test.afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openSite(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(pathToFileURL(path.join(siteDir, 'index.html')).href);
  return { page, problems };
}

test('the table shows every exported configuration and sorts by a column', async () => {
  const { page, problems } = await openSite();
  const rows = page.getByTestId('leaderboard').locator('tbody tr');
  await expect(rows).toHaveCount(entries.length);
  await expect(page.getByTestId('summary')).toContainText(`${entries.length} configurations`);
  for (const model of ['org/model-a', 'org/model-b', 'org/model-c', 'org/model-d', '<local>/my-finetune']) {
    await expect(page.getByTestId('leaderboard').getByRole('cell', { name: model, exact: true }).first()).toBeVisible();
  }

  // Default order: J per output token, ascending; a click on the header reverses it.
  const jPerToken = async (): Promise<number[]> =>
    (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-config-hash') ?? ''))).map(
      (h) => entries.find((e) => e.measurement_config_hash === h)!.metrics.j_per_output_token.mean!,
    );
  const ascending = await jPerToken();
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  // (Located by column key: the sort arrow, CSS-generated, is part of the button's accessible name.)
  await page.locator('th[data-key="jPerToken"] button').click();
  await expect(page.locator('th[data-key="jPerToken"]')).toHaveAttribute('aria-sort', 'descending');
  const descending = await jPerToken();
  expect(descending).toEqual([...ascending].reverse());

  await page.locator('th[data-key="model"] button').click();
  await expect(page.locator('th[data-key="model"]')).toHaveAttribute('aria-sort', 'ascending');
  const models = await rows.locator('td[data-col="model"]').allTextContents();
  expect(models).toEqual([...models].sort((a, b) => a.localeCompare(b)));

  await page.getByTestId('filter').fill('model-b');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('row-count')).toHaveText(`1 of ${entries.length} shown`);
  expect(problems).toEqual([]);
  await page.close();
});

test('every row shows its quality grade and the caveats of its failed or warned checks (format 1.1)', async () => {
  const { page, problems } = await openSite();
  const rows = page.getByTestId('leaderboard').locator('tbody tr');
  await expect(rows).toHaveCount(entries.length);
  expect(entries.every((e) => e.quality !== undefined)).toBe(true);
  expect(entries.some((e) => e.quality!.caveats.length > 0)).toBe(true);
  for (const e of entries) {
    const cell = page.locator(`tr[data-config-hash="${e.measurement_config_hash}"] td[data-col="quality"]`).first();
    await expect(cell.locator('.grade')).toHaveText(e.quality!.grade);
    await expect(cell.locator('.caveat')).toHaveText(e.quality!.caveats);
  }
  expect(problems).toEqual([]);
  await page.close();
});

test('the chart has one point per configuration, at the exported numbers, and marks the Pareto front', async () => {
  const { page, problems } = await openSite();
  const points = page.getByTestId('chart-svg').locator('circle.point');
  const plottable = entries.filter((e) => e.metrics.latency_per_request_s.mean !== null && e.metrics.j_per_output_token.mean !== null);
  expect(plottable.length).toBeGreaterThan(3);
  await expect(points).toHaveCount(plottable.length);
  for (const e of plottable) {
    const dot = page.locator(`circle.point[data-config-hash="${e.measurement_config_hash}"]`);
    await expect(dot).toHaveCount(1);
    expect(Number(await dot.getAttribute('data-x'))).toBe(e.metrics.latency_per_request_s.mean);
    expect(Number(await dot.getAttribute('data-y'))).toBe(e.metrics.j_per_output_token.mean);
    const box = await dot.boundingBox();
    expect(box && box.width > 0 && box.height > 0).toBe(true);
  }
  // Points are spread out, not stacked on one spot.
  const positions = await points.evaluateAll((cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`));
  expect(new Set(positions).size).toBeGreaterThan(1);
  // Fronts are per file (campaign); a file with a single configuration draws none.
  const plotted = (list: typeof entries) => list.filter((e) => plottable.includes(e));
  const onFront = byFile.filter((f) => plotted(f).length > 1).flatMap((f) => plotted(f).filter((e) => e.pareto.energy_latency));
  expect(onFront.length).toBeGreaterThan(1);
  await expect(page.locator('circle.point.on-front')).toHaveCount(onFront.length);
  for (const e of onFront) await expect(page.locator(`circle.point.on-front[data-config-hash="${e.measurement_config_hash}"]`)).toHaveCount(1);
  const lines = byFile.filter((f) => plotted(f).length > 1 && plotted(f).filter((e) => e.pareto.energy_latency).length > 1).length;
  expect(lines).toBeGreaterThan(0);
  await expect(page.getByTestId('pareto-front')).toHaveCount(lines);

  // Switching to baseline-adjusted energy redraws from the adjusted figures.
  await page.getByTestId('energy-kind').selectOption('adjusted');
  const adjusted = plottable.filter((e) => (e.metrics.j_per_output_token_adjusted.mean ?? 0) > 0);
  await expect(points).toHaveCount(adjusted.length);
  const one = adjusted[0]!;
  expect(Number(await page.locator(`circle.point[data-config-hash="${one.measurement_config_hash}"]`).getAttribute('data-y'))).toBe(
    one.metrics.j_per_output_token_adjusted.mean,
  );
  await page.getByTestId('energy-kind').selectOption('raw');
  await page.screenshot({ path: test.info().outputPath('site.png'), fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});

test('text from the data is shown as text, never run as markup', async () => {
  const { page, problems } = await openSite();
  await expect(page.getByTestId('leaderboard').getByRole('cell', { name: HOSTILE_MODEL, exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('img')).toHaveCount(0);
  expect(problems).toEqual([]);
  await page.close();
});
