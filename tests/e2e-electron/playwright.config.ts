import { defineConfig } from '@playwright/test';
import path from 'node:path';

/**
 * The Electron E2E suite (`npm run e2e:electron`): launches the built app (`out/`, from `npm run build`)
 * with Playwright's `_electron`. It needs the Electron binary (node_modules/electron/dist), the Electron build of
 * better-sqlite3 (`npm run e2e:electron` prepares it, scripts/desktop.mjs) and, on Linux without a display, `xvfb-run`. Where the binary is not installed the tests skip with the printed reason — the only
 * skip condition (see electronBinary.ts).
 */
const root = path.resolve(import.meta.dirname, '../..');

export default defineConfig({
  testDir: '.',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: path.join(root, 'test-results/playwright-electron.json') }]],
  outputDir: path.join(root, 'test-results/e2e-electron'),
});
