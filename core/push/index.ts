/** Public API of pushing to an ingest platform (docs/push.md, resources/openapi/ingest-v1.yaml). */
export {
  prepareSubmission,
  SubmissionSchema,
  SubmissionAcceptedSchema,
  IngestErrorSchema,
  SUBMISSION_FORMAT,
  SUBMISSION_FORMAT_VERSION,
  SUBMISSION_SCHEMA_ID,
  type PreparedSubmission,
  type Submission,
  type SubmissionAccepted,
} from './submission';
export { resolveEndpoint, isLoopbackHost, SUBMISSIONS_PATH, type Endpoint } from './endpoint';
export { sendSubmission, parseRetryAfter, DEFAULT_MAX_BODY_BYTES, type PushClientOptions, type PushOutcome, type PushAccepted, type PushError, type AttemptEvent } from './client';
export { recordAccepted, recordFailure, listPushedSubmissions, pushedConfigHashes, type PushedSubmission } from './pushLogStore';
export {
  FileSecretStore,
  MemorySecretStore,
  resolveToken,
  ingestTokenKey,
  TOKEN_ENV,
  SECRETS_FILE_NAME,
  type SecretStore,
  type TokenSource,
} from './secretStore';
export { pushSubmission, type PushRequest, type PushReport } from './push';
