import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { OpenedCampaign } from '../contract/desktop';
import { err, ok, type Result } from '../contract/result';
import { parseLlemFile } from '../core/llem/studyPlanner';
import { decodeUtf8Strict, YamlLoadError } from '../core/llem/yaml11';

/** What llem accepts as a study/experiment file (contract §1.1): YAML, or JSON. */
export const CAMPAIGN_FILE_EXTENSIONS = ['yaml', 'yml', 'json'] as const;
/** The core's YAML loader refuses more than this anyway; checking first avoids reading a huge file. */
export const MAX_CAMPAIGN_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a campaign file for the UI and checks that llem could load it (YAML 1.1 / JSON, UTF-8, size). Whether
 * it is a *valid study* is the core's planner's business once the UI hands it the text.
 */
export async function readCampaignFile(file: string): Promise<Result<OpenedCampaign>> {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (!(CAMPAIGN_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    return err('unsupported_file', `${file}: not a campaign file (expected .yaml, .yml or .json).`, { path: file });
  }
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) return err('not_a_file', `${file}: not a file.`, { path: file });
    if (info.size > MAX_CAMPAIGN_FILE_BYTES) {
      return err('file_too_large', `${file}: ${info.size} bytes; campaign files are at most ${MAX_CAMPAIGN_FILE_BYTES} bytes.`, { path: file });
    }
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'not_found' : 'unreadable', `${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, { path: file });
  }
  try {
    const text = decodeUtf8Strict(bytes, file);
    parseLlemFile(text, file);
    return ok({ path: file, name: path.basename(file), text });
  } catch (e) {
    if (e instanceof YamlLoadError) {
      const where = e.line !== undefined ? ` (line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''})` : '';
      return err('invalid_campaign_file', `${file}${where}: ${e.message}`, { path: file });
    }
    throw e;
  }
}

/**
 * Writes `text` to `file` through a temporary file in the same folder and a rename, so a crash or a full disk
 * never leaves a half-written campaign where the old one was.
 */
export async function writeTextFileAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
