import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../../contract/wire';
import { startCore, type Core } from '../../../core/startCore';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../core/server/auth';
import { startLoopbackServer, type LoopbackServer } from '../../../core/server/loopbackServer';
import { clientFrame, connect, healthCall, rawWebSocket, upgradeRequestText } from './hostileClient';

/**
 * Fuzz/soak of browser mode (issue #15), bounded for CI: at most FUZZ_CASES cases and FUZZ_SECONDS seconds
 * (whichever comes first; at least MIN_CASES must run). Each case is one hostile client — random bytes, a reset at
 * a random point of the handshake, malformed or random frames, a slow reader, an oversized message — and after
 * each the server must answer a fresh client's health call, with no uncaught exception in this process.
 * FUZZ_SEED replays a failing series (the seed is printed on failure).
 */
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
const MIN_CASES = Math.min(CASES, 100);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dataDir: string;
let core: Core;
let server: LoopbackServer;
const uncaught: unknown[] = [];
const recordUncaught = (e: unknown) => uncaught.push(e);

beforeAll(async () => {
  process.on('uncaughtException', recordUncaught);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-fuzz-'));
  const rendererDir = path.join(dataDir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>llem Studio</title>');
  const started = startCore({ dataDir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
  server = await startLoopbackServer({ dispatcher: core.dispatcher, rendererDir, port: 0 });
});
afterAll(async () => {
  process.off('uncaughtException', recordUncaught);
  await server?.close();
  core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const closed = (socket: net.Socket, ms = 250) => Promise.race([new Promise((r) => socket.once('close', r)), sleep(ms)]);

function randomEnvelope(rand: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const value = () => pick<unknown>([null, 1, -1, 1e308, 'x', '', [], {}, { a: [1, { b: 'c' }] }, true, 'é\u0000\u202e', 2 ** 53 + 1]);
  const message: Record<string, unknown> = { type: pick(['call', 'subscribe', 'unsubscribe', 'reply', 'x', 1, null]) };
  if (rand() < 0.9) message.id = pick([0, 1, -1, 1.5, 2 ** 31, 'id', null]);
  if (rand() < 0.8) message.method = pick(['app.info', 'results.list', 'campaign.templates', 'nope', '', 'x'.repeat(200), 7]);
  if (rand() < 0.5) message.topic = pick(['app.heartbeat', 'nope', '']);
  if (rand() < 0.8) message.params = rand() < 0.5 ? {} : value();
  const text = JSON.stringify(message);
  return rand() < 0.15 ? text.slice(0, Math.floor(rand() * text.length)) : text;
}

type Case = (rand: () => number) => Promise<string>;
const CASE_KINDS: Record<string, Case> = {
  async randomBytes(rand) {
    const socket = await connect(server.port);
    socket.on('error', () => undefined);
    socket.write(randomBytes(1 + Math.floor(rand() * 2048)));
    if (rand() < 0.5) socket.resetAndDestroy();
    else socket.end();
    await closed(socket);
    return 'random bytes';
  },
  async resetDuringHandshake(rand) {
    const text = upgradeRequestText({ port: server.port, token: rand() < 0.7 ? server.token : 'wrong-token-wrong-token', ...(rand() < 0.2 ? { host: 'evil.example' } : {}) });
    const at = Math.floor(rand() * (text.length + 1));
    const socket = await connect(server.port);
    socket.on('error', () => undefined);
    socket.write(text.slice(0, at));
    if (rand() < 0.5) await sleep(Math.floor(rand() * 5));
    socket.resetAndDestroy();
    await closed(socket);
    return `reset after ${at}/${text.length} handshake bytes`;
  },
  async resetAfterUpgrade(rand) {
    const socket = await rawWebSocket(server.port, server.token);
    if (rand() < 0.5) socket.write(clientFrame(0x1, Buffer.from(JSON.stringify({ type: 'call', id: 1, method: 'app.info', params: {} }))));
    if (rand() < 0.5) await sleep(Math.floor(rand() * 10));
    socket.resetAndDestroy();
    await closed(socket);
    return 'reset after the upgrade';
  },
  async malformedFrame(rand) {
    const socket = await rawWebSocket(server.port, server.token);
    const payload = rand() < 0.5 ? randomBytes(Math.floor(rand() * 300)) : Buffer.from(randomEnvelope(rand));
    const frame = clientFrame(Math.floor(rand() * 16), payload, {
      fin: rand() < 0.8,
      rsv: rand() < 0.2 ? Math.floor(rand() * 8) : 0,
      masked: rand() < 0.9,
      ...(rand() < 0.2 ? { declaredLength: Math.floor(rand() * 2 * MAX_MESSAGE_BYTES) } : {}),
    });
    const cut = rand() < 0.3 ? Math.floor(rand() * frame.length) : frame.length;
    socket.write(frame.subarray(0, cut));
    if (rand() < 0.5) socket.resetAndDestroy();
    else {
      await sleep(5);
      socket.end();
    }
    await closed(socket);
    return 'malformed frame';
  },
  async randomMessages(rand) {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + server.token], { origin: `http://127.0.0.1:${server.port}` });
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    const n = 1 + Math.floor(rand() * 20);
    for (let i = 0; i < n; i++) ws.send(rand() < 0.1 ? randomBytes(Math.floor(rand() * 100)) : randomEnvelope(rand));
    await sleep(Math.floor(rand() * 20));
    if (rand() < 0.5) ws.terminate();
    else ws.close();
    return `${n} random messages`;
  },
  async slowReader(rand) {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + server.token], { origin: `http://127.0.0.1:${server.port}` });
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    ws.pause();
    const n = 50 + Math.floor(rand() * 200);
    for (let i = 0; i < n; i++) ws.send(JSON.stringify({ type: 'call', id: i, method: 'app.info', params: {} }));
    ws.send(JSON.stringify({ type: 'subscribe', id: 100_000, topic: 'app.heartbeat', params: {} }));
    await sleep(20 + Math.floor(rand() * 50));
    ws.terminate();
    return `slow reader, ${n} calls`;
  },
  async oversized(rand) {
    const socket = await rawWebSocket(server.port, server.token);
    const declared = MAX_MESSAGE_BYTES + 1 + Math.floor(rand() * 1024);
    socket.write(clientFrame(0x1, randomBytes(Math.floor(rand() * 4096)), { declaredLength: declared }));
    await closed(socket);
    return `declared ${declared} bytes`;
  },
};

describe('browser mode under hostile clients (bounded fuzz/soak)', () => {
  it(`up to ${CASES} cases or ${SECONDS} s: the server answers a health call after each`, async () => {
    const rand = prng(SEED);
    const kinds = Object.entries(CASE_KINDS);
    const started = Date.now();
    const rssBefore = process.memoryUsage().rss;
    const ran: Record<string, number> = {};
    let cases = 0;
    let last = '';
    try {
      while (cases < CASES && (cases < MIN_CASES || Date.now() - started < SECONDS * 1000)) {
        const [kind, run] = kinds[cases % kinds.length]!; // every kind in turn, its details at random
        last = `${kind}: ${await run(rand)}`;
        expect(await healthCall(server.port, server.token)).toMatchObject({ ok: true });
        expect(uncaught.map(String)).toEqual([]);
        ran[kind] = (ran[kind] ?? 0) + 1;
        cases++;
      }
    } catch (e) {
      throw new Error(`fuzz seed ${SEED}, case ${cases} (${last}): ${(e as Error).message}`, { cause: e });
    }
    console.log(`fuzz seed ${SEED}: ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`, ran);
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
    expect(Object.keys(ran).sort()).toEqual(Object.keys(CASE_KINDS).sort());
    // Nothing held on to: no connection's buffers outlive it.
    expect((process.memoryUsage().rss - rssBefore) / 2 ** 20).toBeLessThan(200);
  }, 60_000);
});
