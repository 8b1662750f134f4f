import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWN_FIXTURES, sharedFixture } from '../../results/helpers';
import { makeResult } from '../../results/makeResult';
import { failure, startTestCore, value } from './helpers';

let t: ReturnType<typeof startTestCore>;
beforeEach(() => {
  t = startTestCore();
});
afterEach(() => t.stop());

const b64 = (x: string | Buffer) => Buffer.from(x).toString('base64');
const uploadsDir = () => path.join(t.dataDir, 'uploads');

describe('results.importContent (browser mode sends contents, not paths)', () => {
  it('stores chunks across calls, then imports the result with the timeseries sent beside it', async () => {
    const json = JSON.stringify(makeResult({ model: 'org/upload', timeseries: 'timeseries.parquet' }), null, 2);
    const uploadId = randomUUID();
    // Chunks split at a multiple of 3 bytes, so each is valid base64 on its own.
    const bytes = Buffer.from(json);
    const cut = 3 * Math.floor(bytes.length / 6);
    const first = value(await t.call('results.importContent', { uploadId, finish: false, files: [{ name: 'run1/result.json', base64: b64(bytes.subarray(0, cut)) }] }));
    expect(first).toEqual({ uploadId, storedBytes: cut, report: null });
    const parquet = readFileSync(path.join(OWN_FIXTURES, 'timeseries_12rows.parquet'));
    const done = value(
      await t.call('results.importContent', {
        uploadId,
        finish: true,
        files: [
          { name: 'run1/result.json', base64: b64(bytes.subarray(cut)), append: true },
          { name: 'run1/timeseries.parquet', base64: b64(parquet) },
        ],
      }),
    );
    expect(done.storedBytes).toBe(bytes.length + parquet.length);
    expect(done.report?.rejected).toEqual([]);
    expect(done.report?.added).toHaveLength(1);
    const added = done.report!.added[0]!;
    expect(added.path).toBe('run1/result.json');
    expect(added.notes.join(' ')).not.toContain(t.dataDir);
    const timeline = value(await t.call('results.timeline', { resultId: added.resultId! }));
    expect(timeline.source).toBe('llem');
    expect(timeline.totalSamples).toBe(12);
    // The stored copy is the result's source: kept, with its marker.
    expect(readdirSync(path.join(uploadsDir(), uploadId))).toEqual(expect.arrayContaining(['run1', '.imported']));

    const again = value(await t.call('results.importContent', { uploadId: randomUUID(), finish: true, files: [{ name: 'copy.json', base64: b64(bytes) }] }));
    expect(again.report).toMatchObject({ added: [], duplicates: [{ path: 'copy.json', matchedBy: 'sha256' }] });
    expect(readdirSync(uploadsDir())).toEqual([uploadId]); // nothing new was kept
  });

  it('reports a broken file with its own name and reason, and ignores non-JSON files', async () => {
    const text = JSON.stringify(makeResult()).slice(0, 200);
    const r = value(
      await t.call('results.importContent', {
        uploadId: randomUUID(),
        finish: true,
        files: [
          { name: 'bad/result.json', base64: b64(text) },
          { name: 'notes.txt', base64: b64('hello') },
        ],
      }),
    );
    expect(r.report!.added).toEqual([]);
    expect(r.report!.rejected).toHaveLength(1);
    expect(r.report!.rejected[0]!.path).toBe('bad/result.json');
    expect(r.report!.rejected[0]!.reason).toMatch(/^bad\/result\.json/);
    expect(r.report!.rejected[0]!.reason).not.toContain(t.dataDir);
    expect(r.report!.ignored).toEqual([{ path: 'notes.txt', reason: expect.stringMatching(/not a JSON file/) }]);
    expect(existsSync(uploadsDir()) ? readdirSync(uploadsDir()) : []).toEqual([]);
    expect(value(await t.call('results.list', {})).total).toBe(0);
  });

  it('refuses names outside the upload, non-base64 content and oversized calls before touching the disk', async () => {
    const uploadId = randomUUID();
    for (const name of ['../escape.json', '/etc/passwd', 'C:\\x.json', 'a/../../b.json', 'a//b.json']) {
      const e = failure(await t.call('results.importContent', { uploadId, finish: true, files: [{ name, base64: '' }] }));
      expect(e.code).toBe('invalid_params');
      expect(e.issues?.[0]?.path).toBe('files.0.name');
    }
    const notB64 = failure(await t.call('results.importContent', { uploadId, finish: true, files: [{ name: 'x.json', base64: 'not base64!' }] }));
    expect(notB64.issues?.[0]?.path).toBe('files.0.base64');
    const big = failure(await t.call('results.importContent', { uploadId, finish: false, files: [{ name: 'x.json', base64: 'A'.repeat(3_000_004) }] }));
    expect(big.issues?.[0]).toMatchObject({ path: 'files', message: expect.stringMatching(/further calls/) });
    expect(failure(await t.call('results.importContent', { uploadId: 'x', finish: true, files: [] })).issues?.[0]?.path).toBe('uploadId');
    expect(existsSync(uploadsDir())).toBe(false);
  });
});

const v3 = sharedFixture('mlenergy/leaderboard-v3');

describe.skipIf(v3.skip)('reference data uploaded as contents (real ML.ENERGY v3 files)', () => {
  it('lands in a labelled dataset, listed only as reference rows and never aggregated', async () => {
    const names = ['index.json', ...readdirSync(path.join(v3.path, 'tasks')).map((f) => `tasks/${f}`)];
    const files = names.map((n) => ({ name: `leaderboard-v3/${n}`, base64: readFileSync(path.join(v3.path, n)).toString('base64') }));
    const r = value(await t.call('results.importContent', { uploadId: randomUUID(), finish: true, files }));
    expect(r.report!.rejected).toEqual([]);
    const datasets = value(await t.call('results.referenceDatasets', {}));
    expect(datasets).toHaveLength(1);
    expect(datasets[0]!.label).toMatch(/ML\.ENERGY/);
    expect(datasets[0]!.rowCount).toBeGreaterThan(0);
    const rows = value(await t.call('results.list', { sources: ['reference'], limit: 5 }));
    expect(rows.total).toBe(datasets[0]!.rowCount);
    expect(rows.rows.every((row) => row.source === 'reference' && row.reference_dataset === datasets[0]!.label)).toBe(true);
    const own = value(await t.call('results.list', {}));
    expect(own.total).toBe(0);
    expect(value(await t.call('results.aggregates', {})).totalResults).toBe(0);
  });
});
