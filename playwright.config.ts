import { defineConfig } from '@playwright/test';

/**
 * E2E tests drive the built UI through `llem-studio serve` in Debian's Chromium (`npx playwright install`
 * cannot download browsers here). Each test starts its own server on a free port with its own data directory.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/e2e',
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
