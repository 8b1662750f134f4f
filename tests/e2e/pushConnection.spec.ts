import { expect, test, type Page } from '@playwright/test';
import { SubmissionSchema } from '../../core/push/submission';
import { openDatabase } from '../../core/store/database';
import { startReferenceIngestServer, type ReferenceIngestServer } from '../integration/share/referenceIngestServer';
import { CAMPAIGN_A, CAMPAIGN_B, seedCampaign } from '../unit/share/seed';
import { servedApp } from './servedApp';

/**
 * The Push dialog's "Test connection" and campaign choice, in browser mode against the reference ingest server on
 * loopback: a wrong token is found by the test without submitting anything; a failed send shows its error above the
 * preview (not below a long one); with the right token the test passes, and pushing only the chosen campaign sends
 * only that campaign's configurations.
 */

const TOKEN = 'e2e-ingest-token-connection-42';
let ingest: ReferenceIngestServer | undefined;

test.beforeEach(async () => {
  ingest = await startReferenceIngestServer({ tokens: [TOKEN] });
});
test.afterEach(async () => {
  await ingest?.close();
});

const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '', LLEM_STUDIO_TOKEN: '' }, async (serve) => {
  const opened = openDatabase(serve.dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  try {
    await seedCampaign(opened.value, CAMPAIGN_A);
    await seedCampaign(opened.value, CAMPAIGN_B);
  } finally {
    opened.value.close();
  }
});

async function savePlatform(page: Page, url: string, token: string): Promise<void> {
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Platform URL').fill(url);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('A token is stored for this platform.')).toBeVisible();
}

test('push: test connection finds a wrong token without submitting; errors sit above the preview; only the chosen campaign is pushed', async () => {
  test.setTimeout(90_000);
  const server = ingest!;
  const host = new URL(server.url).host;
  const page = await app.open();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.setViewportSize({ width: 1280, height: 720 });

  // ---- A wrong token: the test says so, and the platform stored nothing.
  await savePlatform(page, server.url, 'wrong-token-for-this-platform');
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('push-button').click();
  let dialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await dialog.getByTestId('push-test-connection').click();
  const verdict = dialog.getByTestId('push-connection');
  await expect(verdict).toHaveAttribute('data-ok', 'false');
  await expect(verdict).toContainText('refused the token (HTTP 401)');
  await expect(dialog.getByTestId('push-check-reached')).toHaveAttribute('data-outcome', 'passed');
  await expect(dialog.getByTestId('push-check-token')).toHaveAttribute('data-outcome', 'failed');
  expect(server.requests).toHaveLength(1);
  expect(server.requests[0]!.body).not.toContain('entries');
  expect(server.accepted.size).toBe(0);
  await expect(dialog.getByTestId('push-history-empty')).toBeVisible();

  // ---- Sending anyway fails; the error is above the preview, in view without scrolling the dialog.
  await dialog.getByTestId('push-show-body').click(); // a long preview
  await dialog.getByTestId('push-send').click();
  const error = dialog.getByTestId('push-error');
  await expect(error).toContainText('refused the token (HTTP 401)');
  const errorBox = (await error.boundingBox())!;
  const previewBox = (await dialog.getByTestId('push-preview').boundingBox())!;
  expect(errorBox.y + errorBox.height).toBeLessThanOrEqual(previewBox.y);
  await expect(error).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('push-error-above-preview.png') });
  await page.keyboard.press('Escape');

  // ---- The right token: every check passes.
  await savePlatform(page, server.url, TOKEN);
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('push-button').click();
  dialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await dialog.getByTestId('push-test-connection').click();
  await expect(dialog.getByTestId('push-connection')).toHaveAttribute('data-ok', 'true');
  await expect(dialog.getByTestId('push-connection')).toContainText(`Connected to ${host}`);
  for (const id of ['reached', 'api', 'token', 'validates']) await expect(dialog.getByTestId(`push-check-${id}`)).toHaveAttribute('data-outcome', 'passed');
  expect(server.accepted.size).toBe(0);
  await page.screenshot({ path: test.info().outputPath('push-connection-ok.png') });

  // ---- Only campaign B: the preview and the send cover its one configuration.
  await dialog.getByRole('radio', { name: 'Chosen campaigns' }).check();
  await dialog.getByTestId('push-campaigns').getByRole('checkbox', { name: new RegExp(CAMPAIGN_B.name) }).check();
  await expect(dialog.getByTestId('push-summary')).toContainText('1 entry (configurations) summarising 1 result');
  const send = dialog.getByTestId('push-send');
  await expect(send).toHaveText(`Send 1 result to ${host}`);
  await send.click();
  await expect(dialog.getByTestId('push-done')).toContainText(`Accepted by ${host}`);
  const pushed = server.requests.at(-1)!;
  const body = SubmissionSchema.parse(JSON.parse(pushed.body));
  expect(body.entries.map((e) => e.model)).toEqual(['org/model-b']);
  expect(server.accepted.size).toBe(1);
  expect(consoleErrors).toEqual([]);
  await page.close();
});
