import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * Issue #17, point 8 (everyday features), through browser mode with the fake llem and replayed telemetry: a queue of
 * campaigns, campaign totals with CO₂e from a grid intensity set in Settings, a notice (and a system notification)
 * when a campaign ends, and opening a finished campaign in Design without a silent "(copy)". Screenshots:
 * test-results/e2e/<test>/p8-<feature>-<width>-<theme>.png.
 */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');
const app = servedApp({ LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '60' });

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const THEMES = ['light', 'dark'] as const;

const study = (name: string, model: string, precisions: string[]) =>
  `name: "${name}"\nmodel: "${model}"\nn: 10\nsweep:\n  precision: [${precisions.map((p) => `"${p}"`).join(', ')}]\nexecution:\n  n_cycles: 1\n  cycle_order: "sequential"\n`;

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The theme toggle, not a reload: a notice on screen stays there while the screenshots are taken. */
async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const dark = 'rgb(18, 18, 18)';
  const isDark = (await page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor)) === dark;
  if (isDark !== (theme === 'dark')) {
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await page.mouse.move(2, 2); // no tooltip (theme toggle, chart) over the screenshots
  }
  await expect(page.locator('body')).toHaveCSS('background-color', theme === 'dark' ? dark : 'rgb(255, 255, 255)');
}

/** At both sizes, light and dark: no sideways scroll, and a screenshot named p8-<feature>-<width>-<theme>. */
async function everySizeAndTheme(page: Page, feature: string): Promise<void> {
  for (const theme of THEMES) {
    await useTheme(page, theme);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      // Charts follow a size change on their next frame (ResizeObserver): measure once the layout has settled.
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await expect.poll(overflow, { message: `${feature} at ${size.width}, ${theme}: the page scrolls sideways`, timeout: 3_000 }).toBeLessThanOrEqual(0);
      await page.screenshot({ path: test.info().outputPath(`p8-${feature}-${size.width}-${theme}.png`), fullPage: size.width === 1920 });
    }
  }
  await page.setViewportSize(SIZES[0]);
}

async function runFromDesign(page: Page, yaml: string, runs: string): Promise<void> {
  await designStudy(page, yaml);
  await expect(page.getByTestId('plan-run-count')).toHaveText(runs);
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByTestId('run-campaign').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
}

test('point 8: a queue of campaigns, totals with CO₂e, a notice when a campaign ends, and a finished campaign opened without a copy', async () => {
  test.setTimeout(480_000);
  const page = await app.browser.newPage();
  // A browser that has granted notifications, recording what the app shows (headless Chromium shows none).
  await page.addInitScript(() => {
    const shown: { title: string; body?: string }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class RecordingNotification {
      static permission = 'granted';
      static requestPermission = () => Promise.resolve('granted');
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
  });
  const errors = watchErrors(page);
  await page.setViewportSize(SIZES[0]);
  await page.goto(app.serve.url);
  await expect(page.getByRole('combobox', { name: 'llem version' })).toContainText('installed', { timeout: 30_000 });

  // Settings: no CO₂e until a grid intensity with its source is entered; a missing source is named.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('settings-grid-intensity').fill('350');
  await page.getByTestId('settings-grid-save').click();
  await expect(page.getByText('say where the figure comes from')).toBeVisible();
  await page.getByTestId('settings-grid-source').fill('Ember 2024, Germany annual average');
  await page.getByTestId('settings-grid-save').click();
  await expect(page.getByTestId('settings-grid-saved')).toBeVisible();
  await expect(page.getByTestId('notifications-state')).toContainText('Allowed');
  await page.getByRole('heading', { name: 'Energy and CO₂e' }).scrollIntoViewIfNeeded();
  await everySizeAndTheme(page, 'settings-grid-intensity');

  // Queue: a campaign holds the GPU (its run waits until cancelled); two more started meanwhile wait their turn.
  await runFromDesign(page, study('p8-holder', 'fake/hang', ['fp16']), '1');
  await expect(page.getByTestId('campaign-status')).toHaveText('running', { timeout: 20_000 });
  await runFromDesign(page, study('p8-second', 'fake/ok', ['fp16', 'bf16']), '2');
  await expect(page.getByTestId('campaign-status')).toHaveText('queued · number 1');
  await expect(page.getByTestId('queue-waiting-for')).toContainText('“p8-holder” running here');
  await runFromDesign(page, study('p8-third', 'fake/ok', ['fp32']), '1');
  await expect(page.getByTestId('campaign-status')).toHaveText('queued · number 2');
  await expect(page.getByTestId('queue-entry')).toHaveText([/^1\. p8-second/, /^2\. p8-third/]);
  await page.getByRole('button', { name: 'Move p8-third earlier' }).click();
  await expect(page.getByTestId('queue-entry')).toHaveText([/^1\. p8-third/, /^2\. p8-second/]);
  await expect(page.getByTestId('campaign-status')).toHaveText('queued · number 1');
  await page.getByRole('button', { name: 'Remove p8-third from the queue' }).click();
  await expect(page.getByTestId('queue-entry')).toHaveText([/^1\. p8-second/]);
  await page.getByTestId('queue-entry').getByText('p8-second').click();
  await expect(page.getByTestId('campaign-queued-text')).toContainText('number 1 in the queue, after “p8-holder” running here');
  await everySizeAndTheme(page, 'queue');

  // The holder is cancelled: the GPU is free, so the queued campaign starts by itself and runs to the end.
  await page.getByTestId('runs-queue').getByText('p8-holder').click();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByTestId('runs-queue').getByText('p8-second').click();
  await expect(page.getByTestId('campaign-status')).toHaveText(/running|completed/, { timeout: 30_000 });
  await expect(page.getByTestId('queue-panel')).toHaveCount(0);
  // Watched from another page: the notice comes wherever the user is.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('campaign-end-notice')).toContainText('“p8-second” finished', { timeout: 60_000 });
  await expect(page.getByTestId('campaign-end-notice')).toContainText('2 of 2 runs succeeded.');
  const shown = await page.evaluate(() => (window as unknown as { shownNotifications: { title: string; body?: string }[] }).shownNotifications);
  expect(shown).toEqual([
    { title: '“p8-holder” was cancelled', body: '0 of 1 runs succeeded, 1 cancelled.' },
    { title: '“p8-second” finished', body: '2 of 2 runs succeeded.' },
  ]);
  await everySizeAndTheme(page, 'notification');

  // Totals: duration, GPU energy and CO₂e at the intensity entered, with its source, each with its unit.
  await page.getByTestId('campaign-end-notice').getByRole('link', { name: 'Open' }).click();
  await expect(page.getByTestId('campaign-progress-text')).toContainText('2 of 2 runs finished');
  await expect(page.getByTestId('campaign-total-duration')).toHaveText(/^Took \d+ (s|min)$/);
  await expect(page.getByTestId('campaign-total-energy')).toContainText(/GPU energy [\d.]+ (J|Wh|kWh) \(GPU 0, measured windows of 2 succeeded runs\)/);
  await expect(page.getByTestId('campaign-total-co2e')).toHaveText(/^≈ [\d.]+ (g|kg) CO₂e at 350 gCO₂e\/kWh \(Ember 2024, Germany annual average\), GPU energy only$/);
  await everySizeAndTheme(page, 'totals-co2e');

  // Design → Open campaign → the finished one: looked at, not copied; "Save as new campaign" asks for the name.
  await page.getByRole('tab', { name: 'Design' }).click();
  await page.getByRole('button', { name: 'New' }).click();
  await page.getByRole('combobox', { name: 'Open campaign' }).click();
  await page.getByRole('option', { name: /p8-second/ }).click();
  await expect(page.getByTestId('ran-campaign-banner')).toContainText('“p8-second” has run');
  await expect(page.getByTestId('save-status')).toHaveText('Not saved: this campaign has run');
  await expect(page.getByRole('textbox', { name: 'Campaign name' })).toHaveValue('p8-second');
  await everySizeAndTheme(page, 'open-finished');
  await page.waitForTimeout(1500); // longer than the autosave pause: nothing may be saved meanwhile
  await page.getByRole('combobox', { name: 'Open campaign' }).click();
  const names = await page.getByRole('option').allTextContents();
  await page.keyboard.press('Escape');
  expect(names.filter((n) => n.includes('p8-second'))).toHaveLength(1);
  expect(names.some((n) => n.includes('(copy)'))).toBe(false);

  await page.getByTestId('ran-save-as-new').click();
  await expect(page.getByTestId('ran-new-name')).toHaveValue('p8-second (2)');
  // (The modal covers the theme toggle: the dialog is shown in the theme the page is in, at both sizes.)
  const theme = (await page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor)) === 'rgb(18, 18, 18)' ? 'dark' : 'light';
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: test.info().outputPath(`p8-save-as-new-dialog-${size.width}-${theme}.png`) });
  }
  await page.getByTestId('ran-confirm').click();
  await expect(page.getByTestId('ran-campaign-banner')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Campaign name' })).toHaveValue('p8-second (2)');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByRole('combobox', { name: 'Open campaign' }).click();
  await expect(page.getByRole('option', { name: /p8-second \(2\)/ })).toHaveCount(1);
  await page.keyboard.press('Escape');

  expect(errors).toEqual([]);
  await page.close();
});
