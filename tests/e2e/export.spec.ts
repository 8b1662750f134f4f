import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { listTree, readValidExport } from '../helpers/exportSchemas';
import { realResult } from '../unit/share/seed';
import { looseResults } from './looseResults';
import { servedApp } from './servedApp';

/**
 * The Results page's export action in browser mode: results imported by hand (outside any campaign, one of
 * them with a model given as a local path), previewed, written under <dataDir>/exports/, checked on disk
 * against the published JSON Schemas, and downloaded through the browser.
 */

const results = looseResults('llem-e2e-export-', (dir) => {
  const local = path.join(dir, 'local-model');
  mkdirSync(local);
  writeFileSync(path.join(local, 'result.json'), JSON.stringify(realResult({ model: '/home/alice/ckpt/secret-finetune', startTime: '2026-04-05T09:00:00.000000' }), null, 2));
});

const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' }, (serve) => results.importInto(serve));

test('export: preview (counts, size, personal data), write to the data directory, valid files, browser download', async () => {
  const page = await app.open();
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('export-button').click();
  const dialog = page.getByRole('dialog', { name: 'Export results' });
  await expect(dialog).toBeVisible();

  // Preview: 3 configurations (2 batch sizes + the local model) from 5 results, in imported/results.json + index.json.
  await expect(dialog.getByTestId('export-summary')).toHaveText(/^3 configurations from 5 results, in 2 files of \d+(\.\d)? kB \(budget 10\.0 MB\)\.$/);
  const files = dialog.getByTestId('export-files');
  await expect(files).toContainText('imported/results.json');
  await expect(files).toContainText('index.json');
  await expect(dialog.getByTestId('export-personal')).toHaveText(/No personal data/);
  await expect(dialog).toContainText('<local>/secret-finetune');
  await expect(dialog.getByTestId('export-target')).toHaveText(path.join(app.serve.dataDir, 'exports'));

  // Opting in says what would be included, and the local path shows in full.
  await dialog.getByTestId('export-personal-toggle').check();
  await expect(dialog.getByTestId('export-personal')).toHaveText(/^Personal data included: .*5 source paths/);
  await expect(dialog).toContainText('/home/alice/ckpt/secret-finetune');
  await dialog.getByTestId('export-personal-toggle').uncheck();
  await expect(dialog.getByTestId('export-personal')).toHaveText(/No personal data/);

  // Choosing nothing explains itself and cannot be written.
  await dialog.getByRole('radio', { name: 'Chosen campaigns' }).check();
  await expect(dialog.getByTestId('export-preview')).toContainText('Choose at least one campaign');
  await expect(dialog.getByTestId('export-write')).toBeDisabled();
  await dialog.getByRole('checkbox', { name: /Imported outside a campaign — 5 results/ }).check();
  await expect(dialog.getByTestId('export-summary')).toContainText('3 configurations from 5 results');
  await page.screenshot({ path: test.info().outputPath('export-preview.png'), fullPage: true });

  await dialog.getByTestId('export-write').click();
  await expect(dialog.getByTestId('export-done')).toContainText('Exported 3 configurations from 5 results');
  const outDir = (await dialog.getByTestId('export-out-dir').textContent())!.trim();
  expect(path.dirname(outDir)).toBe(path.join(app.serve.dataDir, 'exports'));

  // On disk: exactly the previewed files, valid against the published schemas, holding the imported results.
  expect(listTree(outDir)).toEqual(['imported/results.json', 'index.json']);
  const { index, files: entriesFiles } = readValidExport(outDir);
  expect(index.total_entries).toBe(3);
  const imported = entriesFiles['imported/results.json']!;
  expect(imported.provenance.personal_data).toBe('excluded');
  expect(imported.entries.map((e) => e.cycles).sort()).toEqual([1, 2, 2]);
  expect(imported.entries.filter((e) => e.model === 'org/e2e-model').map((e) => e.parameters)).toEqual(
    expect.arrayContaining([expect.objectContaining({ 'pytorch.batch_size': 1 }), expect.objectContaining({ 'pytorch.batch_size': 8 })]),
  );
  expect(readFileSync(path.join(outDir, 'imported/results.json'), 'utf8')).not.toContain('/home/alice');
  await page.screenshot({ path: test.info().outputPath('export-written.png'), fullPage: true });

  // The browser download is the same file, byte for byte.
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.locator('[data-testid="export-download"][data-path="imported/results.json"]').click()]);
  expect(download.suggestedFilename()).toBe('leaderboard-imported-results.json');
  const saved = test.info().outputPath('downloaded.json');
  await download.saveAs(saved);
  expect(readFileSync(saved, 'utf8')).toBe(readFileSync(path.join(outDir, 'imported/results.json'), 'utf8'));

  // Closing returns focus to the button that opened the dialog.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('export-button')).toBeFocused();
  await page.close();
});

test('a static site export writes its page beside the same valid JSON; Escape then closes the dialog', async () => {
  const page = await app.open();
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('export-button').click();
  const dialog = page.getByRole('dialog', { name: 'Export results' });
  await dialog.getByRole('radio', { name: /Static site/ }).check();
  await expect(dialog.getByTestId('export-files')).toContainText('data/data.js');
  await dialog.getByTestId('export-write').click();
  const sitePage = (await dialog.getByTestId('export-site-page').textContent())!.trim();
  expect(existsSync(sitePage)).toBe(true);
  const outDir = path.dirname(sitePage);
  expect(listTree(outDir)).toEqual(expect.arrayContaining(['index.html', 'assets/app.js', 'data/data.js', 'data/index.json', 'data/imported/results.json']));
  expect(readValidExport(outDir, 'data/').index.total_entries).toBe(3);
  // Focus stays in the dialog after writing (on its Close button), so Escape closes it and focus returns.
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('export-button')).toBeFocused();
  await page.close();
});
