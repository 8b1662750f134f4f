import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CLI, REPO_ROOT } from '../helpers/serveProcess';
import { servedApp } from './servedApp';

/**
 * Numbers people can trust (issue 16), with the shipped H100 sample loaded: the Results headline and the Demo pair
 * show the factor from bounded token counts with the caveat next to it, and "Explain this number" opens from a
 * table cell, a chart point and a Demo counter, showing the sha256 of the right result file.
 */

const SAMPLE_RUNS = path.join(REPO_ROOT, 'resources', 'sample-runs', 'h100-gpt2-random-weights', 'runs');
const CAVEAT = 'at most 4,096 tokens were generated; llem reported 6,686';

interface Row { id: number; precision: string; batch_size: number; avg_energy_per_token_j: number }

let rows: Row[] = [];
const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' }, (serve) => {
  execFileSync(process.execPath, [CLI, 'import', SAMPLE_RUNS, '--data-dir', serve.dataDir], { encoding: 'utf8' });
  rows = JSON.parse(execFileSync(process.execPath, [CLI, 'results', '--json', '--data-dir', serve.dataDir], { encoding: 'utf8' })) as Row[];
});

function run(precision: string, batch: number): Row {
  const r = rows.find((x) => x.precision === precision && x.batch_size === batch);
  if (!r) throw new Error(`no ${precision} batch ${batch} result in ${JSON.stringify(rows)}`);
  return r;
}

/** The sha256 of a sample run's result.json, read from the file itself (the run found by its config.json). */
function fileSha(precision: string, batch: number): string {
  for (const folder of readdirSync(SAMPLE_RUNS)) {
    const config = readFileSync(path.join(SAMPLE_RUNS, folder, 'config.json'), 'utf8');
    if (new RegExp(`"dtype":\\s*"${precision}"`).test(config) && new RegExp(`"batch_size":\\s*${batch}\\b`).test(config)) {
      return createHash('sha256').update(readFileSync(path.join(SAMPLE_RUNS, folder, 'result.json'))).digest('hex');
    }
  }
  throw new Error(`no sample run ${precision} batch ${batch}`);
}

const factorText = (x: number) => (x >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(1));

/** One screenshot at 1280×720; with LLEM_E2E_SCREENSHOTS=1 also 1920×1080, each light and dark (for reviewing the UI). */
async function shoot(page: Page, name: string): Promise<void> {
  const all = process.env.LLEM_E2E_SCREENSHOTS === '1';
  for (const [w, h] of all ? ([[1280, 720], [1920, 1080]] as const) : ([[1280, 720]] as const)) {
    for (const scheme of all ? (['light', 'dark'] as const) : (['light'] as const)) {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: test.info().outputPath(`${name}-${w}x${h}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('Results headline: the bounded factor with its caveat; explain from a table cell and a chart point', async () => {
  test.setTimeout(120_000);
  const expected = run('bfloat16', 1).avg_energy_per_token_j / run('bfloat16', 32).avg_energy_per_token_j;
  expect(Math.abs(expected / 13.5 - 1)).toBeLessThan(0.01);
  const page = await app.open();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('tab', { name: 'Results' }).click();
  await expect(page.getByTestId('headline-text')).toHaveText(`batch size 32 uses ${factorText(expected)}× less energy per output token than batch size 1`);
  await expect(page.getByTestId('headline-caveats')).toContainText(CAVEAT);
  await expect(page.getByTestId('headline-grade-better')).toHaveText('grade C');
  await page.getByTestId('headline-raw-toggle').click();
  await expect(page.getByTestId('headline-raw')).toContainText('22.1×');
  await page.getByTestId('headline').scrollIntoViewIfNeeded();
  await shoot(page, 'results-headline');

  // A table cell: the bfloat16 batch-32 row's energy per token.
  const b32 = run('bfloat16', 32);
  const row = page.locator(`[data-testid="result-row"][data-result-id="${b32.id}"]`);
  await expect(row.getByTestId('row-caveats')).toContainText(CAVEAT);
  await row.scrollIntoViewIfNeeded();
  await shoot(page, 'results-table');
  await row.locator('[data-col="avg_energy_per_token_j"]').getByTestId('explain-cell').click();
  const dialog = page.getByTestId('explain-dialog');
  await expect(dialog.getByTestId('explain-sha256')).toHaveText(`sha256 ${fileSha('bfloat16', 32)}`);
  await expect(dialog.getByTestId('explain-caveats')).toContainText(CAVEAT);
  await expect(dialog.getByTestId('explain-grade')).toHaveText('C');
  await expect(dialog.getByTestId('explain-checks')).toContainText('Token counts possible');
  await expect(dialog.getByTestId('explain-timeline')).toHaveAttribute('data-point-count', /^[1-9]\d*$/);
  await shoot(page, 'explain-cell');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // A chart point: the Pareto chart's point of float16 batch 1, clicked where echarts drew it.
  const target = run('float16', 1);
  const chart = page.getByTestId('pareto');
  await chart.scrollIntoViewIfNeeded();
  await expect(chart).toHaveAttribute('data-point-count', /^[1-9]\d*$/);
  const pixel = await chart.evaluate((el, id) => {
    const chartInstance = (el as HTMLElement & { echartsInstance?: { getOption(): { series: { id: string; data: { value: number[]; config?: { resultIds: number[] } }[] }[] }; convertToPixel(finder: object, value: number[]): number[] } }).echartsInstance!;
    for (const s of chartInstance.getOption().series) {
      const point = s.data.find((d) => d.config?.resultIds.includes(id));
      if (point) return chartInstance.convertToPixel({ seriesId: s.id }, point.value);
    }
    return null;
  }, target.id);
  expect(pixel, 'the point is drawn').not.toBeNull();
  const box = (await chart.boundingBox())!;
  await page.mouse.click(box.x + pixel![0]!, box.y + pixel![1]!);
  await expect(dialog.getByTestId('explain-sha256')).toHaveText(`sha256 ${fileSha('float16', 1)}`);
  await expect(dialog.getByTestId('explain-grade')).toHaveText('A');
  await shoot(page, 'explain-chart');
});

test('Demo pair: the bounded factor with the caveat; explain from a counter', async () => {
  test.setTimeout(120_000);
  const left = run('bfloat16', 1);
  const right = run('bfloat16', 32);
  const expected = left.avg_energy_per_token_j / right.avg_energy_per_token_j;
  const page = await app.open();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('tab', { name: 'Demo' }).click();
  await page.getByRole('combobox', { name: 'Left' }).click();
  await page.getByRole('option', { name: /bf16 · batch 1 —/ }).click();
  await page.getByRole('combobox', { name: 'Right' }).click();
  await page.getByRole('option', { name: /bf16 · batch 32 —/ }).click();
  // Either the ready-made pair the page picked (these two differ in batch size only) or the two runs as chosen.
  await expect(page.getByTestId('demo-headline')).toHaveText(
    new RegExp(`^(Batch size 32 uses ${expected.toFixed(1)}× less energy per output token than batch size 1|The right-hand configuration uses ${expected.toFixed(1)}× less energy per token than the left)\\.$`),
  );
  // The failing side is named by its title on the stage; its caveat is on the caveat line under the charts.
  await expect(page.getByTestId('demo-headline-caveats')).toContainText(/(bf16 · batch 32|Batch size 32) failed a quality check/);
  await expect(page.getByTestId('demo-caveat')).toContainText(/(bf16 · batch 32|Batch size 32) \(failed a quality check\): /);
  await expect(page.getByTestId('demo-caveat')).toContainText(CAVEAT);
  await expect(page.getByTestId('demo-tokens-b-caveat')).toHaveText(CAVEAT);
  await expect(page.getByTestId('demo-grade-b')).toHaveText('quality C');
  await shoot(page, 'demo-pair');

  await page.getByTestId('demo-jpt-b-explain').click();
  const dialog = page.getByTestId('explain-dialog');
  await expect(dialog.getByTestId('explain-sha256')).toHaveText(`sha256 ${fileSha('bfloat16', 32)}`);
  await expect(dialog.getByTestId('explain-llem-value')).toContainText('0.0825 J/token');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('demo-energy-a-explain').click();
  await expect(dialog.getByTestId('explain-sha256')).toHaveText(`sha256 ${fileSha('bfloat16', 1)}`);
  await shoot(page, 'explain-demo');
});
