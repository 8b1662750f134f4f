import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, isLoopbackHost, isSameOrigin, newToken, presentedToken } from '../../../core/server/auth';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('token', () => {
  const token = newToken();
  it('is long and random', () => {
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(newToken()).not.toBe(token);
  });
  it('is accepted from the query, the cookie or a bearer header, and nowhere else', () => {
    expect(presentedToken(request({}), new URL(`http://x/?token=${token}`), token)).toBe('query');
    expect(presentedToken(request({ cookie: `a=b; ${SESSION_COOKIE}=${token}` }), new URL('http://x/'), token)).toBe('cookie');
    expect(presentedToken(request({ authorization: `Bearer ${token}` }), new URL('http://x/'), token)).toBe('header');
    expect(presentedToken(request({}), new URL('http://x/'), token)).toBeNull();
    expect(presentedToken(request({ cookie: `${SESSION_COOKIE}=${token}x` }), new URL('http://x/?token=wrong'), token)).toBeNull();
    expect(presentedToken(request({ authorization: token }), new URL('http://x/'), token)).toBeNull();
  });
});

describe('host and origin checks', () => {
  it('accepts loopback names on any port (SSH tunnels) and nothing else', () => {
    for (const ok of ['127.0.0.1:8080', 'localhost:1', '[::1]:9000', 'localhost']) expect(isLoopbackHost(ok)).toBe(true);
    for (const bad of [undefined, '', 'evil.example', 'evil.example:8080', '127.0.0.1.evil.example', '10.0.0.2:80', '0.0.0.0:80']) {
      expect(isLoopbackHost(bad)).toBe(false);
    }
  });
  it('requires the Origin to be this very server', () => {
    expect(isSameOrigin('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(isSameOrigin('http://localhost:8080', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('http://evil.example', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin(undefined, '127.0.0.1:8080')).toBe(false);
  });
});
