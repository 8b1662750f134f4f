import { BrowserWindow, app, ipcMain, protocol, shell, session, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCore, type Core } from '../core/coreContext';
import { resolveDataDir } from '../core/dataDir';
import { registerAppProtocol } from './appProtocol';
import { registerIpc } from './ipc';
import { APP_ORIGIN, APP_SCHEME, denyAllPermissions, guardWebContents, isAllowedExternalUrl, isAppUrl } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.join(here, '../renderer');
const PRELOAD = path.join(here, '../preload/index.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let core: Core | null = null;
const windows = new Set<BrowserWindow>();

function openExternal(url: string): void {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url);
}

function isAppSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame === event.sender.mainFrame && isAppUrl(frame.url) && [...windows].some((w) => w.webContents === event.sender);
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'llem Studio',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  windows.add(window);
  window.on('closed', () => windows.delete(window));
  guardWebContents(window.webContents, openExternal);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [first] = windows;
    if (first) {
      if (first.isMinimized()) first.restore();
      first.focus();
    }
  });

  void app.whenReady().then(() => {
    // The same default as the CLI and serve mode (core/dataDir.ts), so all three see the same campaigns.
    const started = startCore({ dataDir: resolveDataDir(undefined), mode: 'electron' });
    if (!started.ok) {
      console.error(started.error.message);
      app.exit(1);
      return;
    }
    core = started.value;
    denyAllPermissions(session.defaultSession);
    registerAppProtocol(protocol, RENDERER_DIR);
    registerIpc(ipcMain, core.dispatcher, isAppSender);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openExternal));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => core?.close());
}
