import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCore, type Core } from '../../../core/startCore';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../core/server/auth';
import { startLoopbackServer, type LoopbackServer } from '../../../core/server/loopbackServer';

let dataDir: string;
let core: Core;
let server: LoopbackServer;
let base: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-serve-'));
  const rendererDir = path.join(dataDir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>llem Studio</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const started = startCore({ dataDir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
  server = await startLoopbackServer({ dispatcher: core.dispatcher, rendererDir, port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${pathname}`, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A socket as the page opens it: the token offered as a subprotocol (or as a bearer header, as scripts do). */
function openSocket(options: { token?: string; origin?: string; bearer?: string; query?: string; cookie?: string } = {}): Promise<WebSocket> {
  const headers: Record<string, string> = {};
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.cookie) headers.cookie = options.cookie;
  const protocols = options.token !== undefined ? [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + options.token] : [];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${options.query ?? ''}`, protocols, { origin: options.origin ?? base, headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

describe('HTTP', () => {
  it('prints a loopback URL carrying the token in the fragment, which browsers never send', () => {
    expect(server.url).toBe(`${base}/#token=${server.token}`);
  });

  it('serves the UI files without any secret, with the security headers, and sets no cookie', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>llem Studio</title>');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await get('/assets/app.js')).body).toBe('console.log(1)');
  });

  it('refuses a non-loopback Host (DNS rebinding) (403)', async () => {
    expect((await get('/', { host: 'evil.example' })).status).toBe(403);
  });

  it('never redirects, whatever the request target (no open redirect)', async () => {
    for (const target of ['/.//evil.example/', `/.//evil.example/?token=${server.token}`, '//evil.example/', '/%2f%2fevil.example', `/?token=${server.token}`]) {
      const res = await get(target);
      expect(res.headers.location, target).toBeUndefined();
      expect([200, 404], target).toContain(res.status);
    }
  });

  it('never serves files outside the UI folder', async () => {
    expect((await get('/../llem-studio.sqlite')).status).not.toBe(200);
    expect((await get('/%2e%2e/llem-studio.sqlite')).status).toBe(404);
  });
});

describe('WebSocket API', () => {
  it('refuses a socket without the token (401) or from another origin (403)', async () => {
    await expect(openSocket()).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: 'wrong-token-wrong-token' })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: server.token, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ token: server.token, origin: `http://localhost:${server.port}` })).rejects.toThrow('HTTP 403');
  });

  it('no longer accepts the token from the query string or a cookie (they reach other ports and logs)', async () => {
    await expect(openSocket({ query: `?token=${server.token}` })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ cookie: `llem_studio_session=${server.token}` })).rejects.toThrow('HTTP 401');
  });

  it('answers with the API subprotocol and never echoes the token', async () => {
    const ws = await openSocket({ token: server.token });
    expect(ws.protocol).toBe(API_PROTOCOL);
    ws.close();
  });

  it('answers app.info with the real SQLite version and data directory', async () => {
    const ws = await openSocket({ bearer: server.token });
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.info', params: {} }));
    const reply = await nextMessage(ws);
    expect(reply).toMatchObject({ type: 'reply', id: 1, result: { ok: true } });
    const sqlite = (core.context.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    expect(reply.result.value.sqliteVersion).toBe(sqlite);
    expect(reply.result.value.dataDir).toBe(dataDir);
    expect(reply.result.value.llem.found).toBe(false);
    ws.close();
  });

  it('returns errors as data for unknown methods, bad params and malformed messages, and stays up', async () => {
    const ws = await openSocket({ token: server.token });
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'db.dropEverything', params: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 2, result: { ok: false, error: { code: 'unknown_method' } } });
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'app.info', params: { x: 1 } }));
    expect(await nextMessage(ws)).toMatchObject({ id: 3, result: { ok: false, error: { code: 'invalid_params' } } });
    ws.send('{not json');
    expect(await nextMessage(ws)).toMatchObject({ type: 'end', error: { code: 'bad_message' } });
    ws.send(JSON.stringify({ type: 'call', id: 'x' }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'end', error: { code: 'bad_message' } });
    ws.send(JSON.stringify({ type: 'call', id: 4, method: 'app.info', params: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 4, result: { ok: true } });
    ws.close();
  });

  it('streams a subscription until unsubscribed', async () => {
    const ws = await openSocket({ token: server.token });
    ws.send(JSON.stringify({ type: 'subscribe', id: 10, topic: 'app.heartbeat', params: {} }));
    const event = await nextMessage(ws);
    expect(event).toMatchObject({ type: 'event', id: 10, data: { uptimeSeconds: expect.any(Number) } });
    ws.send(JSON.stringify({ type: 'unsubscribe', id: 10 }));
    let next = await nextMessage(ws);
    while (next.type === 'event') next = await nextMessage(ws); // one may already be in flight
    expect(next).toEqual({ type: 'end', id: 10 });
    ws.close();
  });
});
