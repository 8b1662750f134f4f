import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TOKEN_PROTOCOL_PREFIX, isLoopbackHost, isSameOrigin, newToken, presentedToken } from '../../../core/server/auth';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('token', () => {
  const token = newToken();
  it('is long and random', () => {
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(newToken()).not.toBe(token);
  });
  it('is accepted as a WebSocket subprotocol or a bearer header, never from a cookie or the query', () => {
    expect(presentedToken(request({ 'sec-websocket-protocol': `llem-studio, ${TOKEN_PROTOCOL_PREFIX}${token}` }), token)).toBe('protocol');
    expect(presentedToken(request({ authorization: `Bearer ${token}` }), token)).toBe('header');
    expect(presentedToken(request({}), token)).toBeNull();
    expect(presentedToken(request({ cookie: `llem_studio_session=${token}` }), token)).toBeNull();
    expect(presentedToken(request({ 'sec-websocket-protocol': `llem-studio, ${TOKEN_PROTOCOL_PREFIX}${token}x` }), token)).toBeNull();
    expect(presentedToken(request({ 'sec-websocket-protocol': token }), token)).toBeNull();
    expect(presentedToken(request({ authorization: token }), token)).toBeNull();
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
