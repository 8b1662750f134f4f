import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../contract/contentSecurityPolicy';
import {
  APP_ORIGIN,
  blockNonAppRequests,
  createGuardedOpenExternal,
  denyAllPermissions,
  guardWebContents,
  isAllowedExternalUrl,
  isAllowedRequestUrl,
  isAppSender,
  isAppUrl,
} from '../../../main/security';

describe('URL guards', () => {
  it('recognises only the app origin as the app', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const url of ['file:///etc/passwd', 'https://ui', 'app://other/index.html', 'http://127.0.0.1/', 'not a url']) expect(isAppUrl(url)).toBe(false);
  });

  it('openExternal accepts https to allow-listed hosts only', () => {
    expect(isAllowedExternalUrl('https://github.com/henrycgbaker/LLenergyMeasure')).toBe(true);
    expect(isAllowedExternalUrl('https://docs.github.com/x')).toBe(true);
    for (const url of ['http://github.com/', 'https://github.com.evil.example/', 'https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@github.com/', 'smb://github.com/x']) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});

describe('guardWebContents', () => {
  function contents() {
    const emitter = new EventEmitter() as EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn> };
    emitter.setWindowOpenHandler = vi.fn();
    return emitter;
  }

  it('blocks navigation to another origin and allows in-app navigation', () => {
    const c = contents();
    guardWebContents(c as unknown as WebContents, vi.fn());
    const away = { preventDefault: vi.fn() };
    c.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    c.emit('will-navigate', inside, `${APP_ORIGIN}/index.html#/results`);
    expect(inside.preventDefault).not.toHaveBeenCalled();
  });

  it('denies every new window and hands only allow-listed links to the OS browser', () => {
    const c = contents();
    const openExternal = vi.fn();
    guardWebContents(c as unknown as WebContents, openExternal);
    const handler = c.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => { action: string };
    expect(handler({ url: 'https://github.com/x' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledWith('https://github.com/x');
  });
});

describe('Content-Security-Policy', () => {
  it('allows no remote content and no eval', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});

describe('guardWebContents, the rest', () => {
  function contents() {
    const emitter = new EventEmitter() as EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn> };
    emitter.setWindowOpenHandler = vi.fn();
    guardWebContents(emitter as unknown as WebContents, vi.fn());
    return emitter;
  }

  it('blocks subframe navigation and redirects away from the app, and every webview', () => {
    const c = contents();
    const frame = { preventDefault: vi.fn(), url: 'https://evil.example/' };
    c.emit('will-frame-navigate', frame);
    expect(frame.preventDefault).toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    c.emit('will-redirect', redirect, 'http://127.0.0.1:8080/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const inApp = { preventDefault: vi.fn() };
    c.emit('will-redirect', inApp, `${APP_ORIGIN}/index.html`);
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    c.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });
});

describe('createGuardedOpenExternal', () => {
  it('opens allow-listed https links and refuses the rest, saying so', async () => {
    const open = vi.fn(async () => undefined);
    const log = vi.fn();
    const openExternal = createGuardedOpenExternal(open, log);
    expect(openExternal('https://pypi.org/project/llenergymeasure/')).toBe(true);
    expect(openExternal('http://pypi.org/')).toBe(false);
    expect(openExternal('https://pypi.org.attacker.example/')).toBe(false);
    expect(openExternal('file:///etc/passwd')).toBe(false);
    expect(open).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledTimes(3);
  });

  it('a failing OS opener is logged, not thrown', async () => {
    const log = vi.fn();
    createGuardedOpenExternal(() => Promise.reject(new Error('no browser')), log)('https://github.com/');
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringMatching(/no browser/)));
  });
});

describe('isAppSender', () => {
  const appFrame = { url: `${APP_ORIGIN}/index.html` };
  const ours = { mainFrame: appFrame } as unknown as WebContents;
  const isOurs = (c: WebContents) => c === ours;
  const event = (sender: WebContents, senderFrame: unknown) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

  it('accepts only the top frame of an app window showing the app', () => {
    expect(isAppSender(event(ours, appFrame), isOurs)).toBe(true);
    expect(isAppSender(event(ours, { url: `${APP_ORIGIN}/index.html` }), isOurs)).toBe(false); // an iframe, even same-origin
    expect(isAppSender(event(ours, null), isOurs)).toBe(false); // frame gone
    const foreign = { mainFrame: appFrame } as unknown as WebContents;
    expect(isAppSender(event(foreign, appFrame), isOurs)).toBe(false);
    const navigatedAway = { url: 'https://evil.example/' };
    const moved = { mainFrame: navigatedAway } as unknown as WebContents;
    expect(isAppSender(event(moved, navigatedAway), (c) => c === moved)).toBe(false);
  });
});

describe('session guards', () => {
  function fakeSession() {
    return {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      setDisplayMediaRequestHandler: vi.fn(),
      webRequest: { onBeforeRequest: vi.fn() },
    };
  }

  it('the permission handlers deny everything', () => {
    const s = fakeSession();
    denyAllPermissions(s as unknown as Session);
    const request = s.setPermissionRequestHandler.mock.calls[0]![0] as (c: unknown, p: string, cb: (v: boolean) => void) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-sanitized-write']) {
      const cb = vi.fn();
      request({}, permission, cb);
      expect(cb, permission).toHaveBeenCalledWith(false);
    }
    expect((s.setPermissionCheckHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
    expect((s.setDevicePermissionHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
  });

  it('requests outside the app are cancelled', () => {
    const s = fakeSession();
    blockNonAppRequests(s as unknown as Session, () => undefined);
    const handler = s.webRequest.onBeforeRequest.mock.calls[0]![0] as (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
    const cb = vi.fn();
    handler({ url: 'https://cdn.example/lib.js' }, cb);
    handler({ url: `${APP_ORIGIN}/assets/app.js` }, cb);
    expect(cb.mock.calls).toEqual([[{ cancel: true }], [{ cancel: false }]]);
    expect(isAllowedRequestUrl('blob:app://ui/1234')).toBe(true);
    expect(isAllowedRequestUrl('chrome://settings')).toBe(false);
    expect(isAllowedRequestUrl('not a url')).toBe(false);
  });
});
