import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import { FakeMessageChannelMain, WorkerUtilityProcess } from './coreWorker';

/**
 * A stand-in for the `electron` module (the binary is not installed here, and unit tests should not need it):
 * just enough of app, BrowserWindow, session, protocol, ipcMain, Menu, dialog, Notification and shell for
 * main/index.ts to start, with every call recorded so tests can assert what the shell really did.
 * Use with `vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule())`.
 */

export class FakeWebContents extends EventEmitter {
  destroyed = false;
  url = '';
  readonly mainFrame = { url: '' };
  readonly send = vi.fn();
  readonly setWindowOpenHandler = vi.fn();
  readonly reload = vi.fn();
  isDestroyed = () => this.destroyed;
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static focused: FakeBrowserWindow | null = null;
  static getAllWindows = () => FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  static getFocusedWindow = () => FakeBrowserWindow.focused;
  static fromWebContents = (contents: unknown) => FakeBrowserWindow.instances.find((w) => w.webContents === contents) ?? null;

  readonly webContents = new FakeWebContents();
  destroyed = false;
  loadedUrl: string | null = null;
  readonly setProgressBar = vi.fn();
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  isMinimized = () => false;
  isDestroyed = () => this.destroyed;

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
    fake.app.emit('web-contents-created', {}, this.webContents);
  }

  loadURL(url: string) {
    this.loadedUrl = url;
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'llem Studio';
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly enableSandbox = vi.fn();
  readonly setAppUserModelId = vi.fn();
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly getAppPath = vi.fn(() => process.cwd());
  readonly addRecentDocument = vi.fn();
  readonly clearRecentDocuments = vi.fn();
}

class FakeNotification extends EventEmitter {
  static shown: { title: string; body: string }[] = [];
  static isSupported = () => true;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    FakeNotification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

function createFake() {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    Notification: FakeNotification,
    ipcMain: {
      handlers,
      handle: vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        setDisplayMediaRequestHandler: vi.fn(),
        webRequest: { onBeforeRequest: vi.fn() },
      },
    },
    Menu: {
      current: null as unknown,
      buildFromTemplate: vi.fn((template: unknown) => ({ template })),
      setApplicationMenu: vi.fn((menu: unknown) => {
        fake.Menu.current = menu;
      }),
    },
    dialog: {
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
      showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: undefined as string | undefined })),
      showMessageBox: vi.fn(async () => ({ response: 1, checkboxChecked: false })),
      showErrorBox: vi.fn(),
    },
    shell: { openExternal: vi.fn(async () => undefined) },
    // The core's utility process: a worker thread running the real core entry (coreWorker.ts).
    utilityProcess: { fork: vi.fn(WorkerUtilityProcess.fork) },
    MessageChannelMain: FakeMessageChannelMain,
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: Object.assign(new EventEmitter(), { invoke: vi.fn(async () => ({ ok: true, value: null })) }),
    webUtils: { getPathForFile: vi.fn((_file: unknown) => '') },
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => true),
      encryptString: vi.fn((plain: string) => Buffer.from(plain).reverse()),
      decryptString: vi.fn((encrypted: Buffer) => Buffer.from(encrypted).reverse().toString()),
    },
  };
}

export const fake = createFake();

export function fakeElectronModule() {
  return { ...fake, default: fake };
}
