import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { RunDetail } from '../../contract/apiRuns';
import { err, ok, type Result } from '../../contract/result';
import { flattenConfig, type JsonValue } from '../../contract/runLabels';
import { campaignExperimentLabels } from '../campaigns/campaignRunLabels';
import { getAppTelemetrySeries } from '../results';
import { latestAttempt, listAttemptPhases, listExperimentConfigs, runResultVersions, runWithExperiment } from './runStore';
import type { Db } from '../store/database';

/** Most of a log the drawer receives (the wire limit is 4 MiB; two logs and a result fit under it). */
export const MAX_LOG_BYTES = 1_000_000;
/** Largest experiment file / result.json shown; llem's are a few KB. */
export const MAX_FILE_BYTES = 512_000;

interface FileText {
  path: string;
  text: string;
  truncated: boolean;
  /** Why the file could not be read (then text is empty). */
  error: string | null;
}

/**
 * Reads the start (`from: 'head'`) or the end of a regular file, at most `maxBytes`. A missing file, a folder or a
 * device is an answer with `error` set, never a throw: the drawer still shows the rest.
 */
export function readFileText(file: string, maxBytes: number, from: 'head' | 'tail'): FileText {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    return { path: file, text: '', truncated: false, error: `cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { path: file, text: '', truncated: false, error: 'is not a regular file' };
    const length = Math.min(stat.size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, from === 'head' ? 0 : stat.size - length);
    return { path: file, text: buffer.toString('utf8'), truncated: stat.size > maxBytes, error: null };
  } catch (e) {
    return { path: file, text: '', truncated: false, error: `cannot be read (${(e as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}

const VERSION_KEYS: Record<string, readonly string[]> = {
  llem: ['tool_version', 'llem_version'],
  driver: ['driver_version'],
  cuda: ['cuda_version'],
  torch: ['torch_version', 'pytorch_version'],
  backend: ['backend_version'],
  python: ['python_version'],
};

/** Versions named anywhere in a result.json (their place differs between llem releases), first string wins. */
export function versionsFromResult(result: JsonValue): Record<string, string> {
  const found: Record<string, string> = {};
  const flat = flattenConfig(result);
  for (const [name, keys] of Object.entries(VERSION_KEYS)) {
    for (const [path, value] of flat) {
      const leaf = path.split('.').pop() ?? '';
      if (keys.includes(leaf) && typeof value === 'string' && value !== '') {
        found[name] = value;
        break;
      }
    }
  }
  return found;
}

/**
 * What this config changes from the campaign's base: for every value that differs between the campaign's configs,
 * the campaign's most common value (the base) and this config's, where they differ.
 */
export function configDiffAgainstBase(config: JsonValue, campaignConfigs: readonly JsonValue[]): { path: string; base: string; value: string }[] {
  const mine = flattenConfig(config);
  const all = campaignConfigs.map((c) => flattenConfig(c));
  const paths = new Set<string>();
  for (const c of all) for (const p of c.keys()) paths.add(p);
  const show = (v: JsonValue | undefined) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));
  const diff: { path: string; base: string; value: string }[] = [];
  for (const path of [...paths].sort()) {
    const counts = new Map<string, number>();
    for (const c of all) counts.set(show(c.get(path)), (counts.get(show(c.get(path))) ?? 0) + 1);
    if (counts.size < 2) continue;
    const base = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const value = show(mine.get(path));
    if (value !== base) diff.push({ path, base, value });
  }
  return diff;
}

/** Everything the run detail drawer shows about one run, failed ones included. */
export function runDetail(db: Db, runId: number): Result<RunDetail> {
  const run = runWithExperiment(db, runId);
  if (!run) return err('not_found', `No run with id ${runId}.`, { path: 'runId' });

  const attempt = latestAttempt(db, runId);
  const result = runResultVersions(db, runId);

  const campaignConfigs = listExperimentConfigs(db, run.campaign_id).map(parseJson);
  const config = parseJson(run.config_json);
  const resultFile = attempt?.result_path ? readFileText(attempt.result_path, MAX_FILE_BYTES, 'head') : null;
  const fromResult = resultFile && !resultFile.error ? versionsFromResult(parseJson(resultFile.text)) : {};
  const versions: Record<string, string> = { ...fromResult };
  if (attempt?.llem_version && !versions.llem) versions.llem = attempt.llem_version;
  if (result?.driver_version && !versions.driver) versions.driver = result.driver_version;
  if (result?.cuda_version && !versions.cuda) versions.cuda = result.cuda_version;
  if (result?.gpu_name) versions.gpu = result.gpu_name;

  const phases = attempt
    ? listAttemptPhases(db, runId, attempt.attempt)
    : [];
  const series = getAppTelemetrySeries(db, { runId, metric: 'power_w', width: 800 });
  const timeline =
    series.ok && series.value.totalSamples > 0
      ? { startMs: series.value.from, t: series.value.t.map((t) => (t - series.value.from) / 1000), v: series.value.v, totalSamples: series.value.totalSamples, source: attempt?.telemetry_source ?? null }
      : null;

  const started = run.started_at ? Date.parse(run.started_at) : NaN;
  const ended = run.ended_at ? Date.parse(run.ended_at) : NaN;
  return ok({
    id: run.id,
    campaignId: run.campaign_id,
    runIndex: run.run_index,
    cycle: run.cycle,
    label: campaignExperimentLabels(db, run.campaign_id).get(run.experiment_id) ?? run.summary,
    summary: run.summary,
    status: run.status,
    failureReason: run.failure_reason,
    errorMessage: run.error_message,
    exitCode: run.exit_code,
    attempt: run.attempt,
    startedAt: run.started_at,
    endedAt: run.ended_at,
    durationSeconds: Number.isFinite(started) && Number.isFinite(ended) ? (ended - started) / 1000 : null,
    stdout: attempt ? readFileText(attempt.stdout_path, MAX_LOG_BYTES, 'tail') : null,
    stderr: attempt ? readFileText(attempt.stderr_path, MAX_LOG_BYTES, 'tail') : null,
    experimentFile: attempt ? readFileText(attempt.config_path, MAX_FILE_BYTES, 'head') : null,
    resultFile,
    resultId: result?.id ?? null,
    configDiff: configDiffAgainstBase(config, campaignConfigs),
    versions,
    phases: phases.map((p) => ({ phase: p.phase, atMs: p.at_ms, message: p.message })),
    timeline,
  });
}
