import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkJsonSchema } from '../unit/share/jsonSchemaChecker';
import { REPO_ROOT } from './serveProcess';

/** The published JSON Schemas of the leaderboard export (resources/schemas/), and a check of an export folder against them. */

const SCHEMAS = path.join(REPO_ROOT, 'resources', 'schemas');
const load = (name: string) => JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as Record<string, unknown>;
export const INDEX_SCHEMA = load('leaderboard-index-v1.1.schema.json');
export const ENTRIES_SCHEMA = load('leaderboard-entries-v1.1.schema.json');

export interface LeaderboardEntryLike {
  model: string;
  cycles: number;
  parameters: Record<string, unknown>;
  precision: string | null;
  metrics: Record<string, { n: number; mean: number | null }>;
}
export interface EntriesFileLike {
  group: { kind: string; campaign_id: string | null; campaign_name?: string };
  provenance: { personal_data: 'included' | 'excluded' };
  entries: LeaderboardEntryLike[];
}
export interface IndexLike {
  total_entries: number;
  models: string[];
  files: { path: string; entries: number; bytes: number }[];
}

/** Every file under `dir`, "/"-separated, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * Reads `<dir>/<dataPrefix>index.json` and every entries file it lists; throws, naming the failing fields,
 * when one of them is not valid against its schema or the index's byte counts disagree with the files.
 */
export function readValidExport(dir: string, dataPrefix = ''): { index: IndexLike; files: Record<string, EntriesFileLike> } {
  const index = JSON.parse(readFileSync(path.join(dir, `${dataPrefix}index.json`), 'utf8')) as IndexLike;
  const problems = checkJsonSchema(INDEX_SCHEMA, index).map((p) => `index.json ${p}`);
  const files: Record<string, EntriesFileLike> = {};
  for (const ref of index.files) {
    const raw = readFileSync(path.join(dir, `${dataPrefix}${ref.path}`));
    if (raw.length !== ref.bytes) problems.push(`${ref.path}: ${raw.length} bytes, the index says ${ref.bytes}`);
    const parsed = JSON.parse(raw.toString('utf8')) as EntriesFileLike;
    problems.push(...checkJsonSchema(ENTRIES_SCHEMA, parsed).map((p) => `${ref.path} ${p}`));
    files[ref.path] = parsed;
  }
  if (problems.length > 0) throw new Error(`the export in ${dir} is not schema-valid:\n${problems.join('\n')}`);
  return { index, files };
}
