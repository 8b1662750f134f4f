import { z } from 'zod';
import { sortedKeysJson } from './sortedKeysJson';
import { SUBMISSION_SCHEMA_ID, SubmissionSchema } from '../push/submission';
import { LEADERBOARD_SCHEMA_IDS, LeaderboardEntriesFileSchema, LeaderboardIndexSchema } from './format';

/**
 * The JSON Schemas (draft 2020-12) published for consumers in resources/schemas/, generated from the
 * zod schemas the exporter validates with, so the two cannot drift apart
 * (tests/unit/share/jsonSchema.test.ts compares the committed files with this output).
 */
export const SCHEMA_FILES = {
  'leaderboard-index-v1.1.schema.json': { id: LEADERBOARD_SCHEMA_IDS.index, schema: LeaderboardIndexSchema },
  'leaderboard-entries-v1.1.schema.json': { id: LEADERBOARD_SCHEMA_IDS.entries, schema: LeaderboardEntriesFileSchema },
  'ingest-submission-v1.1.schema.json': { id: SUBMISSION_SCHEMA_ID, schema: SubmissionSchema },
} as const;

export function generateJsonSchema(schema: z.ZodType, id: string): Record<string, unknown> {
  // io 'input': what the validator accepts (every object here is strict, so output would read the same).
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>;
  return { $id: id, ...generated };
}

/** File name → exact text of each schema file. */
export function renderJsonSchemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { id, schema }] of Object.entries(SCHEMA_FILES)) out[name] = sortedKeysJson(generateJsonSchema(schema, id));
  return out;
}
