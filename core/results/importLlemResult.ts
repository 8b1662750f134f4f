import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../store/database';
import { findExistingResult, insertResult, linkResultToRun, logImport } from '../store/resultsStore';
import { checkConfigHash, losslessEffectiveConfig, type ConfigHashFn, type HashCheck } from './configHash';
import { defaultConfigHashFn } from './defaultConfigHash';
import { DEFAULT_JSON_LIMITS } from './jsonText';
import { readLlemTimeseries, type LlemTimeseriesRow } from './llemTimeseries';
import { parseLlemResultText } from './parseLlemResult';
import { splitWarning, toResultColumns } from './resultColumns';

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
  let bytes: Buffer;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) return reject(db, options, absolute, null, `${absolute}: not a file`);
    if (info.size > DEFAULT_JSON_LIMITS.maxBytes) {
      return reject(db, options, absolute, null, `${absolute}: the file is ${info.size} bytes, more than the ${DEFAULT_JSON_LIMITS.maxBytes} accepted`);
    }
    bytes = await readFile(absolute);
  } catch (e) {
    return reject(db, options, absolute, null, `${absolute}: cannot read — ${(e as Error).message}`);
  }
  return importResultBytes(db, bytes, absolute, options);
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

  const parsed = parseLlemResultText(text, filePath);
  if (!parsed.ok) return reject(db, options, filePath, sha256, parsed.error.message, parsed.error.issues);
  const r = parsed.value.result;
  const runId = options.runId ?? null;

  const existing = findExistingResult(db, sha256, r);
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

  const notes: string[] = [];
  const lossless = safeLossless(text);
  const hashFn = options.hashFn === undefined ? defaultConfigHashFn() : options.hashFn;
  const hash: HashCheck = lossless
    ? checkConfigHash(lossless.config, r.measurement_config_hash, hashFn)
    : { recomputed: null, verified: null, identityHash: null, note: 'effective_config could not be read losslessly' };
  if (hash.verified === false) {
    notes.push(`measurement_config_hash mismatch: file says ${r.measurement_config_hash}, effective_config hashes to ${hash.recomputed}`);
  } else if (hash.verified === null && hash.note) notes.push(`hash not checked: ${hash.note}`);

  const columns = toResultColumns(parsed.value, {
    runId,
    sha256,
    sourcePath: filePath,
    importedAt: new Date().toISOString(),
    rawText: text,
    effectiveConfigText: lossless?.text ?? JSON.stringify(r.effective_config),
    hash,
  });

  let timeseries: LlemTimeseriesRow[] = [];
  if (r.timeseries) {
    const located = locateTimeseries(filePath, r.timeseries);
    if (!located.ok) {
      columns.timeseries_status = 'missing';
      columns.timeseries_note = located.note;
    } else {
      const read = await readLlemTimeseries(located.path);
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

  const warnings = (r.measurement_warnings ?? []).map(splitWarning);
  const stored = insertResult(db, columns, warnings, timeseries);
  if (!stored.ok) return reject(db, options, filePath, sha256, stored.error.message);
  if (options.log !== false) {
    logImport(db, {
      path: filePath, sha256, kind: 'llem_result', outcome: 'added', resultId: stored.value.id,
      message: notes.length > 0 ? notes.join('; ') : null,
    });
  }
  return { outcome: 'added', path: filePath, kind: 'llem_result', resultId: stored.value.id, hashVerified: hash.verified, notes };
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

function safeLossless(text: string): ReturnType<typeof losslessEffectiveConfig> {
  try {
    return losslessEffectiveConfig(text);
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
