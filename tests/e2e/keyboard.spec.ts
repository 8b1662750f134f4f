import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * Keyboard only: every page and its main actions are reached with Tab / Shift+Tab / arrows / Enter / Space /
 * Escape, never the mouse. Each stop the Tab key makes must show where the focus is; dialogs keep the focus
 * inside while open, close on Escape and give it back to what opened them.
 * (@axe-core/playwright is not installed here, so there is no automated WCAG rule scan in this suite.)
 */

const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');
const app = servedApp({ LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '20' });

const STUDY = 'name: "kbd"\nmodel: "fake/ok"\nn: 10\nsweep:\n  precision: ["fp16", "bf16"]\nexecution:\n  n_cycles: 1\n  cycle_order: "sequential"\n';

interface FocusInfo {
  tag: string;
  role: string | null;
  text: string;
  /** A focus indicator is drawn: an outline, or the focused outlined-input border of MUI text fields and selects. */
  visible: boolean;
  inDialog: boolean;
}

async function focusInfo(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', role: null, text: '', visible: false, inDialog: false };
    const style = getComputedStyle(el);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
    const field = el.closest('.MuiInputBase-root.Mui-focused');
    const border = field ? getComputedStyle(field.querySelector('fieldset') ?? field).borderTopWidth : '0px';
    return {
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role'),
      text: (el.getAttribute('aria-label') ?? el.innerText ?? '').slice(0, 60),
      visible: outlined || parseFloat(border) >= 2,
      inDialog: !!el.closest('[role="dialog"]'),
    };
  });
}

/** Presses Tab (or Shift+Tab) until `target` has the focus, checking that every stop on the way shows it. */
async function tabTo(page: Page, target: Locator, { back = false, max = 60 } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focusInfo(page);
    if (f.tag !== 'body') expect(f.visible, `focus on <${f.tag} role=${f.role}> "${f.text}" is not visible`).toBe(true);
  }
  throw new Error(`${target} was not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

/** From anywhere on the page: back to the main navigation, then arrow keys to `name` and Enter. */
async function goTo(page: Page, name: string): Promise<void> {
  const nav = page.getByRole('tablist', { name: 'Main navigation' });
  await tabTo(page, nav.getByRole('tab', { selected: true }), { back: true });
  for (let i = 0; i < 5; i++) {
    if (await nav.getByRole('tab', { name }).evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press('ArrowRight');
  }
  await expect(nav.getByRole('tab', { name })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** Tab `presses` times inside an open dialog: the focus must never leave it. */
async function expectFocusTrapped(page: Page, presses = 25, back = false): Promise<void> {
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focusInfo(page);
    expect(f.inDialog, `focus left the dialog after ${i + 1} ${back ? 'Shift+Tab' : 'Tab'}: <${f.tag}> "${f.text}"`).toBe(true);
  }
}

test('every page and its main actions with the keyboard alone', async () => {
  test.setTimeout(180_000);
  const page = await app.open();
  await page.setViewportSize({ width: 1400, height: 1000 });

  // ---- The navigation: Tab reaches it first, arrows move between pages, Enter opens one.
  await page.keyboard.press('Tab');
  const nav = page.getByRole('tablist', { name: 'Main navigation' });
  await expect(nav.getByRole('tab', { name: 'Design' })).toBeFocused();
  expect((await focusInfo(page)).visible).toBe(true);
  for (const name of ['Runs', 'Results', 'Demo', 'Settings']) {
    await page.keyboard.press('ArrowRight');
    await expect(nav.getByRole('tab', { name })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(nav.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  }
  await page.keyboard.press('ArrowRight'); // wraps round to Design
  await expect(nav.getByRole('tab', { name: 'Design' })).toBeFocused();
  await page.keyboard.press('Enter');

  // ---- Theme: the toggle is the next stop after the navigation.
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Toggle theme' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(background).not.toBe(light);
  await page.keyboard.press('Space');
  await expect.poll(background).toBe(light);

  // ---- Results before anything ran: the export dialog's empty state, Escape, focus back on the button.
  await goTo(page, 'Results');
  const exportButton = page.getByTestId('export-button');
  await tabTo(page, exportButton);
  await page.keyboard.press('Enter');
  const exportDialog = page.getByRole('dialog', { name: 'Export results' });
  await expect(exportDialog.getByTestId('export-empty')).toContainText('Nothing to export yet');
  await expectFocusTrapped(page, 4);
  await page.keyboard.press('Escape');
  await expect(exportDialog).toHaveCount(0);
  await expect(exportButton).toBeFocused();

  // ---- Design: a template card by Tab + Enter; the focus moves on to the campaign's name.
  await goTo(page, 'Design');
  await tabTo(page, page.getByTestId('template-blank'));
  await page.keyboard.press('Enter');
  const name = page.getByRole('textbox', { name: 'Campaign name' });
  await expect(name).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('kbd');
  // The form fields, one Tab stop each; a select opens with the arrow keys and closes with Escape.
  await tabTo(page, page.getByRole('textbox', { name: 'model', exact: true }));
  await tabTo(page, page.getByRole('combobox', { name: 'precision' }));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'precision' })).toBeFocused();
  // A section opens with Enter.
  const decoder = page.getByRole('button', { name: /^decoder/ });
  await tabTo(page, decoder);
  await page.keyboard.press('Enter');
  await expect(decoder).toHaveAttribute('aria-expanded', 'true');
  // The section tabs: Shift+Tab back to them, arrows to YAML, Enter; then the YAML box.
  const sections = page.getByRole('tablist', { name: 'Campaign sections' });
  await tabTo(page, sections.getByRole('tab', { selected: true }), { back: true });
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expect(sections.getByRole('tab', { name: 'YAML' })).toBeFocused();
  await page.keyboard.press('Enter');
  const yaml = page.getByRole('textbox', { name: 'Study YAML' });
  await tabTo(page, yaml);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(STUDY);
  await expect(page.getByTestId('plan-run-count')).toHaveText('2');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  // Grid or Adaptive (issue #21): the toggle is one Tab stop, the arrows move within it and Space chooses; the
  // objectives select, a constraint's checkbox and the budget are Tab stops; back to Grid for the run below.
  await tabTo(page, page.getByTestId('mode-grid'));
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('mode-adaptive')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('mode-adaptive')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('adaptive-settings')).toBeVisible();
  await tabTo(page, page.getByRole('combobox', { name: 'Objectives' }));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  const latencyLimit = page.getByRole('checkbox', { name: /p95 latency/ });
  await tabTo(page, latencyLimit);
  await page.keyboard.press('Space');
  await expect(latencyLimit).toBeChecked();
  await expect(page.getByTestId('adaptive-latencyLimitMs')).toBeEnabled();
  await tabTo(page, page.getByTestId('adaptive-budget'));
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('1');
  await expect(page.getByTestId('adaptive-saving')).toContainText('About 1 of 2 runs (50 %)');
  await tabTo(page, page.getByTestId('mode-adaptive'), { back: true });
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('mode-grid')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('adaptive-settings')).toHaveCount(0);
  await expect(page.getByTestId('run-campaign')).toHaveText('Run on this GPU');
  // The Run button is reachable and runs the campaign; the Runs page then has the focus.
  const run = page.getByTestId('run-campaign');
  await tabTo(page, run, { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  await expect(page.locator('#page-content')).toBeFocused();
  await expect(page.getByTestId('campaign-progress-text')).toContainText('2 of 2 runs finished', { timeout: 60_000 });
  // Runs: the queue entry and the llem output are Tab stops.
  await tabTo(page, page.getByTestId('runs-queue').getByRole('button').first());
  // Every run row is a Tab stop; Enter opens its detail drawer, which keeps the focus, moves between its tabs with
  // the arrows, closes on Escape and gives the focus back to the row.
  const firstRun = page.getByTestId('run-row').first();
  await tabTo(page, firstRun);
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog', { name: /^Run 1/ });
  await expect(drawer.getByTestId('run-detail-status')).toHaveText('succeeded');
  await expectFocusTrapped(page, 8);
  await tabTo(page, drawer.getByRole('tab', { name: 'Overview' }));
  await page.keyboard.press('ArrowRight');
  await expect(drawer.getByRole('tab', { name: 'llem stdout' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(drawer.getByTestId('run-detail-stdout')).not.toBeEmpty();
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(firstRun).toBeFocused();
  await tabTo(page, page.getByRole('region', { name: 'llem output' }));

  // ---- Results: the disabled reference switch explains itself in text a keyboard user can reach (not a hover tooltip).
  await goTo(page, 'Results');
  const referenceSwitch = page.getByRole('switch', { name: 'ML.ENERGY reference data' });
  await expect(referenceSwitch).toBeDisabled();
  await expect(page.getByTestId('reference-toggle-help')).toBeVisible();
  await expect(referenceSwitch).toHaveAccessibleDescription(/No reference data stored.*Import the ML\.ENERGY leaderboard data files/);

  // ---- The table is one Tab stop (roving tabindex): arrows, Home/End, Page Up/Down move between rows,
  // Space selects, Enter shows the power timeline; compare two.
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(2, { timeout: 15_000 });
  const tabStops = () =>
    page.getByTestId('results-grid').evaluate((table) =>
      [...table.querySelectorAll<HTMLElement>('tbody *')].filter((el) => el.tabIndex >= 0 && !(el as HTMLInputElement).disabled).length,
    );
  expect(await tabStops()).toBe(1);
  await tabTo(page, rows.first());
  await page.keyboard.press('Enter');
  await expect.poll(async () => Number(await page.getByTestId('timeline').getAttribute('data-point-count'))).toBeGreaterThan(0);
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  expect((await focusInfo(page)).visible).toBe(true);
  await page.keyboard.press('Space');
  await expect(page.getByText('2 rows selected (2 configurations)')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(rows.first()).toBeFocused();
  await page.keyboard.press('End');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('PageUp');
  await expect(rows.first()).toBeFocused();
  await page.keyboard.press('PageDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowDown'); // stays on the last row
  await expect(rows.nth(1)).toBeFocused();
  expect(await tabStops()).toBe(1);
  // Tab leaves the table in one press; Shift+Tab comes back to the row last focused.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="results-grid"]') === null)).toBe(true);
  await page.keyboard.press('Shift+Tab');
  await expect(rows.nth(1)).toBeFocused();
  await tabTo(page, page.getByTestId('compare-button'), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('compare-table').getByTestId('compare-config')).toHaveCount(2);
  // The Columns menu: Enter opens it, arrows move, Escape closes it and the focus returns.
  const columns = page.getByRole('button', { name: 'Columns' });
  await tabTo(page, columns);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem').nth(1)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(columns).toBeFocused();

  // ---- The campaign scope (issue #17 point 2): Enter opens the list, Enter ticks or unticks a campaign, Escape
  // closes it and the focus returns; the choice is in the URL.
  const scopeSelect = page.getByTestId('scope-select');
  await tabTo(page, scopeSelect, { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('option').first()).toBeFocused();
  await page.keyboard.press('Enter'); // unticks the campaign shown by default
  await expect(page).toHaveURL(/campaigns=(&|$)/);
  await expect(page.getByTestId('scope-empty')).toBeVisible();
  await page.keyboard.press('Enter'); // and ticks it again
  await expect(page.getByTestId('scope-empty')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(scopeSelect).toBeFocused();
  await expect(rows).toHaveCount(2);

  // ---- Downloads: a chart's PNG/SVG menu and the table's CSV, by keyboard.
  const chartDownload = page.getByTestId('chart-pareto').getByTestId('chart-download');
  await tabTo(page, chartDownload);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('chart-download-png')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('chart-download-svg')).toBeFocused();
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(svgDownload.suggestedFilename()).toMatch(/\.svg$/);
  await expect(chartDownload).toBeFocused();
  const csvButton = page.getByTestId('csv-export');
  await tabTo(page, csvButton);
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);

  // ---- Export: the dialog traps the focus both ways; arrows pick the format, Space the personal data, Enter writes.
  await tabTo(page, exportButton, { back: true });
  await page.keyboard.press('Enter');
  await expect(exportDialog.getByTestId('export-summary')).toContainText('2 configurations from 2 results');
  await expectFocusTrapped(page, 20);
  await expectFocusTrapped(page, 20, true);
  const leaderboard = exportDialog.getByRole('radio', { name: /Leaderboard JSON/ });
  await tabTo(page, leaderboard);
  await page.keyboard.press('ArrowDown');
  await expect(exportDialog.getByRole('radio', { name: /Static site/ })).toBeChecked();
  await expect(exportDialog.getByTestId('export-files')).toContainText('data/data.js');
  await page.keyboard.press('ArrowUp');
  await expect(leaderboard).toBeChecked();
  await tabTo(page, exportDialog.getByTestId('export-personal-toggle'));
  await page.keyboard.press('Space');
  await expect(exportDialog.getByTestId('export-personal')).toContainText('Personal data included');
  await page.keyboard.press('Space');
  await expect(exportDialog.getByTestId('export-personal')).toContainText('No personal data');
  await tabTo(page, exportDialog.getByTestId('export-write'));
  await page.keyboard.press('Enter');
  const outDir = exportDialog.getByTestId('export-out-dir');
  await expect(outDir).toContainText(path.join(app.serve.dataDir, 'exports'));
  expect(existsSync(path.join((await outDir.textContent())!.trim(), 'index.json'))).toBe(true);
  await expect(exportDialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await expectFocusTrapped(page, 10);
  await page.keyboard.press('Escape');
  await expect(exportDialog).toHaveCount(0);
  await expect(exportButton).toBeFocused();

  // ---- Push: no platform set up yet — the dialog says so with a link to Settings; focus trapped, Escape returns it.
  const pushButton = page.getByTestId('push-button');
  await tabTo(page, pushButton);
  await page.keyboard.press('Enter');
  const pushDialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await expect(pushDialog.getByTestId('push-not-configured')).toContainText('No platform set up');
  await expect(pushDialog.getByTestId('push-summary')).toContainText('2 entries (configurations) summarising 2 results');
  await expect(pushDialog.getByTestId('push-send')).toBeDisabled();
  await tabTo(page, pushDialog.getByRole('link', { name: 'Open Settings' }));
  await expectFocusTrapped(page, 15);
  await expectFocusTrapped(page, 15, true);
  await page.keyboard.press('Escape');
  await expect(pushDialog).toHaveCount(0);
  await expect(pushButton).toBeFocused();

  // ---- Demo: pick two recordings with the arrow keys, play with Space, full screen and its leave dialog.
  await goTo(page, 'Demo');
  for (const [side, option] of [['Left', /fp16/], ['Right', /bf16/]] as const) {
    const picker = page.getByRole('combobox', { name: side });
    await tabTo(page, picker);
    await page.keyboard.press('Enter');
    const listbox = page.getByRole('listbox');
    await expect(listbox).toBeVisible();
    const options = listbox.getByRole('option');
    const wanted = await options.evaluateAll((els, source) => els.findIndex((e) => new RegExp(source).test(e.textContent ?? '')), option.source);
    expect(wanted).toBeGreaterThanOrEqual(0);
    const start = await options.evaluateAll((els) => Math.max(0, els.findIndex((e) => e === document.activeElement)));
    for (let i = start; i < wanted; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(listbox).toHaveCount(0);
    await expect(picker).toBeFocused();
  }
  await expect(page.getByTestId('demo-label-b')).toContainText('Replay of run');
  const play = page.getByTestId('demo-play');
  await tabTo(page, play, { back: true });
  await page.keyboard.press('Space');
  await expect(page.getByTestId('demo-a-gauge')).toHaveAttribute('data-point-count', '1', { timeout: 10_000 });
  await page.keyboard.press('Space'); // pause
  const fullScreen = page.getByRole('button', { name: 'Full screen (F)' });
  await tabTo(page, fullScreen);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  const leave = page.getByRole('dialog', { name: 'Leave the demonstration?' });
  await expect(leave).toBeVisible();
  await expectFocusTrapped(page, 4);
  await tabTo(page, leave.getByRole('button', { name: 'Leave' }));
  await page.keyboard.press('Enter');
  await expect(leave).toHaveCount(0);
  await expect(fullScreen).toBeFocused();

  // ---- Settings: the doctor's button and the platform form.
  await goTo(page, 'Settings');
  await tabTo(page, page.getByRole('button', { name: 'Check again' }).first());
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('llem-status')).toContainText('found');
  // The llem chooser: both paths are text fields, the telemetry source a select (arrows open it, Escape closes it).
  await tabTo(page, page.getByRole('textbox', { name: 'llem executable' }));
  await tabTo(page, page.getByRole('textbox', { name: 'Python interpreter with llenergymeasure' }));
  const telemetrySelect = page.getByRole('combobox', { name: 'Default GPU telemetry source' });
  await tabTo(page, telemetrySelect);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(telemetrySelect).toBeFocused();
  await tabTo(page, page.getByTestId('settings-llem-save'));
  await tabTo(page, page.getByRole('textbox', { name: 'Platform URL' }));
  await page.keyboard.type('https://platform.example.org');
  await tabTo(page, page.getByRole('button', { name: 'Save', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('platform-message')).toHaveText('Saved.');
  await page.close();
});

test('the Demo controls with the keyboard alone: load the sample, pick a pair, play, next pair, restart, full screen', async () => {
  test.setTimeout(120_000);
  const page = await app.open();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('Tab');
  await goTo(page, 'Demo');

  // The shipped sample loads from its button; the page picks the most telling pair by itself.
  const load = page.getByTestId('demo-sample-sets').getByRole('button', { name: /^Load H100/ });
  await tabTo(page, load);
  await page.keyboard.press('Enter');
  const title = page.getByTestId('demo-pair-title');
  await expect(title).toContainText('Batching: 1 vs 32', { timeout: 15_000 });

  // The ready-made pairs: a select opened with the arrow keys, a pair chosen with arrows and Enter.
  const pairs = page.getByRole('combobox', { name: 'Comparison' });
  await tabTo(page, pairs, { back: true });
  await page.keyboard.press('ArrowDown');
  const listbox = page.getByRole('listbox');
  await expect(listbox).toBeVisible();
  const options = listbox.getByRole('option');
  const texts = await options.allTextContents();
  const wanted = texts.findIndex((t) => t.startsWith('Precision: fp16 vs bf16'));
  expect(wanted, texts.join(' | ')).toBeGreaterThan(0);
  const start = await options.evaluateAll((els) => Math.max(0, els.findIndex((e) => e === document.activeElement)));
  for (let i = start; i < wanted; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(listbox).toHaveCount(0);
  await expect(pairs).toBeFocused();
  await expect(title).toContainText('Precision: fp16 vs bf16');
  await expect(page.getByTestId('demo-title-a')).toHaveText('Precision fp16');

  // Play with Space on the Play button; the letter keys work with the focus on any button.
  const play = page.getByTestId('demo-play');
  await tabTo(page, play);
  await expect(play).toBeEnabled({ timeout: 10_000 });
  await page.keyboard.press('Space');
  await expect(play).toHaveText('Pause (Space)');
  await expect(page.getByTestId('demo-clock')).not.toHaveText(/^0 s of/, { timeout: 10_000 });
  const beforeNext = (await title.textContent()) ?? '';
  await page.keyboard.press('n');
  await expect(title).not.toHaveText(beforeNext);
  const afterNext = await title.textContent();
  await expect(play).toHaveText('Play (Space)'); // a new pair starts from the beginning, paused
  await page.keyboard.press('r');
  await expect(play).toHaveText('Pause (Space)');
  await page.keyboard.press('Space'); // on the focused Play button: pause
  await expect(play).toHaveText('Play (Space)');
  // The Next pair button does the same as N.
  const next = page.getByTestId('demo-next');
  await tabTo(page, next);
  await page.keyboard.press('Enter');
  await expect(title).not.toHaveText(afterNext ?? '');

  // F presents full screen; Escape asks before leaving; the dialog is keyboard-operable.
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') ?? null)).toBe('demo-stage');
  await page.keyboard.press('Escape');
  const leave = page.getByRole('dialog', { name: 'Leave the demonstration?' });
  await expect(leave).toBeVisible();
  await expectFocusTrapped(page, 3);
  await tabTo(page, leave.getByRole('button', { name: 'Leave' }));
  await page.keyboard.press('Enter');
  await expect(leave).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
  await page.close();
});

test('issue 17 point 8 with the keyboard alone: grid intensity, the campaign queue, and a finished campaign opened in Design', async () => {
  test.setTimeout(240_000);
  const page = await app.open();
  await page.setViewportSize({ width: 1400, height: 1000 });
  await expect(page.getByRole('combobox', { name: 'llem version' })).toContainText('installed', { timeout: 30_000 });

  // ---- Settings: the grid intensity and its source are text fields, saved with Enter on the button.
  await goTo(page, 'Settings');
  await tabTo(page, page.getByRole('textbox', { name: 'Grid intensity' }), { max: 80 });
  await page.keyboard.type('300');
  await tabTo(page, page.getByRole('textbox', { name: 'Source of the figure' }));
  await page.keyboard.type('keyboard test grid');
  await tabTo(page, page.getByTestId('settings-grid-save'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('settings-grid-saved')).toBeVisible();

  // ---- Set-up (not the check): one campaign holds the GPU, two more wait in the queue.
  const kbdStudy = (name: string, model: string) => `name: "${name}"\nmodel: "${model}"\nn: 10\nsweep:\n  precision: ["fp16"]\nexecution:\n  n_cycles: 1\n`;
  for (const [campaign, model, status] of [['kq-holder', 'fake/hang', 'running'], ['kq-second', 'fake/ok', 'queued · number 1'], ['kq-third', 'fake/ok', 'queued · number 2']] as const) {
    await designStudy(page, kbdStudy(campaign, model));
    await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
    await expect(page.getByTestId('plan-run-count')).toHaveText('1');
    await page.getByTestId('run-campaign').click();
    await expect(page.getByTestId('campaign-status')).toHaveText(status, { timeout: 20_000 });
  }

  // ---- The queue: move earlier and remove, each a Tab stop with a visible focus and a name that says what it does.
  await page.getByRole('heading', { level: 1, name: 'Runs' }).click();
  const entries = page.getByTestId('queue-entry');
  await expect(entries).toHaveText([/^1\. kq-second/, /^2\. kq-third/]);
  await tabTo(page, page.getByRole('button', { name: 'Move kq-third earlier' }));
  await page.keyboard.press('Enter');
  await expect(entries).toHaveText([/^1\. kq-third/, /^2\. kq-second/]);
  await tabTo(page, page.getByRole('button', { name: 'Remove kq-third from the queue' }));
  await page.keyboard.press('Enter');
  await expect(entries).toHaveText([/^1\. kq-second/]);
  // The holder from the history list, then Cancel: the queued campaign starts and ends.
  await tabTo(page, page.getByTestId('runs-queue').getByRole('button', { name: /kq-holder/ }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'kq-holder' })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Cancel', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('campaign-end-notice')).toContainText('“kq-second” finished', { timeout: 60_000 });

  // ---- Design: open the finished campaign from the select; "Save as new campaign…" opens a dialog that keeps
  // the focus, starts on the name, and gives the focus back on Escape.
  await goTo(page, 'Design');
  const open = page.getByRole('combobox', { name: 'Open campaign' });
  await tabTo(page, open);
  await page.keyboard.press('Enter');
  const listbox = page.getByRole('listbox');
  await expect(listbox).toBeVisible();
  const options = listbox.getByRole('option');
  const wanted = await options.evaluateAll((els) => els.findIndex((e) => /kq-second/.test(e.textContent ?? '')));
  const start = await options.evaluateAll((els) => Math.max(0, els.findIndex((e) => e === document.activeElement)));
  for (let i = start; i < wanted; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('ran-campaign-banner')).toContainText('“kq-second” has run');
  const saveAsNew = page.getByTestId('ran-save-as-new');
  await tabTo(page, saveAsNew);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Save as a new campaign' });
  await expect(dialog.getByRole('textbox', { name: 'Name of the new campaign' })).toBeFocused();
  await expectFocusTrapped(page, 4);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(saveAsNew).toBeFocused();
  await page.close();
});
