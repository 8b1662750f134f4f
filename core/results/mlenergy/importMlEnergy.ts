import path from 'node:path';
import type { z } from 'zod';
import { err, ok, type Result } from '../../../contract/result';
import type { Db } from '../../store/database';
import { findReferenceFile, writeReferenceFile, type ReferenceDatasetInput, type ReferenceRowInput } from '../../store/referenceStore';
import type { AddedEntry, DuplicateEntry, FileKind, RejectedEntry } from '../importTypes';
import { formatIssuePath } from '../jsonText';
import {
  V2ConfigSchema,
  V2ModelsSchema,
  V3IndexSchema,
  V3TaskSchema,
  type V2Config,
  type V2Models,
  type V3Configuration,
  type V3Index,
} from './schemas';

export const MLENERGY_PROVIDER = 'ML.ENERGY Leaderboard';
const V3_LICENCE = 'Apache-2.0 (per the ML.ENERGY dataset card; the leaderboard repository has no licence file)';
const V2_LICENCE = 'Apache-2.0';

export interface ReferenceSource {
  kind: 'file' | 'url';
  /** Shown to the user: the folder or URL the data came from. */
  location: string;
}

export type ReferenceOutcome =
  | ({ outcome: 'added' } & AddedEntry)
  | ({ outcome: 'duplicate' } & DuplicateEntry)
  | ({ outcome: 'rejected' } & RejectedEntry);

export interface ReferenceFileInput {
  path: string;
  sha256: string;
  json: unknown;
  source: ReferenceSource;
}

/** Reads sibling files (index.json, models.json) once per import run. */
export type SiblingReader = (filePath: string) => unknown;

export function validate<T>(schema: z.ZodType<T>, value: unknown, filePath: string, what: string): Result<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
  const listed = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return err('invalid_reference', `${filePath}: not a valid ${what} — ${listed}${more}`, { path: filePath, issues });
}

export function v3Dataset(index: V3Index | null, source: ReferenceSource): ReferenceDatasetInput {
  const snapshot = index?.last_updated ?? null;
  return {
    key: `mlenergy-v3@${snapshot ?? 'undated'}`,
    provider: MLENERGY_PROVIDER,
    edition: 'v3',
    label: `${MLENERGY_PROVIDER} v3${snapshot ? ` (data of ${snapshot})` : ''}`,
    snapshot,
    sourceKind: source.kind,
    sourceLocation: source.location,
    licence: V3_LICENCE,
    metadataJson: index ? JSON.stringify({ tasks: index.tasks, architectures: index.architectures ?? null, models: index.models ?? null }) : null,
  };
}

export function v2Dataset(source: ReferenceSource): ReferenceDatasetInput {
  return {
    key: 'mlenergy-v2',
    provider: MLENERGY_PROVIDER,
    edition: 'v2',
    label: `${MLENERGY_PROVIDER} v2`,
    snapshot: null,
    sourceKind: source.kind,
    sourceLocation: source.location,
    licence: V2_LICENCE,
    // Nicknames and sizes from each task's models.json are copied onto the rows instead.
    metadataJson: null,
  };
}

export function importV3Index(db: Db, f: ReferenceFileInput): ReferenceOutcome {
  const kind: FileKind = 'mlenergy_v3_index';
  const dup = duplicate(db, f, kind);
  if (dup) return dup;
  const index = validate(V3IndexSchema, f.json, f.path, 'ML.ENERGY v3 index.json');
  if (!index.ok) return rejected(f, kind, index.error.message, index.error.issues);
  return write(db, f, kind, v3Dataset(index.value, f.source), [], null);
}

/** Tasks the index lists under a non-LLM architecture (diffusion, multimodal) have other metrics. */
export function isLlmTask(index: V3Index | null, task: string): boolean {
  const arch = index?.architectures;
  if (!arch) return true;
  return (arch.llm ?? []).includes(task);
}

export function importV3Task(db: Db, f: ReferenceFileInput, readSibling: SiblingReader): ReferenceOutcome {
  const kind: FileKind = 'mlenergy_v3_task';
  const dup = duplicate(db, f, kind);
  if (dup) return dup;
  const task = validate(V3TaskSchema, f.json, f.path, 'ML.ENERGY v3 task file');
  if (!task.ok) return rejected(f, kind, task.error.message, task.error.issues);
  const index = siblingV3Index(f.path, readSibling);
  const seen = new Map<string, number>();
  const rows = task.value.configurations.map((c) => v3Row(task.value.task, c, index, seen));
  return write(db, f, kind, v3Dataset(index, f.source), rows, task.value.task);
}

function v3Row(task: string, c: V3Configuration, index: V3Index | null, seen: Map<string, number>): ReferenceRowInput {
  const base = [task, c.model_id, c.gpu_model, c.num_gpus, c.tensor_parallel, c.expert_parallel, c.data_parallel, c.max_num_seqs].join('|');
  // The published data repeats some configurations (separate measurements): keep each, numbered.
  const occurrence = (seen.get(base) ?? 0) + 1;
  seen.set(base, occurrence);
  const info = index?.models?.[c.model_id];
  return {
    row_key: occurrence === 1 ? base : `${base}#${occurrence}`,
    task,
    model: c.model_id,
    model_nickname: c.nickname ?? info?.nickname ?? null,
    gpu_name: c.gpu_model,
    num_gpus: c.num_gpus ?? null,
    tensor_parallel: c.tensor_parallel ?? null,
    pipeline_parallel: null,
    expert_parallel: c.expert_parallel ?? null,
    data_parallel: c.data_parallel ?? null,
    max_batch_size: c.max_num_seqs ?? null,
    avg_batch_size: c.avg_batch_size ?? null,
    weight_precision: c.weight_precision ?? info?.weight_precision ?? null,
    architecture: c.architecture ?? info?.architecture ?? null,
    total_params_billions: c.total_params_billions ?? info?.total_params_billions ?? null,
    activated_params_billions: c.activated_params_billions ?? info?.activated_params_billions ?? null,
    energy_per_token_j: c.energy_per_token_joules ?? null,
    energy_per_request_j: c.energy_per_request_joules ?? null,
    avg_output_tokens: c.avg_output_len ?? null,
    avg_power_w: c.avg_power_watts ?? null,
    output_tokens_per_second: c.output_throughput_tokens_per_sec ?? null,
    avg_tpot_ms: null,
    median_itl_ms: c.median_itl_ms ?? null,
    p90_itl_ms: c.p90_itl_ms ?? null,
    p95_itl_ms: c.p95_itl_ms ?? null,
    p99_itl_ms: c.p99_itl_ms ?? null,
    raw_json: JSON.stringify(c),
  };
}

/** `<root>/tasks/<task>.json` → `<root>/index.json`, when it is there and valid. */
export function siblingV3Index(taskPath: string, readSibling: SiblingReader): V3Index | null {
  const dir = path.dirname(taskPath);
  if (path.basename(dir) !== 'tasks') return null;
  const parsed = V3IndexSchema.safeParse(readSibling(path.join(path.dirname(dir), 'index.json')));
  return parsed.success ? parsed.data : null;
}

export function importV2Config(db: Db, f: ReferenceFileInput, readSibling: SiblingReader): ReferenceOutcome {
  const kind: FileKind = 'mlenergy_v2_config';
  const dup = duplicate(db, f, kind);
  if (dup) return dup;
  const config = validate(V2ConfigSchema, f.json, f.path, 'ML.ENERGY v2 configuration file');
  if (!config.ok) return rejected(f, kind, config.error.message, config.error.issues);
  const { task, taskDir } = v2TaskOf(f.path, config.value.Model);
  const models = taskDir ? V2ModelsSchema.safeParse(readSibling(path.join(taskDir, 'models.json'))) : null;
  const modelInfo = models?.success ? models.data : null;
  return write(db, f, kind, v2Dataset(f.source), [v2Row(task, config.value, modelInfo)], null);
}

/** Layout `<task>/<GPU folder>/<org>/<model>/bsN+tpT+ppP.json`: the task is the folder above the GPU's. */
export function v2TaskOf(filePath: string, model: string): { task: string; taskDir: string | null } {
  const modelDepth = model.split('/').length;
  let dir = path.dirname(filePath);
  for (let i = 0; i < modelDepth + 1; i++) dir = path.dirname(dir);
  const task = path.basename(dir);
  if (!task || dir === path.dirname(dir)) return { task: 'unknown', taskDir: null };
  return { task, taskDir: dir };
}

function v2Row(task: string, c: V2Config, models: V2Models | null): ReferenceRowInput {
  const energyPerRequest = c['Energy/req (J)'] ?? null;
  const outputTokens = c['Avg Output Tokens'] ?? null;
  const tp = c.TP ?? null;
  const pp = c.PP ?? null;
  const tpot = c['Avg TPOT (s)'] ?? null;
  const info = models?.[c.Model];
  return {
    row_key: [task, c.GPU, c.Model, tp, pp, c['Max BS (reqs)']].join('|'),
    task,
    model: c.Model,
    model_nickname: info?.nickname ?? null,
    gpu_name: c.GPU,
    num_gpus: tp !== null && pp !== null ? tp * pp : null,
    tensor_parallel: tp,
    pipeline_parallel: pp,
    expert_parallel: null,
    data_parallel: null,
    max_batch_size: c['Max BS (reqs)'] ?? null,
    avg_batch_size: c['Avg BS (reqs)'] ?? null,
    weight_precision: null,
    architecture: null,
    total_params_billions: info?.params ?? null,
    activated_params_billions: null,
    // The published J/token for v2 is energy per request over average output tokens (fixtures README).
    energy_per_token_j: energyPerRequest !== null && outputTokens !== null && outputTokens > 0 ? energyPerRequest / outputTokens : null,
    energy_per_request_j: energyPerRequest,
    avg_output_tokens: outputTokens,
    avg_power_w: null,
    output_tokens_per_second: c['Token tput (tok/s)'] ?? null,
    avg_tpot_ms: tpot === null ? null : tpot * 1000,
    median_itl_ms: null,
    p90_itl_ms: null,
    p95_itl_ms: null,
    p99_itl_ms: null,
    raw_json: JSON.stringify(c),
  };
}

function duplicate(db: Db, f: ReferenceFileInput, kind: FileKind): ReferenceOutcome | null {
  const existing = findReferenceFile(db, f.sha256);
  return existing ? { outcome: 'duplicate', path: f.path, kind, datasetId: existing.dataset_id, matchedBy: 'sha256' } : null;
}

function write(
  db: Db,
  f: ReferenceFileInput,
  kind: FileKind,
  dataset: ReferenceDatasetInput,
  rows: ReferenceRowInput[],
  replaceTask: string | null,
): ReferenceOutcome {
  const stored = writeReferenceFile(db, { dataset, rows, replaceTask, file: { sha256: f.sha256, kind, path: f.path } });
  if (!stored.ok) return rejected(f, kind, stored.error.message);
  return { outcome: 'added', path: f.path, kind, datasetId: stored.value.datasetId, datasetLabel: dataset.label, rows: rows.length, notes: [] };
}

function rejected(f: ReferenceFileInput, kind: FileKind, reason: string, issues?: { path: string; message: string }[]): ReferenceOutcome {
  return issues ? { outcome: 'rejected', path: f.path, kind, reason, issues } : { outcome: 'rejected', path: f.path, kind, reason };
}
