import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import type { PushAccepted, PushError } from './client';
import type { PreparedSubmission } from './submission';

/**
 * The push record (migration 005). `recordAccepted` is the only way a submission becomes "pushed",
 * and callers invoke it only with a verified acceptance from the client.
 */

export function recordAccepted(db: Db, endpoint: string, submission: PreparedSubmission, accepted: PushAccepted, at = new Date()): Result<{ pushId: number }> {
  try {
    const when = at.toISOString();
    const pushId = db.transaction(() => {
      const existing = db
        .prepare('SELECT id FROM push_submissions WHERE endpoint = ? AND idempotency_key = ?')
        .get(endpoint, submission.idempotencyKey) as { id: number } | undefined;
      let id: number;
      if (existing) {
        // The same bytes accepted again (a duplicate): the first record stands, only the time moves.
        db.prepare('UPDATE push_submissions SET last_accepted_at = ? WHERE id = ?').run(when, existing.id);
        id = existing.id;
      } else {
        id = Number(
          db
            .prepare(
              `INSERT INTO push_submissions (endpoint, idempotency_key, submission_id, status, entries, body_bytes, campaign_ids_json, first_accepted_at, last_accepted_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(endpoint, submission.idempotencyKey, accepted.submission_id, accepted.status, submission.entries, submission.bytes,
              JSON.stringify(submission.campaignIds), when, when).lastInsertRowid,
        );
        const insert = db.prepare(
          'INSERT INTO push_submission_entries (push_id, ordinal, measurement_config_hash, study_design_hash, cycles) VALUES (?, ?, ?, ?, ?)',
        );
        submission.entryKeys.forEach((e, i) => insert.run(id, i, e.measurementConfigHash, e.studyDesignHash, e.cycles));
      }
      logAttempt(db, { at: when, endpoint, key: submission.idempotencyKey, outcome: 'accepted', httpStatus: accepted.httpStatus, attempts: accepted.attempts });
      return id;
    })();
    return ok({ pushId });
  } catch (e) {
    return err('db_error', `The platform accepted the submission (id ${accepted.submission_id}) but recording it failed: ${(e as Error).message}`);
  }
}

export function recordFailure(db: Db, endpoint: string, submission: PreparedSubmission, error: PushError, at = new Date()): Result<void> {
  try {
    logAttempt(db, {
      at: at.toISOString(),
      endpoint,
      key: submission.idempotencyKey,
      outcome: 'failed',
      httpStatus: error.httpStatus,
      attempts: error.attempts,
      code: error.code,
      message: error.message,
    });
    return ok(undefined);
  } catch (e) {
    return err('db_error', `Could not record the failed push: ${(e as Error).message}`);
  }
}

function logAttempt(
  db: Db,
  a: { at: string; endpoint: string; key: string; outcome: 'accepted' | 'failed'; httpStatus: number | null; attempts: number; code?: string; message?: string },
): void {
  db.prepare(
    'INSERT INTO push_attempts (at, endpoint, idempotency_key, outcome, http_status, attempts, error_code, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(a.at, a.endpoint, a.key, a.outcome, a.httpStatus, a.attempts, a.code ?? null, a.message ?? null);
}

export interface PushedSubmission {
  id: number;
  endpoint: string;
  idempotencyKey: string;
  submissionId: string;
  status: 'created' | 'duplicate';
  entries: number;
  bodyBytes: number;
  campaignIds: string[];
  firstAcceptedAt: string;
  lastAcceptedAt: string;
}

export function listPushedSubmissions(db: Db): Result<PushedSubmission[]> {
  try {
    const rows = db
      .prepare(
        `SELECT id, endpoint, idempotency_key AS idempotencyKey, submission_id AS submissionId, status, entries, body_bytes AS bodyBytes,
                campaign_ids_json, first_accepted_at AS firstAcceptedAt, last_accepted_at AS lastAcceptedAt
         FROM push_submissions ORDER BY id`,
      )
      .all() as (Omit<PushedSubmission, 'campaignIds'> & { campaign_ids_json: string })[];
    return ok(rows.map(({ campaign_ids_json, ...r }) => ({ ...r, campaignIds: JSON.parse(campaign_ids_json) as string[] })));
  } catch (e) {
    return err('db_error', `Could not read the push record: ${(e as Error).message}`);
  }
}

/** Config identity hashes accepted by `endpoint` (all endpoints when omitted): the UI's "pushed" mark. */
export function pushedConfigHashes(db: Db, endpoint?: string): Result<Set<string>> {
  try {
    const rows = db
      .prepare(
        `SELECT DISTINCT e.measurement_config_hash FROM push_submission_entries e JOIN push_submissions s ON s.id = e.push_id
         ${endpoint === undefined ? '' : 'WHERE s.endpoint = ?'}`,
      )
      .pluck()
      .all(...(endpoint === undefined ? [] : [endpoint])) as string[];
    return ok(new Set(rows));
  } catch (e) {
    return err('db_error', `Could not read the push record: ${(e as Error).message}`);
  }
}
