import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';

/**
 * Reads a file named by imported data, or met while importing, safely (issue #15, finding 5: `ts.parquet ->
 * /dev/zero` grew the process to 24 GB). Symlinks are resolved, and with `within` the real path must lie inside
 * that folder's real path (a textual check is fooled by links); the file is opened once — without blocking on a
 * FIFO — and that open file must be a regular file no bigger than `maxBytes`; at most its stated size is read.
 */
export interface RegularFileOptions {
  maxBytes: number;
  /** The folder the file must really be in (after resolving symlinks), e.g. the result's own folder. */
  within?: string;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Where `file` really is, if that is allowed: resolved, and inside `within` (resolved) when given. */
function containedRealPath(file: string, real: string, within: string | undefined, realRoot: string | undefined): Result<string> {
  if (within === undefined || realRoot === undefined) return ok(real);
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return err('outside_folder', `${file}: resolves to ${real}, outside ${realRoot}; not read`, { path: file });
  }
  return ok(real);
}

function checkOpened(file: string, info: Stats, maxBytes: number): Result<number> {
  if (!info.isFile()) return err('not_regular_file', `${file}: not a regular file (${kindOf(info)}); not read`, { path: file });
  if (info.size > maxBytes) return err('too_large', `${file}: ${info.size} bytes, more than the ${maxBytes} accepted`, { path: file });
  return ok(info.size);
}

export function readRegularFileSync(file: string, options: RegularFileOptions): Result<Buffer> {
  let real: string;
  let realRoot: string | undefined;
  try {
    real = realpathSync(file);
    realRoot = options.within === undefined ? undefined : realpathSync(options.within);
  } catch (e) {
    return fsError(file, e);
  }
  const target = containedRealPath(file, real, options.within, realRoot);
  if (!target.ok) return target;
  let fd: number;
  try {
    fd = openSync(target.value, OPEN_FLAGS);
  } catch (e) {
    return fsError(file, e);
  }
  try {
    const size = checkOpened(file, fstatSync(fd), options.maxBytes);
    if (!size.ok) return size;
    const buffer = Buffer.alloc(size.value);
    let at = 0;
    while (at < buffer.length) {
      const n = readSync(fd, buffer, at, buffer.length - at, at);
      if (n === 0) break; // shrank while we read: keep what is there
      at += n;
    }
    return ok(buffer.subarray(0, at));
  } catch (e) {
    return fsError(file, e);
  } finally {
    closeSync(fd);
  }
}

/** The same, without blocking the event loop on the read. */
export async function readRegularFile(file: string, options: RegularFileOptions): Promise<Result<Buffer>> {
  let real: string;
  let realRoot: string | undefined;
  try {
    real = await realpath(file);
    realRoot = options.within === undefined ? undefined : await realpath(options.within);
  } catch (e) {
    return fsError(file, e);
  }
  const target = containedRealPath(file, real, options.within, realRoot);
  if (!target.ok) return target;
  let handle: FileHandle;
  try {
    handle = await open(target.value, OPEN_FLAGS);
  } catch (e) {
    return fsError(file, e);
  }
  try {
    const size = checkOpened(file, await handle.stat(), options.maxBytes);
    if (!size.ok) return size;
    const buffer = Buffer.alloc(size.value);
    let at = 0;
    while (at < buffer.length) {
      const { bytesRead } = await handle.read(buffer, at, buffer.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return ok(buffer.subarray(0, at));
  } catch (e) {
    return fsError(file, e);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isFIFO()) return 'a pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

function fsError(file: string, e: unknown): Result<never> {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'a symlink loop' : (e as Error).message;
  return err(code === 'ENOENT' ? 'not_found' : 'unreadable', `${file}: ${why}`, { path: file });
}
