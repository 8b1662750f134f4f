import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { CONTENT_SECURITY_POLICY } from '../../../contract/contentSecurityPolicy';
import { IPC_CHANNELS, MAIN_TO_RENDERER_CHANNELS } from '../../../contract/ipcChannels';
import { chooseGuardianRuntime } from '../../../core/processes/guardian';
import { fake, FakeBrowserWindow, FakeWebContents } from './fakeElectron';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), one test per item,
 * asserted on what the real shell does: main/index.ts and preload/index.ts run against the recorded stand-in
 * for `electron`. docs/security-checklist.md says how and where each item is met.
 */
const CHECKLIST = [
  'Only load secure content',
  'Do not enable Node.js integration for remote content',
  'Enable context isolation in all renderers',
  'Enable process sandboxing',
  'Handle session permission requests from remote content',
  'Do not disable webSecurity',
  'Define a Content Security Policy',
  'Do not enable allowRunningInsecureContent',
  'Do not enable experimental features',
  'Do not use enableBlinkFeatures',
  '<webview>: Do not use allowpopups',
  '<webview>: Verify options and params',
  'Disable or limit navigation',
  'Disable or limit the creation of new windows',
  'Do not use shell.openExternal with untrusted content',
  'Use a current version of Electron',
  'Validate the sender of all IPC messages',
  'Avoid usage of the file:// protocol and prefer usage of custom protocols',
  'Check which fuses you can change',
  'Do not expose Electron APIs to untrusted web content',
] as const;

const ROOT = path.resolve(import.meta.dirname, '../../..');
let dataDir: string;
let window: FakeBrowserWindow;
let webPreferences: Record<string, unknown>;

type Handler = (event: unknown, payload?: unknown) => Promise<{ ok: boolean; error?: { code: string }; value?: unknown }>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-shell-checklist-'));
  vi.stubEnv('LLEM_STUDIO_DATA_DIR', dataDir);
  await import('../../../main/index');
  await import('../../../preload/index');
  await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1), { timeout: 10_000 });
  window = FakeBrowserWindow.instances[0]!;
  webPreferences = window.options.webPreferences as Record<string, unknown>;
});

afterAll(async () => {
  fake.app.emit('will-quit', { preventDefault: vi.fn() });
  await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every source file of the shell, main/ and its subfolders (main/coreHost/). */
function shellSources(): string[] {
  return (readdirSync(path.join(ROOT, 'main'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(ROOT, 'main', f));
}

/** Files under the app's code folders and build scripts (what ships, and what starts it) that contain `text`. */
function shippedSourcesUsing(text: string): string[] {
  const hits: string[] = [];
  for (const dir of ['main', 'preload', 'core', 'contract', 'renderer/src', 'scripts']) {
    for (const f of readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]) {
      if (!/\.(ts|tsx|mts|mjs|js)$/.test(f)) continue;
      if (readFileSync(path.join(ROOT, dir, f), 'utf8').includes(text)) hits.push(path.join(dir, f));
    }
  }
  return hits;
}

function guardHandlers(contents: FakeWebContents) {
  return {
    navigate: contents.listeners('will-navigate') as ((e: { preventDefault(): void }, url: string) => void)[],
    frameNavigate: contents.listeners('will-frame-navigate') as ((e: { preventDefault(): void; url: string }) => void)[],
    redirect: contents.listeners('will-redirect') as ((e: { preventDefault(): void }, url: string) => void)[],
    webview: contents.listeners('will-attach-webview') as ((e: { preventDefault(): void }) => void)[],
    windowOpen: contents.setWindowOpenHandler.mock.calls.map((c) => c[0] as (d: { url: string }) => { action: string }),
  };
}

const prevented = (fire: (e: { preventDefault(): void }) => void) => {
  const event = { preventDefault: vi.fn() };
  fire(event);
  return event.preventDefault.mock.calls.length > 0;
};

describe('docs/security-checklist.md', () => {
  it('lists the twenty checklist items, in order, each with a place where it is met', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/security-checklist.md'), 'utf8');
    const rows = doc
      .split('\n')
      .map((line) => /^\| (\d+) \| (.+?) \| (.+?) \| (.+?) \|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(rows.map((m) => Number(m[1]))).toEqual(CHECKLIST.map((_, i) => i + 1));
    rows.forEach((m, i) => {
      expect(m[2]!.replace(/`/g, ''), `item ${i + 1}`).toBe(CHECKLIST[i]);
      expect(m[4], `item ${i + 1} names a file`).toMatch(/`[\w./-]+\.(ts|yml|json|mjs)`/);
    });
  });
});

describe('Electron security checklist, asserted on the running shell', () => {
  it('1. only secure content: the window loads app://ui and the session refuses everything that is not the app', () => {
    expect(window.loadedUrl).toBe('app://ui/index.html');
    const onBeforeRequest = fake.session.defaultSession.webRequest.onBeforeRequest.mock.calls[0]?.[0] as (
      d: { url: string },
      cb: (r: { cancel: boolean }) => void,
    ) => void;
    expect(onBeforeRequest).toBeTypeOf('function');
    const cancelled = (url: string) => {
      let answer: boolean | undefined;
      onBeforeRequest({ url }, (r) => (answer = r.cancel));
      return answer;
    };
    for (const url of ['https://example.com/x.js', 'http://127.0.0.1:5173/', 'file:///etc/passwd', 'ws://localhost/', 'app://evil/index.html']) {
      expect(cancelled(url), url).toBe(true);
    }
    for (const url of ['app://ui/index.html', 'app://ui/assets/index.js', 'data:image/png;base64,AA==']) expect(cancelled(url), url).toBe(false);
  });

  it('2. no Node.js integration anywhere in the renderer', () => {
    expect(webPreferences).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });

  it('3. context isolation is on and the preload uses contextBridge', () => {
    expect(webPreferences.contextIsolation).toBe(true);
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalled();
    expect(webPreferences.preload).toMatch(/preload[\\/]index\.cjs$/);
  });

  it('4. the renderer is sandboxed, by the window and app-wide', () => {
    expect(webPreferences.sandbox).toBe(true);
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    // A sandboxed preload can require only `electron` (and a few built-ins): it must stay free of packages.
    const preloadSource = readFileSync(path.join(ROOT, 'preload/index.ts'), 'utf8');
    const imports = [...preloadSource.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const specifier of imports) expect(specifier === 'electron' || specifier!.startsWith('../contract/'), specifier).toBe(true);
    for (const typeOnly of ['../contract/desktop', '../contract/bridge']) expect(preloadSource).toMatch(new RegExp(`import type [^;]+'${typeOnly}'`));
  });

  it('5. every permission request and check is denied', () => {
    const s = fake.session.defaultSession;
    const request = s.setPermissionRequestHandler.mock.calls[0]?.[0] as (c: unknown, p: string, cb: (ok: boolean) => void) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      const cb = vi.fn();
      request({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    const check = s.setPermissionCheckHandler.mock.calls[0]?.[0] as (...a: unknown[]) => boolean;
    expect(check({}, 'media', 'app://ui', {})).toBe(false);
    const device = s.setDevicePermissionHandler.mock.calls[0]?.[0] as (...a: unknown[]) => boolean;
    expect(device({ deviceType: 'usb' })).toBe(false);
    const display = s.setDisplayMediaRequestHandler.mock.calls[0]?.[0] as (r: unknown, cb: (s: object) => void) => void;
    const cb = vi.fn();
    display({}, cb);
    expect(cb).toHaveBeenCalledWith({});
  });

  it('6. webSecurity stays on', () => {
    expect(webPreferences.webSecurity).toBe(true);
  });

  it('7. app:// responses carry the strict CSP', async () => {
    const [scheme, handler] = fake.protocol.handle.mock.calls[0] as unknown as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    const response = await handler(new Request('app://ui/does-not-exist.js'));
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    // …and it is what docs/security-checklist.md says it is.
    const row = readFileSync(path.join(ROOT, 'docs/security-checklist.md'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| 7 |'))!;
    const documented = [...row.matchAll(/`([a-z-]+ '[a-z-]+')`/g)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThanOrEqual(4);
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    for (const directive of documented) expect(directives, directive).toContain(directive);
  });

  it('8. no insecure content over secure pages', () => {
    expect(webPreferences.allowRunningInsecureContent).toBe(false);
  });

  it('9. no experimental features', () => {
    expect(webPreferences.experimentalFeatures).toBe(false);
  });

  it('10. no enableBlinkFeatures', () => {
    expect(webPreferences).not.toHaveProperty('enableBlinkFeatures');
    const sources = shellSources().map((f) => readFileSync(f, 'utf8'));
    for (const source of sources) expect(source).not.toMatch(/enableBlinkFeatures/);
  });

  it('11. no webviews, so no allowpopups', () => {
    expect(webPreferences.webviewTag).toBe(false);
  });

  it('12. every webview attachment is refused', () => {
    const { webview } = guardHandlers(window.webContents);
    expect(webview.length).toBeGreaterThan(0);
    expect(prevented((e) => webview.forEach((h) => h(e)))).toBe(true);
  });

  it('13. navigation never leaves the app (main frame, subframes, redirects)', () => {
    const g = guardHandlers(window.webContents);
    expect(prevented((e) => g.navigate.forEach((h) => h(e, 'https://evil.example/')))).toBe(true);
    expect(prevented((e) => g.frameNavigate.forEach((h) => h({ ...e, preventDefault: e.preventDefault, url: 'file:///etc/passwd' })))).toBe(true);
    expect(prevented((e) => g.redirect.forEach((h) => h(e, 'http://127.0.0.1/')))).toBe(true);
    expect(prevented((e) => g.navigate.forEach((h) => h(e, 'app://ui/index.html#/results')))).toBe(false);
    expect(webPreferences.navigateOnDragDrop).toBe(false);
  });

  it('14. no new windows, ever', () => {
    const { windowOpen } = guardHandlers(window.webContents);
    expect(windowOpen.length).toBeGreaterThan(0);
    for (const url of ['https://github.com/x', 'https://evil.example/', 'app://ui/index.html', 'about:blank']) {
      for (const handler of windowOpen) expect(handler({ url })).toEqual({ action: 'deny' });
    }
  });

  it('15. shell.openExternal only through the https allowlist', () => {
    fake.shell.openExternal.mockClear();
    const [handler] = guardHandlers(window.webContents).windowOpen;
    for (const url of ['http://github.com/', 'https://evil.example/', 'file:///bin/sh', 'smb://github.com/x', 'https://u:p@github.com/']) handler!({ url });
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
    handler!({ url: 'https://github.com/henrycgbaker/LLenergyMeasure' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://github.com/henrycgbaker/LLenergyMeasure');
    // …and nowhere else in the shell.
    const calls = shellSources().flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/shell\.openExternal\(/g)]);
    expect(calls).toHaveLength(1);
  });

  it('16. a current Electron (minimum major pinned)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    expect(Number(/\d+/.exec(pkg.devDependencies.electron!)![0])).toBeGreaterThanOrEqual(40);
    expect(Number(installed.version.split('.')[0])).toBeGreaterThanOrEqual(40);
  });

  it('17. every IPC handler checks the sender, and main handles exactly the contract channels', async () => {
    const handled = [...fake.ipcMain.handlers.keys()].sort();
    const expected = Object.values(IPC_CHANNELS)
      .filter((c) => !MAIN_TO_RENDERER_CHANNELS.includes(c))
      .sort();
    expect(handled).toEqual(expected);

    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'app://ui/index.html';
    const subframe = { url: 'app://ui/index.html' };
    for (const [channel, handler] of fake.ipcMain.handlers) {
      const h = handler as Handler;
      // A window we did not create, even one showing app://ui.
      expect(await h({ sender: stranger, senderFrame: stranger.mainFrame }, {}), channel).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
      // Our window, but an iframe (not the top frame).
      expect(await h({ sender: window.webContents, senderFrame: subframe }, {}), channel).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
      // Our window after something navigated it elsewhere.
      const away = { url: 'https://evil.example/' };
      expect(await h({ sender: Object.assign(new FakeWebContents(), { mainFrame: away }), senderFrame: away }, {}), channel).toMatchObject({
        ok: false,
        error: { code: 'forbidden_sender' },
      });
    }
    // The real window's top frame is served.
    const list = fake.ipcMain.handlers.get(IPC_CHANNELS.listRecentCampaigns) as Handler;
    expect(await list({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, {})).toEqual({ ok: true, value: [] });
  });

  it('18. a privileged custom protocol instead of file://', () => {
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(window.loadedUrl!.startsWith('file:')).toBe(false);
    const builder = YAML.parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> };
    expect(builder.electronFuses.grantFileProtocolExtraPrivileges).toBe(false);
  });

  it('19. fuses are set for release builds, runAsNode off included', () => {
    const builder = YAML.parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> };
    expect(builder.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    // With the fuse off the app binary ignores ELECTRON_RUN_AS_NODE, so nothing the app ships may rely on it:
    // the guardian runs on Python in the desktop app (tests/unit/runner/guardian.test.ts, llemPython.test.ts).
    expect(shippedSourcesUsing('ELECTRON_RUN_AS_NODE')).toEqual([]);
    expect(chooseGuardianRuntime({ python: null, underElectron: true }).ok).toBe(false);
  });

  it('20. the page gets one object of plain functions, no Electron or Node objects', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, api] = fake.contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(name).toBe('llem');
    const leaves: [string, unknown][] = [];
    const walk = (value: Record<string, unknown>, prefix: string) => {
      for (const [key, member] of Object.entries(value)) {
        if (typeof member === 'object' && member !== null) walk(member as Record<string, unknown>, `${prefix}${key}.`);
        else leaves.push([`${prefix}${key}`, member]);
      }
    };
    walk(api, '');
    expect(leaves.map(([k]) => k).sort()).toEqual(
      [
        'call',
        'subscribe',
        'desktop.openCampaign',
        'desktop.openRecentCampaign',
        'desktop.listRecentCampaigns',
        'desktop.saveFile',
        'desktop.importResultsDialog',
        'desktop.importDroppedFiles',
        'desktop.onEvent',
      ].sort(),
    );
    for (const [key, member] of leaves) expect(typeof member, key).toBe('function');
    expect(Object.values(api)).not.toContain(fake.ipcRenderer);
  });
});
