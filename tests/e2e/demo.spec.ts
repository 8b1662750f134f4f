import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { missingDependency } from '../helpers/externalDependency';
import { writeSweep } from '../helpers/llemResultVariants';
import { CLI, REPO_ROOT } from '../helpers/serveProcess';
import { servedApp } from './servedApp';

/**
 * Demonstration mode replays two recorded runs side by side (offline): results made from the real llem
 * fixture, each with llem's timeseries.parquet, imported through the CLI into the served data directory.
 */
const LLEM_FIXTURE = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'llem', 'gpt2_pytorch_v2.0.json');
const TIMESERIES = path.join(REPO_ROOT, 'tests', 'unit', 'results', 'fixtures', 'timeseries_12rows.parquet');

let dir: string;

test.beforeAll(() => {
  test.skip(missingDependency('the real llem result fixture', existsSync(LLEM_FIXTURE) ? null : `${LLEM_FIXTURE} not found (a fresh clone has no ../shared)`), 'no ../shared fixtures');
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-e2e-demo-'));
  writeSweep(dir, readFileSync(LLEM_FIXTURE, 'utf8'), { batchSizes: [1, 64], cycles: 1, withTimeseries: () => true }, TIMESERIES);
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' }, (serve) => {
  execFileSync(process.execPath, [CLI, 'import', dir, '--data-dir', serve.dataDir], { encoding: 'utf8' });
});

test('two recorded runs replay side by side with meters, counters, equivalents and a headline', async () => {
  const page = await app.open();
  await page.getByRole('tab', { name: 'Demo' }).click();

  await page.getByRole('combobox', { name: 'Left' }).click();
  await page.getByRole('option', { name: /batch 1 —/ }).click();
  await page.getByRole('combobox', { name: 'Right' }).click();
  await page.getByRole('option', { name: /batch 64 —/ }).click();
  await expect(page.getByTestId('demo-label-a')).toContainText('Replay of run');
  await expect(page.getByTestId('demo-label-a')).toContainText('recorded on');
  // The two runs are the ready-made pair the page had already picked: the headline names the sides.
  await expect(page.getByTestId('demo-pair-title')).toContainText('Batching: 1 vs 64');
  await expect(page.getByTestId('demo-headline')).toContainText('Batch size 64 uses');

  // Keyboard-driven: with focus on the stage (not in a picker, which uses Space itself), Space plays.
  await page.getByTestId('demo-headline').click();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('demo-a-gauge')).toHaveAttribute('data-point-count', '1', { timeout: 10_000 });
  await expect(page.getByTestId('demo-a-line')).toHaveAttribute('data-point-count', /^[1-9]\d*$/);
  await expect(page.getByTestId('demo-energy-a')).not.toHaveText('0.00 J', { timeout: 10_000 });
  await expect(page.getByTestId('demo-tokens-b')).not.toHaveText('0');
  await expect(page.getByTestId('demo-pane-a')).toContainText('smartphone charge');
  await page.screenshot({ path: test.info().outputPath('demo.png'), fullPage: true });

  // Leaving the presentation asks first.
  await page.keyboard.press('f');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Leave the demonstration?' })).toBeVisible();
  await page.getByRole('button', { name: 'Leave' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Loading the shipped sample into a store that already offers a pair shows one of the sample's own pairs.
  await page.getByTestId('demo-sample-sets').getByRole('button', { name: /^Load H100/ }).click();
  await expect(page.getByTestId('demo-pair-title')).toContainText('Batching: 1 vs 32', { timeout: 15_000 });
  await expect(page.getByTestId('demo-label-a')).toContainText('NVIDIA H100 80GB HBM3');
  await page.close();
});
