import { expect, test } from '@playwright/test';
import { servedApp } from './servedApp';

// PATH without llem and nvidia-smi, so the expected "not found" texts are deterministic here and in CI.
const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' });

test('the page without the token loads (its files are public) but gets no data, and says how to get in', async () => {
  const page = await app.browser.newPage();
  const response = await page.goto(app.serve.origin + '/#/settings');
  expect(response?.status()).toBe(200);
  await expect(page.getByText('This page has no session token').first()).toBeVisible();
  await expect(page.getByTestId('data-dir')).toHaveCount(0);
  await page.close();
});

test('Settings shows the values the core reports', async () => {
  const page = await app.browser.newPage();
  await page.goto(app.serve.url);
  // The token was moved from the fragment into this tab's sessionStorage and removed from the address bar.
  expect(page.url()).not.toContain(app.serve.token);
  expect((await page.context().cookies()).length).toBe(0);

  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('sqlite-version')).toHaveText(/^3\.\d+\.\d+$/);
  await expect(page.getByTestId('data-dir')).toHaveText(app.serve.dataDir);
  await expect(page.getByTestId('app-mode')).toHaveText('Browser (llem-studio serve)');
  await expect(page.getByTestId('schema-version')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('llem-status')).toContainText('not found');
  await expect(page.getByTestId('gpu-status')).toContainText('none found');
  await page.screenshot({ path: test.info().outputPath('settings.png'), fullPage: true });
  await page.close();
});

test('navigation shows each page and survives a reload', async () => {
  const page = await app.browser.newPage();
  await page.goto(app.serve.url);
  for (const name of ['Design', 'Runs', 'Results', 'Demo', 'Settings']) {
    await page.getByRole('tab', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  }
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.close();
});

test('Settings shows the doctor findings and keeps the platform token write-only', async () => {
  const page = await app.browser.newPage();
  await page.goto(app.serve.url);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('doctor-findings')).toContainText(/llem/i);
  await expect(page.getByTestId('doctor-findings').getByText('error').first()).toBeVisible();

  await page.getByLabel('Platform URL').fill('http://platform.example.org');
  await page.getByLabel('Token').fill('tok-123456789');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('platform-message')).toContainText('https is required');

  await page.getByLabel('Platform URL').fill('https://platform.example.org');
  await page.getByLabel('Token').fill('tok-123456789');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('A token is stored for this platform.')).toBeVisible();
  await expect(page.getByLabel('Token')).toHaveValue('');
  expect(await page.content()).not.toContain('tok-123456789');
  await page.close();
});
