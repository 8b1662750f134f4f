/**
 * Issue 19's check on a real GPU (scripts/gpu/sampler-check.sh runs it; without NVML it says why and exits 0).
 * Under a PyTorch fp16 8192² matmul load on GPU 0:
 *   A. today's sampler (sources/nvml.ts: main thread, counter at 10 Hz): CPU share, SAMPLER_GPU_CPU_SECONDS (30);
 *   B. the new one (nvml/workerSource.ts: worker, counter at 1 Hz + a phase boundary every ~1.4 s as in a run):
 *      CPU share, same length — goal ≤ 1 % of one core;
 *   C. the new sampler with the counter at 10 Hz for SAMPLER_GPU_ENERGY_SECONDS (60): the 10 Hz counter energy vs
 *      the same samples thinned to 1 Hz + boundaries and bridged (core/telemetry/counterSchedule.ts), and vs
 *      integrated power, per GPU.
 * SAMPLER_GPU_FAKE=1 (the LOCAL_DRY rehearsal): the fake NVML with a 4 ms energy call, no PyTorch load.
 * Prints lines and writes SAMPLER_GPU_JSON (if set) with every figure.
 */
import { report as reportVerdicts, skip } from './_report';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { TelemetryPhase, TelemetrySample } from '../contract/telemetry';
import { thinCounterReadings } from '../core/telemetry/counterSchedule';
import { EnergyAccumulator } from '../core/telemetry/energy';
import type { FakeNvmlOptions } from '../core/telemetry/nvml/nvmlCalls';
import { createFakeNvml } from '../core/telemetry/nvml/nvmlCalls';
import { NvmlWorkerSource } from '../core/telemetry/nvml/workerSource';
import type { TelemetrySource } from '../core/telemetry/source';
import { NvmlSource } from '../core/telemetry/sources/nvml';

const fakeMode = process.env.SAMPLER_GPU_FAKE === '1';
const cpuSeconds = Number(process.env.SAMPLER_GPU_CPU_SECONDS ?? 30);
const energySeconds = Number(process.env.SAMPLER_GPU_ENERGY_SECONDS ?? 60);
const python = process.env.PYTHON ?? 'python3';
const fake: FakeNvmlOptions = { energyCallBusyMs: 4, gpus: [{ name: 'Fake GPU (energy call busy-waits 4 ms)', uuid: 'GPU-00000000-fake', baseW: 600, swingW: 80 }] };
const LOAD = `
import time, torch
assert torch.cuda.is_available(), "no CUDA device for torch"
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
end = time.time() + ${cpuSeconds * 2 + energySeconds + 20}
while time.time() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
`;
const report: Record<string, unknown> = { fake: fakeMode, cpuSeconds, energySeconds };
const say = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const probe = fakeMode ? null : new NvmlSource(100).open();
if (probe && !probe.ok) {
  skip('sampler CPU on this GPU', probe.error.message);
  process.exit(0);
}
let load: ChildProcess | null = null;
if (!fakeMode) {
  load = spawn(python, ['-c', LOAD], { stdio: ['ignore', 'inherit', 'inherit'] });
  load.on('error', (e) => say(`warning: the PyTorch load did not start: ${e.message}`));
  load.on('exit', (code) => {
    if (code !== 0 && code !== null) say(`warning: the PyTorch load exited with ${code}; numbers are for a partly idle GPU`);
  });
  await sleep(5000); // let the load ramp up
}

async function cpuShare(name: string, source: TelemetrySource, boundaries: boolean): Promise<number> {
  let samples = 0;
  let counterReads = 0;
  const started = await source.start(
    (batch) => {
      samples += batch.length;
      for (const s of batch) if (s.energyMj !== null) counterReads++;
    },
    (m) => say(`${name}: ${m}`),
  );
  if (!started.ok) throw new Error(`${name}: ${started.error.message}`);
  await sleep(300);
  samples = 0;
  counterReads = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const timer = boundaries ? setInterval(() => source.markBoundary?.(), 10_000 / 7) : null;
  await sleep(cpuSeconds * 1000);
  if (timer) clearInterval(timer);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - t0;
  await source.stop();
  const pct = ((used.user + used.system) / 1000 / wall) * 100;
  say(`${name}: ${pct.toFixed(2)} % of one core (process, all threads), ${(samples / cpuSeconds).toFixed(1)} samples/s, ${(counterReads / cpuSeconds).toFixed(2)} counter reads/s`);
  report[name] = { cpuPct: pct, samplesPerS: samples / cpuSeconds, counterReadsPerS: counterReads / cpuSeconds };
  return pct;
}

try {
  const idleCpu = process.cpuUsage();
  const idleT0 = performance.now();
  await sleep(5000);
  const idleUsed = process.cpuUsage(idleCpu);
  const idlePct = ((idleUsed.user + idleUsed.system) / 1000 / (performance.now() - idleT0)) * 100;
  say(`idle process: ${idlePct.toFixed(2)} % of one core`);
  report.idleCpuPct = idlePct;
  const before = await cpuShare('before (main thread, counter 10 Hz)', new NvmlSource(100, fakeMode ? { api: createFakeNvml(fake) } : {}), false);
  const after = await cpuShare('after (worker, counter 1 Hz + boundaries)', new NvmlWorkerSource({ intervalMs: 100, counterIntervalMs: 1000, ...(fakeMode ? { fake } : {}) }), true);
  const afterNet = after - idlePct;
  reportVerdicts('sampler CPU on this GPU', [
    { name: 'sampler CPU at 10 Hz, net of the idle process', value: `${afterNet.toFixed(2)} % of one core (before: ${(before - idlePct).toFixed(2)} %)`, goal: '≤ 1 %', met: afterNet <= 1 },
  ]);
  report.verdict = afterNet <= 1 ? 'PASS' : 'MISS';

  // C: counter at 10 Hz on the new sampler, phases switched every ~1.4 s like a run's, for the bridging error.
  const samples: { sample: TelemetrySample; phase: TelemetryPhase }[] = [];
  const phases: TelemetryPhase[] = ['baseline', 'loading', 'warmup', 'thermal_wait', 'measuring'];
  let phase: TelemetryPhase = 'starting';
  const src = new NvmlWorkerSource({ intervalMs: 100, counterIntervalMs: 100, ...(fakeMode ? { fake } : {}) });
  const started = await src.start((batch) => batch.forEach((sample) => samples.push({ sample, phase })), (m) => say(`energy: ${m}`));
  if (!started.ok) throw new Error(started.error.message);
  let k = 0;
  const switcher = setInterval(() => {
    phase = phases[k++ % phases.length]!;
  }, 10_000 / 7);
  await sleep(energySeconds * 1000);
  clearInterval(switcher);
  await src.stop();
  const thinned = thinCounterReadings(samples, { counterIntervalMs: 1000, tickMs: 100 });
  const gpus = [...new Set(samples.map((s) => s.sample.gpuIndex))].sort((a, b) => a - b);
  const energy: Record<string, unknown>[] = [];
  for (const gpu of gpus) {
    const full = new EnergyAccumulator();
    const bridged = new EnergyAccumulator();
    samples.filter((s) => s.sample.gpuIndex === gpu).forEach((s) => full.add(s.sample));
    thinned.filter((s) => s.sample.gpuIndex === gpu).forEach((s) => bridged.add(s.sample));
    const pct = (x: number | null) => (x !== null && full.counterJ ? (((x - full.counterJ) / full.counterJ) * 100).toFixed(3) : 'n/a');
    const span = ((full.endMs ?? 0) - (full.startMs ?? 0)) / 1000;
    say(
      `GPU ${gpu}: ${span.toFixed(1)} s, counter at 10 Hz ${full.counterJ?.toFixed(1) ?? 'n/a'} J; bridged (1 Hz + boundaries) ${bridged.counterJ?.toFixed(1) ?? 'n/a'} J ` +
        `(${pct(bridged.counterJ)} %, ${bridged.counterReads} reads, bridge ${bridged.bridgeJ?.toFixed(1) ?? 'n/a'} J); integrated power ${full.integrated?.toFixed(1) ?? 'n/a'} J (${pct(full.integrated)} %); ` +
        `mean ${full.counterJ !== null ? (full.counterJ / span).toFixed(0) : 'n/a'} W`,
    );
    energy.push({ gpu, uuid: started.value.gpus.find((g) => g.index === gpu)?.uuid ?? null, seconds: span, counter10HzJ: full.counterJ, bridgedJ: bridged.counterJ, bridgeJ: bridged.bridgeJ, counterReads: bridged.counterReads, integratedJ: full.integrated });
  }
  report.energy = energy;
} finally {
  load?.kill('SIGINT');
  if (process.env.SAMPLER_GPU_JSON) writeFileSync(process.env.SAMPLER_GPU_JSON, `${JSON.stringify(report, null, 2)}\n`);
}
