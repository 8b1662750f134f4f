import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'llem_studio_session';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Where the request presented the token, if it presented the right one. */
export function presentedToken(req: IncomingMessage, url: URL, token: string): 'query' | 'cookie' | 'header' | null {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && sameSecret(fromQuery, token)) return 'query';
  const fromCookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (fromCookie !== undefined && sameSecret(fromCookie, token)) return 'cookie';
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), token)) return 'header';
  return null;
}

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Host must name a loopback address (any port: an SSH tunnel maps another local port), which defeats DNS
 * rebinding: a page on evil.example resolved to 127.0.0.1 still sends `Host: evil.example`.
 */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  try {
    return LOOPBACK_HOSTNAMES.has(new URL(`http://${hostHeader}`).hostname);
  } catch {
    return false;
  }
}

/** A WebSocket may only be opened by the page this server served: its Origin must equal http://<Host>. */
export function isSameOrigin(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (!originHeader || !hostHeader) return false;
  return originHeader === `http://${hostHeader}`;
}
