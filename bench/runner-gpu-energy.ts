/**
 * Real-GPU check of the telemetry sampler (issue 4, "where a GPU machine is lent"): samples NVML at 10 Hz for
 * GPU_CHECK_SECONDS (default 60) while a PyTorch matmul load runs on GPU 0, then reports, per GPU, the energy
 * from the total-energy counter vs the trapezoid of (instantaneous) power, and how many samples/s arrived.
 * Without NVML (no NVIDIA driver, as on CI) it prints why and exits 0: it measures nothing rather than fake it.
 *
 *   node scripts/bench.mjs runner-gpu            # PYTHON=/path/to/python with torch+CUDA (default python3)
 */
import { report, skip } from './_report';
import { spawn } from 'node:child_process';
import type { TelemetrySample } from '../contract/telemetry';
import { EnergyAccumulator } from '../core/telemetry/energy';
import { NvmlSource } from '../core/telemetry/sources/nvml';

const seconds = Number(process.env.GPU_CHECK_SECONDS ?? 60);
const python = process.env.PYTHON ?? 'python3';
const LOAD = `
import time, torch
assert torch.cuda.is_available(), "no CUDA device for torch"
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
end = time.time() + ${seconds + 5}
while time.time() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
`;

const source = new NvmlSource(100);
const opened = source.open();
if (!opened.ok) {
  skip('runner energy on this GPU', opened.error.message);
  process.exit(0);
}
console.log(`NVML: ${opened.value.gpus.map((g) => `GPU ${g.index} ${g.name}`).join(', ')}; load: PyTorch fp16 8192² matmul on GPU 0 for ${seconds} s`);
const load = spawn(python, ['-c', LOAD], { stdio: ['ignore', 'inherit', 'inherit'] });
let loadFailed = false;
load.on('exit', (code) => {
  if (code !== 0 && code !== null) loadFailed = true;
});
await new Promise((r) => setTimeout(r, 5000)); // let the load ramp up
const acc = new Map<number, EnergyAccumulator>();
let instant = 0;
let total = 0;
await source.start(
  (batch: TelemetrySample[]) => {
    for (const s of batch) {
      let a = acc.get(s.gpuIndex);
      if (!a) acc.set(s.gpuIndex, (a = new EnergyAccumulator()));
      a.add(s);
      total++;
      if (s.powerInstant) instant++;
    }
  },
  (m) => console.error(m),
);
const cpuAtStart = process.cpuUsage();
const wallAtStart = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
await source.stop();
// The sampler's own cost: this process only samples (the load is a separate Python process).
const cpu = process.cpuUsage(cpuAtStart);
const cpuShare = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallAtStart)) * 100;
load.kill('SIGINT');
if (loadFailed) console.log('warning: the PyTorch load exited early; numbers are for a partly idle GPU');
for (const [gpu, a] of [...acc.entries()].sort(([x], [y]) => x - y)) {
  const span = ((a.endMs ?? 0) - (a.startMs ?? 0)) / 1000;
  const counter = a.counterJ;
  const integrated = a.integrated;
  const diff = counter !== null && integrated !== null ? `${(((integrated - counter) / counter) * 100).toFixed(2)} %` : 'n/a';
  console.log(
    `GPU ${gpu}: ${a.count} samples over ${span.toFixed(1)} s (${(a.count / span).toFixed(1)}/s); ` +
      `counter ${counter?.toFixed(1) ?? 'n/a'} J, integrated ${integrated?.toFixed(1) ?? 'n/a'} J, integrated − counter ${diff}; ` +
      `mean power ${counter !== null ? (counter / span).toFixed(1) : 'n/a'} W`,
  );
}
console.log(`${instant}/${total} samples had instantaneous power (NVML_FI_DEV_POWER_INSTANT)`);
report('runner energy on this GPU', [{ name: 'sampler CPU at 10 Hz', value: `${cpuShare.toFixed(2)} % of one core`, goal: '≤ 1 %', met: cpuShare <= 1 }]);
