/**
 * Idle and trickling raw TCP connections (issue #15, a sibling of finding 1): the loopback server closes a
 * connection that sends nothing or never finishes its headers, refuses connections beyond maxConnections, and
 * keeps answering throughout; an open WebSocket is not an HTTP request and is not cut by these timeouts.
 * Limits are lowered here so the test waits little; the mechanism is the one `serve` uses (CONNECTION_LIMITS).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startCore, type Core } from '../../../core/startCore';
import { CONNECTION_LIMITS, startLoopbackServer, type LoopbackServer } from '../../../core/server/loopbackServer';
import { connect, healthCall, rawWebSocket } from './hostileClient';

const uncaught: unknown[] = [];
const recordUncaught = (e: unknown) => uncaught.push(e);
process.on('uncaughtException', recordUncaught);
afterEach(() => {
  expect(uncaught.map(String)).toEqual([]);
  uncaught.length = 0;
});
afterAll(() => void process.off('uncaughtException', recordUncaught));

const LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50, maxConnections: 4 };
let dataDir: string;
let core: Core;
let server: LoopbackServer;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-idle-'));
  const rendererDir = path.join(dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>llem Studio</title>');
  const started = startCore({ dataDir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
  server = await startLoopbackServer({ dispatcher: core.dispatcher, rendererDir, port: 0, connectionLimits: LIMITS });
});

afterAll(async () => {
  await server?.close();
  core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves with what the server sent when it closes the connection (the test's own timeout bounds the wait). */
function closedByServer(socket: net.Socket): Promise<string> {
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk) => (received += String(chunk)));
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

it('the production limits are set and sensible', () => {
  expect(CONNECTION_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(CONNECTION_LIMITS.requestTimeoutMs);
  expect(CONNECTION_LIMITS.requestTimeoutMs).toBeLessThan(60_000);
  expect(CONNECTION_LIMITS.maxConnections).toBeGreaterThanOrEqual(32);
});

it('closes a connection that sends nothing, and one that never finishes its headers; the server keeps answering', async () => {
  const silent = await connect(server.port);
  const trickling = await connect(server.port);
  trickling.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const [silentGot, tricklingGot] = await Promise.all([closedByServer(silent), closedByServer(trickling)]);
  expect(silentGot).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(tricklingGot).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(await healthCall(server.port, server.token)).toMatchObject({ ok: true });
}, 10_000);

it('drops connections beyond maxConnections; once the idle ones time out the server answers again', async () => {
  const idle = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => connect(server.port)));
  const idleClosed = idle.map(closedByServer);
  const extra = await connect(server.port);
  // Refused on accept: closed with nothing sent, while the first four are still open.
  expect(await closedByServer(extra)).toBe('');
  expect(idle.every((socket) => !socket.destroyed)).toBe(true);
  await Promise.all(idleClosed);
  expect(await healthCall(server.port, server.token)).toMatchObject({ ok: true });
}, 10_000);

it('leaves an open WebSocket alone past the request timeout', async () => {
  const ws = await rawWebSocket(server.port, server.token);
  let closed = false;
  ws.once('close', () => (closed = true));
  // Several times the request timeout, measured in Node's own checks of it.
  await new Promise((r) => setTimeout(r, LIMITS.requestTimeoutMs * 3));
  expect(closed).toBe(false);
  ws.destroy();
}, 10_000);
