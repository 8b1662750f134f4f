import type { Result } from '../../contract/result';
import type { TelemetryGpu, TelemetrySample, TelemetrySourceKind } from '../../contract/telemetry';

/**
 * A producer of GPU samples. Pull-style sources (NVML, replay) run their own timer; nvidia-smi pushes lines
 * from its `-lms` loop. Either way the hub only sees batches of validated samples.
 */
export interface TelemetrySource {
  readonly kind: TelemetrySourceKind;
  /** Opens the device/file/process. Fails with a message the doctor and the CLI can show as is. */
  start(sink: (samples: TelemetrySample[]) => void, onError: (message: string) => void): Promise<Result<{ gpus: TelemetryGpu[] }>>;
  stop(): Promise<void>;
  /**
   * A phase boundary the runner saw (measuring starts, warm-up ends…): a source that reads its energy counter
   * less often than it samples power reads it now, so every window starts on a counter reading.
   */
  markBoundary?(): void;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 100;
