/**
 * UI benchmark 1 (issue 6): the app is interactive ≤ 1 s after load, in browser mode.
 *
 * Each load: a fresh data directory and a fresh `llem-studio serve`, a fresh browser context (empty cache,
 * cookies and storage) in one Chromium, then Playwright navigates to the URL that serve printed (the token is in
 * its fragment; the page presents it on the WebSocket). Times are the page's own clock, from the navigation
 * start (performance.timeOrigin).
 *
 *   ready        = first frame in which all navigation tabs are rendered and enabled and the first page's main
 *                  control works: the Design page's template cards sent by the core (campaign.templates over the
 *                  WebSocket API) are shown, i.e. the API answered, not just the static HTML.
 *   nav response = from the input event of a real click on the "Results" tab (issued by Playwright as soon as
 *                  it sees "ready") to the first frame showing the Results page heading.
 *   interactive  = ready + nav response: when a click made at the first possible moment has been answered.
 *                  (The harness's own delay between seeing "ready" and clicking is left out; it is printed as
 *                  "harness end".)
 *
 * BENCH_UI_LOADS sets the number of loads (default 7; --quick / BENCH_UI_QUICK=1: 3).
 */
import type { Browser } from 'playwright';
import { checkPrerequisites, envNumber, launchBrowser, median, ms, QUICK, removeDir, report, snapshotApp, startServe, tempDir, type Verdict } from './_uiHarness';

const LOADS = Math.round(envNumber('BENCH_UI_LOADS', QUICK ? 3 : 7));
const GOAL_MS = 1000;

interface Load {
  ready: number;
  navResponse: number;
  interactive: number;
  harnessEnd: number;
  domContentLoaded: number;
  redirect: number;
  scriptLoaded: number;
  firstContent: number;
  longTasksBeforeReady: number;
  gotoLag: number;
  busyToReady: number;
}

/** Installed before any page script: records the "ready" and "Results shown" frames and the click's input time. */
function probe(): void {
  type Probe = { firstContent: number | null; readyCond: number | null; ready: number | null; navCond: number | null; nav: number | null; pointerDown: number | null; longTasks: number[][] };
  const b: Probe = { firstContent: null, readyCond: null, ready: null, navCond: null, nav: null, pointerDown: null, longTasks: [] };
  (window as unknown as { __uiBench: Probe }).__uiBench = b;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long-task timing in this browser: the count is left at 0
  }
  addEventListener('pointerdown', (e) => void (b.pointerDown === null && (b.pointerDown = e.timeStamp)), true);
  const check = () => {
    if (b.firstContent === null && document.getElementById('root')?.firstChild) b.firstContent = performance.now();
    if (b.readyCond === null) {
      const tabs = [...document.querySelectorAll('[role="tab"][id^="nav-"]')];
      const tabsOk = tabs.length >= 5 && tabs.every((t) => !t.hasAttribute('disabled') && t.getAttribute('aria-disabled') !== 'true');
      const control = document.querySelector('[data-testid^="template-"]:not([data-testid="template-blank"])');
      if (tabsOk && control && !control.hasAttribute('disabled')) {
        b.readyCond = performance.now();
        requestAnimationFrame(() => (b.ready = performance.now()));
      }
    }
    if (b.navCond === null && document.querySelector('main h1')?.textContent?.trim() === 'Results') {
      b.navCond = performance.now();
      requestAnimationFrame(() => (b.nav = performance.now()));
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
}

async function oneLoad(browser: Browser, cli: string): Promise<Load> {
  const dataDir = tempDir('llem-ui-load-');
  const served = await startServe(cli, dataDir, { LLEM_STUDIO_TELEMETRY: 'off' });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(probe);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const before = Date.now();
    await page.goto(served.url, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __uiBench: { ready: number | null } }).__uiBench.ready !== null, null, { polling: 'raf', timeout: 30_000 });
    // CPU time the page's main thread spent on tasks so far (≈ until ready): the part of the wait that is work.
    const busy = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.waitForFunction(() => (window as unknown as { __uiBench: { nav: number | null } }).__uiBench.nav !== null, null, { polling: 'raf', timeout: 30_000 });
    const t = await page.evaluate(() => {
      const b = (window as unknown as { __uiBench: { firstContent: number; ready: number; nav: number; pointerDown: number; longTasks: number[][] } }).__uiBench;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
      return {
        ...b,
        scriptLoaded: Math.max(...scripts.map((r) => r.responseEnd)),
        timeOrigin: performance.timeOrigin,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
        redirect: nav ? nav.redirectEnd - nav.redirectStart : NaN,
      };
    });
    const navResponse = t.nav - t.pointerDown;
    return {
      ready: t.ready,
      navResponse,
      interactive: t.ready + navResponse,
      harnessEnd: t.nav,
      domContentLoaded: t.domContentLoaded,
      redirect: t.redirect,
      scriptLoaded: t.scriptLoaded,
      firstContent: t.firstContent,
      longTasksBeforeReady: t.longTasks.filter(([start]) => start! < t.ready).length,
      gotoLag: t.timeOrigin - before,
      busyToReady: busy * 1000,
    };
  } finally {
    await context.close();
    await served.stop();
    removeDir(dataDir);
  }
}

checkPrerequisites();
const app = await snapshotApp();
const browser = await launchBrowser();
const loads: Load[] = [];
try {
  for (let i = 0; i < LOADS; i++) {
    const l = await oneLoad(browser, app.cli);
    loads.push(l);
    console.log(
      `load ${i + 1}/${LOADS}: interactive ${ms(l.interactive)} = ready ${ms(l.ready)} + nav response ${ms(l.navResponse)}` +
        ` · token redirect ${ms(l.redirect)} · script loaded ${ms(l.scriptLoaded)} · DOMContentLoaded ${ms(l.domContentLoaded)} · first React content ${ms(l.firstContent)}` +
        ` · long tasks before ready ${l.longTasksBeforeReady} · main thread busy until ready ${ms(l.busyToReady)}` +
        ` · harness end ${ms(l.harnessEnd)} · goto→navigation start ${ms(l.gotoLag)}`,
    );
  }
} finally {
  await browser.close();
  app.cleanup();
}

const interactive = loads.map((l) => l.interactive);
const verdicts: Verdict[] = [
  { name: `interactive after load, median of ${LOADS}`, value: ms(median(interactive)), goal: `≤ ${GOAL_MS} ms`, met: median(interactive) <= GOAL_MS },
  { name: `interactive after load, worst of ${LOADS}`, value: ms(Math.max(...interactive)), goal: `≤ ${GOAL_MS} ms`, met: Math.max(...interactive) <= GOAL_MS },
  { name: 'ready (tabs + core-sent templates shown), median', value: ms(median(loads.map((l) => l.ready))), goal: '', met: null },
  { name: 'nav response (click → Results page shown), median', value: ms(median(loads.map((l) => l.navResponse))), goal: '', met: null },
  { name: "page main thread busy until ready (CDP TaskDuration), median", value: ms(median(loads.map((l) => l.busyToReady))), goal: '', met: null },
];
report('UI: time to interactive in browser mode (serve + Chromium, fresh data dir and browser context per load)', verdicts, [
  'interactive = navigation start (tokenised URL) → all nav tabs enabled and the Design page templates from the core shown,',
  'plus the time a real click on the "Results" tab then takes until the Results page is on screen.',
  app.describe,
]);
