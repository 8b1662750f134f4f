import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * Issue #17, "a GUI its users can work in": labels that tell runs apart (point 1), a detail drawer for every run,
 * failed ones included (point 4), no stale or contradictory state and an llem chooser (point 6), and a layout that
 * uses the screen, in light and dark, at 1280×720 and 1920×1080 (point 7). Screenshots are named after the point
 * they show: test-results/e2e/<test>/p<point>-<what>-<width>-<theme>.png.
 */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const THEMES = ['light', 'dark'] as const;

/** Console errors and uncaught exceptions of a page, collected from the start. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => localStorage.setItem('llem-studio.theme', t), theme);
  await page.reload();
  await expect(page.locator('body')).toHaveCSS('background-color', theme === 'dark' ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)');
}

/** Neither the page nor any element in it scrolls sideways (a wide table must wrap or fit, not push the page). */
async function expectNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const doc = document.documentElement;
    return { page: doc.scrollWidth - doc.clientWidth };
  });
  expect(overflow.page, `${where}: the page scrolls sideways by ${overflow.page} px`).toBeLessThanOrEqual(0);
}

/** Waits until the Design page knows the installed llem (designing before that uses the page's assumed profile). */
async function llemDetected(page: Page): Promise<void> {
  await expect(page.getByRole('combobox', { name: 'llem version' })).toContainText('installed', { timeout: 30_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test.describe('with the fake llem (contract HEAD) and replayed telemetry', () => {
  const app = servedApp({ LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '30' });

  test('point 1: plan, skipped list and runs table name what tells each configuration apart', async () => {
    test.setTimeout(120_000);
    const page = await app.open();
    const errors = watchErrors(page);
    await page.setViewportSize(SIZES[0]);
    await llemDetected(page);
    await designStudy(
      page,
      [
        'name: "labels"',
        'model: "fake/ok"',
        'n: 10',
        'sweep:',
        '  pytorch.batch_size: [0, 1, 8]',
        '  precision: ["fp16", "bf16"]',
        'experiments:',
        '  - precision: "bf16"',
        '    pytorch:',
        '      load_in_8bit: true',
        '  - precision: "bf16"',
        '    pytorch:',
        '      load_in_4bit: true',
        'execution:',
        '  n_cycles: 1',
        '  cycle_order: "sequential"',
        '',
      ].join('\n'),
    );
    await expect(page.getByTestId('plan-config-count')).toHaveText('6');
    const labels = await page.getByTestId('plan-config-label').allInnerTexts();
    expect(new Set(labels).size, `labels repeat: ${labels.join(' | ')}`).toBe(labels.length);
    expect(labels).toContain('batch_size=1 · precision=fp16');
    expect(labels.some((l) => l.includes('8-bit'))).toBe(true);
    expect(labels.some((l) => l.includes('4-bit'))).toBe(true);
    // The skipped items lead with the value that got them rejected.
    const skipped = await page.getByTestId('plan-skipped-label').allInnerTexts();
    expect(skipped).toEqual(['batch_size=0 · precision=fp16', 'batch_size=0 · precision=bf16']);
    await page.getByTestId('plan-skipped').scrollIntoViewIfNeeded();
    await shot(page, 'p1-plan-labels-1280-light');

    await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
    await page.getByTestId('run-campaign').click();
    await expect(page.getByTestId('campaign-progress-text')).toContainText('6 of 6 runs finished', { timeout: 60_000 });
    const runLabels = await page.getByTestId('run-label').allInnerTexts();
    expect(new Set(runLabels).size).toBe(6);
    await shot(page, 'p1-runs-table-labels-1280-light');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('point 5: the form shows what the YAML holds, sweep values count as typed, and Add dimension never breaks the plan', async () => {
    test.setTimeout(90_000);
    const page = await app.open();
    const errors = watchErrors(page);
    await page.setViewportSize(SIZES[0]);
    await llemDetected(page);
    await page.getByTestId('template-batch-size').click();
    // The template's `n: 100` is in the form, and editing it changes that key (no second `"n"`).
    const n = page.getByLabel('n', { exact: true });
    await expect(n).toHaveValue('100');
    await n.fill('50');
    await expect(page.getByTestId('study-yaml')).toContainText('n: 50');
    expect(((await page.getByTestId('study-yaml').innerText()).match(/^"?n"?:/gm) ?? []).length).toBe(1);

    await page.getByRole('tab', { name: 'Sweep' }).click();
    await expect(page.getByTestId('plan-config-count')).toHaveText('4');
    // A new dimension is not in the plan until it has a field and values.
    await page.getByRole('button', { name: 'Add dimension' }).click();
    await expect(page.getByTestId('sweep-dimension-pending')).toBeVisible();
    await expect(page.getByTestId('plan-error')).toHaveCount(0);
    await expect(page.getByTestId('plan-config-count')).toHaveText('4');
    const added = page.getByTestId('sweep-dimension').nth(1);
    const field = added.getByLabel('field');
    await field.fill('precision');
    await field.blur();
    // Values count while typed, before the box loses focus.
    await added.getByRole('textbox', { name: /values of/ }).pressSequentially('fp16, bf16');
    await expect(page.getByTestId('plan-config-count')).toHaveText('8');
    await expect(added.getByRole('textbox', { name: /values of/ })).toBeFocused();
    await shot(page, 'p5-sweep-live-values-1280-light');

    // The YAML tab is a code editor: each problem is listed by line and marked on that line.
    await page.getByRole('tab', { name: 'YAML' }).click();
    await page.getByRole('textbox', { name: 'Study YAML' }).fill('model: "gpt2"\nn: 10\nprecision: "fp12"\npytorch:\n  batch_size: 0\n');
    const problems = page.getByTestId('plan-problems');
    await expect(problems).toContainText('line 3 · precision');
    await expect(problems).toContainText('line 5 · pytorch.batch_size');
    await expect(page.getByTestId('yaml-editor').locator('.cm-lintRange-error')).toHaveCount(2);
    for (const theme of THEMES) {
      if (theme === 'dark') await setTheme(page, 'dark');
      await page.getByRole('tab', { name: 'YAML' }).click();
      await expect(page.getByTestId('yaml-editor').locator('.cm-lintRange-error')).toHaveCount(2);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await expectNoHorizontalScroll(page, `YAML editor at ${size.width}, ${theme}`);
        await shot(page, `p5-yaml-errors-on-lines-${size.width}-${theme}`);
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('points 4, 6 and 7: a failed run opens in full, retries, and the finished campaign sums itself up; every view at both sizes, light and dark', async () => {
    test.setTimeout(300_000);
    const page = await app.open();
    const errors = watchErrors(page);
    await page.setViewportSize(SIZES[0]);
    await llemDetected(page);
    await designStudy(
      page,
      ['name: "fails-once"', 'model: "fake/ok"', 'n: 10', 'sweep:', '  precision: ["fp16", "bf16"]', 'experiments:', '  - model: "fake/oom"', 'execution:', '  n_cycles: 1', '  cycle_order: "sequential"', ''].join('\n'),
    );
    await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
    await page.getByTestId('run-campaign').click();
    // Point 6: the queue counts every finished run (failed ones too) and stops saying "running here" at the end.
    await expect(page.getByTestId('campaign-progress-text')).toContainText('3 of 3 runs finished', { timeout: 60_000 });
    await expect(page.getByTestId('runs-queue')).toContainText('3 of 3 finished · 1 failed · completed');
    await expect(page.getByTestId('runs-queue')).not.toContainText('running here');
    const totals = page.getByTestId('campaign-totals');
    await expect(totals).toContainText(/Took \d/);
    await expect(totals).toContainText(/GPU energy [\d.]+ (J|kJ|Wh)/);
    await expect(page.getByTestId('campaign-open-results')).toBeVisible();

    // Point 4: the failed row opens a drawer with the reason, llem's output and the experiment file.
    const failedRow = page.getByTestId('run-row').filter({ hasText: 'failed' });
    await failedRow.click();
    const drawer = page.getByTestId('run-detail');
    await expect(drawer.getByTestId('run-detail-status')).toHaveText('failed');
    await expect(drawer.getByTestId('run-detail-reason')).toContainText('the GPU ran out of memory');
    await expect(drawer.getByTestId('run-detail-diff')).toContainText('fake/oom');
    await expect(page).toHaveURL(/\?run=\d+$/);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await shot(page, `p4-failed-run-drawer-${size.width}-light`);
    }
    await drawer.getByRole('tab', { name: 'llem stdout' }).click();
    // llem logs to stderr; stdout is shown (read without error) even when it is empty.
    await expect(drawer.getByTestId('run-detail-stdout')).toBeVisible();
    await drawer.getByRole('tab', { name: 'llem stderr' }).click();
    await expect(drawer.getByTestId('run-detail-stderr')).toContainText(/out of memory|OutOfMemory/i);
    await shot(page, 'p4-failed-run-stderr-1920-light');
    await drawer.getByRole('tab', { name: 'Experiment file' }).click();
    await expect(drawer.getByTestId('run-detail-experiment')).toContainText('fake/oom');

    // Retry failed runs: the failed run runs again (a second attempt) and fails again the same way.
    await drawer.getByTestId('run-detail-retry').click();
    await expect(drawer.getByText(/attempt 2/)).toBeVisible({ timeout: 60_000 });
    await expect(drawer.getByTestId('run-detail-status')).toHaveText('failed', { timeout: 60_000 });
    await page.keyboard.press('Escape');

    // A succeeded run: versions, its power with phases shaded, result.json, and the way to its results.
    await page.getByTestId('run-row').filter({ hasText: 'succeeded' }).first().click();
    await expect(drawer.getByTestId('run-detail-status')).toHaveText('succeeded');
    await expect(drawer.getByTestId('run-detail-versions')).toContainText('driver 550.00');
    await expect.poll(async () => Number(await drawer.getByTestId('run-detail-power').getAttribute('data-point-count')), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect(drawer.getByTestId('run-detail-open-results')).toBeVisible();
    for (const theme of THEMES) {
      if (theme === 'dark') await setTheme(page, 'dark');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await expect(drawer.getByTestId('run-detail-status')).toHaveText('succeeded');
        await shot(page, `p4-succeeded-run-drawer-power-${size.width}-${theme}`);
      }
    }
    await drawer.getByRole('tab', { name: 'result.json' }).click();
    await expect(drawer.getByTestId('run-detail-result')).toContainText('measurement_config_hash');
    await page.keyboard.press('Escape');
    await expect(drawer).toHaveCount(0);

    // Point 7: every page at both sizes, light and dark, without sideways scrolling; the theme survives a reload.
    for (const theme of THEMES) {
      await setTheme(page, theme);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        for (const name of ['Design', 'Runs', 'Results', 'Demo', 'Settings'] as const) {
          await page.getByRole('tab', { name, exact: true }).click();
          await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
          if (name === 'Runs') {
            await page.getByTestId('runs-queue').getByRole('button').first().click();
            await expect(page.getByTestId('runs-table')).toBeVisible();
          }
          if (name === 'Settings') await expect(page.getByTestId('doctor-findings')).toBeVisible({ timeout: 20_000 });
          await page.waitForTimeout(300); // charts lay out on the next frames
          await expectNoHorizontalScroll(page, `${name} at ${size.width}, ${theme}`);
          await shot(page, `p7-${name.toLowerCase()}-${size.width}-${theme}`);
        }
      }
    }
    // No width cap at 1920: the page content uses the screen.
    await page.setViewportSize(SIZES[1]);
    await page.getByRole('tab', { name: 'Runs', exact: true }).click();
    const contentWidth = await page.locator('#page-content').evaluate((el) => el.getBoundingClientRect().width);
    expect(contentWidth).toBeGreaterThan(1800);
    // Favicon served in browser mode.
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const response = await page.request.get(new URL(icon!, page.url()).toString());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('image/png');
    expect(errors).toEqual([]);
    await page.close();
  });
});

test.describe('with no llem installed', () => {
  const app = servedApp({ LLEM_STUDIO_LLEM: '', PATH: '/usr/bin:/bin' });

  test('point 6: the designer writes for the PyPI release, says how to install it, and Run waits for an llem chosen in Settings', async () => {
    test.setTimeout(120_000);
    const page = await app.open();
    const errors = watchErrors(page);
    for (const theme of THEMES) {
      await setTheme(page, theme);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.getByRole('tab', { name: 'Design' }).click();
        // Until app.info answers, the page assumes HEAD; the blank study follows the profile it then reports.
        await expect(page.getByTestId('template-precision-quantization')).toContainText('Precision');
        await expect(page.getByText('float32, float16 and bfloat16 weights on one model.')).toBeVisible();
        await page.getByTestId('template-blank').click();
        await expect(page.getByTestId('no-llem-notice')).toContainText('pip install llenergymeasure');
        await expect(page.getByRole('combobox', { name: 'llem version' })).toContainText('llenergymeasure 0.7.0 (PyPI)');
        await expect(page.getByTestId('plan-run-count')).toHaveText('6'); // two dtypes × llem 0.7.0's default 3 cycles
        await expect(page.getByTestId('run-campaign')).toBeDisabled();
        await expectNoHorizontalScroll(page, `Design without llem at ${size.width}, ${theme}`);
        await shot(page, `p6-design-no-llem-${size.width}-${theme}`);
        await page.getByRole('button', { name: 'New' }).click();
      }
    }

    // Settings: a path that is not an executable is refused on its field; a real one makes llem found.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByTestId('llem-status')).toContainText('not found');
    await page.getByTestId('settings-llem-path').fill('/nonexistent/llem');
    await page.getByTestId('settings-llem-save').click();
    await expect(page.getByText('/nonexistent/llem is not an executable file.')).toBeVisible();
    await page.getByTestId('settings-llem-path').fill(FAKE_LLEM);
    await page.getByTestId('settings-llem-save').click();
    await expect(page.getByTestId('llem-status')).toContainText('found', { timeout: 20_000 });
    await expect(page.getByTestId('llem-status')).not.toContainText('not found');
    await expect(page.getByTestId('doctor-findings')).toContainText('llem sees Fake GPU', { timeout: 30_000 });
    await shot(page, 'p6-settings-llem-chosen-1920-dark');
    expect(errors).toEqual([]);
    await page.close();
  });
});

test.describe('with llem 0.7.0 (the PyPI release)', () => {
  const app = servedApp({ LLEM_STUDIO_LLEM: FAKE_LLEM, FAKE_LLEM_VERSION: '0.7.0' });

  test('point 6: Settings asks llem 0.7.0 its own `llem doctor`, not `llem config`', async () => {
    test.setTimeout(90_000);
    const page = await app.open();
    const errors = watchErrors(page);
    await page.setViewportSize(SIZES[0]);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const findings = page.getByTestId('doctor-findings');
    await expect(findings).toContainText('llem · GPU / driver: GPU 0: Fake GPU', { timeout: 30_000 });
    await expect(findings).toContainText('"pypi-0.7.0" schema');
    await expect(findings).not.toContainText('llem config');
    await expect(findings).not.toContainText('exited with');
    await expectNoHorizontalScroll(page, 'Settings with llem 0.7.0');
    await shot(page, 'p6-settings-doctor-pypi070-1280-light');
    expect(errors).toEqual([]);
    await page.close();
  });
});
