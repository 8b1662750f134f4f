import type { CampaignPlanner } from './campaigns/campaignPlanner';
import type { CampaignSessions } from './campaigns/campaignSessions';
import type { SecretStore } from './push/secretStore';
import type { Db } from './store/database';

/**
 * Everything a handler may use. One per process: the desktop app's core (utility) process, `serve`, or a CLI command.
 *
 * A leaf on purpose: it imports only types, so `core/api/*` can depend on it without an import circle through
 * `startCore.ts` (which builds the context and the dispatcher from those handlers).
 */
export interface CoreContext {
  appVersion: string;
  dataDir: string;
  db: Db;
  mode: 'electron' | 'browser';
  env: NodeJS.ProcessEnv;
  startedAt: number;
  /** Campaigns this process runs for the UI. */
  sessions: CampaignSessions;
  /** Ingest tokens: Electron's safeStorage in the app, a 0600 file in the data directory otherwise. */
  secrets: SecretStore;
  /** Plans designer studies: in a worker thread under `serve` (issue #15 finding 8), in-process otherwise. */
  planner: CampaignPlanner;
}
