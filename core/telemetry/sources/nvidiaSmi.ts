import { spawn, type ChildProcess } from 'node:child_process';
import { err, ok, type Result } from '../../../contract/result';
import type { TelemetryGpu, TelemetrySample } from '../../../contract/telemetry';
import { LineSplitter } from '../../processes/lineSplitter';
import { execCapture } from '../../system/execCapture';
import { DEFAULT_SAMPLE_INTERVAL_MS, type TelemetrySource } from '../source';
import { parseSmiLine, QUERY_FIELD_SETS } from './nvidiaSmiParse';

/**
 * Fallback source: one long-lived `nvidia-smi --query-gpu=… -lms <interval>` process whose CSV lines become
 * samples. No energy counter is available this way, so per-run energy is the integrated power only.
 */
export class NvidiaSmiSource implements TelemetrySource {
  readonly kind = 'nvidia-smi' as const;
  private child: ChildProcess | null = null;
  private stopping = false;

  constructor(
    private readonly executable: string,
    private readonly intervalMs = DEFAULT_SAMPLE_INTERVAL_MS,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The first field list this nvidia-smi accepts, with the GPU names. */
  async probe(): Promise<Result<{ fields: readonly string[]; gpus: TelemetryGpu[] }>> {
    const names = await execCapture(this.executable, ['--query-gpu=index,name', '--format=csv,noheader,nounits'], { timeoutMs: 10_000, env: this.env });
    if (names.failure || names.exitCode !== 0) {
      return err('nvidia_smi_failed', `nvidia-smi failed: ${names.failure ?? (names.stderr.trim() || names.stdout.trim() || `exit ${names.exitCode}`)}`, {
        path: this.executable,
      });
    }
    const gpus: TelemetryGpu[] = [];
    for (const line of names.stdout.split(/\r?\n/)) {
      const [index, ...rest] = line.split(',');
      if (index !== undefined && /^\s*\d+\s*$/.test(index)) gpus.push({ index: Number(index), name: rest.join(',').trim() });
    }
    if (gpus.length === 0) return err('no_gpu', 'nvidia-smi lists no GPU.', { path: this.executable });
    for (const fields of QUERY_FIELD_SETS) {
      const run = await execCapture(this.executable, [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], { timeoutMs: 10_000, env: this.env });
      if (!run.failure && run.exitCode === 0 && run.stdout.split(/\r?\n/).some((l) => parseSmiLine(l, fields, Date.now()).ok)) {
        return ok({ fields, gpus });
      }
    }
    return err('nvidia_smi_fields', 'nvidia-smi accepts none of the telemetry field lists this app knows.', { path: this.executable });
  }

  async start(sink: (samples: TelemetrySample[]) => void, onError: (message: string) => void): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    const probed = await this.probe();
    if (!probed.ok) return probed;
    const { fields, gpus } = probed.value;
    const child = spawn(
      this.executable,
      [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits', `-lms`, String(Math.max(10, Math.round(this.intervalMs)))],
      { stdio: ['ignore', 'pipe', 'pipe'], env: this.env, windowsHide: true },
    );
    this.child = child;
    let reportedBadLine = false;
    // One -lms iteration prints one line per GPU; group lines that arrive together into one batch.
    let batch: TelemetrySample[] = [];
    let flushScheduled = false;
    const splitter = new LineSplitter((line) => {
      if (line.trim() === '') return;
      const parsed = parseSmiLine(line, fields, Date.now());
      if (!parsed.ok) {
        if (!reportedBadLine) onError(`nvidia-smi: ${parsed.message}`);
        reportedBadLine = true;
        return;
      }
      batch.push(parsed.sample);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(() => {
          flushScheduled = false;
          const out = batch;
          batch = [];
          if (out.length > 0) sink(out);
        });
      }
    });
    child.stdout?.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stderr?.resume();
    child.on('error', (e) => onError(`nvidia-smi: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (!this.stopping) onError(`nvidia-smi stopped unexpectedly (${signal ?? `exit ${code}`}); telemetry paused.`);
    });
    return ok({ gpus });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 2000).unref();
    });
  }
}
