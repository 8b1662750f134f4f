import { PUSH_HISTORY_LIMIT, type PushSubmissionView, type PushTarget, type pushApiMethods } from '../../contract/apiPush';
import { err, ok, type AppError, type Result } from '../../contract/result';
import { countImportedResults, listCampaignsWithResults } from '../campaigns/campaignStore';
import type { CoreContext } from '../coreContext';
import {
  DEFAULT_MAX_BODY_BYTES,
  listPushedSubmissions,
  prepareSubmission,
  pushSubmission,
  resolveEndpoint,
  resolveToken,
  type Endpoint,
  type PreparedSubmission,
  type PushClientOptions,
  type Submission,
} from '../push/index';
import { testIngestConnection, type ConnectionTestOptions } from '../push/connectionTest';
import type { MethodHandlers } from './dispatcher';
import { readPlatformUrl } from './settingsHandlers';

/** Largest body push.preview returns for display; larger ones are described, and `llem-studio push --dry-run` prints them. */
export const PREVIEW_BODY_LIMIT = 512 * 1024;

const SETTINGS_HINT = 'on the Settings page (Sharing platform)';

type Selection = { campaignIds?: string[]; includeImported?: boolean };

interface ResolvedTarget {
  view: PushTarget;
  endpoint: Endpoint | null;
  token: string | null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The platform URL from Settings, its endpoint, and the token for its origin (LLEM_STUDIO_TOKEN first, as in the CLI). */
async function resolveTarget(ctx: CoreContext): Promise<ResolvedTarget> {
  const url = readPlatformUrl(ctx);
  const base = { url, endpoint: null, host: null, tokenSet: false, tokenSource: null, tokenStore: ctx.secrets.description, ready: false } as const;
  if (!url) {
    return {
      view: { ...base, problemCode: 'no_url', problem: `No platform is set up. Add the platform's URL and your token ${SETTINGS_HINT}.` },
      endpoint: null,
      token: null,
    };
  }
  const endpoint = resolveEndpoint(url);
  if (!endpoint.ok) {
    return {
      view: { ...base, problemCode: 'invalid_url', problem: `The platform URL set in Settings cannot be used: ${endpoint.error.message}. Correct it ${SETTINGS_HINT}.` },
      endpoint: null,
      token: null,
    };
  }
  const where = { endpoint: endpoint.value.url, host: hostOf(endpoint.value.url) };
  const token = await resolveToken(endpoint.value.origin, ctx.secrets, ctx.env);
  if (!token.ok) {
    const noToken = token.error.code === 'no_token';
    return {
      view: {
        ...base,
        ...where,
        problemCode: noToken ? 'no_token' : 'token_store_error',
        problem: noToken
          ? `No token is stored for ${endpoint.value.origin}. Add the token the platform gave you ${SETTINGS_HINT}.`
          : `The stored token could not be read: ${token.error.message}`,
      },
      endpoint: endpoint.value,
      token: null,
    };
  }
  return {
    view: { ...base, ...where, tokenSet: true, tokenSource: token.value.source, ready: true, problem: null, problemCode: null },
    endpoint: endpoint.value,
    token: token.value.token,
  };
}

function prepare(ctx: CoreContext, s: Selection): Result<PreparedSubmission> {
  return prepareSubmission(ctx.db, {
    ...(s.campaignIds !== undefined ? { campaignIds: s.campaignIds } : {}),
    ...(s.campaignIds !== undefined && s.includeImported !== undefined ? { includeImported: s.includeImported } : {}),
    generatorVersion: ctx.appVersion,
  });
}

const distinctSorted = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))].sort();

/** The preview is read from the prepared body itself, so it describes exactly the bytes that would go out. */
function describe(ctx: CoreContext, s: Selection, prepared: PreparedSubmission): PushSubmissionView {
  const body = JSON.parse(prepared.body) as Submission;
  const byId = new Map(listCampaignsWithResults(ctx.db).map((c) => [c.id, c]));
  const importedIncluded = s.campaignIds === undefined || s.includeImported === true;
  const imported = importedIncluded
    ? countImportedResults(ctx.db)
    : 0;
  return {
    format: body.format,
    formatVersion: body.format_version,
    leaderboardFormatVersion: body.leaderboard_format_version,
    provenance: {
      generator: { name: body.provenance.generator.name, version: body.provenance.generator.version },
      llem_versions: body.provenance.llem_versions,
      personal_data: body.provenance.personal_data,
    },
    entries: prepared.entries,
    results: body.entries.reduce((n, e) => n + e.cycles, 0),
    models: distinctSorted(body.entries.map((e) => e.model)),
    gpus: distinctSorted(body.entries.map((e) => e.gpu.name)),
    campaigns: prepared.campaignIds.map((id) => ({ id, name: byId.get(id)?.name ?? id, results: byId.get(id)?.results ?? 0 })),
    importedResults: imported,
    bytes: prepared.bytes,
    maxBytes: DEFAULT_MAX_BODY_BYTES,
    overBudget: prepared.bytes > DEFAULT_MAX_BODY_BYTES,
    idempotencyKey: prepared.idempotencyKey,
    body: prepared.bytes <= PREVIEW_BODY_LIMIT ? prepared.body : null,
    bodyShownUpTo: PREVIEW_BODY_LIMIT,
  };
}

/** An error for the UI: code, plain message and field issues (the HTTP status is in the message). */
function plain(error: AppError, host: string): Result<never> {
  const message = error.code === 'network_error' ? `Could not reach ${host}. ${error.message}` : error.message;
  return { ok: false, error: { code: error.code, message, ...(error.issues ? { issues: error.issues } : {}) } };
}

export interface PushHandlerOptions {
  /** Timeouts, retries and backoff of the ingest client (tests shorten them). */
  client?: PushClientOptions;
  /** Timeout and fetch of the connection test (tests shorten it). */
  connectionTest?: ConnectionTestOptions;
}

/** Handlers of contract/apiPush.ts. */
export function createPushHandlers(ctx: CoreContext, options: PushHandlerOptions = {}): Pick<MethodHandlers, keyof typeof pushApiMethods> {
  let sending = false;
  return {
    'push.preview': async (selection) => {
      const target = await resolveTarget(ctx);
      const prepared = prepare(ctx, selection);
      if (!prepared.ok) {
        if (prepared.error.code === 'nothing_to_push') return ok({ target: target.view, submission: null, empty: prepared.error.message });
        return prepared;
      }
      return ok({ target: target.view, submission: describe(ctx, selection, prepared.value), empty: null });
    },

    'push.submit': async ({ expectKey, ...selection }) => {
      if (sending) return err('push_in_progress', 'A push is already being sent; wait for its answer before sending again.');
      const target = await resolveTarget(ctx);
      if (!target.view.ready || !target.endpoint || target.token === null) {
        return err(target.view.problemCode ?? 'not_configured', target.view.problem ?? `Set up the platform ${SETTINGS_HINT}.`);
      }
      const prepared = prepare(ctx, selection);
      if (!prepared.ok) return prepared;
      const s = prepared.value;
      if (s.idempotencyKey !== expectKey) {
        return err('changed', 'The results changed since the preview, so nothing was sent. Check the new preview and confirm again.');
      }
      const host = target.view.host ?? hostOf(target.endpoint.url);
      sending = true;
      try {
        const pushed = await pushSubmission(ctx.db, { endpoint: target.endpoint, token: target.token, submission: s, ...(options.client ? { client: options.client } : {}) });
        if (!pushed.ok) return plain(pushed.error, host);
        const r = pushed.value;
        return ok({
          submissionId: r.submission_id,
          status: r.status,
          entries: s.entries,
          bytes: s.bytes,
          httpStatus: r.httpStatus,
          attempts: r.attempts,
          endpoint: r.endpoint,
          host,
          idempotencyKey: s.idempotencyKey,
          pushId: r.pushId,
        });
      } finally {
        sending = false;
      }
    },

    'push.testConnection': async () => {
      const target = await resolveTarget(ctx);
      // A missing token is still worth testing (is the URL right?); a missing or refused URL is not.
      if (!target.endpoint) return err(target.view.problemCode ?? 'not_configured', target.view.problem ?? `Set up the platform ${SETTINGS_HINT}.`);
      if (target.view.problemCode === 'token_store_error') return err('token_store_error', target.view.problem ?? 'The stored token could not be read.');
      return ok(await testIngestConnection(target.endpoint.url, target.token, options.connectionTest));
    },

    'push.history': async () => {
      const listed = listPushedSubmissions(ctx.db);
      if (!listed.ok) return listed;
      const newestFirst = [...listed.value].sort((a, b) => b.lastAcceptedAt.localeCompare(a.lastAcceptedAt) || b.id - a.id);
      return ok({
        total: newestFirst.length,
        submissions: newestFirst.slice(0, PUSH_HISTORY_LIMIT).map((p) => ({
          pushId: p.id,
          endpoint: p.endpoint,
          host: hostOf(p.endpoint),
          submissionId: p.submissionId,
          status: p.status,
          entries: p.entries,
          bytes: p.bodyBytes,
          campaignIds: p.campaignIds,
          idempotencyKey: p.idempotencyKey,
          firstAcceptedAt: p.firstAcceptedAt,
          lastAcceptedAt: p.lastAcceptedAt,
        })),
      });
    },
  };
}
