import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/database';
import { findExistingResult, insertResult, linkResultToRun, logImport } from '../store/resultsStore';
import { ok, type Result } from '../../contract/result';
import {
  checkConfigHash, checkDeclaredConfigHash, losslessEffectiveConfig, losslessObjectMember, type ConfigHashFn, type HashCheck,
} from './configHash';
import { defaultConfigHashFn } from './defaultConfigHash';
import { DEFAULT_JSON_LIMITS, isPlainObject, parseJsonText } from './jsonText';
import { BUNDLE_CONFIG_FILE, isBundleResult } from './llemBundle';
import { readLlemTimeseries, type LlemTimeseriesRow } from './llemTimeseries';
import { parseLlemBundle } from './parseLlemBundle';
import { readRegularFile } from '../files/regularFile';
import { parseLlemResultValue } from './parseLlemResult';
import { storeQualityChecks } from './quality/qualityStore';
import { bundleResultColumns, splitWarning, toResultColumns, type ResultColumns, type ResultProvenance } from './resultColumns';

export interface ImportResultOptions {
  /** The app run this result belongs to (the runner passes it); null/absent = a hand import. */
  runId?: number | null;
  /** Canonical config hash (§3); defaults to the campaign model's. null disables verification. */
  hashFn?: ConfigHashFn | null;
  /** Write an import_log row (default true). */
  log?: boolean;
}

export type ImportOutcome =
  | {
      outcome: 'added';
      path: string;
      kind: 'llem_result';
      resultId: number;
      hashVerified: boolean | null;
      /** Things the user should know that did not stop the import (hash mismatch, missing timeseries). */
      notes: string[];
    }
  | {
      outcome: 'duplicate';
      path: string;
      kind: 'llem_result';
      resultId: number;
      matchedBy: 'sha256' | 'natural_key';
      /** True when this call attached the existing row to `runId`. */
      linked: boolean;
    }
  | { outcome: 'rejected'; path: string; kind: 'llem_result' | null; reason: string; issues?: { path: string; message: string }[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Imports one llem result.json (and the timeseries.parquet it names), idempotently. */
export async function importResultFile(db: Db, filePath: string, options: ImportResultOptions = {}): Promise<ImportOutcome> {
  const absolute = path.resolve(filePath);
  // A regular file of a sane size, opened once (not a link to a device, not a pipe): issue #15, finding 5.
  const file = await readRegularFile(absolute, { maxBytes: DEFAULT_JSON_LIMITS.maxBytes });
  if (!file.ok) return reject(db, options, absolute, null, file.error.message);
  return importResultBytes(db, file.value, absolute, options);
}

/** Same as importResultFile for bytes already read; `filePath` locates the timeseries and names errors. */
export async function importResultBytes(db: Db, bytes: Buffer, filePath: string, options: ImportResultOptions = {}): Promise<ImportOutcome> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return reject(db, options, filePath, sha256, `${filePath}: not UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const json = parseJsonText(text, filePath);
  if (!json.ok) return reject(db, options, filePath, sha256, json.error.message, json.error.issues);
  const doc = isPlainObject(json.value) && isBundleResult(json.value)
    ? await bundleDocument(json.value, text, filePath)
    : contractDocument(json.value, text, filePath);
  if (!doc.ok) return reject(db, options, filePath, sha256, doc.error.message, doc.error.issues);
  const runId = options.runId ?? null;

  const existing = findExistingResult(db, sha256, doc.value.key);
  if (existing) {
    let linked = false;
    if (runId !== null && existing.run_id === null) {
      const link = linkResultToRun(db, existing.id, runId);
      if (!link.ok) return reject(db, options, filePath, sha256, link.error.message);
      linked = link.value.linked;
    }
    if (options.log !== false) {
      logImport(db, {
        path: filePath, sha256, kind: 'llem_result', outcome: 'duplicate', resultId: existing.id,
        message: existing.matchedBy === 'sha256' ? 'same file already stored' : 'same result (config hash, start time, id) already stored',
      });
    }
    return { outcome: 'duplicate', path: filePath, kind: 'llem_result', resultId: existing.id, matchedBy: existing.matchedBy, linked };
  }

  const hashFn = options.hashFn === undefined ? defaultConfigHashFn() : options.hashFn;
  const { columns, hash, notes } = doc.value.build(hashFn, { runId, sha256, sourcePath: filePath, importedAt: new Date().toISOString(), rawText: text });
  const reported = doc.value.key.measurement_config_hash;
  if (hash.verified === false) {
    notes.push(`${doc.value.hashName} mismatch: file says ${reported}, ${doc.value.configName} hashes to ${hash.recomputed}`);
  } else if (hash.verified === null && hash.note) notes.push(`hash not checked: ${hash.note}`);

  let timeseries: LlemTimeseriesRow[] = [];
  if (doc.value.timeseries) {
    const located = locateTimeseries(filePath, doc.value.timeseries);
    if (!located.ok) {
      columns.timeseries_status = 'missing';
      columns.timeseries_note = located.note;
    } else {
      const read = await readLlemTimeseries(located.path, { within: path.dirname(path.resolve(filePath)) });
      if (read.ok) {
        timeseries = read.value;
        columns.timeseries_status = 'imported';
      } else {
        columns.timeseries_status = 'unreadable';
        columns.timeseries_note = read.error.message;
      }
    }
    if (columns.timeseries_note) notes.push(`timeseries ${columns.timeseries_status}: ${columns.timeseries_note}`);
  }

  const warnings = doc.value.warnings.map(splitWarning);
  const impossible = impossibleOutputTokens(columns);
  if (impossible) {
    warnings.push(impossible);
    columns.warning_count += 1;
    notes.push(impossible.text);
  }
  const stored = insertResult(db, columns, warnings, timeseries);
  if (!stored.ok) return reject(db, options, filePath, sha256, stored.error.message);
  // Quality checks at import. Should storing them fail, the result stays stored: ensureQualityChecks retries
  // before the next read, so no result is ever shown unchecked.
  const quality = storeQualityChecks(db, stored.value.id);
  if (quality.ok && quality.value.grade !== 'A') {
    const flagged = quality.value.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${c.label}: ${c.status}`);
    notes.push(`quality grade ${quality.value.grade}${flagged.length > 0 ? ` (${flagged.join('; ')})` : ' (some checks could not be made)'}`);
  }
  if (options.log !== false) {
    logImport(db, {
      path: filePath, sha256, kind: 'llem_result', outcome: 'added', resultId: stored.value.id,
      message: notes.length > 0 ? notes.join('; ') : null,
    });
  }
  return { outcome: 'added', path: filePath, kind: 'llem_result', resultId: stored.value.id, hashVerified: hash.verified, notes };
}

/** What the importer needs of a result file, whichever of llem's two layouts it is in. */
interface ResultDocument {
  /** Natural key for de-duplication (the bundle's declared hash stands in for measurement_config_hash). */
  key: { measurement_config_hash: string; start_time: string; experiment_id: string };
  timeseries: string | null;
  warnings: string[];
  /** How the file names its hash, and what it is recomputed from (for notes). */
  hashName: string;
  configName: string;
  /** The row, built after the duplicate check (the hash re-check is the costly part). */
  build(hashFn: ConfigHashFn | null, p: Omit<ResultProvenance, 'hash' | 'effectiveConfigText'>): { columns: ResultColumns; hash: HashCheck; notes: string[] };
}

/** Schema-2.0 result (llem contract §6): the config it was measured with is inside, as effective_config. */
function contractDocument(value: unknown, text: string, filePath: string): Result<ResultDocument> {
  const parsed = parseLlemResultValue(value, filePath);
  if (!parsed.ok) return parsed;
  const r = parsed.value.result;
  return ok({
    key: r,
    timeseries: r.timeseries ?? null,
    warnings: r.measurement_warnings ?? [],
    hashName: 'measurement_config_hash',
    configName: 'effective_config',
    build(hashFn, p) {
      const lossless = safeLossless(() => losslessEffectiveConfig(text));
      const hash: HashCheck = lossless
        ? checkConfigHash(lossless.config, r.measurement_config_hash, hashFn)
        : { recomputed: null, verified: null, identityHash: null, note: 'effective_config could not be read losslessly' };
      const effectiveConfigText = lossless?.text ?? JSON.stringify(r.effective_config);
      return { columns: toResultColumns(parsed.value, { ...p, hash, effectiveConfigText }), hash, notes: [] };
    },
  });
}

/** Bundle result (PyPI llem 0.7.0): metrics here, the declared config in the config.json beside it. */
async function bundleDocument(value: Record<string, unknown>, text: string, filePath: string): Promise<Result<ResultDocument>> {
  const parsed = await parseLlemBundle(value, filePath);
  if (!parsed.ok) return parsed;
  const b = parsed.value;
  const r = b.result;
  return ok({
    key: { measurement_config_hash: r.declared_config_hash, start_time: r.start_time, experiment_id: r.experiment_id },
    timeseries: r.timeseries ?? null,
    warnings: r.measurement_warnings ?? [],
    hashName: 'declared_config_hash',
    configName: `${BUNDLE_CONFIG_FILE}'s declared_config`,
    build(hashFn, p) {
      const configText = b.configText;
      const lossless = configText === null ? null : safeLossless(() => losslessObjectMember(configText, 'declared_config'));
      const hash: HashCheck = lossless
        ? checkDeclaredConfigHash(lossless.config, r.declared_config_hash, hashFn)
        : { recomputed: null, verified: null, identityHash: r.declared_config_hash, note: `no usable ${BUNDLE_CONFIG_FILE} beside the result` };
      const effectiveConfigText = lossless?.text ?? 'null';
      // A missing sidecar is already said once, by the hash note; other sidecar notes stand on their own.
      const notes = lossless ? [...b.notes] : b.notes.filter((n) => !n.startsWith(`no ${BUNDLE_CONFIG_FILE}`));
      return { columns: bundleResultColumns(b, { ...p, hash, effectiveConfigText }), hash, notes };
    },
  });
}

/**
 * A check of llem's own arithmetic, added to the result's warnings: more output tokens than `n_prompts ×
 * max_output_tokens` cannot have been generated. llem 0.7.0 does report that for batched runs (it counts the
 * input padding of a batch as output: seen on an H100, 6,686 "output" tokens for 64 prompts × 64 new tokens), which
 * makes every per-output-token figure of the run too good. The numbers are kept as llem wrote them; the warning
 * makes the problem visible wherever the result's warnings are shown.
 */
export function impossibleOutputTokens(c: Pick<ResultColumns, 'output_tokens' | 'n_prompts' | 'max_output_tokens'>): { code: string; text: string } | null {
  if (c.output_tokens === null || c.n_prompts === null || c.max_output_tokens === null) return null;
  const maximum = c.n_prompts * c.max_output_tokens;
  if (c.output_tokens <= maximum) return null;
  return {
    code: 'output_tokens_above_maximum',
    text:
      `output_tokens_above_maximum: llem reports ${c.output_tokens} output tokens, more than n_prompts × max_output_tokens = ` +
      `${c.n_prompts} × ${c.max_output_tokens} = ${maximum} allows (checked by llem Studio); per-output-token energy and throughput of this result are too favourable`,
  };
}

/** The timeseries must be a file inside the result's own folder (a result cannot point us elsewhere). */
function locateTimeseries(resultPath: string, name: string): { ok: true; path: string } | { ok: false; note: string } {
  const dir = path.dirname(path.resolve(resultPath));
  const candidate = path.resolve(dir, name);
  const rel = path.relative(dir, candidate);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return { ok: false, note: `"${name}" is not a file inside the result's folder` };
  }
  if (!existsSync(candidate)) {
    return { ok: false, note: `${candidate} not found (llem's ./results copies never include it)` };
  }
  return { ok: true, path: candidate };
}

function safeLossless(read: () => ReturnType<typeof losslessEffectiveConfig>): ReturnType<typeof losslessEffectiveConfig> {
  try {
    return read();
  } catch {
    return null;
  }
}

function reject(
  db: Db,
  options: ImportResultOptions,
  filePath: string,
  sha256: string | null,
  reason: string,
  issues?: { path: string; message: string }[],
): ImportOutcome {
  if (options.log !== false) {
    try {
      logImport(db, { path: filePath, sha256, kind: 'llem_result', outcome: 'rejected', message: reason });
    } catch {
      // The log is a convenience; failing to write it must not hide the rejection itself.
    }
  }
  return issues ? { outcome: 'rejected', path: filePath, kind: 'llem_result', reason, issues } : { outcome: 'rejected', path: filePath, kind: 'llem_result', reason };
}
