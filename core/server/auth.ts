import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../contract/wire';

/**
 * Browser-mode session (issue #15, finding 3). The token travels in the URL *fragment* (`/#token=…`), which a
 * browser never sends to any server; the page keeps it in sessionStorage (scoped to this exact origin, port
 * included, and to the tab) and presents it on the WebSocket handshake as a subprotocol. No cookie exists, so
 * nothing the browser sends to another port (another web service on 127.0.0.1, another `serve`) carries it.
 */
export { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX };

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The subprotocols a WebSocket handshake offers (`Sec-WebSocket-Protocol`, comma-separated). */
export function offeredProtocols(req: Pick<IncomingMessage, 'headers'>): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Where a WebSocket handshake presented the right token, if it did: the page offers it as a subprotocol; Node
 * clients (benchmarks, scripts) may send `Authorization: Bearer`. The query string and cookies are never read.
 */
export function presentedToken(req: Pick<IncomingMessage, 'headers'>, token: string): 'protocol' | 'header' | null {
  for (const offered of offeredProtocols(req)) {
    if (offered.startsWith(TOKEN_PROTOCOL_PREFIX) && sameSecret(offered.slice(TOKEN_PROTOCOL_PREFIX.length), token)) return 'protocol';
  }
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ') && sameSecret(auth.slice(7), token)) return 'header';
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
