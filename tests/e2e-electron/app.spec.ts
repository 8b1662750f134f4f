import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../contract/contentSecurityPolicy';
import { electronBinaryMissingReason } from './electronBinary';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'out/main/index.js');

const missing = electronBinaryMissingReason();
if (missing) console.warn(`SKIP: Electron E2E: ${missing}. Install the binary (npm rebuild electron, with network access) to run it.`);
test.skip(missing !== null, 'electron binary not installed');

let app: ElectronApplication;
let page: Page;
let dataDir: string;

test.beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first.`);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-studio-electron-e2e-'));
  app = await electron.launch({
    args: [ROOT],
    env: { ...process.env, LLEM_STUDIO_DATA_DIR: dataDir, PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' } as Record<string, string>,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the UI is served from app://, not file://', async () => {
  expect(page.url()).toBe('app://ui/index.html');
});

test('the page sees no Node, no Electron and exactly one bridge object (isolation and sandbox at work)', async () => {
  const globals = await page.evaluate(() => ({
    require: typeof (window as unknown as Record<string, unknown>).require,
    process: typeof (window as unknown as Record<string, unknown>).process,
    ipcRenderer: typeof (window as unknown as Record<string, unknown>).ipcRenderer,
    bridge: Object.keys((window as unknown as { llem: object }).llem).sort(),
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', bridge: ['call', 'desktop', 'subscribe'] });
});

test('an API call goes through IPC to the core', async () => {
  const result = await page.evaluate(() => (window as unknown as { llem: { call(m: string, p: unknown): Promise<unknown> } }).llem.call('app.info', {}));
  expect(result).toMatchObject({ ok: true, value: { mode: 'electron', dataDir } });
});

test('app:// responses carry the CSP, and remote requests are refused', async () => {
  const csp = await page.evaluate(() => fetch('app://ui/index.html').then((r) => r.headers.get('content-security-policy')));
  expect(csp).toBe(CONTENT_SECURITY_POLICY);
  const remote = await page.evaluate(() => fetch('https://example.com/').then(() => 'loaded', () => 'blocked'));
  expect(remote).toBe('blocked');
});

test('new windows and navigation away are blocked', async () => {
  expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe('app://ui/index.html');
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('the application menu has File, Edit, View, Window and Help', async () => {
  const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((i) => i.label.replace('&', '')) ?? []);
  for (const label of ['File', 'Edit', 'View', 'Window', 'Help']) expect(labels).toContain(label);
});
