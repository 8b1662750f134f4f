import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';
import { err, ok, type Result } from '../../contract/result';
import { DEFAULT_MAX_BYTES } from './writeExport';

/**
 * A written export folder (`<dataDir>/exports/<id>/`) as one .zip, streamed: files are read from disk as the archive
 * is sent (yazl), so memory stays flat whatever the size. Bounded before a byte is sent: regular files only (a link
 * or device in the folder refuses the whole zip), at most MAX_ZIP_FILES files, at most `maxBytes` of content in all
 * (the export's own size budget), and at most MAX_DEPTH folders deep.
 */

export const MAX_ZIP_FILES = 10_000;
const MAX_DEPTH = 16;

export interface ZipEntry {
  /** Absolute path on disk. */
  abs: string;
  /** "/"-separated path inside the zip (the same as inside the export folder). */
  rel: string;
  bytes: number;
}

export interface ZipPlan {
  folder: string;
  files: ZipEntry[];
  /** Content bytes (before compression). */
  totalBytes: number;
}

/** Lists what the zip of `folder` will hold, refusing anything that is not a plain file or that is over the bounds. */
export function planFolderZip(folder: string, maxBytes: number = DEFAULT_MAX_BYTES): Result<ZipPlan> {
  const files: ZipEntry[] = [];
  let totalBytes = 0;
  const walk = (dir: string, rel: string, depth: number): Result<void> => {
    if (depth > MAX_DEPTH) return err('too_deep', `${dir} is more than ${MAX_DEPTH} folders deep; not zipped.`, { path: dir });
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      return err('io_error', `Could not read ${dir}: ${(e as Error).message}`, { path: dir });
    }
    for (const name of names) {
      const abs = path.join(dir, name);
      const inner = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (!st) continue; // removed meanwhile
      if (st.isDirectory()) {
        const r = walk(abs, inner, depth + 1);
        if (!r.ok) return r;
      } else if (st.isFile()) {
        totalBytes += st.size;
        files.push({ abs, rel: inner, bytes: st.size });
        if (files.length > MAX_ZIP_FILES) return err('too_many_files', `${folder} holds more than ${MAX_ZIP_FILES} files; not zipped.`, { path: folder });
        if (totalBytes > maxBytes) return err('too_large', `${folder} holds more than ${maxBytes} bytes; not zipped. Open the folder instead.`, { path: folder });
      } else {
        return err('not_a_file', `${abs} is not a regular file (a link or a device); the export folder was changed, so it is not zipped.`, { path: abs });
      }
    }
    return ok(undefined);
  };
  try {
    const st = lstatSync(folder, { throwIfNoEntry: false });
    if (!st || !st.isDirectory()) return err('not_found', `${folder} is not an export folder.`, { path: folder });
    const walked = walk(folder, '', 0);
    if (!walked.ok) return walked;
  } catch (e) {
    return err('io_error', `Could not read ${folder}: ${(e as Error).message}`, { path: folder });
  }
  if (files.length === 0) return err('empty', `${folder} is empty; nothing to zip.`, { path: folder });
  return ok({ folder, files, totalBytes });
}

/**
 * The zip of a plan, as a stream. Its errors (a file removed between planning and reading) arrive as 'error' on the
 * returned stream; the caller must listen for them.
 */
export function streamZip(plan: ZipPlan, mtime: Date = new Date()): NodeJS.ReadableStream {
  const zip = new ZipFile();
  const out = zip.outputStream as NodeJS.ReadableStream & { destroy(error?: Error): void };
  // yazl reports a failed read on the ZipFile, not on its output: move it to the stream the caller holds.
  zip.on('error', (e: Error) => out.destroy(e));
  for (const f of plan.files) zip.addFile(f.abs, f.rel, { mtime, compress: true });
  zip.end();
  return out;
}
