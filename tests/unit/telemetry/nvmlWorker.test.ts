import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../contract/telemetry';
import { EnergyAccumulator } from '../../../core/telemetry/energy';
import type { FakeNvmlOptions } from '../../../core/telemetry/nvml/nvmlCalls';
import { TelemetryHub } from '../../../core/telemetry/hub';
import { NvmlWorkerSource } from '../../../core/telemetry/nvml/workerSource';
import { probeNvml } from '../../../core/telemetry/sources/nvml';

/**
 * The worker-thread sampler against the fake NVML (nvmlCalls.ts: power is a known sine, the counter its exact
 * integral). Runs a real worker thread started from the functions' source text, so a function that reaches
 * outside itself fails here.
 */
const fake = (energyCallBusyMs = 1): FakeNvmlOptions => ({
  energyCallBusyMs,
  periodMs: 3000,
  gpus: [
    { name: 'Fake H100', uuid: 'GPU-11111111-aaaa-bbbb-cccc-000000000000', baseW: 300, swingW: 200 },
    { name: 'Fake H100', uuid: 'GPU-22222222-aaaa-bbbb-cccc-000000000000', baseW: 100, swingW: 50 },
  ],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let source: NvmlWorkerSource | null = null;
afterEach(async () => {
  await source?.stop();
  source = null;
});

describe('NVML sampler on a worker thread', () => {
  it('samples power every tick, the counter at its own lower rate and at once on a boundary', async () => {
    source = new NvmlWorkerSource({ intervalMs: 20, counterIntervalMs: 200, env: {}, fake: fake() });
    const got: TelemetrySample[] = [];
    const errors: string[] = [];
    const started = await source.start((b) => got.push(...b), (m) => errors.push(m));
    expect(started).toEqual({ ok: true, value: { gpus: [
      { index: 0, name: 'Fake H100', uuid: 'GPU-11111111-aaaa-bbbb-cccc-000000000000' },
      { index: 1, name: 'Fake H100', uuid: 'GPU-22222222-aaaa-bbbb-cccc-000000000000' },
    ] } });
    await sleep(650);
    const before = got.length;
    source.markBoundary();
    await sleep(15);
    await source.stop();
    const gpu0 = got.filter((s) => s.gpuIndex === 0);
    expect(gpu0.length).toBeGreaterThan(15);
    expect(gpu0.every((s) => s.powerW !== null && s.powerInstant)).toBe(true);
    const withCounter = gpu0.filter((s) => s.energyMj !== null).length;
    // 650 ms at a 200 ms counter interval: the first tick, ~3 scheduled reads; far fewer than the ticks.
    expect(withCounter).toBeGreaterThanOrEqual(3);
    expect(withCounter).toBeLessThanOrEqual(6);
    // The boundary read arrived before the next scheduled tick could: the first sample after it has the counter.
    const afterBoundary = got.slice(before).filter((s) => s.gpuIndex === 0);
    expect(afterBoundary[0]?.energyMj).not.toBeNull();
    expect(errors).toEqual([]);
  });

  it('bridged counter energy matches the true energy between the window edges', async () => {
    source = new NvmlWorkerSource({ intervalMs: 20, counterIntervalMs: 250, env: {}, fake: fake() });
    const acc = new EnergyAccumulator();
    const samples: TelemetrySample[] = [];
    await source.start((b) => b.filter((s) => s.gpuIndex === 0).forEach((s) => (acc.add(s), samples.push(s))), () => {});
    await sleep(900);
    await source.stop();
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const omega = (2 * Math.PI) / 3000;
    const energyAt = (t: number) => (300 * t) / 1000 + (200 * (1 - Math.cos(omega * t))) / (omega * 1000);
    const truth = energyAt(last.tMs) - energyAt(first.tMs);
    expect(acc.method).toBe('counter_bridged');
    expect(acc.bridgeJ).toBeGreaterThan(0);
    // Counter in whole mJ, timestamps in whole ms at up to 500 W: a few hundred mJ of rounding over the window.
    expect(Math.abs(acc.counterJ! - truth)).toBeLessThan(0.02 * truth);
  });

  it('follows CUDA_VISIBLE_DEVICES by UUID prefix', async () => {
    source = new NvmlWorkerSource({ intervalMs: 20, env: { CUDA_VISIBLE_DEVICES: 'GPU-2222' }, fake: fake() });
    const got: TelemetrySample[] = [];
    const started = await source.start((b) => got.push(...b), () => {});
    await sleep(80);
    await source.stop();
    expect(started.ok && started.value.gpus.map((g) => g.uuid)).toEqual(['GPU-22222222-aaaa-bbbb-cccc-000000000000']);
    expect(new Set(got.map((s) => s.gpuIndex))).toEqual(new Set([1]));
  });

  it('where the thread cannot load koffi, falls back to the main-thread sampler (whose NVML answer is returned)', async () => {
    source = new NvmlWorkerSource({ intervalMs: 20, env: {}, koffiPath: '/nonexistent/koffi.cjs' });
    const notes: string[] = [];
    const started = await source.start(() => {}, (m) => notes.push(m));
    const direct = probeNvml();
    if (direct.ok) {
      // A machine with NVML: the main-thread sampler runs, and says why.
      expect(started.ok).toBe(true);
      expect(notes.join('\n')).toMatch(/koffi could not be loaded in the sampler thread.*Sampling NVML on the main thread instead/s);
    } else {
      // No NVML here: the fallback's own answer, not the thread's failure.
      expect(started).toEqual(direct);
    }
  });

  it('refuses, naming the variable, when CUDA_VISIBLE_DEVICES names no GPU here', async () => {
    source = new NvmlWorkerSource({ intervalMs: 20, env: { CUDA_VISIBLE_DEVICES: 'GPU-ffff' }, fake: fake() });
    const started = await source.start(() => {}, () => {});
    expect(started.ok).toBe(false);
    if (!started.ok) expect(started.error).toMatchObject({ code: 'no_visible_gpu', path: 'CUDA_VISIBLE_DEVICES' });
  });

  it('in the hub: several GPUs kept per device with their UUIDs, in CUDA order, llem’s GPU 0 first; boundaries read the counter', async () => {
    source = new NvmlWorkerSource({ intervalMs: 20, counterIntervalMs: 10_000, env: { CUDA_VISIBLE_DEVICES: '1,0' }, fake: fake() });
    const hub = new TelemetryHub({ source, db: null });
    const started = await hub.start();
    expect(started.ok && started.value.gpus.map((g) => g.index)).toEqual([1, 0]);
    expect(hub.llemGpuIndex).toBe(1);
    hub.beginRun(5, 1);
    await sleep(100);
    hub.setPhase('measuring');
    await sleep(300);
    const rows = hub.endRun();
    await hub.stop();
    source = null;
    const measuring = rows.filter((r) => r.window === 'measuring').sort((a, b) => a.gpuIndex - b.gpuIndex);
    expect(measuring.map((r) => [r.gpuIndex, r.gpuUuid])).toEqual([
      [0, 'GPU-11111111-aaaa-bbbb-cccc-000000000000'],
      [1, 'GPU-22222222-aaaa-bbbb-cccc-000000000000'],
    ]);
    for (const r of measuring) {
      // A 10 s counter interval: the only readings are the boundary ones (run start, measuring start).
      expect(r.counterReads).toBeGreaterThanOrEqual(1);
      expect(r.counterReads).toBeLessThanOrEqual(2);
      expect(r.counterMethod).toBe('counter_bridged');
      expect(r.counterJ).toBeGreaterThan(0);
    }
    // GPU 0 draws 300 ± 200 W, GPU 1 100 ± 50 W: their energies are their own.
    expect(measuring[0]!.counterJ!).toBeGreaterThan(measuring[1]!.counterJ!);
  });
});
