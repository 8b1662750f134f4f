import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../contract/contentSecurityPolicy';
import { MAX_MESSAGE_BYTES } from '../../contract/wire';
import type { Dispatcher } from '../api/dispatcher';
import { serveApiSession, type SessionLimits } from './apiSession';
import { API_PROTOCOL, isLoopbackHost, isSameOrigin, newToken, presentedToken } from './auth';
import { resolveStaticPath, sendFile } from './staticFiles';

export const API_PATH = '/api';

export interface LoopbackServerOptions {
  dispatcher: Dispatcher;
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  host?: '127.0.0.1' | '::1';
  /** Per-connection flow limits (tests lower them); SESSION_LIMITS otherwise. */
  sessionLimits?: SessionLimits;
  /** Limits on raw connections (tests lower them); CONNECTION_LIMITS otherwise. */
  connectionLimits?: ConnectionLimits;
  /**
   * Routes tried before the static files (GET/HEAD, loopback Host already checked, security headers already set): each
   * answers and returns true for its own paths, false otherwise (e.g. core/server/exportDownloads.ts).
   */
  routes?: HttpRoute[];
}

export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

/**
 * Bounds on connections that never become useful (issue #15, a sibling of finding 1): a local user opening idle or
 * trickling TCP connections must not hold sockets and memory for Node's defaults (60 s for headers, 5 min for a
 * request, no count limit). Every legitimate request here is small: a static file GET or a WebSocket upgrade,
 * which is complete once its headers are. An upgraded WebSocket is no longer an HTTP request: these limits do not
 * apply to it (its own limits are SESSION_LIMITS).
 */
export interface ConnectionLimits {
  /** A connection must send complete request headers within this (also the idle time before the first byte). */
  headersTimeoutMs: number;
  /** A whole HTTP request must arrive within this. */
  requestTimeoutMs: number;
  /** How often Node checks the two timeouts above (their precision). */
  checkIntervalMs: number;
  /** Connections open at once (HTTP and WebSocket); more are closed on accept. A browser uses ~6 per tab. */
  maxConnections: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 1_000,
  maxConnections: 128,
};

export interface LoopbackServer {
  /** The URL to open: the token is in the fragment, which the browser keeps to itself. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function refuse(res: ServerResponse, status: 401 | 403 | 404 | 405, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  res.end(message + '\n');
}

function refuseUpgrade(socket: Socket, status: 400 | 401 | 403 | 404, reason: string): void {
  // Guarded: the client may already have reset the connection (the socket's 'error' listener is set on upgrade).
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroySoon();
}

/**
 * Serves the built UI and the API WebSocket on loopback only, for headless GPU servers reached over SSH.
 * The UI's files are public (they hold no data and no secret). The API needs the random token, which the page
 * reads from the URL fragment (never sent to a server) and offers as a WebSocket subprotocol; Host must be a
 * loopback name and a WebSocket's Origin must be this server's own. See core/server/auth.ts and
 * docs/security-checklist.md ("Browser mode").
 */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();

  const limits = options.connectionLimits ?? CONNECTION_LIMITS;
  const server: Server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
    (req, res) => handleHttp(req, res),
  );
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket) => {
    sockets.add(socket);
    // Every socket has an 'error' listener from its first byte to its last: a peer that resets the connection
    // (SO_LINGER 0) at any stage must never become an uncaught exception (issue #15, finding 1).
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  // A malformed request or a reset before the request is complete: answer 400 if the socket still can, else drop.
  // A connection past headersTimeout/requestTimeout (idle, or trickling its headers) arrives here too: 408.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable && !socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => res.destroy());
    if (!isLoopbackHost(req.headers.host)) return refuse(res, 403, 'Forbidden: not a loopback host.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    // Only the path is used, parsed against a fixed base: a request target like `//evil.example/` can never
    // become a redirect or another host (the server answers no redirect at all).
    const url = new URL(req.url ?? '/', 'http://loopback.invalid');
    for (const route of options.routes ?? []) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      if (route(req, res, url)) return;
    }
    const file = resolveStaticPath(options.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'Not found.');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    sendFile(res, file, req.method === 'HEAD');
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // The page offers [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]: answer with the first, never echo the token.
    handleProtocols: (protocols) => (protocols.has(API_PROTOCOL) ? API_PROTOCOL : false),
  });
  wss.on('error', () => undefined); // handshake errors are per socket; the server itself never stops for one
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!isLoopbackHost(req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    const url = new URL(req.url ?? '/', 'http://loopback.invalid');
    if (url.pathname !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!presentedToken(req, token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    if (!isSameOrigin(req.headers.origin, req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => serveApiSession(ws, options.dispatcher, options.sessionLimits));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${hostInUrl}:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

