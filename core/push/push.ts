import type { Result } from '../../contract/result';
import type { Db } from '../store/database';
import { sendSubmission, type PushAccepted, type PushClientOptions, type PushError } from './client';
import type { Endpoint } from './endpoint';
import { recordAccepted, recordFailure } from './pushLogStore';
import type { PreparedSubmission } from './submission';

export interface PushRequest {
  endpoint: Endpoint;
  token: string;
  /** What the user previewed and agreed to send: exactly these bytes go out. */
  submission: PreparedSubmission;
  client?: PushClientOptions;
}

export interface PushReport extends PushAccepted {
  pushId: number;
  endpoint: string;
}

/**
 * Sends one previewed submission and records the outcome: accepted → push_submissions (the only way
 * something becomes "pushed"); anything else → a failed row in push_attempts.
 * The UI flow is prepareSubmission → show `body` → the user confirms → pushSubmission.
 */
export async function pushSubmission(db: Db, request: PushRequest): Promise<Result<PushReport, PushError>> {
  const outcome = await sendSubmission(request.endpoint.url, request.token, request.submission, request.client);
  if (!outcome.ok) {
    recordFailure(db, request.endpoint.url, request.submission, outcome.error);
    return outcome;
  }
  const recorded = recordAccepted(db, request.endpoint.url, request.submission, outcome.value);
  if (!recorded.ok) {
    return { ok: false, error: { ...recorded.error, httpStatus: outcome.value.httpStatus, attempts: outcome.value.attempts } };
  }
  return { ok: true, value: { ...outcome.value, pushId: recorded.value.pushId, endpoint: request.endpoint.url } };
}
