import type { MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { RecentCampaign } from '../contract/desktop';

/** Where the Help menu points (all on the openExternal allowlist; the menu test checks that). */
export const HELP_LINKS = {
  documentation: 'https://github.com/henrycgbaker/LLenergyMeasure#readme',
  llemOnPyPI: 'https://pypi.org/project/llenergymeasure/',
  reportIssue: 'https://github.com/henrycgbaker/LLenergyMeasure/issues',
} as const;

export interface MenuActions {
  newCampaign(): void;
  openCampaign(): void;
  openRecentCampaign(path: string): void;
  clearRecentCampaigns(): void;
  saveCampaign(): void;
  saveCampaignAs(): void;
  importResults(): void;
  importResultsFolder(): void;
  exportResults(): void;
  openExternal(url: string): void;
}

export interface MenuInput {
  platform: NodeJS.Platform;
  appName: string;
  /** Development builds get Reload/DevTools; packaged ones do not offer DevTools. */
  isDevelopment: boolean;
  recent: readonly RecentCampaign[];
  actions: MenuActions;
}

/**
 * The application menu as a plain template (Menu.buildFromTemplate turns it into a menu). Standard items use
 * Electron roles, so shortcuts and platform conventions (the macOS app menu, Quit vs Exit) come for free.
 */
export function buildMenuTemplate({ platform, appName, isDevelopment, recent, actions }: MenuInput): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No Recent Campaigns', enabled: false }]
      : [
          ...recent.map((r): MenuItemConstructorOptions => ({ label: path.basename(r.path), sublabel: r.path, toolTip: r.path, click: () => actions.openRecentCampaign(r.path) })),
          sep,
          { label: 'Clear Recent', click: () => actions.clearRecentCampaigns() },
        ];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'campaign.new', label: 'New Campaign', accelerator: 'CmdOrCtrl+N', click: () => actions.newCampaign() },
      { id: 'campaign.open', label: 'Open Campaign…', accelerator: 'CmdOrCtrl+O', click: () => actions.openCampaign() },
      { id: 'campaign.recent', label: 'Open Recent', submenu: recentItems },
      sep,
      { id: 'campaign.save', label: 'Save Campaign', accelerator: 'CmdOrCtrl+S', click: () => actions.saveCampaign() },
      { id: 'campaign.saveAs', label: 'Save Campaign As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveCampaignAs() },
      sep,
      { id: 'results.import', label: 'Import Results…', accelerator: 'CmdOrCtrl+I', click: () => actions.importResults() },
      { id: 'results.importFolder', label: 'Import Results Folder…', click: () => actions.importResultsFolder() },
      { id: 'results.export', label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportResults() },
      sep,
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(isMac ? ([{ role: 'pasteAndMatchStyle' }] as MenuItemConstructorOptions[]) : []),
      { role: 'delete' },
      sep,
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(isDevelopment ? ([{ role: 'forceReload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  };

  const windowMenu: MenuItemConstructorOptions = {
    label: '&Window',
    role: 'windowMenu',
    submenu: [{ role: 'minimize' }, { role: 'zoom' }, ...(isMac ? ([sep, { role: 'front' }] as MenuItemConstructorOptions[]) : [{ role: 'close' } as MenuItemConstructorOptions])],
  };

  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { id: 'help.docs', label: 'llem Studio Documentation', click: () => actions.openExternal(HELP_LINKS.documentation) },
      { id: 'help.llem', label: 'llem (LLenergyMeasure) on PyPI', click: () => actions.openExternal(HELP_LINKS.llemOnPyPI) },
      { id: 'help.issue', label: 'Report an Issue', click: () => actions.openExternal(HELP_LINKS.reportIssue) },
      ...(isMac ? [] : ([sep, { role: 'about' }] as MenuItemConstructorOptions[])),
    ],
  };

  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    submenu: [{ role: 'about' }, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
  };

  return [...(isMac ? [appMenu] : []), file, edit, view, windowMenu, help];
}
