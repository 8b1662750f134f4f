import { BrowserWindow, Menu, Notification, app, dialog, ipcMain, protocol, session, shell, type IpcMainInvokeEvent, type WebContents, safeStorage } from 'electron';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DesktopEvent, OpenedCampaign, RecentCampaign } from '../contract/desktop';
import type { RunEvent } from '../contract/runEvents';
import { IPC_CHANNELS } from '../contract/ipcChannels';
import type { Result } from '../contract/result';
import { resolveDataDir } from '../core/dataDir';
import { registerAppProtocol } from './appProtocol';
import { attachCampaignFeedback, type CampaignActivity } from './campaignActivity';
import { createCoreClient, type CoreClient } from './coreHost/coreClient';
import { forkCoreProcess } from './coreHost/coreProcess';
import { createDesktopServices, type DesktopServices } from './desktopServices';
import { registerDesktopIpc } from './desktopIpc';
import { registerIpc } from './ipc';
import { buildMenuTemplate, type MenuActions } from './menu';
import { createQuitGuard } from './quitGuard';
import { SafeStorageSecretStore } from './safeStorageSecretStore';
import { campaignPathFromArgv, createRecentCampaigns, type RecentCampaigns } from './recentCampaigns';
import {
  APP_ORIGIN,
  APP_SCHEME,
  blockNonAppRequests,
  createGuardedOpenExternal,
  denyAllPermissions,
  guardWebContents,
  isAppSender,
} from './security';
import { resolveSqliteBinding } from './sqliteBinding';
import { buildWindowOptions } from './windowOptions';

/*
 * The composition root of the shell: it creates the window and wires Electron to the core, which runs in its
 * own utility process (coreHost/; docs/desktop.md). This process never loads SQLite, the runner or NVML: it
 * keeps the window, menus, dialogs and IPC forwarding, so nothing the core does can freeze the window.
 * Everything with logic lives in the modules imported above (each unit-tested with `electron` mocked).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.join(here, '../renderer');
const PRELOAD = path.join(here, '../preload/index.cjs');
const ICON = path.join(here, '../../resources/icon.png');
/** The core process's entry, built next to this file (electron.vite.config.ts). */
const CORE_ENTRY = path.join(here, 'coreHost.js');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
// Every renderer sandboxed, whatever a future window forgets to say.
app.enableSandbox();

let core: CoreClient | null = null;
let services: DesktopServices | null = null;
let recent: RecentCampaigns | null = null;
const windows = new Set<BrowserWindow>();
/** Files the OS asked us to open before we were ready (macOS open-file, argv). */
const pendingOpens: string[] = [];

/**
 * Campaigns running in the core process (started from the UI through the runs.start API method), as the core
 * reports them: the quit guard, taskbar progress and notifications follow them.
 */
const activityListeners = new Set<(event: RunEvent) => void>();
const campaignActivity: CampaignActivity = {
  running: () => core?.activity.running() ?? [],
  onEvent: (listener) => {
    activityListeners.add(listener);
    return () => activityListeners.delete(listener);
  },
  stopAll: async () => core?.activity.stopAll(),
};

const openExternal = createGuardedOpenExternal((url) => shell.openExternal(url));

const isAppWindowContents = (contents: WebContents) => [...windows].some((w) => !w.isDestroyed() && w.webContents === contents);
const senderCheck = (event: IpcMainInvokeEvent) => isAppSender(event, isAppWindowContents);

function targetWindow(): BrowserWindow | null {
  const focused = BrowserWindow.getFocusedWindow();
  if (focused && windows.has(focused)) return focused;
  const [first] = windows;
  return first ?? null;
}

function sendToUi(event: DesktopEvent): void {
  const window = targetWindow();
  if (window && !window.webContents.isDestroyed()) window.webContents.send(IPC_CHANNELS.desktopEvent, event);
}

function showError(title: string, message: string): void {
  const window = targetWindow();
  const options = { type: 'error' as const, title, message: title, detail: message };
  void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
}

function deliverOpened(result: Result<OpenedCampaign | null>): void {
  if (!result.ok) showError('Could not open the campaign', result.error.message);
  else if (result.value) sendToUi({ type: 'campaign.opened', campaign: result.value });
}

const menuActions: MenuActions = {
  newCampaign: () => sendToUi({ type: 'menu', command: 'campaign.new' }),
  openCampaign: () => void services?.openCampaignDialog(targetWindow()).then(deliverOpened),
  openRecentCampaign: (file) => void services?.openRecentCampaign(file).then(deliverOpened),
  clearRecentCampaigns: () => recent?.clear(),
  saveCampaign: () => sendToUi({ type: 'menu', command: 'campaign.save' }),
  saveCampaignAs: () => sendToUi({ type: 'menu', command: 'campaign.saveAs' }),
  importResults: () => void importFromMenu(false),
  importResultsFolder: () => void importFromMenu(true),
  exportResults: () => sendToUi({ type: 'menu', command: 'results.export' }),
  openExternal: (url) => void openExternal(url),
};

async function importFromMenu(folders: boolean): Promise<void> {
  const result = await services?.importResultsDialog(targetWindow(), { folders });
  if (!result) return;
  if (!result.ok) showError('Import failed', result.error.message);
  else if (result.value) sendToUi({ type: 'results.imported', summary: result.value });
}

function rebuildMenu(list: RecentCampaign[]): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, appName: app.name, isDevelopment: !app.isPackaged, recent: list, actions: menuActions })),
  );
}

function openFromOs(file: string): void {
  if (!services) {
    pendingOpens.push(file);
    return;
  }
  void services.openCampaignPath(file).then(deliverOpened);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(buildWindowOptions({ preloadPath: PRELOAD, devTools: !app.isPackaged, icon: ICON }));
  windows.add(window);
  window.on('closed', () => windows.delete(window));
  // Closing the last window quits (except on macOS): ask about running campaigns while the window is still
  // there to own the question, instead of after it is gone.
  window.on('close', (event) => {
    if (process.platform === 'darwin' || windows.size > 1) return;
    if (quitGuard.state === 'quitting' || campaignActivity.running().length === 0) return;
    event.preventDefault();
    app.quit();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

function focusFirstWindow(): void {
  const window = targetWindow();
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
}

async function start(): Promise<void> {
  // The same default as the CLI and serve mode (core/dataDir.ts), so all three see the same campaigns.
  const dataDir = resolveDataDir(undefined);
  const binding = resolveSqliteBinding({
    electronVersion: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appRoot: app.getAppPath(),
  });
  if (!binding.ok) {
    dialog.showErrorBox('llem Studio cannot start', binding.error.message);
    app.exit(1);
    return;
  }
  const secrets = new SafeStorageSecretStore(dataDir, safeStorage);
  const client = createCoreClient({
    spawn: () => forkCoreProcess(CORE_ENTRY),
    init: { dataDir, nativeBinding: binding.value.nativeBinding ?? null, secretsDescription: secrets.description },
    secrets,
    onUnexpectedExit: (message) => void offerCoreRestart(message),
  });
  core = client;
  client.activity.onEvent((event) => {
    for (const listener of activityListeners) listener(event);
  });
  const started = await client.start();
  if (!started.ok) {
    dialog.showErrorBox('llem Studio cannot start', started.error.message);
    app.exit(1);
    return;
  }
  // Which native SQLite build the core really loaded: the E2E suite asserts it is the Electron build.
  console.log(
    `llem Studio core: pid ${started.value.pid}, SQLite ${started.value.sqliteVersion}, better-sqlite3 binding ${started.value.loadedSqliteBindings.join(', ') || '(none loaded)'} (${binding.value.description})`,
  );

  denyAllPermissions(session.defaultSession);
  blockNonAppRequests(session.defaultSession);
  registerAppProtocol(protocol, RENDERER_DIR);

  recent = createRecentCampaigns(client.recent, app, rebuildMenu);
  await recent.refresh();
  services = createDesktopServices({
    dialogs: {
      showOpenDialog: (owner, options) => (owner ? dialog.showOpenDialog(owner, options) : dialog.showOpenDialog(options)),
      showSaveDialog: (owner, options) => (owner ? dialog.showSaveDialog(owner, options) : dialog.showSaveDialog(options)),
    },
    recent,
    // In the core process: a 3,000-file import never blocks the window.
    importResults: (paths) => client.importPaths(paths),
  });

  registerIpc(ipcMain, client.dispatcher, senderCheck);
  registerDesktopIpc(ipcMain, services, senderCheck);
  rebuildMenu(recent.list());

  attachCampaignFeedback(campaignActivity, {
    setProgress: (p) => {
      for (const w of windows) if (!w.isDestroyed()) w.setProgressBar(p.fraction, p.mode === 'none' ? undefined : { mode: p.mode });
    },
    notify: (title, body) => {
      if (!Notification.isSupported()) return;
      const note = new Notification({ title, body, icon: ICON });
      note.on('click', focusFirstWindow);
      note.show();
    },
  });

  createWindow();
  const fromArgv = campaignPathFromArgv(process.argv, process.cwd(), isFile);
  if (fromArgv) pendingOpens.push(fromArgv);
  for (const file of pendingOpens.splice(0)) openFromOs(file);

  app.on('activate', () => {
    if (windows.size === 0) createWindow();
  });
}

/**
 * The core process died (a crash, the OS killed it): every call in flight and every stream has already ended
 * with an error the window shows. The store is SQLite with WAL, so every committed write is intact; the run that
 * was in flight is requeued by the next core's crash recovery. Offer a fresh core, or quitting.
 */
async function offerCoreRestart(message: string): Promise<void> {
  const window = targetWindow();
  const options = {
    type: 'error' as const,
    title: 'The llem Studio core stopped',
    message: 'The llem Studio core stopped',
    detail: `${message}\n\nYour stored campaigns and results are safe. Restart the core to continue; the window reloads.`,
    buttons: ['Restart the Core', 'Quit'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  };
  const { response } = await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  if (response !== 0 || !core) {
    app.quit();
    return;
  }
  const restarted = await core.restart();
  if (!restarted.ok) {
    showError('The llem Studio core could not be restarted', restarted.error.message);
    return;
  }
  await recent?.refresh();
  // A fresh document subscribes again to the new core's streams.
  for (const w of windows) if (!w.isDestroyed()) w.webContents.reload();
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const quitGuard = createQuitGuard({
  activity: campaignActivity,
  async confirm(running) {
    const window = targetWindow();
    const options = {
      type: 'warning' as const,
      title: 'A campaign is running',
      message: running.length === 1 ? 'A campaign is running.' : `${running.length} campaigns are running.`,
      detail:
        'Quitting stops the measurement in progress; that run is queued again and the campaign resumes from there the next time you start it.',
      buttons: ['Stop and Quit', 'Keep Running'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    };
    const { response } = await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
    return response === 0 ? 'stop-and-quit' : 'keep-running';
  },
  quit: () => app.quit(),
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId('org.llem.studio'); // Windows: notifications and the taskbar need the installer's appId.

  app.on('second-instance', (_event, argv, workingDirectory) => {
    focusFirstWindow();
    const file = campaignPathFromArgv(argv, workingDirectory, isFile);
    if (file) openFromOs(file);
  });
  // macOS: a file dropped on the dock icon or picked from the dock's recent list.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openFromOs(file);
  });

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => void openExternal(url)));
  app.on('before-quit', (event) => quitGuard.onBeforeQuit(event));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // The core closes the store before the app exits (runs still in flight are queued again, as on any quit).
  let coreStopped = false;
  app.on('will-quit', (event) => {
    if (coreStopped || !core) return;
    event.preventDefault();
    void core.stop().finally(() => {
      coreStopped = true;
      app.quit();
    });
  });

  void app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      dialog.showErrorBox('llem Studio cannot start', (e as Error).message);
      app.exit(1);
    });
}
