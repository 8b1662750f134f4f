import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.LLEM_STUDIO_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for Debian's Chromium in a sandbox-less, offline container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumMissingReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (apt-get install -y chromium)`;
}
