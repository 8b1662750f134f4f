import { createHash } from 'node:crypto';
import { statSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../store/database';
import { logImport } from '../store/resultsStore';
import type { ConfigHashFn } from './configHash';
import { importResultBytes } from './importLlemResult';
import type { FileKind, ImportReport } from './importTypes';
import { DEFAULT_JSON_LIMITS, isPlainObject, parseJsonText } from './jsonText';
import { isBundleSidecar } from './llemBundle';
import {
  importV2Config,
  importV3Index,
  importV3Task,
  isLlmTask,
  siblingV3Index,
  type ReferenceOutcome,
  type ReferenceSource,
} from './mlenergy/importMlEnergy';
import { V3IndexSchema } from './mlenergy/schemas';
import { readRegularFile, readRegularFileSync } from '../files/regularFile';

export interface ImportPathsOptions {
  /** Canonical config hash for llem results (default: the campaign model's; null: do not verify). */
  hashFn?: ConfigHashFn | null;
  /** Where reference data came from, when not from local files (fetch from the public site). */
  referenceSource?: ReferenceSource;
  /** Write import_log rows (default true). */
  log?: boolean;
}

/** Folders never worth walking into. */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * Imports files and whole folders (recursively: llem study trees, nested result folders, ML.ENERGY
 * data trees). Each file is its own transaction, so one bad file never spoils the others and a crash
 * leaves every file either fully stored or not at all. Files named explicitly must be importable;
 * unrelated files met inside folders are listed as ignored.
 */
export async function importPaths(db: Db, inputs: readonly string[], options: ImportPathsOptions = {}): Promise<ImportReport> {
  const report: ImportReport = { added: [], duplicates: [], rejected: [], ignored: [] };
  const queue: { path: string; explicit: boolean }[] = [];
  const queued = new Set<string>();
  const enqueue = (p: string, explicit: boolean): void => {
    if (queued.has(p)) return;
    queued.add(p);
    queue.push({ path: p, explicit });
  };

  for (const input of inputs) {
    const absolute = path.resolve(input);
    let info;
    try {
      info = await stat(absolute);
    } catch (e) {
      report.rejected.push({ path: absolute, kind: null, reason: `${absolute}: ${describeFsError(e)}` });
      continue;
    }
    if (info.isDirectory()) {
      for (const file of await walkJsonFiles(absolute, report)) enqueue(file, false);
    } else enqueue(absolute, true);
  }

  const siblings = new SiblingCache();
  for (let i = 0; i < queue.length; i++) {
    const item = queue[i]!;
    await importOne(db, item.path, item.explicit, options, siblings, report, (more) => more.forEach((p) => enqueue(p, true)));
  }
  return report;
}

async function importOne(
  db: Db,
  filePath: string,
  explicit: boolean,
  options: ImportPathsOptions,
  siblings: SiblingCache,
  report: ImportReport,
  enqueueMore: (paths: string[]) => void,
): Promise<void> {
  const reject = (reason: string, kind: FileKind | null = null, sha256: string | null = null): void => {
    report.rejected.push({ path: filePath, kind, reason });
    if (options.log !== false) safeLog(db, { path: filePath, sha256, kind, outcome: 'rejected', message: reason });
  };
  // Opened once and checked on the open file: a regular file of a sane size, never a device or pipe (issue #15).
  const file = await readRegularFile(filePath, { maxBytes: DEFAULT_JSON_LIMITS.maxBytes });
  if (!file.ok) return reject(file.error.message);
  const bytes = file.value;
  if (!filePath.toLowerCase().endsWith('.json') && !looksLikeJson(bytes)) {
    if (explicit) return reject(`${filePath}: not a JSON file (expected an llem result.json or ML.ENERGY leaderboard data)`);
    report.ignored.push({ path: filePath, reason: 'not a JSON file' });
    return;
  }

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return reject(`${filePath}: not UTF-8 text`, null, sha256);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = parseJsonText(text, filePath);
  if (!parsed.ok) return reject(parsed.error.message, null, sha256);
  const kind = classify(parsed.value, filePath);

  switch (kind) {
    case 'llem_result': {
      const outcome = await importResultBytes(db, bytes, filePath, {
        ...(options.hashFn !== undefined ? { hashFn: options.hashFn } : {}),
        log: options.log !== false,
      });
      if (outcome.outcome === 'added') {
        report.added.push({ path: filePath, kind, resultId: outcome.resultId, hashVerified: outcome.hashVerified, notes: outcome.notes });
      } else if (outcome.outcome === 'duplicate') {
        report.duplicates.push({ path: filePath, kind, resultId: outcome.resultId, matchedBy: outcome.matchedBy, linked: outcome.linked });
      } else {
        report.rejected.push(outcome.issues ? { path: filePath, kind, reason: outcome.reason, issues: outcome.issues } : { path: filePath, kind, reason: outcome.reason });
      }
      return;
    }
    case 'mlenergy_v3_index':
    case 'mlenergy_v3_task':
    case 'mlenergy_v2_config': {
      const source: ReferenceSource = options.referenceSource ?? { kind: 'file', location: path.dirname(filePath) };
      const input = { path: filePath, sha256, json: parsed.value, source };
      const read = (p: string): unknown => siblings.read(p);
      let outcome: ReferenceOutcome;
      if (kind === 'mlenergy_v3_index') {
        outcome = importV3Index(db, input);
        // Naming index.json alone imports the LLM task files it lists, where they sit beside it.
        if (outcome.outcome !== 'rejected') enqueueMore(v3TaskFiles(filePath, parsed.value));
      } else if (kind === 'mlenergy_v3_task') {
        const index = siblingV3Index(filePath, read);
        const task = isPlainObject(parsed.value) && typeof parsed.value.task === 'string' ? parsed.value.task : '';
        if (!isLlmTask(index, task)) {
          report.ignored.push({ path: filePath, reason: `ML.ENERGY task "${task}" is not an LLM task` });
          return;
        }
        outcome = importV3Task(db, input, read);
      } else outcome = importV2Config(db, input, read);
      recordReference(db, options, report, outcome, sha256);
      return;
    }
    case 'llem_manifest':
      report.ignored.push({ path: filePath, reason: 'llem study manifest (its results are read from the result.json files)' });
      return;
    case 'llem_bundle_sidecar':
      report.ignored.push({ path: filePath, reason: "llem bundle sidecar (config.json/system.json; read with the result.json beside it)" });
      return;
    case 'mlenergy_v2_models':
      report.ignored.push({ path: filePath, reason: 'ML.ENERGY v2 models.json (read for model nicknames)' });
      return;
    default:
      if (explicit) return reject(`${filePath}: not an llem result.json nor ML.ENERGY leaderboard data (unrecognised keys)`, null, sha256);
      report.ignored.push({ path: filePath, reason: 'JSON file of an unknown kind' });
  }
}

/** Decides what a parsed JSON file is from its keys (file names are not reliable). */
export function classify(value: unknown, filePath: string): FileKind | null {
  if (!isPlainObject(value)) return null;
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(value, k);
  if (has('study_design_hash') && has('experiments')) return 'llem_manifest';
  if (isBundleSidecar(value)) return 'llem_bundle_sidecar';
  if (has('schema_version') || has('experiment_id') || has('measurement_config_hash')) return 'llem_result';
  if (has('configurations') && has('task')) return 'mlenergy_v3_task';
  if (has('tasks') && (has('models') || has('architectures'))) return 'mlenergy_v3_index';
  if (has('Model') && has('GPU')) return 'mlenergy_v2_config';
  if (path.basename(filePath) === 'models.json' && Object.values(value).every((v) => isPlainObject(v) && 'nickname' in v)) {
    return 'mlenergy_v2_models';
  }
  return null;
}

function v3TaskFiles(indexPath: string, json: unknown): string[] {
  const index = V3IndexSchema.safeParse(json);
  if (!index.success) return [];
  const dir = path.join(path.dirname(indexPath), 'tasks');
  return index.data.tasks
    .filter((t) => isLlmTask(index.data, t) && !t.includes('/') && !t.includes('\\') && !t.startsWith('.'))
    .map((t) => path.join(dir, `${t}.json`))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
}

function recordReference(db: Db, options: ImportPathsOptions, report: ImportReport, o: ReferenceOutcome, sha256: string): void {
  if (o.outcome === 'added') {
    const { outcome: _o, ...entry } = o;
    report.added.push(entry);
  } else if (o.outcome === 'duplicate') {
    const { outcome: _o, ...entry } = o;
    report.duplicates.push(entry);
  } else {
    const { outcome: _o, ...entry } = o;
    report.rejected.push(entry);
  }
  if (options.log !== false) {
    safeLog(db, {
      path: o.path,
      sha256,
      kind: o.kind,
      outcome: o.outcome,
      message: o.outcome === 'rejected' ? o.reason : o.outcome === 'added' ? `${o.rows ?? 0} rows into ${o.datasetLabel}` : 'same file already stored',
      datasetId: o.outcome === 'rejected' ? null : (o.datasetId ?? null),
    });
  }
}

/** Recursively lists *.json files (sorted, so imports are deterministic); unreadable folders are reported. */
async function walkJsonFiles(root: string, report: ImportReport): Promise<string[]> {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      report.rejected.push({ path: dir, kind: null, reason: `${dir}: ${describeFsError(e)}` });
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      // Symbolic links are not followed: a link loop must not hang the import.
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) stack.push(full);
      } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) out.push(full);
    }
  }
  return out.sort();
}

class SiblingCache {
  private readonly cache = new Map<string, unknown>();
  read(p: string): unknown {
    if (!this.cache.has(p)) {
      // A sibling (index.json, models.json) must be a regular file of a sane size really in the folder it is
      // named in: `index.json -> /dev/zero` grew the process by 8 GB in 10 s (issue #15, finding 5).
      let value: unknown = null;
      const read = readRegularFileSync(p, { maxBytes: DEFAULT_JSON_LIMITS.maxBytes, within: path.dirname(p) });
      if (read.ok) {
        const parsed = parseJsonText(read.value.toString('utf8'), p);
        value = parsed.ok ? parsed.value : null;
      }
      this.cache.set(p, value);
    }
    return this.cache.get(p);
  }
}

function looksLikeJson(bytes: Buffer): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b; // {
  }
  return false;
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
}

function safeLog(db: Db, entry: Parameters<typeof logImport>[1]): void {
  try {
    logImport(db, entry);
  } catch {
    // The log is a convenience; a failure to write it must not change the outcome.
  }
}
