import { z } from 'zod';

/**
 * Pushing results to the sharing platform from the app (merged into contract/api.ts): the same code as
 * `llem-studio push` (core/push, docs/push.md). Opt in per push: push.preview says exactly what would be sent
 * and where, the user confirms, and push.submit sends that body — it is refused when the data changed since the
 * preview (the Idempotency-Key is the sha256 of the body). The platform URL and token come from Settings
 * (settings.setPlatform); the token never crosses this API, only whether one is set and where it comes from.
 */

/** sha256 hex of a submission body: its Idempotency-Key. */
export const IdempotencyKeySchema = z.string().regex(/^[0-9a-f]{64}$/, 'not an Idempotency-Key (64 lowercase hex digits)');

/** What goes into a push. Omitted campaignIds: every own result (all campaigns and the hand imports). */
export const PushSelectionSchema = z
  .object({
    /** Only these campaigns (each must have results). Given (even empty): exactly these, plus the hand imports when includeImported. */
    campaignIds: z.array(z.string().min(1).max(200)).max(1000).optional(),
    includeImported: z.boolean().optional(),
  })
  .strict();
export type PushSelection = z.input<typeof PushSelectionSchema>;

/** Where a push would go, and whether it can go there. */
export const PushTargetSchema = z.object({
  /** The platform URL stored in Settings, or null when none is set. */
  url: z.string().nullable(),
  /** The URL that is POSTed to (…/api/v1/submissions), or null when the URL is missing or refused. */
  endpoint: z.string().nullable(),
  /** host[:port] of the endpoint, for "Send … to <host>". */
  host: z.string().nullable(),
  /** Whether a token is available for the endpoint's origin (the token itself never leaves the core). */
  tokenSet: z.boolean(),
  /** env: LLEM_STUDIO_TOKEN; store: the token saved in Settings for this platform. */
  tokenSource: z.enum(['env', 'store']).nullable(),
  /** Where stored tokens are kept, in words. */
  tokenStore: z.string(),
  /** URL and token are both usable. */
  ready: z.boolean(),
  /** Why not, in plain words (what to set on the Settings page); null when ready. */
  problem: z.string().nullable(),
  problemCode: z.enum(['no_url', 'invalid_url', 'no_token', 'token_store_error']).nullable(),
});
export type PushTarget = z.infer<typeof PushTargetSchema>;

export const PushProvenanceSchema = z.object({
  generator: z.object({ name: z.string(), version: z.string() }),
  llem_versions: z.array(z.string()),
  /** Always "excluded": pushing never sends paths, host names or campaign names. */
  personal_data: z.literal('excluded'),
});

export const PushSubmissionViewSchema = z.object({
  /** The body's format fields, as sent. */
  format: z.string(),
  formatVersion: z.string(),
  leaderboardFormatVersion: z.string(),
  provenance: PushProvenanceSchema,
  /** Leaderboard entries = unique configurations, each summarised over its cycles. */
  entries: z.number().int().positive(),
  /** Results (cycles) summarised in those entries. */
  results: z.number().int().nonnegative(),
  models: z.array(z.string()),
  gpus: z.array(z.string()),
  /** The campaigns included (names stay on this machine: they are not sent). */
  campaigns: z.array(z.object({ id: z.string(), name: z.string(), results: z.number().int().nonnegative() })),
  /** Results imported outside any campaign that are included (0 when none are). */
  importedResults: z.number().int().nonnegative(),
  /** Size of the body (UTF-8 bytes) and the most one push sends. */
  bytes: z.number().int().nonnegative(),
  maxBytes: z.number().int().positive(),
  overBudget: z.boolean(),
  /** sha256 of the body: the Idempotency-Key, and what push.submit's expectKey must be. */
  idempotencyKey: IdempotencyKeySchema,
  /** The exact body, when it is small enough to show (see bodyShownUpTo); null otherwise. */
  body: z.string().nullable(),
  bodyShownUpTo: z.number().int().positive(),
});
export type PushSubmissionView = z.infer<typeof PushSubmissionViewSchema>;

export const PushPreviewSchema = z.object({
  target: PushTargetSchema,
  /** What would be sent; null when there is nothing to push (see empty). */
  submission: PushSubmissionViewSchema.nullable(),
  /** Why there is nothing to push, in plain words; null when there is something. */
  empty: z.string().nullable(),
});
export type PushPreview = z.infer<typeof PushPreviewSchema>;

export const PushSubmittedSchema = z.object({
  /** The platform's id of the submission. */
  submissionId: z.string(),
  /** created: stored as new; duplicate: the platform already had exactly this body (nothing changed). */
  status: z.enum(['created', 'duplicate']),
  entries: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  httpStatus: z.union([z.literal(200), z.literal(201)]),
  /** HTTP requests made (more than 1 when busy servers or network errors were retried). */
  attempts: z.number().int().positive(),
  endpoint: z.string(),
  host: z.string(),
  idempotencyKey: IdempotencyKeySchema,
  /** The row in the push record (push.history). */
  pushId: z.number().int().positive(),
});
export type PushSubmitted = z.infer<typeof PushSubmittedSchema>;

export const PushHistoryEntrySchema = z.object({
  pushId: z.number().int().positive(),
  endpoint: z.string(),
  host: z.string(),
  submissionId: z.string(),
  /** As first accepted. */
  status: z.enum(['created', 'duplicate']),
  entries: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  campaignIds: z.array(z.string()),
  idempotencyKey: IdempotencyKeySchema,
  firstAcceptedAt: z.string(),
  /** Later than firstAcceptedAt when the same body was pushed again (a confirmed duplicate). */
  lastAcceptedAt: z.string(),
});
export type PushHistoryEntry = z.infer<typeof PushHistoryEntrySchema>;

/** Most submissions push.history answers with (newest first). */
export const PUSH_HISTORY_LIMIT = 200;


/** One thing a connection test checked: passed, failed, or not known (an earlier step failed or the answer says nothing about it). */
export const ConnectionCheckSchema = z.object({
  /** reached: a TCP/TLS connection and an HTTP answer; api: an ingest API answers at the endpoint in the contract's error format;
   * token: the token is accepted for submitting; validates: the platform refused the deliberately invalid test body (so nothing was stored). */
  id: z.enum(['reached', 'api', 'token', 'validates']),
  label: z.string(),
  outcome: z.enum(['passed', 'failed', 'unknown']),
  detail: z.string(),
});
export type ConnectionCheck = z.infer<typeof ConnectionCheckSchema>;

/** What push.testConnection found: one POST of a body that is not a submission (docs/push.md, "Test connection"). */
export const ConnectionTestSchema = z.object({
  /** Every check passed: a real push would reach the platform with an accepted token. */
  ok: z.boolean(),
  /** The verdict in plain words (what works, or what to fix). */
  message: z.string(),
  checks: z.array(ConnectionCheckSchema),
  /** The HTTP status the platform answered, or null (no answer). */
  httpStatus: z.number().int().nullable(),
  /** The request that was made: always POST to the submissions endpoint with the fixed test body. */
  request: z.object({ method: z.literal('POST'), url: z.string(), body: z.string(), withToken: z.boolean() }),
  elapsedMs: z.number().int().nonnegative(),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;

export const pushApiMethods = {
  /** What a push would send and where: entries, results, size, provenance, endpoint, whether a token is set. Sends nothing. */
  'push.preview': { params: PushSelectionSchema, result: PushPreviewSchema },
  /** Sends the previewed submission; refused when the data changed since (expectKey) or no URL/token is set. */
  'push.submit': {
    params: PushSelectionSchema.extend({ expectKey: IdempotencyKeySchema }).strict(),
    result: PushSubmittedSchema,
  },
  /**
   * Checks the platform URL and token from Settings without submitting anything: one POST of a fixed body that is not
   * a submission, which a platform following the contract refuses (400 after accepting the token, 401/403 otherwise).
   * Nothing is recorded in the push history. Refused (not_configured) when no usable URL is set.
   */
  'push.testConnection': { params: z.object({}).strict(), result: ConnectionTestSchema },
  /** Submissions the platform confirmed (created or duplicate), newest first. */
  'push.history': {
    params: z.object({}).strict(),
    result: z.object({ submissions: z.array(PushHistoryEntrySchema), total: z.number().int().nonnegative() }),
  },
} as const;
