import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * "Prove it" (issue #17): every page in every state this machine can produce — an empty store, a campaign running
 * (a fake llem that sleeps through its measurement), a finished campaign, a campaign whose runs all failed, and no
 * llem at all — at 1280×720 and 1920×1080, light and dark. For each: no horizontal scroll, no clipped text in
 * headings, buttons and tabs, no text cut inside its box without an ellipsis, no console errors; a screenshot at test-results/sweep/<page>-<state>-<size>-<theme>.png.
 *
 * One served app per state; viewport and colour scheme change inside the page (no reload), so the sweep costs a
 * few page visits per combination, not a server. Every fault found is collected and the state's test fails at the
 * end with the whole list, so one run shows all of them (and all screenshots are taken).
 *
 * SLURM views covered here: Design's "Run on: SLURM cluster" choice and Settings' cluster profiles. The Runs page's
 * SLURM task table needs a submitted SLURM campaign: tests/e2e/slurm.spec.ts screenshots it on the test cluster.
 */

const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');
const SWEEP_DIR = path.join(REPO_ROOT, 'test-results', 'sweep');

// A visit that cannot find what it waits for fails in seconds, not at the test's timeout.
test.use({ actionTimeout: 15_000 });

const SIZES = [
  { name: '1280x720', width: 1280, height: 720 },
  { name: '1920x1080', width: 1920, height: 1080 },
] as const;
const THEMES = ['light', 'dark'] as const;

/** `campaign`: the name of the state's campaign, or null when the state has none. */
type PageVisit = { id: string; open: (page: Page, campaign: string | null) => Promise<void> };

const tab = (name: string, heading: string) => async (page: Page) => {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
};

/** The Runs page, on the state's campaign when there is one (clicked in the list: the page would open it by itself, as expectRunsOpensLatest checks). */
async function openRuns(page: Page, campaign: string | null): Promise<void> {
  await tab('Runs', 'Runs')(page);
  if (campaign === null) return;
  await page.getByText(campaign, { exact: true }).first().click();
  await expect(page.getByRole('heading', { name: campaign })).toBeVisible();
  await expect(page.getByTestId('run-row').first()).toBeVisible();
}

const PAGES: PageVisit[] = [
  { id: 'design', open: tab('Design', 'Design') },
  { id: 'runs', open: openRuns },
  { id: 'results', open: tab('Results', 'Results') },
  { id: 'demo', open: tab('Demo', 'Demo') },
  { id: 'settings', open: tab('Settings', 'Settings') },
  {
    // Last: it opens a blank study (a draft in the store), which the other pages of the state should not see.
    id: 'design-slurm',
    open: async (page) => {
      await tab('Design', 'Design')(page);
      const slurm = page.getByTestId('run-on-slurm');
      if ((await slurm.count()) === 0) await page.getByTestId('template-blank').click();
      await slurm.click();
      await expect(slurm).toHaveAttribute('aria-pressed', 'true');
    },
  },
];

/** The run drawer, for states that have runs. */
const RUN_DETAIL: PageVisit = {
  id: 'run-detail',
  open: async (page, campaign) => {
    await openRuns(page, campaign);
    await page.getByTestId('run-row').first().click();
    await expect(page.getByRole('dialog').or(page.getByRole('presentation')).first()).toBeVisible();
  },
};

/**
 * Demo with the bundled H100 sample loaded and a pair on screen (the state issue #17 saw scroll sideways at 1280).
 * Loading imports the sample into the store, so this comes after the pages that show the state's own data.
 */
const DEMO_WITH_SAMPLE: PageVisit = {
  id: 'demo-sample',
  open: async (page) => {
    await tab('Demo', 'Demo')(page);
    const load = page.getByTestId('demo-sample-sets').getByRole('button', { name: /^Load H100/ });
    await load.click();
    await expect(page.getByTestId('demo-sample-status')).toContainText('ready to replay');
    // Pick a pair where the page has not picked one itself.
    // Each side's first run that may be chosen: a run already on the other side is disabled there.
    for (const side of ['Left', 'Right'] as const) {
      const box = page.getByRole('combobox', { name: side });
      if ((await box.count()) === 0 || ((await box.textContent()) ?? '').replace(/[\s\u200b]/g, '') !== '') continue;
      await box.click();
      await page.locator('[role="option"]:not([aria-disabled="true"])').first().click();
    }
  },
};

/** The pages plus the run drawer and the demo with the sample, before the Design draft is opened. */
const withRunDetail = [...PAGES.slice(0, -1), RUN_DETAIL, DEMO_WITH_SAMPLE, PAGES.at(-1)!];

/** What breaks the layout at this size, measured in the page. */
async function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const faults: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > window.innerWidth) faults.push(`horizontal scroll: page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    for (const el of document.querySelectorAll<HTMLElement>('h1, h2, h3, h4, h5, h6, button, [role="tab"]')) {
      if (!visible(el)) continue;
      // 1 px of slack: sub-pixel widths round differently in scrollWidth and clientWidth.
      if (el.scrollWidth > el.clientWidth + 1) {
        const text = (el.innerText || el.getAttribute('aria-label') || el.tagName).replace(/\s+/g, ' ').trim().slice(0, 60);
        faults.push(`clipped ${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${text}": ${el.scrollWidth} px of text in ${el.clientWidth} px`);
      }
    }
    faults.push(...textCutInsideBoxes());
    return faults;

    /**
     * Text cut off inside its own box without an ellipsis: an element that clips its overflow (overflow hidden or
     * clip) holding a text whose glyphs lie past its left or right edge — a DataGrid cell whose chip or flex box is
     * wider than the column, a status line in a fixed-width pane. Not faults: text that ends in an ellipsis (its
     * line's block has text-overflow: ellipsis and itself fits), text inside a scrollable box within the clipper
     * (scrolled away, not cut), visually hidden labels (1 px boxes), and the elements the check above covers.
     * Each cut text is reported once, against the innermost box that cuts it.
     */
    function textCutInsideBoxes(): string[] {
      const covered = 'h1, h2, h3, h4, h5, h6, button, [role="tab"]';
      const lineBlock = (node: Node): HTMLElement | null => {
        let el = node.parentElement;
        while (el && ['inline', 'contents'].includes(getComputedStyle(el).display)) el = el.parentElement;
        return el;
      };
      const scrollsBetween = (node: Node, clipper: HTMLElement): boolean => {
        for (let el = node.parentElement; el && el !== clipper; el = el.parentElement) {
          if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) return true;
        }
        return false;
      };
      const cutBy = new Map<Text, { clipper: HTMLElement; by: number }>();
      for (const clipper of document.body.querySelectorAll<HTMLElement>('*')) {
        const style = getComputedStyle(clipper);
        if (style.overflowX !== 'hidden' && style.overflowX !== 'clip') continue;
        if (clipper.scrollWidth <= clipper.clientWidth + 1 || clipper.matches(covered) || !visible(clipper)) continue;
        const box = clipper.getBoundingClientRect();
        if (box.width <= 2 || box.height <= 2) continue;
        const left = box.left + clipper.clientLeft;
        const right = left + clipper.clientWidth;
        const walker = document.createTreeWalker(clipper, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          const parent = node.parentElement;
          if (!node.data.trim() || !parent || !visible(parent) || scrollsBetween(node, clipper)) continue;
          const block = lineBlock(node);
          const blockStyle = block ? getComputedStyle(block) : null;
          let extent: { left: number; right: number };
          if (block && blockStyle && blockStyle.textOverflow === 'ellipsis' && blockStyle.overflowX !== 'visible') {
            extent = block.getBoundingClientRect(); // the browser ends the text with "…" at this block's edge
          } else {
            const range = document.createRange();
            range.selectNodeContents(node);
            const rects = [...range.getClientRects()].filter((r) => r.width > 0);
            if (rects.length === 0) continue;
            extent = { left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)) };
          }
          const by = Math.max(extent.right - right, left - extent.left);
          if (by > 1) cutBy.set(node, { clipper, by }); // later (inner) clippers overwrite outer ones
        }
      }
      const cut = new Map<HTMLElement, { texts: string[]; by: number }>();
      for (const [node, { clipper, by }] of cutBy) {
        const entry = cut.get(clipper) ?? { texts: [], by: 0 };
        entry.texts.push(node.data.replace(/\s+/g, ' ').trim());
        entry.by = Math.max(entry.by, by);
        cut.set(clipper, entry);
      }
      return [...cut].map(([clipper, { texts, by }]) => {
        const where = `${clipper.tagName.toLowerCase()}${[...clipper.classList].filter((c) => !/^css-/.test(c)).slice(0, 2).map((c) => `.${c}`).join('')}`;
        return `text cut without an ellipsis in ${where}: "${texts.join(' ').slice(0, 60)}" runs ${Math.round(by)} px past its ${clipper.clientWidth} px box`;
      });
    }
  });
}

/** Visits every page at every size and theme; returns the faults (console errors included) and writes the screenshots. */
async function sweep(page: Page, state: string, campaign: string | null, pages: PageVisit[]): Promise<string[]> {
  mkdirSync(SWEEP_DIR, { recursive: true });
  const faults: string[] = [];
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  for (const visit of pages) {
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await visit.open(page, campaign);
      for (const theme of THEMES) {
        await page.emulateMedia({ colorScheme: theme });
        // Let layout, charts (which resize on a debounce) and the theme settle.
        await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page draws the sticky bar mid-page
        await page.mouse.move(0, 0); // no tooltip from the last click over the page
        await page.waitForTimeout(400);
        const name = `${visit.id}-${state}-${size.name}-${theme}`;
        for (const f of await layoutFaults(page)) faults.push(`${name}: ${f}`);
        await page.screenshot({ path: path.join(SWEEP_DIR, `${name}.png`), fullPage: true });
      }
      // Close a drawer or dialog the visit opened, so the next visit starts from the page.
      await page.keyboard.press('Escape');
    }
  }
  for (const e of consoleErrors) faults.push(`${state}: console error: ${e}`);
  return faults;
}

const RUN_ENV = { LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}` };

/** Away from Runs and back by its tab: the page opens the campaign that just ran by itself, not "Pick a campaign". */
async function expectRunsOpensLatest(page: Page, campaign: string): Promise<void> {
  await tab('Design', 'Design')(page);
  await tab('Runs', 'Runs')(page);
  await expect(page.getByRole('heading', { name: campaign })).toBeVisible();
  await expect(page.getByText(/Pick a campaign/)).toHaveCount(0);
}

/** The run drawer's phase list names each phase once (progress rows are not phases), in order, measuring not empty. */
async function expectPhasesOnce(page: Page): Promise<void> {
  await page.getByTestId('run-row').first().click();
  const phases = page.getByTestId('run-detail-phases');
  await expect(phases).toContainText('measuring');
  const listed = /Phases \(s since the first sample\): (.*?)\. [\d,]+ samples/.exec((await phases.textContent()) ?? '')?.[1] ?? '';
  const bands = listed.split(' · ').map((b) => /^(.+) ([\d.]+)–([\d.]+)$/.exec(b));
  expect(bands.every((b) => b !== null), `phase list "${listed}"`).toBe(true);
  const names = bands.map((b) => b![1]);
  expect(new Set(names).size, `phase list "${listed}"`).toBe(names.length);
  for (const b of bands) expect(Number(b![3]), `phase list "${listed}"`).toBeGreaterThanOrEqual(Number(b![2]));
  const measuring = bands.find((b) => b![1] === 'measuring')!;
  expect(Number(measuring[3]), `phase list "${listed}"`).toBeGreaterThan(Number(measuring[2]));
  await page.keyboard.press('Escape');
}

async function startCampaign(page: Page, name: string, model: string): Promise<void> {
  await designStudy(page, `name: "${name}"\nmodel: "${model}"\nn: 10\nsweep:\n  precision: ["fp16", "bf16"]\nexecution:\n  n_cycles: 1\n  cycle_order: "sequential"\n`);
  await expect(page.getByTestId('plan-run-count')).toHaveText('2');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByTestId('run-campaign').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
}

test.describe('empty store, llem found', () => {
  const app = servedApp({ ...RUN_ENV, FAKE_LLEM_STEP_MS: '20' });
  test('the checks can fail: a page too wide and a clipped button are found', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.setContent(
      '<h1>fits</h1><div style="width:1500px">wide</div><button style="width:40px;overflow:hidden;white-space:nowrap">a long label</button>' +
        // A grid cell holding a flex box wider than the column (cut), and one whose own text ends in "…" (intended).
        '<div style="width:80px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis"><div style="display:flex"><span>a status far too long for it</span></div></div>' +
        '<div style="width:80px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">an ellipsed long label</div>' +
        // Text scrolled away inside a scrollable box is not cut.
        '<div style="width:80px;overflow:hidden"><div style="overflow-x:auto;white-space:nowrap">scrolls sideways on purpose</div></div>',
    );
    const faults = await layoutFaults(page);
    expect(faults).toHaveLength(3);
    expect(faults[0]).toMatch(/^horizontal scroll: page is 15\d\d px wide in a 1280 px window$/);
    expect(faults[1]).toMatch(/^clipped button "a long label"/);
    expect(faults[2]).toMatch(/^text cut without an ellipsis in div: "a status far too long for it" runs \d+ px past its 80 px box$/);
    await page.close();
  });

  test('every page, both sizes, both themes', async () => {
    test.setTimeout(240_000);
    const page = await app.open();
    expect(await sweep(page, 'empty', null, PAGES)).toEqual([]);
    await page.close();
  });
});

test.describe('no llem found', () => {
  const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '', LLEM_STUDIO_TELEMETRY: 'off' });
  test('every page, both sizes, both themes', async () => {
    test.setTimeout(240_000);
    const page = await app.open();
    expect(await sweep(page, 'nollem', null, PAGES)).toEqual([]);
    await page.close();
  });
});

test.describe('a campaign running', () => {
  // The measurement phase sleeps for ten minutes: the first run stays "running" through the whole sweep.
  const app = servedApp({ ...RUN_ENV, FAKE_LLEM_STEP_MS: '20', FAKE_LLEM_MEASURE_MS: '600000' });
  test('every page, both sizes, both themes', async () => {
    test.setTimeout(300_000);
    const page = await app.open();
    await startCampaign(page, 'sweep-running', 'fake/ok');
    await expect(page.getByTestId('run-row').filter({ hasText: 'running' })).toHaveCount(1, { timeout: 30_000 });
    expect(await sweep(page, 'running', 'sweep-running', withRunDetail)).toEqual([]);
    await page.close();
  });
});

test.describe('a campaign finished', () => {
  // Two seconds of measuring per run: the replayed telemetry has samples in the window (the drawer's measuring band).
  const app = servedApp({ ...RUN_ENV, FAKE_LLEM_STEP_MS: '20', FAKE_LLEM_MEASURE_MS: '2000' });
  test('every page, both sizes, both themes', async () => {
    test.setTimeout(300_000);
    const page = await app.open();
    await startCampaign(page, 'sweep-finished', 'fake/ok');
    await expect(page.getByTestId('campaign-progress-text')).toHaveText(/^(\d+) of \1 runs finished/, { timeout: 60_000 });
    await expectRunsOpensLatest(page, 'sweep-finished');
    await expectPhasesOnce(page);
    expect(await sweep(page, 'finished', 'sweep-finished', withRunDetail)).toEqual([]);
    await page.close();
  });
});

test.describe('a campaign failed', () => {
  // Runs measure for a second before running out of memory: that energy was drawn, and the totals must count it.
  const app = servedApp({ ...RUN_ENV, FAKE_LLEM_STEP_MS: '20', FAKE_LLEM_MEASURE_MS: '2000' });
  test('every page, both sizes, both themes', async () => {
    test.setTimeout(300_000);
    const page = await app.open();
    await startCampaign(page, 'sweep-failed', 'fake/oom');
    await expect(page.getByTestId('campaign-progress-text')).toHaveText(/^(\d+) of \1 runs finished/, { timeout: 60_000 });
    await expect(page.getByTestId('runs-table')).toContainText('the GPU ran out of memory');
    await expectRunsOpensLatest(page, 'sweep-failed');
    // The failed runs drew energy before llem ran out of memory: the total counts it and names them.
    await expect(page.getByTestId('campaign-total-energy')).toHaveText(/^GPU energy [\d.]+ (J|Wh|kWh) \(GPU 0, measured windows of \d+ runs?; failed: runs? [\d, ]+\)$/);
    expect(await sweep(page, 'failed', 'sweep-failed', withRunDetail)).toEqual([]);
    await page.close();
  });
});
