import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../contract/contentSecurityPolicy';
import { electronSqliteBindingPath, readPackageVersion } from '../../scripts/electronNative.mjs';
import { electronBinaryMissingReason } from './electronBinary';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'out/main/index.js');

const missing = electronBinaryMissingReason();
if (missing) console.warn(`SKIP: Electron E2E: ${missing}. Install the binary (unset ELECTRON_SKIP_BINARY_DOWNLOAD && node node_modules/electron/install.js, with network access) to run it.`);
test.skip(missing !== null, 'electron binary not installed');

let app: ElectronApplication;
let page: Page;
let dataDir: string;
/** Everything the app's processes printed (the main process logs which native SQLite build the core loaded). */
let output = '';

test.beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first.`);
  if (!existsSync(path.join(ROOT, 'out/main/coreHost.js'))) throw new Error('out/main/coreHost.js (the core process) is missing: run `npm run build` first.');
  const prepared = (await readdir(path.join(ROOT, '.cache/electron-native')).catch(() => [])).some((name) => name.includes('-electron-'));
  if (!prepared) throw new Error('The Electron build of better-sqlite3 is not prepared: run the suite with `npm run e2e:electron`, which prepares it.');
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-studio-electron-e2e-'));
  app = await electron.launch({
    args: [ROOT],
    env: { ...process.env, LLEM_STUDIO_DATA_DIR: dataDir, PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' } as Record<string, string>,
  });
  app.process().stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  app.process().stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
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

test('the core runs in a utility process with the Electron build of better-sqlite3, never the Node build', async () => {
  // `npm run e2e:electron` prepared the build (scripts/desktop.mjs); this is where it must have come from.
  const electronVersion = await app.evaluate(() => process.versions.electron);
  const [platform, arch] = await app.evaluate(() => [process.platform, process.arch]);
  const expected = electronSqliteBindingPath({ sqliteVersion: readPackageVersion(ROOT, 'better-sqlite3'), electronVersion, platform, arch }, ROOT);
  await expect.poll(() => output, { timeout: 10_000 }).toContain('llem Studio core: pid');
  const line = output.split('\n').find((l) => l.startsWith('llem Studio core: pid'))!;
  expect(line).toContain(`better-sqlite3 binding ${expected} `);
  expect(line).not.toContain(path.join('node_modules', 'better-sqlite3', 'build'));
  // The core is its own process, and the main process never maps SQLite at all.
  const corePid = Number(/pid (\d+)/.exec(line)![1]);
  expect(corePid).not.toBe(app.process().pid);
  if (process.platform === 'linux') {
    const mapped = (pid: number) => readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').filter((l) => l.includes('better_sqlite3.node'));
    expect(mapped(app.process().pid!)).toEqual([]);
    const coreMaps = mapped(corePid);
    expect(coreMaps.length).toBeGreaterThan(0);
    for (const l of coreMaps) expect(l.endsWith(expected)).toBe(true);
  }
});

test('Settings shows the SQLite version read through the Electron build', async () => {
  const info = (await page.evaluate(() => (window as unknown as { llem: { call(m: string, p: unknown): Promise<unknown> } }).llem.call('app.info', {}))) as {
    ok: true;
    value: { sqliteVersion: string };
  };
  expect(info.value.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('sqlite-version')).toContainText(info.value.sqliteVersion);
  expect(output).toContain(`SQLite ${info.value.sqliteVersion}, better-sqlite3 binding ${path.join(ROOT, '.cache', 'electron-native')}`);
});

