import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Why the Electron binary cannot be launched here, or null when it can. `require('electron')` gives the
 * binary's path when the package's postinstall downloaded it, and throws when the download was skipped
 * (ELECTRON_SKIP_BINARY_DOWNLOAD=1, offline installs). This is the ONE reason the Electron E2E suite skips,
 * also under CI=true: machines without network access to Electron's releases can never have the binary.
 * Everything else (no display, a build missing) is a failure.
 */
export function electronBinaryMissingReason(): string | null {
  let binary: unknown;
  try {
    binary = require('electron');
  } catch (e) {
    return `electron binary not installed (${(e as Error).message.split('\n')[0]})`;
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return `electron binary not installed (${String(binary)} does not exist)`;
  return null;
}
