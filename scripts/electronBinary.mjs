// Whether the Electron binary can be launched on this machine. Shared by `npm start` / `npm run dev` (which
// refuse to start without it, with one clear message) and the Electron E2E suite (which skips without it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `{ path }` of the binary, or `{ missing }` saying why it cannot be launched. `require('electron')` gives the
 * binary's path when the package's postinstall downloaded it (path.txt), and throws when the download was
 * skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1, offline installs). ELECTRON_OVERRIDE_DIST_PATH (Electron's own
 * switch) points it at another folder.
 */
export function electronBinaryStatus() {
  let binary;
  try {
    binary = require('electron');
  } catch (e) {
    const detail = `require('electron') failed: ${String(e?.message ?? e).split('\n')[0]}`;
    return { missing: `electron binary not installed (${detail})`, detail };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    const detail = `${String(binary)} does not exist`;
    return { missing: `electron binary not installed (${detail})`, detail };
  }
  return { path: binary };
}

/** The one message `npm start` and `npm run dev` print when Electron cannot run here. */
/** `detail`: electronBinaryStatus().detail. */
export function electronMissingMessage(detail, command = 'npm start') {
  return [
    `llem Studio: \`${command}\` cannot open the desktop app: the Electron binary is not installed (node_modules/electron/dist).`,
    `  (${detail})`,
    'npm did not download it during install (ELECTRON_SKIP_BINARY_DOWNLOAD was set, or github.com was not reachable).',
    '',
    'To get it, with network access to github.com (or ELECTRON_MIRROR set to a mirror):',
    '    unset ELECTRON_SKIP_BINARY_DOWNLOAD && node node_modules/electron/install.js',
    '',
    'The same UI runs in your browser without Electron:  npm run serve',
  ].join('\n');
}
