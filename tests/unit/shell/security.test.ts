import { EventEmitter } from 'node:events';
import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../contract/contentSecurityPolicy';
import { APP_ORIGIN, guardWebContents, isAllowedExternalUrl, isAppUrl } from '../../../main/security';

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
