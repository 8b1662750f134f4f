import { z } from 'zod';

/**
 * The one list of what the UI may ask the core. Both transports (Electron IPC through preload, and the
 * WebSocket of browser mode) carry exactly these methods and subscriptions, and both sides validate every
 * message against these schemas. Adding a capability = adding an entry here plus a handler in core/api.
 */

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
} as const;

/** Push streams: name → params (what to subscribe to) and event schemas. */
export const apiSubscriptions = {
  /** A heartbeat every second; lets the UI show that the core is alive and tests the subscription path. */
  'app.heartbeat': {
    params: NoParams,
    event: z.object({ at: z.string(), uptimeSeconds: z.number().nonnegative() }),
  },
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
