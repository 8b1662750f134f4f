import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The web preferences of every llem Studio window. Most are Electron's defaults today; they are spelled out
 * so that a changed default, or a careless edit, shows up in review and fails the checklist test
 * (tests/unit/shell/securityChecklist.test.ts reads this object).
 */
export const HARDENED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  // A file dropped outside the drop zone must not navigate the window to file:// (drops are imports).
  navigateOnDragDrop: false,
  // A page cannot trap the user in alert() loops.
  safeDialogs: true,
  spellcheck: false,
} as const satisfies WebPreferences;

export interface WindowOptionsInput {
  preloadPath: string;
  /** DevTools only in development builds. */
  devTools: boolean;
  icon?: string;
}

export function buildWindowOptions({ preloadPath, devTools, icon }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'llem Studio',
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    ...(icon ? { icon } : {}),
    webPreferences: { ...HARDENED_WEB_PREFERENCES, preload: preloadPath, devTools },
  };
}
