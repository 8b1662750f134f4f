import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CLI, startServe } from '../helpers/serveProcess';
import { realResult } from '../unit/share/seed';
import { servedApp } from './servedApp';

/**
 * Browser-mode hardening (issue #15) in real Chromium: HTML from imported data never becomes markup in chart
 * tooltips (finding 4), and the session token never reaches another port (finding 3).
 */
const HOSTILE_MODEL = `org/e2e-<img src=x id="injected" onerror="document.title='pwned'"><meta http-equiv="refresh" content="0;url=about:blank">`;

const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' }, (serve) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-e2e-hostile-'));
  try {
    let minute = 0;
    for (const model of [HOSTILE_MODEL, 'org/plain-model']) {
      for (const batchSize of [1, 8]) {
        for (let cycle = 0; cycle < 2; cycle++) {
          const sub = path.join(dir, `${minute}`);
          mkdirSync(sub);
          const startTime = `2026-04-0${cycle + 1}T10:${String(minute++).padStart(2, '0')}:00.000000`;
          writeFileSync(path.join(sub, 'result.json'), JSON.stringify(realResult({ model, batchSize, energyJ: (model === HOSTILE_MODEL ? 2400 : 600) / batchSize + 50 * cycle, startTime })));
        }
      }
    }
    execFileSync(process.execPath, [CLI, 'import', dir, '--data-dir', serve.dataDir], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Moves the pointer over the whole chart, in the page (a CDP round trip per position would take minutes), and
 * returns every tooltip shown that mentions the hostile model. ECharts writes a tooltip's HTML into a div inside
 * the chart element on mousemove.
 */
async function tooltipsOver(page: Page, testId: string): Promise<{ html: string; text: string }[]> {
  const chart = page.getByTestId(testId);
  await chart.scrollIntoViewIfNeeded();
  await expect(chart).toHaveAttribute('data-point-count', /^[1-9]\d*$/);
  return chart.evaluate((el) => {
    const seen = new Map<string, string>();
    const rect = el.getBoundingClientRect();
    const target = el.firstElementChild as HTMLElement; // zrender's event surface
    for (let y = rect.top + 2; y < rect.bottom; y += 3) {
      for (let x = rect.left + 2; x < rect.right; x += 3) {
        target.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
        for (const div of Array.from(el.querySelectorAll('div')).slice(1)) {
          if (div.textContent?.includes('org/e2e-') && div.style.display !== 'none') seen.set(div.innerHTML, div.textContent);
        }
      }
    }
    return [...seen].map(([html, text]) => ({ html, text }));
  });
}

test('model names from imported files are text in every chart tooltip, never markup', async () => {
  const page = await app.open();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('tab', { name: 'Results' }).click();
  const startUrl = page.url();
  for (const chart of ['pareto', 'variance', 'energy-by-parameter', 'parallel']) {
    const tips = await tooltipsOver(page, chart);
    expect(tips.length, `${chart}: no tooltip naming the model was shown`).toBeGreaterThan(0);
    for (const tip of tips) {
      expect(tip.text, chart).toContain('<img src=x id="injected"');
      expect(tip.html, chart).not.toMatch(/<img|<meta/i);
    }
  }
  expect(await page.locator('#injected').count()).toBe(0);
  expect(await page.title()).not.toBe('pwned');
  await page.waitForTimeout(500); // a meta refresh with delay 0 would have navigated by now
  expect(page.url()).toBe(startUrl);
  await page.screenshot({ path: test.info().outputPath('hostile-tooltip.png') });
  await page.close();
});

test('the token never reaches another port: no cookie, nothing sent to another local web service, no storage there', async () => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const other: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>another local service</title>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.goto(app.serve.url);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByTestId('data-dir')).toHaveText(app.serve.dataDir);
    expect(await context.cookies()).toEqual([]);

    // The same browser visits another service on loopback (same context: cookies would be shared).
    const visitor = await page.context().newPage();
    await visitor.goto(`${otherOrigin}/page`);
    await visitor.evaluate((url) => fetch(url, { credentials: 'include' }).then((r) => r.text()), `${otherOrigin}/fetch`);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const request of seen) expect(JSON.stringify(request)).not.toContain(app.serve.token);
    expect(await visitor.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }))).not.toContain(app.serve.token);

    // A page on the other port cannot open the API: no token to offer, and the Origin is not the server's own.
    const apiUrl = `${app.serve.origin.replace('http', 'ws')}/api`;
    const outcome = await visitor.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url, ['llem-studio']);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('refused');
        }),
      apiUrl,
    );
    expect(outcome).toBe('refused');

    // A second `serve` in the same browser: each tab keeps its own session, neither overwrites the other.
    const second = await startServe({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' });
    try {
      const page2 = await page.context().newPage();
      await page2.goto(second.url);
      await page2.getByRole('tab', { name: 'Settings' }).click();
      await expect(page2.getByTestId('data-dir')).toHaveText(second.dataDir);
      await page.reload();
      await expect(page.getByTestId('data-dir')).toHaveText(app.serve.dataDir);
    } finally {
      await second.stop();
    }
    await context.close();
  } finally {
    await new Promise((r) => other.close(r));
  }
});
