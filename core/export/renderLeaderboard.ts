import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import type { EntriesFileDraft } from './buildLeaderboard';
import { sortedKeysJson, compareCodeUnits } from './sortedKeysJson';
import {
  LEADERBOARD_FORMAT,
  LEADERBOARD_FORMAT_VERSION,
  LeaderboardEntriesFileSchema,
  LeaderboardIndexSchema,
  type LeaderboardEntriesFile,
  type LeaderboardIndex,
} from './format';

/** One file of an export: its path relative to the export folder ("/"-separated) and its exact text. */
export interface ExportFile {
  path: string;
  text: string;
}

export interface RenderedLeaderboard {
  index: LeaderboardIndex;
  entriesFiles: { path: string; content: LeaderboardEntriesFile }[];
  /** index.json last: it is written after the files it lists. */
  files: ExportFile[];
}

export const INDEX_FILE = 'index.json';

/**
 * Serialises the drafts and the index. Each file is validated against the schema as it will be
 * written: the text is parsed back and checked, so what passes is exactly what lands on disk.
 */
export function renderLeaderboard(drafts: readonly EntriesFileDraft[], generatorVersion: string): Result<RenderedLeaderboard> {
  const files: ExportFile[] = [];
  const refs: LeaderboardIndex['files'] = [];
  for (const draft of drafts) {
    const text = serialise(draft.content, draft.path);
    if (!text.ok) return text;
    const checked = validateText(LeaderboardEntriesFileSchema, text.value, draft.path);
    if (!checked.ok) return checked;
    files.push({ path: draft.path, text: text.value });
    const bytes = Buffer.byteLength(text.value, 'utf8');
    refs.push({
      path: draft.path,
      kind: draft.content.group.kind,
      campaign_id: draft.content.group.campaign_id,
      study_design_hash: draft.content.group.study_design_hash,
      entries: draft.content.entries.length,
      models: distinctSorted(draft.content.entries.map((e) => e.model)),
      bytes,
      sha256: createHash('sha256').update(text.value, 'utf8').digest('hex'),
    });
  }
  const allEntries = drafts.flatMap((d) => d.content.entries);
  const lastDates = allEntries.map((e) => e.measured.last).filter((d): d is string => d !== null).sort();
  const index: LeaderboardIndex = {
    format: LEADERBOARD_FORMAT,
    format_version: LEADERBOARD_FORMAT_VERSION,
    kind: 'index',
    generator: { name: 'llem Studio', version: generatorVersion },
    last_updated: lastDates[lastDates.length - 1] ?? null,
    total_entries: allEntries.length,
    models: distinctSorted(allEntries.map((e) => e.model)),
    gpus: distinctSorted(allEntries.map((e) => e.gpu.name)),
    files: refs,
  };
  const indexText = serialise(index, INDEX_FILE);
  if (!indexText.ok) return indexText;
  const checked = validateText(LeaderboardIndexSchema, indexText.value, INDEX_FILE);
  if (!checked.ok) return checked;
  files.push({ path: INDEX_FILE, text: indexText.value });
  return ok({ index, entriesFiles: drafts.map((d) => ({ path: d.path, content: d.content })), files });
}

function serialise(value: unknown, file: string): Result<string> {
  try {
    return ok(sortedKeysJson(value));
  } catch (e) {
    return err('schema_violation', `${file}: ${(e as Error).message}`, { path: file });
  }
}

/** Parses `text` and checks it against `schema`; the error names the file and each failing field. */
export function validateText(schema: z.ZodType, text: string, file: string): Result<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return err('schema_violation', `${file}: not valid JSON (${(e as Error).message})`, { path: file });
  }
  const result = schema.safeParse(parsed);
  if (result.success) return ok(undefined);
  const issues = result.error.issues.slice(0, 20).map((i) => ({ path: `${file}#/${i.path.map(String).join('/')}`, message: i.message }));
  return err(
    'schema_violation',
    `${file} does not match the leaderboard schema (not written): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { path: file, issues },
  );
}

function distinctSorted(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort(compareCodeUnits);
}
