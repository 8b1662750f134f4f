/**
 * Every Electron IPC channel the app uses. Main listens on these and nothing else; preload exposes
 * functions that use only these. Payloads are the same envelopes as browser mode (contract/wire.ts).
 */
export const IPC_CHANNELS = {
  /** invoke: {method, params} → Result */
  call: 'llem:api:call',
  /** invoke: {id, topic, params} → Result<null> */
  subscribe: 'llem:api:subscribe',
  /** invoke: {id} → Result<null> */
  unsubscribe: 'llem:api:unsubscribe',
  /** main → renderer: {id, data} | {id, end: true, error?} */
  event: 'llem:api:event',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];
