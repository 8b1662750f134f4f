import { appendFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, type ImportReportView } from '../../../contract/apiResults';
import { err, ok, type Result } from '../../../contract/result';
import { importPaths, type ImportReport } from '..';
import type { Db } from '../../store/database';

/**
 * Import from file contents. A page in a browser cannot hand the core a path, so it sends the bytes
 * (base64, in as many calls as the wire limit needs) into an upload folder under the data directory;
 * the last call imports the folder's files with the same importer as path imports. The folder is kept
 * when something was added — it is the stored result's source path and keeps its timeseries beside
 * it — and removed otherwise. Unfinished uploads older than a day are swept away.
 */

export const UPLOADS_DIR = 'uploads';
const KEPT_MARKER = '.imported';
const STALE_MS = 24 * 60 * 60 * 1000;

export interface UploadFile {
  name: string;
  base64: string;
  append: boolean;
}

export interface UploadOutcome {
  uploadId: string;
  storedBytes: number;
  report: ImportReportView | null;
}

export async function receiveUpload(
  db: Db,
  dataDir: string,
  uploadId: string,
  files: readonly UploadFile[],
  finish: boolean,
): Promise<Result<UploadOutcome>> {
  const root = path.join(dataDir, UPLOADS_DIR);
  const dir = path.join(root, uploadId);
  await sweepStaleUploads(root, uploadId);
  try {
    await mkdir(dir, { recursive: true });
    for (const f of files) {
      const target = safeTarget(dir, f.name);
      if (!target) return err('invalid_input', `"${f.name}" is not a file name inside the upload.`, { path: f.name });
      await mkdir(path.dirname(target), { recursive: true });
      const bytes = Buffer.from(f.base64, 'base64');
      if (f.append) await appendFile(target, bytes);
      else await writeFile(target, bytes);
    }
  } catch (e) {
    return err('io_error', `Could not store the uploaded files: ${(e as Error).message}`);
  }
  const listed = await listFiles(dir);
  const storedBytes = listed.reduce((n, f) => n + f.size, 0);
  if (storedBytes > MAX_UPLOAD_BYTES || listed.length > MAX_UPLOAD_FILES) {
    await rm(dir, { recursive: true, force: true });
    return err(
      'too_large',
      `The upload holds ${listed.length} files and ${storedBytes} bytes; at most ${MAX_UPLOAD_FILES} files and ${MAX_UPLOAD_BYTES} bytes are accepted at once. Import fewer files at a time.`,
    );
  }
  if (!finish) return ok({ uploadId, storedBytes, report: null });

  const json = listed.filter((f) => f.path.toLowerCase().endsWith('.json')).map((f) => f.path).sort();
  const report = await importPaths(db, json);
  for (const f of listed) {
    const lower = f.path.toLowerCase();
    if (!lower.endsWith('.json') && !lower.endsWith('.parquet') && path.basename(f.path) !== KEPT_MARKER) {
      report.ignored.push({ path: f.path, reason: 'not a JSON file (only llem result.json, its timeseries.parquet and ML.ENERGY data are read)' });
    }
  }
  if (report.added.length > 0) await writeFile(path.join(dir, KEPT_MARKER), `${new Date().toISOString()}\n`);
  else await rm(dir, { recursive: true, force: true });
  return ok({ uploadId, storedBytes, report: relativeReport(report, dir) });
}

/** The target path for a sent name, or null if it would land outside the upload folder. */
function safeTarget(dir: string, name: string): string | null {
  const segments = name.split(/[\\/]/).map((s) => s.replace(/[<>:"|?*]/g, '_'));
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  const target = path.join(dir, ...segments);
  const rel = path.relative(dir, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || path.basename(target) === KEPT_MARKER) return null;
  return target;
}

async function listFiles(dir: string): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out.push({ path: full, size: (await stat(full)).size });
  }
  return out;
}

/** Names as the page sent them, not the core's folder (the user never saw it). */
function relativeReport(report: ImportReport, dir: string): ImportReportView {
  const prefix = dir + path.sep;
  const rel = (p: string): string => (p.startsWith(prefix) ? p.slice(prefix.length).split(path.sep).join('/') : p);
  const text = (s: string): string => s.split(prefix).join('');
  return {
    added: report.added.map((a) => ({ ...a, path: rel(a.path), notes: a.notes.map(text) })),
    duplicates: report.duplicates.map((d) => ({ ...d, path: rel(d.path) })),
    rejected: report.rejected.map((r) => ({ ...r, path: rel(r.path), reason: text(r.reason) })),
    ignored: report.ignored.map((i) => ({ ...i, path: rel(i.path) })),
  };
}

async function sweepStaleUploads(root: string, current: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (name === current) continue;
    const dir = path.join(root, name);
    try {
      const info = await stat(dir);
      if (!info.isDirectory() || now - info.mtimeMs < STALE_MS) continue;
      const kept = await stat(path.join(dir, KEPT_MARKER)).then(
        () => true,
        () => false,
      );
      if (!kept) await rm(dir, { recursive: true, force: true });
    } catch {
      // Another process may be sweeping too; a folder that vanished is fine.
    }
  }
}
