import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import type { LeaderboardEntriesFile, LeaderboardIndex } from '../../core/export/index';
import { looseResults } from './looseResults';
import { servedApp } from './servedApp';

/**
 * Browser mode's "Download the site as one .zip": Results → Export… → Static site → Write, then the zip download.
 * The downloaded archive is unzipped here and must hold exactly the written folder's files, byte for byte, with a
 * working index.html and the data files the page reads; the one-time link cannot be used twice.
 */

const results = looseResults('llem-e2e-site-zip-');
const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' }, (serve) => results.importInto(serve));

/** Every file of a zip: name → bytes (checked by yauzl: CRCs, sizes, no names escaping the archive). */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('error', reject);
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function listTree(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel))
    .flatMap((name) => {
      const inner = rel ? `${rel}/${name}` : name;
      return statSync(path.join(root, inner)).isDirectory() ? listTree(root, inner) : [inner];
    })
    .sort();
}

test('the static site downloads as one .zip holding exactly the written files, with index.html and its data', async () => {
  const page = await app.open();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByTestId('export-button').click();
  const dialog = page.getByRole('dialog', { name: 'Export results' });
  await dialog.getByRole('radio', { name: 'Static site' }).check();
  await dialog.getByTestId('export-write').click();
  await expect(dialog.getByTestId('export-done')).toContainText('Exported 2 configurations from 4 results');
  const outDir = (await dialog.getByTestId('export-out-dir').textContent())!.trim();
  const exportId = path.basename(outDir);

  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download-zip').click()]);
  expect(download.suggestedFilename()).toBe(`llem-studio-${exportId}.zip`);
  const saved = test.info().outputPath('site.zip');
  await download.saveAs(saved);
  await expect(dialog.getByRole('status')).toContainText(`Downloading llem-studio-${exportId}.zip`);

  // Exactly the folder's files, byte for byte.
  const files = await unzip(saved);
  const onDisk = listTree(outDir);
  expect([...files.keys()].sort()).toEqual(onDisk);
  for (const rel of onDisk) expect(files.get(rel)!.equals(readFileSync(path.join(outDir, rel))), rel).toBe(true);

  // The page and the data it reads.
  expect(files.get('index.html')!.toString('utf8')).toMatch(/<!doctype html>/i);
  const index = JSON.parse(files.get('data/index.json')!.toString('utf8')) as LeaderboardIndex;
  expect(index.total_entries).toBe(2);
  const entries = index.files.flatMap((f) => (JSON.parse(files.get(`data/${f.path}`)!.toString('utf8')) as LeaderboardEntriesFile).entries);
  expect(entries.map((e) => e.model)).toEqual(['org/e2e-model', 'org/e2e-model']);
  expect(entries.map((e) => e.cycles)).toEqual([2, 2]);

  // The link was for one download: used again, it is refused, and a made-up one too.
  const url = new URL(download.url());
  expect(url.pathname).toMatch(/^\/download\/export\/[0-9a-f]{64}\/llem-studio-.+\.zip$/);
  expect((await page.request.get(url.href)).status()).toBe(404);
  expect((await page.request.get(`${url.origin}/download/export/${'0'.repeat(64)}/x.zip`)).status()).toBe(404);
  expect(consoleErrors).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('site-zip.png') });
  await page.close();
});
