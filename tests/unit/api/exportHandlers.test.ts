import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiMethods } from '../../../contract/api';
import { exportApiMethods } from '../../../contract/apiExport';
import { createExportHandlers, EXPORTS_DIR } from '../../../core/api/exportHandlers';
import { exportLeaderboard } from '../../../core/export/index';
import { ENTRIES_SCHEMA, INDEX_SCHEMA, listTree } from '../../helpers/exportSchemas';
import { failure, startTestCore, value } from './results/helpers';
import { checkJsonSchema } from '../share/jsonSchemaChecker';
import { CAMPAIGN_A, CAMPAIGN_B, importLoose, LOOSE, seedAll } from '../share/seed';

/**
 * The export methods of the API (contract/apiExport.ts, core/api/exportHandlers.ts), called through the real
 * dispatcher on a seeded store: two campaigns (5 + 1 results) and two hand imports, one of them with a model
 * given as a local path and all of them with personal paths and host names.
 */

let t: ReturnType<typeof startTestCore>;
beforeEach(() => {
  t = startTestCore();
});
afterEach(() => t.stop());

describe('export API: contract', () => {
  it('every export method is in the one method list', () => {
    for (const name of Object.keys(exportApiMethods)) expect(Object.prototype.hasOwnProperty.call(apiMethods, name)).toBe(true);
  });

  it('refuses unknown formats, unknown fields and export ids or paths that leave the folder', async () => {
    expect(failure(await t.call('export.preview', { format: 'csv' })).code).toBe('invalid_params');
    expect(failure(await t.call('export.preview', { format: 'leaderboard', outDir: '/tmp/x' })).code).toBe('invalid_params');
    for (const exportId of ['..', '.hidden', 'a/b', '']) {
      expect(failure(await t.call('export.readFile', { exportId, path: 'index.json' })).code).toBe('invalid_params');
    }
    for (const p of ['../index.json', '/etc/passwd.json', 'a/../../b.json', 'index.html', 'a//b.json', './index.json']) {
      expect(failure(await t.call('export.readFile', { exportId: 'x', path: p })).code, p).toBe('invalid_params');
    }
  });
});

describe('export.sources', () => {
  it('lists campaigns with results and counts the hand imports; an empty store has none', async () => {
    const empty = value(await t.call('export.sources', {}));
    expect(empty).toEqual({ campaigns: [], importedResults: 0, exportsDir: path.join(t.dataDir, EXPORTS_DIR) });

    await seedAll(t.core.context.db);
    const sources = value(await t.call('export.sources', {}));
    expect(sources.campaigns.map((c) => [c.id, c.name, c.results]).sort()).toEqual(
      [
        [CAMPAIGN_A.id, CAMPAIGN_A.name, 5],
        [CAMPAIGN_B.id, CAMPAIGN_B.name, 1],
      ].sort(),
    );
    expect(sources.importedResults).toBe(LOOSE.length);
  });
});

describe('export.preview', () => {
  it('describes what would be written, without writing anything', async () => {
    await seedAll(t.core.context.db);
    const p = value(await t.call('export.preview', { format: 'leaderboard' }));
    expect(p.files.map((f) => [f.path, f.kind, f.entries])).toEqual([
      [`campaigns/${CAMPAIGN_A.id}.json`, 'entries', 2],
      [`campaigns/${CAMPAIGN_B.id}.json`, 'entries', 1],
      ['imported/results.json', 'entries', 2],
      ['index.json', 'index', null],
    ]);
    expect(p.entries).toBe(5);
    expect(p.results).toBe(5 + 1 + 2);
    expect(p.totalBytes).toBe(p.files.reduce((n, f) => n + f.bytes, 0));
    expect(p.overBudget).toBe(false);
    expect(p.maxBytes).toBe(10_000_000);
    expect(p.models).toContain('org/model-b');
    expect(p.personalData).toEqual({ included: false, campaignNames: [], hosts: [], sourcePaths: 0, outputDirs: 0 });
    // Nothing on disk.
    expect(() => readdirSync(path.join(t.dataDir, EXPORTS_DIR))).toThrow();
  });

  it('matches byte for byte what the CLI exporter writes', async () => {
    await seedAll(t.core.context.db);
    const p = value(await t.call('export.preview', { format: 'leaderboard' }));
    const dir = path.join(t.dataDir, 'cli-export');
    const cli = exportLeaderboard(t.core.context.db, { outDir: dir, generatorVersion: t.core.context.appVersion });
    if (!cli.ok) throw new Error(cli.error.message);
    expect(cli.value.totalBytes).toBe(p.totalBytes);
    expect(listTree(dir)).toEqual(p.files.map((f) => f.path).sort());
  });

  it('says what personal data is included when the user opts in', async () => {
    await seedAll(t.core.context.db);
    const p = value(await t.call('export.preview', { format: 'leaderboard', includePersonalData: true }));
    expect(p.personalData.included).toBe(true);
    expect(p.personalData.campaignNames).toEqual([CAMPAIGN_A.name, CAMPAIGN_B.name].sort());
    expect(p.personalData.hosts).toEqual([CAMPAIGN_A.host, CAMPAIGN_B.host].sort());
    expect(p.personalData.sourcePaths).toBe(5 + 1 + 2);
    expect(p.personalData.outputDirs).toBeGreaterThan(0);
    expect(p.models).toContain('/home/alice/checkpoints/my-finetune');
    const plain = value(await t.call('export.preview', { format: 'leaderboard' }));
    expect(plain.models).toContain('<local>/my-finetune');
  });

  it('selects campaigns, the hand imports, or both; an empty selection or unknown campaign is an error', async () => {
    await seedAll(t.core.context.db);
    const onlyB = value(await t.call('export.preview', { format: 'leaderboard', campaignIds: [CAMPAIGN_B.id] }));
    expect(onlyB.files.map((f) => f.path)).toEqual([`campaigns/${CAMPAIGN_B.id}.json`, 'index.json']);
    const importedOnly = value(await t.call('export.preview', { format: 'leaderboard', campaignIds: [], includeImported: true }));
    expect(importedOnly.files.map((f) => f.path)).toEqual(['imported/results.json', 'index.json']);
    expect(importedOnly.results).toBe(2);
    const both = value(await t.call('export.preview', { format: 'leaderboard', campaignIds: [CAMPAIGN_A.id], includeImported: true }));
    expect(both.files.map((f) => f.path)).toEqual([`campaigns/${CAMPAIGN_A.id}.json`, 'imported/results.json', 'index.json']);
    expect(failure(await t.call('export.preview', { format: 'leaderboard', campaignIds: [], includeImported: false })).code).toBe('nothing_selected');
    expect(failure(await t.call('export.preview', { format: 'leaderboard', campaignIds: ['nope'] })).code).toBe('unknown_campaign');
  });

  it('an empty store has nothing to export, in words', async () => {
    const e = failure(await t.call('export.preview', { format: 'leaderboard' }));
    expect(e.code).toBe('nothing_to_export');
    expect(e.message).toMatch(/no results to export/i);
  });

  it('the hand imports alone cannot be chosen when there are none', async () => {
    await importLoose(t.core.context.db, LOOSE[0]!);
    expect(value(await t.call('export.preview', { format: 'leaderboard', campaignIds: [], includeImported: true })).entries).toBe(1);
    const t2 = startTestCore();
    try {
      await seedAll(t2.core.context.db);
      t2.core.context.db.prepare('DELETE FROM results WHERE run_id IS NULL').run();
      expect(failure(await t2.call('export.preview', { format: 'leaderboard', campaignIds: [], includeImported: true })).code).toBe('empty_imported');
    } finally {
      t2.stop();
    }
  });

  it('a site preview lists the page, its assets and the data files', async () => {
    await seedAll(t.core.context.db);
    const p = value(await t.call('export.preview', { format: 'site', campaignIds: [CAMPAIGN_A.id] }));
    const byPath = Object.fromEntries(p.files.map((f) => [f.path, f.kind]));
    expect(byPath).toMatchObject({ 'index.html': 'site', 'assets/app.js': 'site', 'data/data.js': 'site', [`data/campaigns/${CAMPAIGN_A.id}.json`]: 'entries', 'data/index.json': 'index' });
    expect(p.files.at(-1)!.path).toBe('data/index.json');
  });
});

describe('export.write and export.readFile', () => {
  it('writes a new schema-valid folder under <dataDir>/exports for each export, and reads its JSON back', async () => {
    await seedAll(t.core.context.db);
    const w = value(await t.call('export.write', { format: 'leaderboard', campaignIds: [CAMPAIGN_A.id, CAMPAIGN_B.id] }));
    expect(path.dirname(w.outDir)).toBe(path.join(t.dataDir, EXPORTS_DIR));
    expect(path.basename(w.outDir)).toBe(w.exportId);
    expect(w.exportId).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-leaderboard(-\d+)?$/);
    expect(w.sitePage).toBeNull();
    expect(listTree(w.outDir)).toEqual(['index.json', `campaigns/${CAMPAIGN_A.id}.json`, `campaigns/${CAMPAIGN_B.id}.json`].sort());

    const index = JSON.parse(readFileSync(path.join(w.outDir, 'index.json'), 'utf8')) as { total_entries: number; files: { path: string }[] };
    expect(checkJsonSchema(INDEX_SCHEMA, index)).toEqual([]);
    expect(index.total_entries).toBe(3);
    for (const ref of index.files) {
      const entries = JSON.parse(readFileSync(path.join(w.outDir, ref.path), 'utf8')) as { provenance: { personal_data: string } };
      expect(checkJsonSchema(ENTRIES_SCHEMA, entries)).toEqual([]);
      expect(entries.provenance.personal_data).toBe('excluded');
    }
    // Nothing personal in any file.
    for (const f of listTree(w.outDir)) {
      const text = readFileSync(path.join(w.outDir, f), 'utf8');
      for (const secret of ['/home/alice', CAMPAIGN_A.host, CAMPAIGN_A.name]) expect(text).not.toContain(secret);
    }

    const read = value(await t.call('export.readFile', { exportId: w.exportId, path: `campaigns/${CAMPAIGN_A.id}.json` }));
    expect(read.text).toBe(readFileSync(path.join(w.outDir, 'campaigns', `${CAMPAIGN_A.id}.json`), 'utf8'));
    expect(read.bytes).toBe(Buffer.byteLength(read.text));

    // A second export at the same second gets its own folder; the first is untouched.
    const w2 = value(await t.call('export.write', { format: 'leaderboard', campaignIds: [CAMPAIGN_B.id] }));
    expect(w2.outDir).not.toBe(w.outDir);
    expect(listTree(w.outDir)).toHaveLength(3);
    expect(listTree(w2.outDir)).toEqual([`campaigns/${CAMPAIGN_B.id}.json`, 'index.json']);
  });

  it('names the folder after the clock and counts up when it exists', async () => {
    await seedAll(t.core.context.db);
    const fixed = new Date('2026-05-06T07:08:09.123Z');
    const handlers = createExportHandlers(t.core.context, () => fixed);
    const first = await handlers['export.write']({ format: 'site', includePersonalData: false });
    const second = await handlers['export.write']({ format: 'site', includePersonalData: false });
    expect(first.ok && first.value.exportId).toBe('2026-05-06T07-08-09Z-site');
    expect(second.ok && second.value.exportId).toBe('2026-05-06T07-08-09Z-site-2');
    expect(first.ok && first.value.sitePage).toBe(path.join(t.dataDir, EXPORTS_DIR, '2026-05-06T07-08-09Z-site', 'index.html'));
    expect(listTree(path.join(t.dataDir, EXPORTS_DIR, '2026-05-06T07-08-09Z-site'))).toContain('data/data.js');
  });

  it('writes personal data only when asked, and says so in the files', async () => {
    await seedAll(t.core.context.db);
    const w = value(await t.call('export.write', { format: 'leaderboard', includePersonalData: true }));
    const a = readFileSync(path.join(w.outDir, 'campaigns', `${CAMPAIGN_A.id}.json`), 'utf8');
    expect(JSON.parse(a).provenance.personal_data).toBe('included');
    expect(a).toContain(CAMPAIGN_A.host);
    expect(w.personalData.hosts).toContain(CAMPAIGN_A.host);
  });

  it('does not read missing files, other exports through links, or files outside the exports folder', async () => {
    await seedAll(t.core.context.db);
    const w = value(await t.call('export.write', { format: 'leaderboard' }));
    expect(failure(await t.call('export.readFile', { exportId: w.exportId, path: 'nope.json' })).code).toBe('not_found');
    expect(failure(await t.call('export.readFile', { exportId: 'no-such-export', path: 'index.json' })).code).toBe('not_found');
    // A link inside an export that points outside it is not followed.
    writeFileSync(path.join(t.dataDir, 'secret.json'), '{"secret": true}');
    symlinkSync(path.join(t.dataDir, 'secret.json'), path.join(w.outDir, 'link.json'));
    expect(failure(await t.call('export.readFile', { exportId: w.exportId, path: 'link.json' })).code).toBe('not_found');
    // An export folder that is itself a link out of the exports folder is refused too.
    mkdirSync(path.join(t.dataDir, 'elsewhere'));
    writeFileSync(path.join(t.dataDir, 'elsewhere', 'index.json'), '{}');
    symlinkSync(path.join(t.dataDir, 'elsewhere'), path.join(t.dataDir, EXPORTS_DIR, 'linked'));
    expect(failure(await t.call('export.readFile', { exportId: 'linked', path: 'index.json' })).code).toBe('not_found');
  });

  it('writes nothing when there is nothing to export', async () => {
    expect(failure(await t.call('export.write', { format: 'leaderboard' })).code).toBe('nothing_to_export');
    expect(() => readdirSync(path.join(t.dataDir, EXPORTS_DIR))).toThrow();
  });
});
