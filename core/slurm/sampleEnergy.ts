import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { err, ok, type Result } from '../../contract/result';
import { EnergyAccumulator, type CounterMethod } from '../telemetry/energy';

/**
 * The app's own energy figures for a SLURM task, from the node sampler's `samples.csv` (core/slurm/node/sampler.py):
 * per GPU, the counter difference (bridged by integrated power where needed) and the trapezoidal integral of
 * power — the same EnergyAccumulator the local runner uses. The node records no phase boundaries, so this is
 * the `run` window (the whole llem process); there is no `measuring` window for SLURM tasks.
 */
const COLUMNS = ['t_ms', 'gpu_uuid', 'power_w', 'energy_mj', 'temperature_c', 'sm_util_pct', 'memory_used_mb', 'sm_clock_mhz'];
/** 100 ms × 8 GPUs × several days stays far below this; a larger file is not one the sampler wrote. */
const MAX_SAMPLES_BYTES = 4 * 1024 ** 3;

export interface TaskGpuEnergy {
  gpuIndex: number;
  gpuUuid: string;
  counterJ: number | null;
  counterMethod: CounterMethod | null;
  bridgeJ: number | null;
  counterReads: number;
  integratedJ: number | null;
  sampleCount: number;
  startMs: number | null;
  endMs: number | null;
}

function cell(text: string, file: string, line: number, column: string): number | null {
  if (text === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`${file} line ${line}: ${column} "${text.slice(0, 40)}" is not a number`);
  return v;
}

/**
 * Reads `file` line by line (it can be large). `gpuUuids` are the task's GPUs in CUDA order (task.json): a GPU's
 * index is its place there; a UUID not listed there is appended (it was sampled, so it is counted).
 * Absent file → ok([]): a task without a GPU or sampler has no samples.
 */
export async function energyFromSamplesCsv(file: string, gpuUuids: readonly string[]): Promise<Result<TaskGpuEnergy[]>> {
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) return err('invalid_input', `${file} is not a regular file`);
    size = info.size;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? ok([]) : err('io_error', `Could not read ${file}: ${(e as Error).message}`);
  }
  if (size > MAX_SAMPLES_BYTES) return err('invalid_input', `${file} is ${size} bytes, more than a task's samples can be`);
  const order = [...gpuUuids];
  const accs = new Map<string, EnergyAccumulator>();
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let cutShort: string | null = null;
  try {
    for await (const text of lines) {
      n++;
      if (n === 1) {
        if (text !== COLUMNS.join(',')) throw new Error(`${file} line 1: expected the columns ${COLUMNS.join(',')}`);
        continue;
      }
      if (text === '') continue;
      // A task killed mid-write can leave its last line cut short: such a line is ignored only when it is the last.
      if (cutShort) throw new Error(cutShort);
      const f = text.split(',');
      if (f.length !== COLUMNS.length) {
        cutShort = `${file} line ${n}: ${f.length} fields, expected ${COLUMNS.length}`;
        continue;
      }
      const uuid = f[1]!;
      const tMs = cell(f[0]!, file, n, 't_ms');
      if (tMs === null || !/^[\w.:-]{1,128}$/.test(uuid)) throw new Error(`${file} line ${n}: no time or no GPU UUID`);
      if (!order.includes(uuid)) order.push(uuid);
      let acc = accs.get(uuid);
      if (!acc) accs.set(uuid, (acc = new EnergyAccumulator()));
      acc.add({
        gpuIndex: order.indexOf(uuid),
        tMs,
        powerW: cell(f[2]!, file, n, 'power_w'),
        powerInstant: false,
        energyMj: cell(f[3]!, file, n, 'energy_mj'),
        temperatureC: null,
        smUtilPct: null,
        memoryUsedMb: null,
        memoryTotalMb: null,
        smClockMhz: null,
        memClockMhz: null,
        throttleReasons: null,
      });
    }
  } catch (e) {
    return err('invalid_input', (e as Error).message.startsWith(file) ? (e as Error).message : `Could not read ${file}: ${(e as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
  return ok(
    [...accs.entries()].map(([uuid, a]) => ({
      gpuIndex: order.indexOf(uuid),
      gpuUuid: uuid,
      counterJ: a.counterJ,
      counterMethod: a.method,
      bridgeJ: a.bridgeJ,
      counterReads: a.counterReads,
      integratedJ: a.integrated,
      sampleCount: a.count,
      startMs: a.startMs,
      endMs: a.endMs,
    })),
  );
}
