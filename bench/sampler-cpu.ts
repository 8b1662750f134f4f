/**
 * Issue 19: the NVML sampler's CPU cost at 10 Hz, today's sampler and the new one side by side in one run, both
 * against the same fake NVML (core/telemetry/nvml/nvmlCalls.ts' createFakeNvml) whose energy-counter call
 * busy-waits 4 ms — what nvmlDeviceGetTotalEnergyConsumption costs on an H100 with driver 580 (docs/gpu-run.md).
 *
 *  - before: sources/nvml.ts — every NVML call on the main thread's timer, the counter on every tick (10 Hz);
 *  - after:  nvml/workerSource.ts — a worker thread, power etc. at 10 Hz, the counter at 1 Hz plus one read per
 *            phase boundary (this benchmark sends the boundaries of a run: starting, baseline, loading, warm-up,
 *            thermal wait, measuring, done, every RUN_SECONDS).
 * CPU = process.cpuUsage() (all threads) over the sampling time, minus the same process idling (with the same
 * event-loop monitor running).
 * Also the main event loop's delay (what a UI request waiting on it would feel): p99 and max.
 * Goal: after ≤ 1 % of one core. PASS/MISS per line; exits 1 on a MISS.
 *
 *   npm run bench -- sampler-cpu          # SAMPLER_BENCH_SECONDS=20 per sampler (default)
 * The fake's other calls cost ~µs like the driver's, but koffi's own overhead is not in them: on the H100 the
 * rest of the sampler measured ~1.1 % of a core (docs/gpu-run.md); scripts/gpu/sampler-check.sh measures it there.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TelemetrySample } from '../contract/telemetry';
import { createFakeNvml, type FakeNvmlOptions } from '../core/telemetry/nvml/nvmlCalls';
import { NvmlWorkerSource } from '../core/telemetry/nvml/workerSource';
import type { TelemetrySource } from '../core/telemetry/source';
import { NvmlSource } from '../core/telemetry/sources/nvml';
import { report, type Verdict } from './_report';

const seconds = Number(process.env.SAMPLER_BENCH_SECONDS ?? 20);
const RUN_SECONDS = 10;
const BOUNDARIES_PER_RUN = 7;
const GOAL_PCT = 1;
const fake: FakeNvmlOptions = {
  energyCallBusyMs: 4,
  gpus: [{ name: 'Fake H100 (energy call busy-waits 4 ms)', uuid: 'GPU-00000000-fake-0000-0000-000000000000', baseW: 400, swingW: 250 }],
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

/** The event-loop monitor's own timer costs CPU too: it runs in the idle measurement as well, and is subtracted. */
const LOOP_RESOLUTION_MS = 5;

async function idleCpuPct(): Promise<{ pct: number; loopP99Ms: number; loopMaxMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await sleep(Math.min(10, seconds) * 1000);
  const pct = (cpuMs(cpu) / (performance.now() - t0)) * 100;
  loop.disable();
  return { pct, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
}

interface Measured {
  cpuPct: number;
  samples: number;
  counterReads: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

async function measure(source: TelemetrySource): Promise<Measured> {
  let samples = 0;
  let counterReads = 0;
  const started = await source.start(
    (batch: TelemetrySample[]) => {
      samples += batch.length;
      for (const s of batch) if (s.energyMj !== null) counterReads++;
    },
    (m) => console.error(m),
  );
  if (!started.ok) throw new Error(started.error.message);
  await sleep(300); // the worker's start-up is not sampling cost
  samples = 0;
  counterReads = 0;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const boundaryEveryMs = (RUN_SECONDS * 1000) / BOUNDARIES_PER_RUN;
  const boundaries = setInterval(() => source.markBoundary?.(), boundaryEveryMs);
  await sleep(seconds * 1000);
  clearInterval(boundaries);
  const used = cpuMs(cpu);
  const wall = performance.now() - t0;
  loop.disable();
  await source.stop();
  return { cpuPct: (used / wall) * 100, samples, counterReads, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
}

const idleRun = await idleCpuPct();
const idle = idleRun.pct;
const before = await measure(new NvmlSource(100, { api: createFakeNvml(fake), env: {} }));
const after = await measure(new NvmlWorkerSource({ intervalMs: 100, counterIntervalMs: 1000, env: {}, fake }));

const verdict = (name: string, m: Measured, goal: boolean): Verdict => {
  const net = Math.max(0, m.cpuPct - idle);
  return {
    name,
    value:
      `${net.toFixed(2)} % of one core (raw ${m.cpuPct.toFixed(2)} %, idle ${idle.toFixed(2)} %), ` +
      `${(m.samples / seconds).toFixed(1)} samples/s, ${(m.counterReads / seconds).toFixed(2)} counter reads/s, ` +
      `main event loop delay p99 ${m.loopP99Ms.toFixed(1)} ms, max ${m.loopMaxMs.toFixed(1)} ms`,
    goal: goal ? `≤ ${GOAL_PCT} %` : '',
    met: goal ? net <= GOAL_PCT : null,
  };
};

console.log(`fake NVML, 1 GPU, energy call busy-waits ${fake.energyCallBusyMs} ms; ${seconds} s per sampler; ${BOUNDARIES_PER_RUN} phase boundaries per ${RUN_SECONDS} s run`);
console.log(`idle process (no sampler): ${idle.toFixed(2)} % of one core, main event loop delay p99 ${idleRun.loopP99Ms.toFixed(1)} ms, max ${idleRun.loopMaxMs.toFixed(1)} ms`);
report('sampler CPU (fake NVML)', [verdict('before (main thread, counter at 10 Hz)', before, false), verdict('after  (worker, counter at 1 Hz + boundaries)', after, true)]);
