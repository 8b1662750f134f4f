import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../contract/contentSecurityPolicy';
import { ClientMessageSchema, MAX_MESSAGE_BYTES, type ServerMessage } from '../../contract/wire';
import type { Dispatcher } from '../api/dispatcher';
import { SESSION_COOKIE, isLoopbackHost, isSameOrigin, newToken, presentedToken } from './auth';
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
}

export interface LoopbackServer {
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
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves the built UI and the API WebSocket on loopback only, for headless GPU servers reached over SSH.
 * Every request must carry the random token (query on first load, then an HttpOnly SameSite=Strict cookie);
 * Host must be a loopback name and a WebSocket's Origin must be this server's own.
 */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => handleHttp(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    if (!isLoopbackHost(req.headers.host)) return refuse(res, 403, 'Forbidden: not a loopback host.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const auth = presentedToken(req, url, token);
    if (!auth) return refuse(res, 401, 'Unauthorized: open the URL with ?token=… that llem-studio serve printed.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    if (auth === 'query') {
      // Trade the token in the address bar for a cookie, then drop it from the URL (history, screenshots).
      url.searchParams.delete('token');
      res.writeHead(303, {
        Location: url.pathname + (url.search || ''),
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        ...SECURITY_HEADERS,
      });
      res.end();
      return;
    }
    const file = resolveStaticPath(options.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'Not found.');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    sendFile(res, file, req.method === 'HEAD');
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!isLoopbackHost(req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!presentedToken(req, url, token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    if (!isSameOrigin(req.headers.origin, req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => serveApi(ws, options.dispatcher));
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
    url: `http://${hostInUrl}:${port}/?token=${token}`,
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

/** One API session per socket: calls answered in any order, subscriptions stopped when the socket goes. */
function serveApi(ws: WebSocket, dispatcher: Dispatcher): void {
  const subscriptions = new Map<number, () => void>();
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  ws.on('message', (raw, isBinary) => {
    if (isBinary) return send({ type: 'end', id: -1, error: { code: 'bad_message', message: 'Binary messages are not accepted.' } });
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      return send({ type: 'end', id: -1, error: { code: 'bad_message', message: 'The message is not valid JSON.' } });
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      return send({ type: 'end', id: -1, error: { code: 'bad_message', message: 'The message does not follow the API envelope.' } });
    }
    const message = parsed.data;
    switch (message.type) {
      case 'call':
        void dispatcher.call(message.method, message.params).then((result) => send({ type: 'reply', id: message.id, result }));
        return;
      case 'subscribe': {
        if (subscriptions.has(message.id)) {
          return send({ type: 'end', id: message.id, error: { code: 'duplicate_id', message: 'Subscription id already in use.' } });
        }
        const started = dispatcher.subscribe(message.topic, message.params, (data) => send({ type: 'event', id: message.id, data }));
        if (!started.ok) return send({ type: 'end', id: message.id, error: started.error });
        subscriptions.set(message.id, started.value);
        return;
      }
      case 'unsubscribe': {
        subscriptions.get(message.id)?.();
        subscriptions.delete(message.id);
        return send({ type: 'end', id: message.id });
      }
    }
  });

  ws.on('close', () => {
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
}
