import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../../contract/wire';
import { startCore, type Core } from '../../../core/startCore';
import type { Dispatcher } from '../../../core/api/dispatcher';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../core/server/auth';
import { startLoopbackServer, type LoopbackServer } from '../../../core/server/loopbackServer';
import { clientFrame, healthCall, rawWebSocket, sendThenReset, upgradeRequestText } from './hostileClient';

/**
 * Regression tests for issue #15 findings 1, 2 and 6, against the real loopback server and a real core over
 * real sockets. What killed `serve` was an uncaught exception: here it would land in this process, so each test
 * asserts none happened, and that the server still answers a fresh client afterwards.
 */
const uncaught: unknown[] = [];
const recordUncaught = (e: unknown) => uncaught.push(e);
process.on('uncaughtException', recordUncaught);
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 20)); // let a late socket error surface in this test, not the next
  expect(uncaught.map(String)).toEqual([]);
  uncaught.length = 0;
});
afterAll(() => void process.off('uncaughtException', recordUncaught));
let dataDir: string;
let core: Core;
let server: LoopbackServer;
let dispatched = 0;
const BIG_REPLY = 'x'.repeat(256 * 1024);

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-hostile-'));
  const rendererDir = path.join(dataDir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>llem Studio</title>');
  const started = startCore({ dataDir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
  // The real dispatcher, plus one method with a large reply (a results list can be this big) and a call counter.
  const dispatcher: Dispatcher = {
    call: (method, params) => {
      dispatched++;
      if (method === 'test.big') return Promise.resolve({ ok: true, value: BIG_REPLY });
      return core.dispatcher.call(method, params);
    },
    subscribe: (topic, params, emit) => core.dispatcher.subscribe(topic, params, emit),
  };
  // Lower flow limits than production so the test moves little data; the mechanism is the same.
  server = await startLoopbackServer({
    dispatcher,
    rendererDir,
    port: 0,
    sessionLimits: { maxInFlightCalls: 8, flowHighWaterBytes: 1024 * 1024, maxBufferedBytes: 32 * 1024 * 1024 },
  });
});

afterAll(async () => {
  await server?.close();
  core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const expectHealthy = async () => expect(await healthCall(server.port, server.token)).toMatchObject({ ok: true });

describe('finding 1: a connection reset during a refused upgrade', () => {
  const refusals = {
    'no token (401)': () => ({ port: server.port }),
    'wrong token (401)': () => ({ port: server.port, token: 'not-the-token-not-the-token' }),
    'non-loopback Host (403)': () => ({ port: server.port, host: 'evil.example', token: server.token }),
    'other Origin (403)': () => ({ port: server.port, origin: 'http://127.0.0.1:1', token: server.token }),
    'unknown path (404)': () => ({ port: server.port, path: '/nope', token: server.token }),
  };
  for (const [name, request] of Object.entries(refusals)) {
    it(`${name}: 25 resets with SO_LINGER 0 leave the server up`, async () => {
      for (let i = 0; i < 25; i++) await sendThenReset(server.port, upgradeRequestText(request()), undefined, i % 5);
      await expectHealthy();
    });
  }
});

describe('finding 2: malformed frames on an open socket', () => {
  const frames: Record<string, () => Buffer> = {
    'invalid UTF-8 in a text frame': () => clientFrame(0x1, Buffer.from([0xc3, 0x28, 0xff, 0xfe])),
    'a message over maxPayload (declared)': () => clientFrame(0x1, Buffer.alloc(16), { declaredLength: MAX_MESSAGE_BYTES + 1 }),
    'a reserved opcode': () => clientFrame(0x3, Buffer.from('x')),
    'RSV bits without an extension': () => clientFrame(0x1, Buffer.from('{}'), { rsv: 0x7 }),
    'an unmasked client frame': () => clientFrame(0x1, Buffer.from('{}'), { masked: false }),
    'a continuation without a start': () => clientFrame(0x0, Buffer.from('x')),
    'a fragmented control frame': () => clientFrame(0x9, Buffer.from('x'), { fin: false }),
    'a close frame with an invalid code': () => clientFrame(0x8, Buffer.from([0x03, 0xe7])),
  };
  for (const [name, frame] of Object.entries(frames)) {
    it(`${name}: the connection is closed, the server stays up`, async () => {
      const socket = await rawWebSocket(server.port, server.token);
      const closed = new Promise((r) => socket.once('close', r));
      socket.write(frame());
      await closed;
      await expectHealthy();
    });
  }

  it('a real 5 MiB message from a client: refused (close 1009), the server stays up', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + server.token], { origin: `http://127.0.0.1:${server.port}` });
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    const code = new Promise<number>((r) => ws.once('close', (c) => r(c)));
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'design.validate', params: { yaml: 'x'.repeat(5 * 1024 * 1024) } }));
    expect(await code).toBe(1009);
    await expectHealthy();
  });
});

describe('finding 6: a client that stops reading', () => {
  it('makes the server stop reading its calls instead of buffering replies; it gets every reply once it reads again', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + server.token], { origin: `http://127.0.0.1:${server.port}` });
    await new Promise((r) => ws.once('open', r));
    const replies = new Set<number>();
    ws.on('message', (data) => replies.add((JSON.parse(String(data)) as { id: number }).id));
    ws.pause(); // stop reading: replies pile up on the server's side
    const calls = 200; // 200 × 256 KiB = 50 MiB of replies if the server buffered them all
    const before = dispatched;
    for (let id = 1; id <= calls; id++) ws.send(JSON.stringify({ type: 'call', id, method: 'test.big', params: {} }));
    await new Promise((r) => setTimeout(r, 1500));
    const whileStalled = dispatched - before;
    // 1 MiB high-water mark + 8 in flight + what the kernel's socket buffers hold: far from all 200.
    expect(whileStalled).toBeLessThan(calls / 2);
    await expectHealthy();
    ws.resume();
    const deadline = Date.now() + 20_000;
    while (replies.size < calls && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(replies.size).toBe(calls);
    ws.close();
  });
});
