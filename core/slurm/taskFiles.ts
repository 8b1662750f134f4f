import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What task.py writes (core/slurm/node/task.py); lenient about extra fields, strict about the ones we use. */
const TaskRecordSchema = z.object({
  format: z.literal(1),
  index: z.number().int(),
  attempt: z.string(),
  host: z.string(),
  cuda_visible_devices: z.string().nullable(),
  slurm: z.record(z.string(), z.string().nullable()),
  started_at: z.string(),
  ended_at: z.string().optional(),
  duration_s: z.number().optional(),
  exit_code: z.number().int().nullable().optional(),
  exit_signal: z.string().nullable().optional(),
  spawn_error: z.string().nullable().optional(),
  terminated_by: z.string().nullable().optional(),
  gpu_uuid: z.string().nullable().optional(),
  sampler: z.object({ available: z.boolean(), problems: z.array(z.string()), sample_count: z.number() }).optional(),
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

export interface TaskAttemptFiles {
  /** Folder name: `<SLURM job id>[-r<restart>]`. */
  attempt: string;
  dir: string;
  arrayJobId: string | null;
  /** started.json, or task.json once it ended. */
  record: TaskRecord | null;
  ended: boolean;
  problem: string | null;
}

const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_LOG_BYTES = 256 * 1024;

function readJsonFile(file: string): { value: unknown } | { problem: string } | null {
  let info;
  try {
    info = statSync(file);
  } catch {
    return null;
  }
  if (!info.isFile()) return { problem: `${file} is not a regular file` };
  if (info.size > MAX_RECORD_BYTES) return { problem: `${file} is ${info.size} bytes, more than a task record can be` };
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (e) {
    return { problem: `${file}: ${(e as Error).message}` };
  }
}

/** Every attempt folder of one array index in the bundle (`tasks/NNNN/*`), oldest job first. */
export function readTaskAttempts(bundleDir: string, index: number): TaskAttemptFiles[] {
  const dir = path.join(bundleDir, 'tasks', String(index).padStart(4, '0'));
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && /^[\w.-]+$/.test(d.name)).map((d) => d.name);
  } catch {
    return [];
  }
  const key = (n: string) => n.split('-r').map((p) => Number(p) || 0);
  names.sort((a, b) => {
    const [ja, ra] = key(a);
    const [jb, rb] = key(b);
    return ja! - jb! || ra! - rb!;
  });
  return names.map((attempt) => {
    const attemptDir = path.join(dir, attempt);
    const final = readJsonFile(path.join(attemptDir, 'task.json'));
    const started = final && 'value' in final ? final : readJsonFile(path.join(attemptDir, 'started.json'));
    let record: TaskRecord | null = null;
    let problem: string | null = null;
    if (started && 'problem' in started) problem = started.problem;
    else if (started) {
      const parsed = TaskRecordSchema.safeParse(started.value);
      if (parsed.success) record = parsed.data;
      else problem = `task record in ${attemptDir} is not one task.py writes: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
    }
    return {
      attempt,
      dir: attemptDir,
      arrayJobId: record?.slurm.SLURM_ARRAY_JOB_ID ?? null,
      record,
      ended: !!final && 'value' in final && record !== null,
      problem,
    };
  });
}

/** The task's batch log (`logs/slurm-<array job>_<index>.out`), its last 256 KiB; '' when absent. */
export function readBatchLog(bundleDir: string, arrayJobId: string, index: number): string {
  const file = path.join(bundleDir, 'logs', `slurm-${arrayJobId}_${index}.out`);
  return readTail(file);
}

/** The last MAX_LOG_BYTES of a regular file ('' when absent): logs can be large, only their end matters here. */
function readTail(file: string): string {
  let fd: number | null = null;
  try {
    const info = statSync(file);
    if (!info.isFile()) return '';
    const length = Math.min(info.size, MAX_LOG_BYTES);
    const buffer = Buffer.alloc(length);
    fd = openSync(file, 'r');
    readSync(fd, buffer, 0, length, info.size - length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The last lines of llem's stderr in one attempt folder (for llem's own failure reasons). */
export function stderrTail(attemptDir: string, lines = 200): string[] {
  return readTail(path.join(attemptDir, 'llem.stderr')).split('\n').slice(-lines);
}
