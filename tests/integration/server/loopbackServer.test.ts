import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCore, type Core } from '../../../core/coreContext';
import { SESSION_COOKIE } from '../../../core/server/auth';
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

function openSocket(options: { token?: string; origin?: string; cookie?: string } = {}): Promise<WebSocket> {
  const query = options.token !== undefined ? `?token=${options.token}` : '';
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { origin: options.origin ?? base, headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

describe('HTTP', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`${base}/?token=${server.token}`);
  });

  it('refuses every request without the token (401)', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/settings', '/api']) {
      expect((await get(p)).status).toBe(401);
    }
    expect((await get('/?token=wrong')).status).toBe(401);
  });

  it('refuses a non-loopback Host (DNS rebinding) even with the token (403)', async () => {
    expect((await get(`/?token=${server.token}`, { host: 'evil.example' })).status).toBe(403);
  });

  it('trades the query token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain(`${SESSION_COOKIE}=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get('/', { cookie: `${SESSION_COOKIE}=${server.token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>llem Studio</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('serves assets with the cookie and never files outside the UI folder', async () => {
    const cookie = `${SESSION_COOKIE}=${server.token}`;
    expect((await get('/assets/app.js', { cookie })).body).toBe('console.log(1)');
    expect((await get('/../llem-studio.sqlite', { cookie })).status).not.toBe(200);
    expect((await get('/%2e%2e/llem-studio.sqlite', { cookie })).status).toBe(404);
  });
});

describe('WebSocket API', () => {
  it('refuses a socket without the token (401) or from another origin (403)', async () => {
    await expect(openSocket()).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: server.token, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ token: server.token, origin: `http://localhost:${server.port}` })).rejects.toThrow('HTTP 403');
  });

  it('answers app.info with the real SQLite version and data directory', async () => {
    const ws = await openSocket({ cookie: `${SESSION_COOKIE}=${server.token}` });
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
