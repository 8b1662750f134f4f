import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { SubmissionSchema } from '../../core/push/submission';
import { startReferenceIngestServer, type ReferenceIngestServer } from '../integration/share/referenceIngestServer';
import { looseResults } from './looseResults';
import { servedApp } from './servedApp';

/**
 * The Results page's push action in browser mode, against the reference ingest server on loopback: the
 * dialog first says no platform is set up and links to Settings; the URL and token are entered on the
 * Settings page; the preview shows the endpoint and exactly the body; "Send N results to <host>" sends that
 * body (checked on the server: bytes, Idempotency-Key, entries); the confirmed push is listed in the history,
 * and pushing the same results again is a confirmed duplicate.
 */

const TOKEN = 'e2e-ingest-token-0123456789';
let ingest: ReferenceIngestServer | undefined;

const results = looseResults('llem-e2e-push-');

test.beforeEach(async () => {
  ingest = await startReferenceIngestServer({ tokens: [TOKEN] });
});
test.afterEach(async () => {
  await ingest?.close();
});

// No LLEM_STUDIO_TOKEN from the environment: the token must come from the Settings page.
const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '', LLEM_STUDIO_TOKEN: '' }, (serve) => results.importInto(serve));

test('push: not set up → Settings; preview (endpoint, body, key) → send → the server has exactly that; history; a repeat is a duplicate', async () => {
  const server = ingest!;
  const host = new URL(server.url).host;
  const page = await app.open();
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.getByRole('tab', { name: 'Results' }).click();

  // ---- No platform yet: the dialog says so, cannot send, and links to the Settings page.
  await page.getByTestId('push-button').click();
  let dialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await expect(dialog.getByTestId('push-not-configured')).toContainText('No platform set up');
  await expect(dialog.getByTestId('push-summary')).toContainText('2 entries (configurations) summarising 4 results');
  await expect(dialog.getByTestId('push-send')).toBeDisabled();
  await expect(dialog.getByTestId('push-history-empty')).toBeVisible();
  await dialog.getByTestId('push-open-settings').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/settings');

  // ---- The URL and the token, through the Settings page.
  await page.getByLabel('Platform URL').fill(server.url);
  await page.getByLabel('Token').fill(TOKEN);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('A token is stored for this platform.')).toBeVisible();

  // ---- The preview: where, what, and the exact body with its key.
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('push-button').click();
  dialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await expect(dialog.getByTestId('push-endpoint')).toHaveText(`${server.url}/api/v1/submissions`);
  await expect(dialog.getByTestId('push-target')).toContainText('the one stored for this platform');
  await expect(dialog.getByTestId('push-not-configured')).toHaveCount(0);
  await expect(dialog.getByTestId('push-summary')).toHaveText(/^2 entries \(configurations\) summarising 4 results, \d+(\.\d)? kB of JSON\.$/);
  await expect(dialog.getByTestId('push-personal-data')).toContainText('excluded');
  await expect(dialog.getByTestId('push-generator')).toContainText('llem Studio');
  const key = (await dialog.getByTestId('push-key').textContent())!.trim();
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  await dialog.getByTestId('push-show-body').click();
  const shownBody = (await dialog.getByTestId('push-body').textContent())!;
  expect(createHash('sha256').update(shownBody).digest('hex')).toBe(key);
  expect(server.requests).toHaveLength(0); // previewing sends nothing
  await page.screenshot({ path: test.info().outputPath('push-preview.png'), fullPage: true });

  // ---- The explicit confirmation names the count and the host; the answer is the platform's.
  const send = dialog.getByTestId('push-send');
  await expect(send).toHaveText(`Send 4 results to ${host}`);
  await send.click();
  await expect(dialog.getByTestId('push-done')).toContainText(`Accepted by ${host}`);
  await expect(dialog.getByTestId('push-submission-id')).toHaveText('sub-1');

  // On the server: one request, exactly the previewed bytes under the previewed key, with the stored token.
  expect(server.requests).toHaveLength(1);
  const received = server.requests[0]!;
  expect(received.body).toBe(shownBody);
  expect(received.headers['idempotency-key']).toBe(key);
  expect(received.headers.authorization).toBe(`Bearer ${TOKEN}`);
  const body = SubmissionSchema.parse(JSON.parse(received.body));
  expect(body.entries).toHaveLength(2);
  expect(body.entries.map((e) => e.cycles)).toEqual([2, 2]);
  expect(body.provenance.personal_data).toBe('excluded');
  expect(received.body).not.toContain(results.dir);
  expect(server.accepted.get(key)).toEqual({ id: 'sub-1', entries: 2 });

  // The history lists the confirmed submission; the token never reached the page.
  const history = dialog.getByTestId('push-history-row');
  await expect(history).toHaveCount(1);
  await expect(history.first()).toContainText('sub-1');
  await expect(history.first()).toContainText(host);
  expect(await page.content()).not.toContain(TOKEN);
  await page.screenshot({ path: test.info().outputPath('push-done.png'), fullPage: true });

  // Close: the focus goes back to the button that opened the dialog.
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('push-button')).toBeFocused();

  // ---- Again: the history is kept, and the same results are a confirmed duplicate (nothing new on the platform).
  await page.getByTestId('push-button').click();
  dialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await expect(dialog.getByTestId('push-history-row')).toHaveCount(1);
  await expect(dialog.getByTestId('push-key')).toHaveText(key);
  await dialog.getByTestId('push-send').click();
  await expect(dialog.getByTestId('push-done')).toContainText(`Already on ${host}`);
  expect(server.requests).toHaveLength(2);
  expect(server.accepted.size).toBe(1);
  await expect(dialog.getByTestId('push-history-row')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('push-button')).toBeFocused();
  await page.close();
});

test('push: the platform refuses the token — the error is shown in plain words and nothing is listed as pushed', async () => {
  const server = ingest!;
  const page = await app.open();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Platform URL').fill(server.url);
  await page.getByLabel('Token').fill('not-the-right-token');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('A token is stored for this platform.')).toBeVisible();
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('push-button').click();
  const dialog = page.getByRole('dialog', { name: 'Push results to the platform' });
  await dialog.getByTestId('push-send').click();
  await expect(dialog.getByTestId('push-error')).toContainText('refused the token (HTTP 401)');
  await expect(dialog.getByTestId('push-history-empty')).toBeVisible();
  await expect(dialog.getByTestId('push-send')).toBeEnabled(); // it can be tried again once the token is fixed
  expect(await page.content()).not.toContain('not-the-right-token');
  await page.close();
});
