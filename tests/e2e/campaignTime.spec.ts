import { expect, test } from '@playwright/test';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * Issue 19: after a campaign the Runs page says where its time went — efficiency and a per-run breakdown — from
 * the phases the runner recorded. The fake llem spends set times in each phase (tests/fixtures/fake-llem).
 */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const app = servedApp({
  LLEM_STUDIO_LLEM: FAKE_LLEM,
  LLEM_STUDIO_TELEMETRY: 'off',
  FAKE_LLEM_BASELINE_MS: '300',
  FAKE_LLEM_LOAD_MS: '600',
  FAKE_LLEM_WARMUP_MS: '100',
  FAKE_LLEM_THERMAL_MS: '900',
  FAKE_LLEM_MEASURE_MS: '1200',
  FAKE_LLEM_WRITE_MS: '200',
  // llem's baseline fields in each result, as llem 0.7.0 writes them: every run measured its own.
  FAKE_LLEM_BASELINE_W: '62.0',
});

test('the Runs page shows campaign efficiency and each run’s time breakdown', async () => {
  test.setTimeout(90_000);
  const page = await app.open();
  await designStudy(page, 'name: "time-breakdown"\nmodel: "fake/ok"\nn: 8\nsweep:\n  precision: ["fp16", "bf16"]\nexecution:\n  n_cycles: 1\n');
  await expect(page.getByTestId('plan-run-count')).toHaveText('2');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByTestId('run-campaign').click();
  await expect(page.getByTestId('campaign-progress-text')).toContainText('2 of 2 runs finished', { timeout: 60_000 });

  const efficiency = page.getByTestId('campaign-efficiency');
  await expect(efficiency).toContainText(/Efficiency \d+\.\d %: \d+\.\d s measuring of \d+\.\d s wall time/);
  const table = page.getByTestId('run-time-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  // Each run's measuring cell holds at least the fake llem's 1.2 s measurement.
  const measuringColumn = (await table.locator('thead th').allTextContents()).findIndex((t) => t.startsWith('measuring'));
  for (const row of await table.locator('tbody tr').all()) {
    const seconds = Number(await row.locator('td').nth(measuringColumn).textContent());
    expect(seconds).toBeGreaterThanOrEqual(1.2);
    expect(seconds).toBeLessThan(5);
  }
  await expect(page.getByRole('img', { name: /^Run 1: .*measuring \d/ })).toBeVisible();
  // Where each run's baseline came from, under its baseline seconds, and the campaign's count.
  for (const i of [0, 1]) await expect(page.getByTestId(`baseline-source-${i}`)).toHaveText('measured here');
  await expect(page.getByTestId('baseline-summary')).toContainText('Baseline measured by 2 runs, reused by 0: each llem run measured its own');

  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByTestId('campaign-time').scrollIntoViewIfNeeded();
      await page.screenshot({ path: test.info().outputPath(`campaign-time-${width}x${height}-${scheme}.png`) });
    }
  }
  await page.close();
});
