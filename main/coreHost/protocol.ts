import { z } from 'zod';

/*
 * The ops between the shell (main process) and the core (utility process), over one MessagePort (portPeer.ts).
 *   main → core requests: core.start, api.call, api.subscribe, api.unsubscribe, recent.*, results.import,
 *                         campaigns.stopAll, core.shutdown
 *   core → main requests: secrets.get/set/delete (safeStorage is a main-process API)
 *   core → main notes:    api.event, api.end, campaigns.event, campaigns.running
 * Arguments are checked with these schemas where they arrive.
 */

/** The first message on process.parentPort: it carries the port and nothing else. */
export const CORE_PORT_MESSAGE = 'llem-core-port';

export const CoreStartArgs = z.object({
  dataDir: z.string().min(1),
  /** The Electron build of better-sqlite3 (main/sqliteBinding.ts); null only outside Electron (tests). */
  nativeBinding: z.string().min(1).nullable(),
  secretsDescription: z.string(),
});
export type CoreStartArgs = z.infer<typeof CoreStartArgs>;

export const CoreStarted = z.object({
  pid: z.number().int(),
  sqliteVersion: z.string(),
  /** The better-sqlite3 native files this process actually loaded (from Node's module cache). */
  loadedSqliteBindings: z.array(z.string()),
});
export type CoreStarted = z.infer<typeof CoreStarted>;

export const ApiCallArgs = z.object({ method: z.string().max(100), params: z.unknown() });
export const ApiSubscribeArgs = z.object({ sub: z.number().int().nonnegative(), topic: z.string().max(100), params: z.unknown() });
export const ApiUnsubscribeArgs = z.object({ sub: z.number().int().nonnegative() });
export const ApiEventNote = z.object({ sub: z.number().int().nonnegative(), data: z.unknown() });
export const ApiEndNote = z.object({ sub: z.number().int().nonnegative(), error: z.object({ code: z.string(), message: z.string() }) });
export const RecentFileArgs = z.object({ file: z.string().min(1).max(4096) });
export const ImportArgs = z.object({ paths: z.array(z.string().min(1).max(4096)).max(10_000) });
export const SecretArgs = z.object({ key: z.string().min(1).max(1000), value: z.string().optional() });
export const RunningNote = z.object({ running: z.array(z.string()) });
export const RunEventNote = z.object({ event: z.object({ type: z.string(), campaignId: z.string() }).passthrough() });
