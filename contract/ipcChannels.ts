/**
 * Every Electron IPC channel the app uses. Main listens on these and nothing else; preload exposes
 * functions that use only these. API payloads are the same envelopes as browser mode (contract/wire.ts);
 * the desktop-only channels carry the payloads of contract/desktop.ts.
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

  /** invoke: {} → Result<OpenedCampaign | null> (native Open dialog; null = cancelled) */
  openCampaign: 'llem:desktop:openCampaign',
  /** invoke: {path} → Result<OpenedCampaign> (only paths on the recent list) */
  openRecentCampaign: 'llem:desktop:openRecentCampaign',
  /** invoke: {} → Result<RecentCampaign[]> */
  listRecentCampaigns: 'llem:desktop:listRecentCampaigns',
  /** invoke: SaveFileRequest → Result<{path} | null> (native Save dialog; null = cancelled) */
  saveFile: 'llem:desktop:saveFile',
  /** invoke: {folders} → Result<ImportSummary | null> (native Open dialog, then the core import) */
  importResultsDialog: 'llem:desktop:importResultsDialog',
  /** invoke: {paths} → Result<ImportSummary> (drag and drop: paths the preload got from webUtils) */
  importDroppedPaths: 'llem:desktop:importDroppedPaths',
  /** main → renderer: DesktopEvent (menu commands, files main opened itself, finished imports) */
  desktopEvent: 'llem:desktop:event',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/** Channels main sends on (renderer listens); every other channel is one main handles. */
export const MAIN_TO_RENDERER_CHANNELS: readonly IpcChannel[] = [IPC_CHANNELS.event, IPC_CHANNELS.desktopEvent];
