import type { TelemetryPhase, TelemetrySample } from '../../contract/telemetry';

/**
 * Which samples carry an energy-counter reading under the issue-19 schedule (nvml/workerMain.ts): the first
 * sample, then one every `counterIntervalMs` (with half a tick of slack, as the sampler thread does), and the
 * first sample of every phase (the boundary read the hub asks for when the runner sees a phase change).
 * Used to replay a recording made with the counter at 10 Hz as if it had been made with the new schedule, so
 * bridged and full-rate figures can be compared on the same real data (bench/bridge-error.ts).
 */
export function thinCounterReadings(
  samples: readonly { sample: TelemetrySample; phase: TelemetryPhase }[],
  options: { counterIntervalMs: number; tickMs: number },
): { sample: TelemetrySample; phase: TelemetryPhase }[] {
  let lastReadMs = -Infinity;
  let lastPhase: TelemetryPhase | null = null;
  return samples.map(({ sample, phase }) => {
    const boundary = phase !== lastPhase;
    lastPhase = phase;
    const due = sample.tMs - lastReadMs >= options.counterIntervalMs - options.tickMs / 2;
    if ((boundary || due) && sample.energyMj !== null) {
      lastReadMs = sample.tMs;
      return { sample, phase };
    }
    return { sample: { ...sample, energyMj: null }, phase };
  });
}
