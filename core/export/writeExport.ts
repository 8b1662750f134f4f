import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { LEADERBOARD_FORMAT } from './format';
import type { ExportFile } from './renderLeaderboard';

/** Default size budget of one export: 10 MB (10,000,000 bytes), what a static host serves comfortably. */
export const DEFAULT_MAX_BYTES = 10_000_000;

export interface WriteOptions {
  maxBytes?: number;
  /**
   * Where a previous export's index lies ("index.json" or "data/index.json"), relative to the folder.
   * Files it listed that this export no longer has are removed, so a committed folder never keeps
   * stale data; nothing else in the folder is touched.
   */
  previousIndex?: string;
}

export interface WriteReport {
  written: string[];
  removed: string[];
  totalBytes: number;
}

/**
 * Writes an export: checks the size budget first (nothing is written when over it), then each file
 * atomically (temp file + rename), in the given order — callers put the index last, so a reader never
 * sees an index that points at files not yet there.
 */
export function writeExportFiles(outDir: string, files: readonly ExportFile[], options: WriteOptions = {}): Result<WriteReport> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const sizes = files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.text, 'utf8') }));
  const totalBytes = sizes.reduce((s, f) => s + f.bytes, 0);
  if (totalBytes > maxBytes) {
    const largest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
    return err(
      'over_budget',
      `The export would be ${formatBytes(totalBytes)}, over the size budget of ${formatBytes(maxBytes)}; nothing was written. ` +
        `Largest files: ${largest.map((f) => `${f.path} (${formatBytes(f.bytes)})`).join(', ')}. ` +
        'Export fewer campaigns (--campaign ID) or raise the budget (--max-bytes N).',
      { path: outDir },
    );
  }
  for (const f of files) {
    if (!isSafeRelative(f.path)) return err('invalid_path', `Refusing to write outside the export folder: ${f.path}`, { path: f.path });
  }
  const root = path.resolve(outDir);
  try {
    const st = statSync(root, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return err('invalid_path', `${root} exists and is not a folder`, { path: root });
    mkdirSync(root, { recursive: true });
  } catch (e) {
    return err('io_error', `Could not create ${root}: ${(e as Error).message}`, { path: root });
  }

  const stale = options.previousIndex ? stalePaths(root, options.previousIndex, new Set(files.map((f) => f.path))) : [];
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(root, ...f.path.split('/'));
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(temp, f.text, 'utf8');
      renameSync(temp, target);
      written.push(f.path);
    } catch (e) {
      rmSync(temp, { force: true });
      return err('io_error', `Could not write ${target}: ${(e as Error).message}`, { path: target });
    }
  }
  const removed: string[] = [];
  for (const rel of stale) {
    try {
      unlinkSync(path.join(root, ...rel.split('/')));
      removed.push(rel);
    } catch {
      // Already gone or not removable: a stale file is untidy, not wrong (the index no longer lists it).
    }
  }
  return ok({ written, removed, totalBytes });
}

/** Entries files listed by the previous index (a llem Studio one) that the new export does not write. */
function stalePaths(root: string, previousIndex: string, keep: Set<string>): string[] {
  let previous: unknown;
  try {
    previous = JSON.parse(readFileSync(path.join(root, ...previousIndex.split('/')), 'utf8'));
  } catch {
    return [];
  }
  if (typeof previous !== 'object' || previous === null || (previous as { format?: unknown }).format !== LEADERBOARD_FORMAT) return [];
  const listed = (previous as { files?: unknown }).files;
  if (!Array.isArray(listed)) return [];
  const base = path.posix.dirname(previousIndex);
  const out: string[] = [];
  for (const ref of listed) {
    const p = (ref as { path?: unknown } | null)?.path;
    // Only our own layout (campaigns/x.json, imported/results.json), never anything a hand-edited index names.
    if (typeof p !== 'string' || !/^[a-z]+\/[A-Za-z0-9._-]+\.json$/.test(p)) continue;
    const rel = base === '.' ? p : `${base}/${p}`;
    if (!keep.has(rel) && isSafeRelative(rel)) out.push(rel);
  }
  return out;
}

function isSafeRelative(p: string): boolean {
  return p !== '' && !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '' || s === '.' || s === '..');
}

export function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)} kB`;
  return `${n} bytes`;
}
