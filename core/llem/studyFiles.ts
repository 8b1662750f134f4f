import { readRegularFileSync } from '../files/regularFile';

/** A study YAML (and a `base:` file it names) larger than this is not a study. */
export const MAX_STUDY_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a study file or a file a study names (`base:`): a regular file of a sane size only, so a study that
 * names /dev/zero or a pipe fails with a clear error instead of hanging or exhausting memory (issue #15).
 * Throws an Error whose `code` is 'not_found', 'not_regular_file', 'too_large' or 'unreadable'.
 */
export function readStudyFile(file: string): Buffer {
  const read = readRegularFileSync(file, { maxBytes: MAX_STUDY_FILE_BYTES });
  if (!read.ok) throw Object.assign(new Error(read.error.message), { code: read.error.code });
  return read.value;
}
