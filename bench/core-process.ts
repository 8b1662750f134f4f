/**
 * Benchmark: does the window's thread stay responsive while the core works? The desktop app's main process runs
 * the window; the core runs in an Electron utility process (docs/desktop.md). Here a worker thread stands in for
 * that process (the same stand-in the unit tests use, tests/unit/shell/coreWorkerShim.ts), and the "window's
 * thread" is this one: a 5 ms timer measures the longest stall of its event loop while the core plans a
 * 100,000-config campaign, first in this thread (how the app worked before), then through the core process.
 * Goal: the longest stall through the core process ≤ 50 ms (a few frames), whatever the in-thread figure.
 *
 *   node scripts/bench.mjs core-process
 */
import { report } from './_report';
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { ok } from '../contract/result';
import { startCore } from '../core/startCore';
import { createCoreClient, type CoreProcess } from '../main/coreHost/coreClient';
import { CORE_PORT_MESSAGE } from '../main/coreHost/protocol';

const ROOT = process.cwd();
const range = (n: number): string => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
const YAML = `name: bench\nmodel: gpt2\nsweep:\n  n: ${range(100)}\n  max_output_tokens: ${range(100)}\n  random_seed: ${range(10)}\nexecution: {n_cycles: 1, cycle_order: shuffled}\n`;

/** Runs `work` while a 5 ms timer watches this thread; returns the longest gap between ticks beyond 5 ms. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stallMs: number; wallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
  }, 5);
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  return { stallMs: worst, wallMs };
}

function coreWorkerBundle(): string {
  const dir = path.join(ROOT, '.cache', 'bench-core-host');
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, 'core-host.mjs');
  buildSync({
    entryPoints: [path.join(ROOT, 'tests/unit/shell/coreWorkerShim.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external', loader: { '.py': 'text' },
    logLevel: 'error',
  });
  return outfile;
}

function workerCoreProcess(bundle: string): CoreProcess {
  const worker = new Worker(bundle);
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ data: { type: CORE_PORT_MESSAGE }, port: port2 }, [port2]);
  return {
    port: { postMessage: (m) => port1.postMessage(m), onMessage: (l) => port1.on('message', l), close: () => port1.close() },
    pid: process.pid,
    onExit: (listener) => void worker.once('exit', listener),
    kill: () => void worker.terminate(),
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'llem-bench-core-'));
try {
  const inThread = startCore({ dataDir: path.join(dir, 'in-thread'), mode: 'electron' });
  if (!inThread.ok) throw new Error(inThread.error.message);
  await inThread.value.dispatcher.call('campaign.plan', { yaml: 'model: gpt2\n', profile: 'head' }); // warm-up
  const before = await longestStall(() => inThread.value.dispatcher.call('campaign.plan', { yaml: YAML, profile: 'head' }));
  inThread.value.close();

  const bundle = coreWorkerBundle();
  const client = createCoreClient({
    spawn: () => workerCoreProcess(bundle),
    init: { dataDir: path.join(dir, 'core-process'), nativeBinding: null, secretsDescription: 'none (bench)' },
    secrets: { description: 'none', get: async () => ok(null), set: async () => ok(undefined), delete: async () => ok(undefined) },
    onUnexpectedExit: (m) => console.error(m),
    log: () => undefined,
  });
  const started = await client.start();
  if (!started.ok) throw new Error(started.error.message);
  await client.dispatcher.call('campaign.plan', { yaml: 'model: gpt2\n', profile: 'head' }); // warm-up
  let answer: unknown;
  const after = await longestStall(async () => {
    answer = await client.dispatcher.call('campaign.plan', { yaml: YAML, profile: 'head' });
  });
  await client.stop();
  const okAnswer = (answer as { ok?: boolean }).ok === true;

  report('core process: the window thread while a 100,000-config campaign.plan runs', [
    { name: "campaign.plan in the window's thread: longest stall", value: `${before.stallMs.toFixed(0)} ms (call ${before.wallMs.toFixed(0)} ms)`, goal: '', met: null },
    {
      name: 'the same through the core process: longest stall',
      value: `${after.stallMs.toFixed(0)} ms (call ${after.wallMs.toFixed(0)} ms, answer ${okAnswer ? 'ok' : 'NOT ok'})`,
      goal: '≤ 50 ms and an ok answer',
      met: after.stallMs <= 50 && okAnswer,
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
