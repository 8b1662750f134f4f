/**
 * Issue #15, finding 8: planning a large study must not hold `serve`'s event loop. A real loopback server whose
 * core plans in the worker thread (built from core/campaigns/planWorker.ts with the CLI's esbuild settings) is
 * asked for a 100k-config plan and, right after on the same socket, for app.info: the health reply must come back
 * first. With planning on the server's own thread the plan call holds the loop until it is done, so its reply
 * would be sent first. (How long a plan takes belongs to bench/campaign-expand.ts, not here.)
 */
import { build } from 'esbuild';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWorkerPlanner } from '../../../core/campaigns/campaignPlanner';
import { startCore, type Core } from '../../../core/startCore';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../core/server/auth';
import { startLoopbackServer, type LoopbackServer } from '../../../core/server/loopbackServer';

let dir: string;
let workerDir: string;
let core: Core;
let server: LoopbackServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-plan-thread-'));
  // Inside the project, as out/cli/planWorker.js is, so its npm imports resolve from node_modules.
  workerDir = mkdtempSync(path.resolve('out/plan-worker-test-'));
  const workerEntry = path.join(workerDir, 'planWorker.js');
  await build({ entryPoints: ['core/campaigns/planWorker.ts'], outfile: workerEntry, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>llem Studio</title>');
  const started = startCore({ dataDir: path.join(dir, 'data'), mode: 'browser', env: { PATH: '/nonexistent' }, planner: createWorkerPlanner({ workerEntry }) });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
  server = await startLoopbackServer({ dispatcher: core.dispatcher, rendererDir, port: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await core?.shutdown();
  rmSync(dir, { recursive: true, force: true });
  rmSync(workerDir, { recursive: true, force: true });
});

const range = (n: number): string => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
const BIG_STUDY = `name: big\nmodel: gpt2\nsweep:\n  n: ${range(100)}\n  max_output_tokens: ${range(100)}\n  random_seed: ${range(10)}\nexecution: {n_cycles: 1, cycle_order: shuffled}\n`;

it('answers a health call while a 100k-config plan runs, and the plan still arrives complete', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + server.token], { origin: `http://127.0.0.1:${server.port}` });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const order: string[] = [];
  const replies = new Map<number, any>();
  const both = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      order.push(message.id === 1 ? 'plan' : 'health');
      replies.set(message.id, message);
      if (replies.size === 2) resolve();
    });
  });
  ws.send(JSON.stringify({ type: 'call', id: 1, method: 'campaign.plan', params: { yaml: BIG_STUDY, profile: 'head' } }));
  ws.send(JSON.stringify({ type: 'call', id: 2, method: 'app.info', params: {} }));
  await both;
  ws.close();
  expect(replies.get(1).result.error, 'plan reply').toBeUndefined();
  expect(order).toEqual(['health', 'plan']);
  expect(replies.get(2)).toMatchObject({ result: { ok: true } });
  expect(replies.get(1)).toMatchObject({ result: { ok: true, value: { configCount: 100_000, runCount: 100_000 } } });
}, 120_000);
