import { err, ok, type Result } from '../../../contract/result';
import {
  ReplayHeaderSchema,
  ReplayLineSchema,
  REPLAY_FORMAT,
  type ReplayHeader,
  type TelemetryGpu,
  type TelemetrySample,
} from '../../../contract/telemetry';
import { readRegularFileSync } from '../../files/regularFile';
import { DEFAULT_SAMPLE_INTERVAL_MS, type TelemetrySource } from '../source';

export interface ReplayRecording {
  header: ReplayHeader;
  /** Sorted by tMs (relative to the recording start). */
  samples: TelemetrySample[];
  durationMs: number;
}

/**
 * Largest replay file read: ~2 hours of 8 GPUs at 10 Hz (about 200 bytes a sample). The whole file becomes text
 * and samples in memory, so a bound is needed (issue #15: a path may be a link to /dev/zero).
 */
export const MAX_REPLAY_FILE_BYTES = 128 * 1024 * 1024;

/**
 * Reads and validates a replay file (JSON Lines, see contract/telemetry.ts); errors name the line. Only a regular
 * file of at most MAX_REPLAY_FILE_BYTES is read (core/files/regularFile.ts): not a device, FIFO or directory.
 */
export function loadReplayFile(file: string): Result<ReplayRecording> {
  const read = readRegularFileSync(file, { maxBytes: MAX_REPLAY_FILE_BYTES });
  if (!read.ok) {
    return err('replay_unreadable', `Cannot read the telemetry replay file: ${read.error.message}`, { path: file });
  }
  return parseReplay(read.value.toString('utf8'), file);
}

export function parseReplay(text: string, file = '<replay>'): Result<ReplayRecording> {
  const lines = text.split(/\r?\n/);
  let header: ReplayHeader | null = null;
  const samples: TelemetrySample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      return err('replay_invalid', `Line ${i + 1} is not JSON: ${(e as Error).message}`, { path: `${file}:${i + 1}` });
    }
    if (header === null && samples.length === 0 && typeof json === 'object' && json !== null && 'format' in json) {
      const h = ReplayHeaderSchema.safeParse(json);
      if (!h.success) {
        return err('replay_invalid', `Line ${i + 1}: not a ${REPLAY_FORMAT} v1 header: ${zodSummary(h.error.issues)}`, { path: `${file}:${i + 1}` });
      }
      header = h.data;
      continue;
    }
    const s = ReplayLineSchema.safeParse(json);
    if (!s.success) return err('replay_invalid', `Line ${i + 1}: ${zodSummary(s.error.issues)}`, { path: `${file}:${i + 1}` });
    const d = s.data;
    samples.push({
      gpuIndex: d.gpuIndex,
      tMs: d.tMs,
      powerW: d.powerW,
      powerInstant: d.powerInstant ?? false,
      energyMj: d.energyMj ?? null,
      temperatureC: d.temperatureC ?? null,
      smUtilPct: d.smUtilPct ?? null,
      memoryUsedMb: d.memoryUsedMb ?? null,
      memoryTotalMb: d.memoryTotalMb ?? null,
      smClockMhz: d.smClockMhz ?? null,
      memClockMhz: d.memClockMhz ?? null,
      throttleReasons: d.throttleReasons ?? null,
    });
  }
  if (samples.length === 0) return err('replay_invalid', 'The replay file holds no samples.', { path: file });
  samples.sort((a, b) => a.tMs - b.tMs);
  const gpuIndices = [...new Set(samples.map((s) => s.gpuIndex))].sort((a, b) => a - b);
  const resolvedHeader: ReplayHeader = header ?? {
    format: REPLAY_FORMAT,
    version: 1,
    origin: 'unknown (no header line)',
    gpus: gpuIndices.map((index) => ({ index, name: `GPU ${index} (replay)` })),
  };
  const first = samples[0]!.tMs;
  const last = samples[samples.length - 1]!.tMs;
  // One sample interval past the last sample, so a loop does not put two samples at the same instant.
  const step = samples.length > gpuIndices.length ? (last - first) / Math.max(1, samples.length / gpuIndices.length - 1) : DEFAULT_SAMPLE_INTERVAL_MS;
  return ok({ header: resolvedHeader, samples, durationMs: last - first + Math.max(1, Math.round(step)) });
}

function zodSummary(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`)
    .join('; ');
}

/**
 * Plays a recording back in real time, looping. Timestamps are shifted to "now"; each GPU's energy counter
 * keeps rising across loops (as a real counter would), so counter differences stay meaningful.
 */
export class ReplaySource implements TelemetrySource {
  readonly kind = 'replay' as const;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly recording: ReplayRecording,
    private readonly intervalMs = DEFAULT_SAMPLE_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  static fromFile(file: string, intervalMs?: number): Result<ReplaySource> {
    const rec = loadReplayFile(file);
    return rec.ok ? ok(new ReplaySource(rec.value, intervalMs)) : rec;
  }

  async start(sink: (samples: TelemetrySample[]) => void): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    const { samples, durationMs } = this.recording;
    const t0 = this.now();
    const first = samples[0]!.tMs;
    const counterSpan = new Map<number, number>();
    const firstCounter = new Map<number, number>();
    for (const s of samples) {
      if (s.energyMj === null) continue;
      if (!firstCounter.has(s.gpuIndex)) firstCounter.set(s.gpuIndex, s.energyMj);
      counterSpan.set(s.gpuIndex, s.energyMj - firstCounter.get(s.gpuIndex)!);
    }
    const recordedSpan = Math.max(1, samples[samples.length - 1]!.tMs - first);
    // Each loop adds the recording's counter span plus the wrap-around interval at the recording's mean power.
    const perLoop = new Map<number, number>();
    for (const [gpu, span] of counterSpan) perLoop.set(gpu, span + (span / recordedSpan) * (durationMs - recordedSpan));
    let cursor = 0;
    let loop = 0;
    const tick = () => {
      const elapsed = this.now() - t0;
      const batch: TelemetrySample[] = [];
      // Emit every sample whose (looped) time has come.
      for (;;) {
        const s = samples[cursor]!;
        const due = loop * durationMs + (s.tMs - first);
        if (due > elapsed) break;
        const offset = loop * (perLoop.get(s.gpuIndex) ?? 0);
        batch.push({ ...s, tMs: Math.round(t0 + due), energyMj: s.energyMj === null ? null : s.energyMj + offset });
        cursor++;
        if (cursor >= samples.length) {
          cursor = 0;
          loop++;
        }
        if (batch.length > samples.length * 4) break; // after a long stall, do not flood: skip ahead next tick
      }
      if (batch.length > 0) sink(batch);
    };
    this.timer = setInterval(tick, this.intervalMs);
    tick();
    return ok({ gpus: this.recording.header.gpus });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
