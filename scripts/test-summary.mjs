// Prints one closing line for the whole test run ("Tests: N passed, N failed, N skipped"), adding up the
// JSON reports vitest and Playwright wrote (see vitest.config.ts and playwright.config.ts).
import { existsSync, readFileSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };
const missing = [];

const vitest = 'test-results/vitest.json';
if (existsSync(vitest)) {
  const report = JSON.parse(readFileSync(vitest, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += report.numFailedTests ?? 0;
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else missing.push(vitest);

// Browser E2E (serve mode) and Electron E2E (skips, saying why, where the Electron binary is not installed).
for (const playwright of ['test-results/playwright.json', 'test-results/playwright-electron.json']) {
  if (!existsSync(playwright)) {
    missing.push(playwright);
    continue;
  }
  const stats = JSON.parse(readFileSync(playwright, 'utf8')).stats ?? {};
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  totals.failed += stats.unexpected ?? 0;
  totals.skipped += stats.skipped ?? 0;
}

if (missing.length) console.error(`test-summary: no report at ${missing.join(', ')}`);
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || missing.length ? 1 : 0);
