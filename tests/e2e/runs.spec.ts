import { expect, test } from '@playwright/test';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * Design → run → watch → results, through browser mode with the fake llem (tests/fixtures/fake-llem, which
 * honours llem's CLI contract) and replayed GPU telemetry (no GPU here).
 */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');

const app = servedApp({ LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '150' });

test('a designed campaign runs with live power, reports a failure in plain words, and its results arrive', async () => {
  test.setTimeout(120_000);
  const page = await app.open();
  await designStudy(
    page,
    [
      'name: "e2e-run"',
      'model: "fake/ok"',
      'n: 10',
      'sweep:',
      '  precision: ["fp16", "bf16"]',
      'experiments:',
      '  - model: "fake/oom"',
      'execution:',
      '  n_cycles: 1',
      '  cycle_order: "sequential"',
      '',
    ].join('\n'),
  );
  await expect(page.getByTestId('plan-run-count')).toHaveText('3');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByTestId('run-campaign').click();

  // The Runs page opens on the campaign; live power arrives from the (replayed) GPU.
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  await expect(page.getByTestId('live-power')).toHaveAttribute('data-point-count', /^[1-9]\d*$/, { timeout: 20_000 });
  await page.screenshot({ path: test.info().outputPath('runs-live.png'), fullPage: true });

  await expect(page.getByTestId('campaign-progress-text')).toContainText('3 of 3 runs finished', { timeout: 60_000 });
  await expect(page.getByTestId('runs-table')).toContainText('the GPU ran out of memory');
  await expect(page.getByTestId('runs-table').getByText('succeeded')).toHaveCount(2);
  await expect(page.getByTestId('campaign-end-notice')).toContainText('2 of 3 runs succeeded');
  // Energy three ways, compared by the quality check's own definition (the replayed GPU gives the app's figures).
  await expect(page.getByTestId('run-energy').first()).toHaveAttribute('data-agreement', /^(pass|warn|fail)$/);
  await page.screenshot({ path: test.info().outputPath('runs-finished.png'), fullPage: true });

  // The two successful runs are stored as measured results.
  await page.getByRole('tab', { name: 'Results' }).click();
  await expect(page.getByText('measured').first()).toBeVisible({ timeout: 10_000 });
  await page.close();
});

test('a campaign can be cancelled and then resumed to completion', async () => {
  test.setTimeout(120_000);
  const page = await app.open();
  await designStudy(page, 'name: "cancel-me"\nmodel: "fake/ok"\nsweep:\n  precision: ["fp32", "fp16", "bf16"]\nexecution:\n  n_cycles: 1\n');
  await expect(page.getByTestId('plan-run-count')).toHaveText('3');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByTestId('run-campaign').click();
  await expect(page.getByTestId('current-run')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByTestId('campaign-status')).toHaveText('cancelled', { timeout: 30_000 });
  await page.getByTestId('campaign-resume').click();
  await expect(page.getByTestId('campaign-progress-text')).toContainText('3 of 3 runs finished', { timeout: 60_000 });
  await page.close();
});
