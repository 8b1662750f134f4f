import { createHash } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import { buildLeaderboard } from '../export/buildLeaderboard';
import { sortedKeysJson, compareCodeUnits } from '../export/sortedKeysJson';
import { LEADERBOARD_FORMAT_VERSION, LeaderboardEntrySchema, ProvenanceSchema } from '../export/format';
import { validateText } from '../export/renderLeaderboard';
import type { Db } from '../store/database';

/**
 * The body of `POST /api/v1/submissions` (resources/openapi/ingest-v1.yaml): leaderboard entries plus
 * provenance, never personal data (there is no opt-in for pushing). Its text is canonical JSON, so the
 * same data always gives the same bytes and the same Idempotency-Key (sha256 of the bytes).
 */

export const SUBMISSION_FORMAT = 'llem-studio-submission';
export const SUBMISSION_FORMAT_VERSION = '1.1';
export const SUBMISSION_SCHEMA_ID = 'https://llem-studio.github.io/schemas/ingest-submission-v1.1.schema.json';

export const SubmissionSchema = z
  .object({
    format: z.literal(SUBMISSION_FORMAT),
    format_version: z.literal(SUBMISSION_FORMAT_VERSION),
    leaderboard_format_version: z.literal(LEADERBOARD_FORMAT_VERSION),
    provenance: ProvenanceSchema.extend({ personal_data: z.literal('excluded') }).strict(),
    entries: z.array(LeaderboardEntrySchema.omit({ private_provenance: true }).strict()).min(1),
  })
  .strict()
  .meta({ title: 'llem Studio ingest submission', description: 'Body of POST /api/v1/submissions.' });
export type Submission = z.infer<typeof SubmissionSchema>;

/** What the platform answers with 201 (created) or 200 (duplicate of an earlier submission). */
export const SubmissionAcceptedSchema = z
  .object({
    submission_id: z.string().min(1).max(200),
    status: z.enum(['created', 'duplicate']),
    entries: z.int().min(0),
  })
  .meta({ id: 'SubmissionAccepted' });
export type SubmissionAccepted = z.infer<typeof SubmissionAcceptedSchema>;

/** Every error response: 400 adds `fields`, one per invalid field. */
export const IngestErrorSchema = z
  .object({
    error: z.object({
      code: z.string().max(200),
      message: z.string().max(10_000),
      fields: z.array(z.object({ path: z.string().max(1000), message: z.string().max(10_000) })).max(1000).optional(),
    }),
  })
  .meta({ id: 'IngestError' });

export interface PreparedSubmission {
  /** Exactly the bytes that are sent (UTF-8). */
  body: string;
  bytes: number;
  /** sha256 hex of `body`: the Idempotency-Key. */
  idempotencyKey: string;
  entries: number;
  /** Per entry, in body order: what gets recorded once the platform accepts. */
  entryKeys: { measurementConfigHash: string; studyDesignHash: string | null; cycles: number }[];
  campaignIds: string[];
}

/**
 * `campaignIds` omitted: every own result. Given: those campaigns, plus the results imported outside a campaign
 * when `includeImported` (the app's "chosen campaigns" selection; the CLI never sets it).
 */
export function prepareSubmission(
  db: Db,
  options: { campaignIds?: readonly string[]; includeImported?: boolean; generatorVersion: string },
): Result<PreparedSubmission> {
  const drafts = buildLeaderboard(db, {
    ...(options.campaignIds ? { campaignIds: options.campaignIds } : {}),
    ...(options.campaignIds && options.includeImported !== undefined ? { includeImported: options.includeImported } : {}),
    includePersonalData: false,
    generatorVersion: options.generatorVersion,
  });
  if (!drafts.ok) return drafts;
  const entries = drafts.value.flatMap((d) => d.content.entries);
  if (entries.length === 0) return err('nothing_to_push', 'There are no results to push yet.');
  const submission: Submission = {
    format: SUBMISSION_FORMAT,
    format_version: SUBMISSION_FORMAT_VERSION,
    leaderboard_format_version: LEADERBOARD_FORMAT_VERSION,
    provenance: {
      generator: { name: 'llem Studio', version: options.generatorVersion },
      llem_versions: [...new Set(entries.flatMap((e) => e.llem_versions))].sort(compareCodeUnits),
      personal_data: 'excluded',
    },
    entries,
  };
  let body: string;
  try {
    body = sortedKeysJson(submission);
  } catch (e) {
    return err('schema_violation', `submission: ${(e as Error).message}`);
  }
  const valid = validateText(SubmissionSchema, body, 'submission');
  if (!valid.ok) return valid;
  return ok({
    body,
    bytes: Buffer.byteLength(body, 'utf8'),
    idempotencyKey: createHash('sha256').update(body, 'utf8').digest('hex'),
    entries: entries.length,
    entryKeys: entries.map((e) => ({ measurementConfigHash: e.measurement_config_hash, studyDesignHash: e.study_design_hash, cycles: e.cycles })),
    campaignIds: drafts.value.map((d) => d.content.group.campaign_id).filter((c): c is string => c !== null),
  });
}
