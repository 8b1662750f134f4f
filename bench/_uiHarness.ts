/**
 * Shared set-up of the UI benchmarks (bench/ui-*.ts): the built app served by `llem-studio serve` on
 * loopback, driven by Playwright with the system Chromium, and a uniform report. Not a benchmark itself
 * (scripts/bench.mjs skips files starting with `_`).
 *
 * Needs the built app (`npm run build`: out/renderer and out/cli) and Chromium (LLEM_STUDIO_CHROMIUM, default
 * /usr/bin/chromium). Run from the repository root (npm does).
 */
import { chromium, type Browser } from 'playwright';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { serveCli, type ServeHandle } from '../tests/helpers/serveProcess';

export const REPO_ROOT = process.cwd();
export const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
export const CHROMIUM_PATH = process.env.LLEM_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
/** The same flags as the E2E tests (tests/helpers/chromium.ts): Debian's Chromium, no sandbox, offline. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `--quick` on the command line or BENCH_UI_QUICK=1 (scripts/bench.mjs passes no arguments through). */
export const QUICK = process.argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_UI_QUICK ?? '');

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return n;
}

/** Refuses to start (with the reason) when the app is not built or Chromium is missing. */
export function checkPrerequisites(): void {
  const missing: string[] = [];
  if (!existsSync(path.join(REPO_ROOT, 'out/renderer/index.html'))) missing.push('out/renderer (run `npm run build`)');
  if (!existsSync(path.join(REPO_ROOT, 'out/cli/index.js'))) missing.push('out/cli (run `npm run build`)');
  if (!existsSync(CHROMIUM_PATH)) missing.push(`Chromium at ${CHROMIUM_PATH} (set LLEM_STUDIO_CHROMIUM)`);
  if (missing.length) throw new Error(`cannot run the UI benchmarks: missing ${missing.join(', ')}; run from the repository root`);
}

/**
 * A private copy of the built CLI and UI (out/bench/ui-app-<pid>/{cli,renderer}), so that a `npm run build` made
 * meanwhile by someone else (it empties out/renderer) cannot pull the files from under a running benchmark.
 * The copy sits inside the repository, so the CLI's npm packages still resolve. Returns the CLI entry file.
 *
 * BENCH_UI_RENDERER=<dir> (a diagnostic) serves another build of the UI instead of out/renderer, e.g. an experiment.
 */
export async function snapshotApp(): Promise<{ cli: string; describe: string; cleanup: () => void }> {
  const root = path.join(REPO_ROOT, 'out/bench', `ui-app-${process.pid}`);
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(path.join(root, 'cli'), { recursive: true });
      cpSync(path.join(REPO_ROOT, 'out/cli/index.js'), path.join(root, 'cli/index.js'));
      const rendererSource = process.env.BENCH_UI_RENDERER ? path.resolve(process.env.BENCH_UI_RENDERER) : path.join(REPO_ROOT, 'out/renderer');
      cpSync(rendererSource, path.join(root, 'renderer'), { recursive: true });
      const html = readFileSync(path.join(root, 'renderer/index.html'), 'utf8');
      const scripts = [...html.matchAll(/src="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
      if (scripts.length === 0 || !scripts.every((s) => existsSync(path.join(root, 'renderer', s)))) throw new Error('out/renderer is incomplete');
      const assets = readdirSync(path.join(root, 'renderer/assets'));
      const bytes = assets.filter((a) => a.endsWith('.js')).reduce((n, a) => n + statSync(path.join(root, 'renderer/assets', a)).size, 0);
      const builtAt = Math.min(statSync(path.join(rendererSource, 'index.html')).mtimeMs, statSync(path.join(REPO_ROOT, 'out/cli/index.js')).mtimeMs);
      const newer = ['core', 'contract', 'renderer/src'].filter((d) => newestMtime(path.join(REPO_ROOT, d)) > builtAt);
      const stale = newer.length ? ` — NOTE: ${newer.join(', ')} changed after this build; run \`npm run build\` to measure the working tree` : '';
      const describe = `UI build of ${new Date(builtAt).toISOString()}: ${scripts.join(', ')}, ${(bytes / 1024 / 1024).toFixed(2)} MB of JavaScript in all${process.env.BENCH_UI_RENDERER ? ` (BENCH_UI_RENDERER=${rendererSource})` : ''}${stale}`;
      return { cli: path.join(root, 'cli/index.js'), describe, cleanup: () => rmSync(root, { recursive: true, force: true }) };
    } catch (e) {
      if (attempt >= 10) throw new Error(`could not copy the built app from out/ (is a build running?): ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type Served = ServeHandle;

/** `llem-studio serve --port 0 --data-dir DIR` (the built CLI, e.g. snapshotApp's), resolved once it prints its tokenised URL (30 s at most). */
export function startServe(cli: string, dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Served> {
  return serveCli(cli, dataDir, extraEnv, 30_000);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** One API call from Node over the server's own WebSocket (token as a bearer header, same-origin Origin header). */
export async function apiCall<T = unknown>(served: Served, method: string, params: unknown): Promise<T> {
  const ws = new WebSocket(`${served.origin.replace(/^http/, 'ws')}/api`, { origin: served.origin, headers: { authorization: `Bearer ${served.token}` } });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const reply = await new Promise<{ ok: boolean; value?: T; error?: { message: string } }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no reply within 30 s`)), 30_000);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; id: number; result: { ok: boolean; value?: T; error?: { message: string } } };
        if (m.type === 'reply' && m.id === 1) {
          clearTimeout(timer);
          resolve(m.result);
        }
      });
      ws.send(JSON.stringify({ type: 'call', id: 1, method, params }));
    });
    if (!reply.ok) throw new Error(`${method} failed: ${reply.error?.message}`);
    return reply.value as T;
  } finally {
    ws.close();
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export { report, type Verdict } from './_report';

export const ms = (x: number) => `${x.toFixed(0)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
