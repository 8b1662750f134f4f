import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT } from '../helpers/serveProcess';
import { servedApp } from './servedApp';

/**
 * The Demo built for a projector (issue #17, point 3), with the shipped H100 sample and nothing else: loading it picks
 * a ready-made pair by itself, both panes fit the screen at 1280×720 and 1920×1080, light and dark, windowed and in
 * full screen, text grows with the screen, both power charts and the energy race share one time axis, and a side
 * whose replay is over reads 0 W, "finished". Screenshots: test-results/p3-demo-<state>-<size>-<theme>.png.
 */
const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' });
const SHOTS = path.join(REPO_ROOT, 'test-results');

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

interface Watch {
  problems: string[];
}

/** Console errors, page errors and any request that leaves the app's own origin (the Demo works offline). */
function watch(page: Page, origin: string): Watch {
  const w: Watch = { problems: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) w.problems.push(`network: ${url}`);
  });
  return w;
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const isDark = () => page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.map(Number);
    return r! + g! + b! < 300;
  });
  if ((await isDark()) !== (theme === 'dark')) await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect.poll(isDark).toBe(theme === 'dark');
}

/** No sideways scroll anywhere, and both panes, the race and the caveat inside the viewport (also its bottom in full screen). */
async function expectFits(page: Page, fullScreen: boolean): Promise<void> {
  const viewport = page.viewportSize()!;
  const scroll = await page.evaluate(() => {
    const stage = document.querySelector('[data-testid="demo-stage"]')!;
    const root = document.scrollingElement!;
    return { root: root.scrollWidth - root.clientWidth, stage: stage.scrollWidth - stage.clientWidth };
  });
  expect(scroll, 'no horizontal scroll').toEqual({ root: 0, stage: 0 });
  for (const id of ['demo-pane-a', 'demo-pane-b', 'demo-race', 'demo-caveat']) {
    const el = page.getByTestId(id);
    if (!fullScreen) await el.scrollIntoViewIfNeeded();
    const box = (await el.boundingBox())!;
    expect(box.x, `${id} starts inside the viewport`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${id} ends inside the viewport`).toBeLessThanOrEqual(viewport.width);
    expect(box.height, `${id} is not taller than the screen`).toBeLessThanOrEqual(viewport.height);
    if (fullScreen) {
      expect(box.y, `${id} is below the top`).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, `${id} is above the bottom of the full screen`).toBeLessThanOrEqual(viewport.height + 0.5);
    }
  }
  // No text cut off inside the panes: nothing wider than its box.
  const clipped = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="demo-stage"] p, [data-testid="demo-stage"] h2, [data-testid="demo-stage"] span')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
      .map((e) => e.textContent),
  );
  expect(clipped).toEqual([]);
}

/** Every chart's x-axis maximum, read from the echarts instances. */
async function xAxisMaxima(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    ['demo-a-line', 'demo-b-line', 'demo-race-chart'].map((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`) as HTMLElement & { echartsInstance: { getOption(): { xAxis: { max: number }[] } } };
      return el.echartsInstance.getOption().xAxis[0]!.max;
    }),
  );
}

async function gaugeOf(page: Page, side: 'a' | 'b'): Promise<{ value: number | null; formatter: string }> {
  return page.getByTestId(`demo-${side}-gauge`).evaluate((el) => {
    const s = (el as HTMLElement & { echartsInstance: { getOption(): { series: { data: { value: number }[]; detail: { formatter: string } }[] } } }).echartsInstance.getOption().series[0]!;
    return { value: s.data[0]?.value ?? null, formatter: s.detail.formatter };
  });
}

const fontPx = (page: Page, id: string) => page.getByTestId(id).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

for (const size of SIZES) {
  for (const theme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${theme}`;
    test(`projector stage at ${tag}: auto-picked pair, fits windowed and full screen, shared axis, finished side at 0 W`, async () => {
      test.setTimeout(120_000);
      const page = await app.open();
      const w = watch(page, new URL(app.serve.url).origin);
      await page.setViewportSize(size);
      await setTheme(page, theme);
      await page.getByRole('tab', { name: 'Demo' }).click();
      await expect(page.getByText('No recorded runs yet.')).toBeVisible();

      // Loading the sample picks the most telling pair by itself, named in words, never a path.
      await page.getByTestId('demo-sample-sets').getByRole('button', { name: /^Load H100/ }).click();
      await page.mouse.move(0, 0); // the button's tooltip would cover the stage
      await expect(page.getByTestId('demo-pair-title')).toContainText('Batching: 1 vs 32', { timeout: 15_000 });
      await expect(page.getByTestId('demo-title-a')).toHaveText('Batch size 1');
      await expect(page.getByTestId('demo-title-b')).toHaveText('Batch size 32');
      await expect(page.getByTestId('demo-headline')).toHaveText(/^Batch size 32 uses \d+\.\d× less energy per output token than batch size 1\.$/);
      // Only what tells this pair from the other "Batching: 1 vs 32" (fp16): never the ~25 settings every sample run shares.
      await expect(page.getByTestId('demo-pair-title')).toHaveText('Batching: 1 vs 32gpt2-shape-92m-random-weights · transformers · bf16');
      await expect(page.getByTestId('demo-label-a')).toHaveText(/^Replay of run \d+, recorded on .* on NVIDIA H100 80GB HBM3$/);
      await expect(page.getByTestId('demo-stage')).not.toContainText('/tmp/');
      await expect(page.getByTestId('demo-caveat')).toContainText('Measured: GPU energy only (NVML), on one NVIDIA H100 80GB HBM3, with the same prompt set on both sides.');
      await expect(page.getByTestId('demo-caveat')).toContainText('Batch size 32 (failed a quality check): at most 4,096 tokens were generated');
      await expect(page.getByTestId('demo-caveat')).toContainText('Sample runs (NVIDIA H100 80GB HBM3, 2026-11-26): Random weights');
      await expect(page.getByTestId('demo-pair').getByRole('combobox')).toHaveText(/Batching: 1 vs 32/);

      // One time axis: the longer run's length, the same on both power charts and the race.
      // Before play the race holds only its starting points (0 J at 0 s).
      await expect(page.getByTestId('demo-race-chart')).toHaveAttribute('data-point-count', '2');
      const axes = await xAxisMaxima(page);
      expect(new Set(axes).size, `x-axis maxima ${axes.join(', ')}`).toBe(1);
      expect(axes[0]).toBeGreaterThan(30);
      await expectFits(page, false);
      await page.screenshot({ path: path.join(SHOTS, `p3-demo-ready-${tag}.png`) });

      // Play from the keyboard; batch 32 (about 5 s) finishes first: its gauge reads 0 W, "finished".
      await page.getByTestId('demo-pair-title').click();
      await page.keyboard.press('Space');
      await expect(page.getByTestId('demo-pane-b')).toHaveAttribute('data-finished', 'true', { timeout: 15_000 });
      await expect(page.getByTestId('demo-pane-b')).toHaveAttribute('data-power-w', '0');
      await expect(page.getByTestId('demo-finished-b')).toHaveText('finished');
      expect(await gaugeOf(page, 'b')).toEqual({ value: 0, formatter: '0 W\nfinished' });
      expect((await gaugeOf(page, 'a')).value).toBeGreaterThan(0);
      await expect(page.getByTestId('demo-pane-a')).toHaveAttribute('data-finished', 'false');
      await expect(page.getByTestId('demo-race-chart')).toHaveAttribute('data-series', /"Batch size 1","count":[1-9]/);
      expect(new Set(await xAxisMaxima(page)).size).toBe(1);
      await expectFits(page, false);
      await page.screenshot({ path: path.join(SHOTS, `p3-demo-running-windowed-${tag}.png`) });

      // Full screen: the whole stage on one screen, text larger than the window's at 1920.
      const windowedTitlePx = await fontPx(page, 'demo-pair-title');
      await page.getByTestId('demo-pair-title').click();
      await page.keyboard.press('f');
      await expect.poll(() => page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') ?? null)).toBe('demo-stage');
      await page.waitForTimeout(300); // the charts redraw at the new size on their next frame
      await expectFits(page, true);
      expect(await fontPx(page, 'demo-pair-title')).toBeCloseTo(windowedTitlePx, 0);
      await page.screenshot({ path: path.join(SHOTS, `p3-demo-running-fullscreen-${tag}.png`) });
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Leave the demonstration?' }).getByRole('button', { name: 'Leave' }).click();
      await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();

      expect(w.problems).toEqual([]);
      await page.close();
    });
  }
}

test('text and chart labels grow with the screen: 1920 full screen is larger than 1280', async () => {
  test.setTimeout(90_000);
  const page = await app.open();
  const w = watch(page, new URL(app.serve.url).origin);
  await page.setViewportSize(SIZES[0]);
  await page.getByRole('tab', { name: 'Demo' }).click();
  await page.getByTestId('demo-sample-sets').getByRole('button', { name: /^Load H100/ }).click();
  await page.mouse.move(0, 0); // the button's tooltip would cover the stage
  await expect(page.getByTestId('demo-pair-title')).toContainText('Batching: 1 vs 32', { timeout: 15_000 });
  const measure = async () => ({
    title: await fontPx(page, 'demo-pair-title'),
    number: await fontPx(page, 'demo-energy-a'),
    chart: await page.getByTestId('demo-a-line').evaluate((el) => (el as HTMLElement & { echartsInstance: { getOption(): { xAxis: { axisLabel: { fontSize: number } }[] } } }).echartsInstance.getOption().xAxis[0]!.axisLabel.fontSize),
    gaugeHeight: (await page.getByTestId('demo-a-gauge').boundingBox())!.height,
  });
  const small = await measure();
  await page.setViewportSize(SIZES[1]);
  await page.getByTestId('demo-pair-title').click();
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  await expect.poll(async () => (await measure()).chart).toBeGreaterThan(small.chart);
  const large = await measure();
  expect(large.title).toBeGreaterThan(small.title * 1.3);
  expect(large.number).toBeGreaterThan(small.number * 1.3);
  expect(large.gaugeHeight).toBeGreaterThan(small.gaugeHeight * 1.3);
  expect(w.problems).toEqual([]);
  await page.close();
});
