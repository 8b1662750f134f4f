import { z } from 'zod';
import { LlemProfileSchema } from './doctor';
import { adaptiveApiMethods } from './apiAdaptive';
import { campaignApiMethods } from './apiCampaign';
import { exportApiMethods } from './apiExport';
import { explainApiMethods } from './apiExplain';
import { pushApiMethods } from './apiPush';
import { resultsApiMethods, resultsApiSubscriptions } from './apiResults';
import { resultScopeApiMethods } from './apiResultScope';
import { runsApiMethods, runsApiSubscriptions } from './apiRuns';
import { settingsApiMethods } from './apiSettings';
import { slurmApiMethods } from './apiSlurm';
import { queueApiMethods } from './apiQueue';
import { gridApiMethods } from './apiGrid';

/**
 * The one list of what the UI may ask the core. Both transports (Electron IPC through preload, and the
 * WebSocket of browser mode) carry exactly these methods and subscriptions, and both sides validate every
 * message against these schemas. Adding a capability = adding an entry here plus a handler in core/api.
 */

/** llem version profiles (which llem the YAML is for); declared once in contract/llem/profiles.ts. */
export const ProfileIdSchema = LlemProfileSchema;
export type ProfileIdName = z.infer<typeof ProfileIdSchema>;

export const LlemStatusSchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    path: z.string(),
    versionOutput: z.string(),
  }),
  z.object({
    found: z.literal(false),
    reason: z.string(),
  }),
]);
export type LlemStatus = z.infer<typeof LlemStatusSchema>;

export const GpuInfoSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  memoryTotalMb: z.number().nullable(),
});
export type GpuInfo = z.infer<typeof GpuInfoSchema>;

export const AppInfoSchema = z.object({
  appVersion: z.string(),
  dataDir: z.string(),
  databaseFile: z.string(),
  sqliteVersion: z.string(),
  schemaVersion: z.number().int(),
  mode: z.enum(['electron', 'browser']),
  llem: LlemStatusSchema,
  /** The llem version profile the designer should write for: detected from the installed llem, else the default. */
  llemProfile: z.object({ id: ProfileIdSchema, detected: z.boolean(), reason: z.string() }),
  gpus: z.discriminatedUnion('found', [
    z.object({ found: z.literal(true), source: z.string(), devices: z.array(GpuInfoSchema) }),
    z.object({ found: z.literal(false), reason: z.string() }),
  ]),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

const NoParams = z.object({}).strict();

/** Request/response methods: name → params and result schemas. */
export const apiMethods = {
  'app.info': { params: NoParams, result: AppInfoSchema },
  ...campaignApiMethods,
  ...resultsApiMethods,
  ...resultScopeApiMethods,
  ...explainApiMethods,
  ...exportApiMethods,
  ...pushApiMethods,
  ...runsApiMethods,
  ...settingsApiMethods,
  ...slurmApiMethods,
  ...adaptiveApiMethods,
  ...queueApiMethods,
  ...gridApiMethods,
} as const;

/** Push streams: name → params (what to subscribe to) and event schemas. */
export const apiSubscriptions = {
  /** A heartbeat every second; lets the UI show that the core is alive and tests the subscription path. */
  'app.heartbeat': {
    params: NoParams,
    event: z.object({ at: z.string(), uptimeSeconds: z.number().nonnegative() }),
  },
  ...resultsApiSubscriptions,
  ...runsApiSubscriptions,
} as const;

export type ApiMethods = typeof apiMethods;
export type MethodName = keyof ApiMethods;
export type MethodParams<M extends MethodName> = z.input<ApiMethods[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<ApiMethods[M]['result']>;

export type ApiSubscriptions = typeof apiSubscriptions;
export type SubscriptionName = keyof ApiSubscriptions;
export type SubscriptionParams<S extends SubscriptionName> = z.input<ApiSubscriptions[S]['params']>;
export type SubscriptionEvent<S extends SubscriptionName> = z.infer<ApiSubscriptions[S]['event']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(apiMethods, name);
}
export function isSubscriptionName(name: string): name is SubscriptionName {
  return Object.prototype.hasOwnProperty.call(apiSubscriptions, name);
}
