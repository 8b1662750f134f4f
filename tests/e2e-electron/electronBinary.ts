import { electronBinaryStatus } from '../../scripts/electronBinary.mjs';

/**
 * Why the Electron binary cannot be launched here, or null when it can (scripts/electronBinary.mjs, the same
 * check `npm start` makes). This is the ONE reason the Electron E2E suite skips, also under CI=true: machines
 * without network access to Electron's releases can never have the binary. Everything else (no display, a
 * build missing, the Electron build of better-sqlite3 missing) is a failure.
 */
export function electronBinaryMissingReason(): string | null {
  return electronBinaryStatus().missing ?? null;
}
