import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCommand } from '../../../core/cli/export';
import { exportSite, SITE_TEMPLATE_FILES, type LeaderboardIndex } from '../../../core/export/index';
import { openTempDb, tempDir } from '../results/helpers';
import { CAMPAIGN_A, GEN, seedAll } from './seed';

let store: ReturnType<typeof openTempDb>;
let out: ReturnType<typeof tempDir>;
beforeEach(async () => {
  store = openTempDb();
  out = tempDir('llem-site-');
  await seedAll(store.db);
});
afterEach(() => {
  store.cleanup();
  out.cleanup();
});

/** Runs data/data.js as the browser would (a classic script setting a global) and returns what it set. */
function loadDataScript(dir: string): { index: LeaderboardIndex; files: Record<string, unknown> } {
  const sandbox: { window: Record<string, unknown> } = { window: {} };
  vm.runInNewContext(readFileSync(path.join(dir, 'data', 'data.js'), 'utf8'), sandbox);
  return sandbox.window.LLEM_LEADERBOARD as never;
}

describe('static site export', () => {
  it('writes a self-contained folder: page, assets, the leaderboard JSON and the same data as a script', () => {
    const r = exportSite(store.db, { generatorVersion: GEN, outDir: out.dir });
    expect(r.ok).toBe(true);
    for (const f of SITE_TEMPLATE_FILES) expect(existsSync(path.join(out.dir, f.to)), f.to).toBe(true);
    const index = JSON.parse(readFileSync(path.join(out.dir, 'data', 'index.json'), 'utf8')) as LeaderboardIndex;
    const embedded = loadDataScript(out.dir);
    expect(embedded.index).toEqual(index);
    for (const ref of index.files) {
      expect(embedded.files[ref.path]).toEqual(JSON.parse(readFileSync(path.join(out.dir, 'data', ref.path), 'utf8')));
    }
    const html = readFileSync(path.join(out.dir, 'index.html'), 'utf8');
    // Relative classic scripts only: file:// pages cannot fetch() or import modules.
    expect(html).toContain('<script src="data/data.js"></script>');
    expect(html).toContain('<script src="assets/app.js"></script>');
    expect(html).not.toMatch(/type="module"|https?:\/\/[^"]*\.(js|css)"/);
  });

  it('is reproducible byte for byte', () => {
    exportSite(store.db, { generatorVersion: GEN, outDir: out.dir });
    const first = readFileSync(path.join(out.dir, 'data', 'data.js'), 'utf8');
    exportSite(store.db, { generatorVersion: GEN, outDir: out.dir });
    expect(readFileSync(path.join(out.dir, 'data', 'data.js'), 'utf8')).toBe(first);
  });

  it('names a missing template clearly', () => {
    const r = exportSite(store.db, { generatorVersion: GEN, outDir: out.dir, siteTemplateDir: path.join(out.dir, 'nowhere') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'site_template_missing', message: expect.stringContaining('index.html') });
  });
});

describe('llem-studio export (command body)', () => {
  it('exports leaderboard JSON and site, and reports usage errors with exit 2', async () => {
    const lb = await runExportCommand({ format: 'leaderboard', out: path.join(out.dir, 'lb'), dataDir: store.dir, campaigns: [CAMPAIGN_A.id] });
    expect(lb.exitCode, lb.stderr).toBe(0);
    expect(lb.stdout).toMatch(/Exported 2 configurations as leaderboard JSON/);
    expect(lb.stdout).toContain('No paths, host names or campaign names included.');
    const site = await runExportCommand({ format: 'site', out: path.join(out.dir, 'site'), dataDir: store.dir, json: true });
    expect(site.exitCode, site.stderr).toBe(0);
    expect(JSON.parse(site.stdout)).toMatchObject({ format: 'site', entries: 5 });
    expect((await runExportCommand({ format: 'csv', out: out.dir, dataDir: store.dir })).exitCode).toBe(2);
    expect((await runExportCommand({ format: 'site', out: '', dataDir: store.dir })).exitCode).toBe(2);
    expect((await runExportCommand({ format: 'site', out: out.dir, dataDir: store.dir, maxBytes: -1 })).exitCode).toBe(2);
    const over = await runExportCommand({ format: 'leaderboard', out: path.join(out.dir, 'small'), dataDir: store.dir, maxBytes: 1000 });
    expect(over.exitCode).toBe(1);
    expect(over.stderr).toMatch(/over the size budget/);
    const unknown = await runExportCommand({ format: 'leaderboard', out: out.dir, dataDir: store.dir, campaigns: ['no-such'] });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('No campaign with id no-such');
  });
});

describe('CLI registration (commander)', () => {
  it('parses repeatable --campaign, --max-bytes and flags into the command bodies', async () => {
    const { Command } = await import('commander');
    const { registerExportCommand } = await import('../../../core/cli/export');
    const { registerPushCommand } = await import('../../../core/cli/push');
    const outputs: { exitCode: number; stdout: string; stderr: string }[] = [];
    const program = new Command().exitOverride();
    registerExportCommand(program, (o) => outputs.push(o));
    registerPushCommand(program, (o) => outputs.push(o));
    const dir = path.join(out.dir, 'cli');
    await program.parseAsync(['export', '--format', 'leaderboard', '--out', dir, '--campaign', CAMPAIGN_A.id, '--campaign', CAMPAIGN_A.id, '--max-bytes', '900000', '--data-dir', store.dir, '--json'], { from: 'user' });
    expect(outputs[0]!.exitCode, outputs[0]!.stderr).toBe(0);
    expect(JSON.parse(outputs[0]!.stdout)).toMatchObject({ entries: 2 });
    await program.parseAsync(['push', '--url', 'http://127.0.0.1:9', '--dry-run', '--campaign', CAMPAIGN_A.id, '--data-dir', store.dir], { from: 'user' });
    expect(outputs[1]!.exitCode, outputs[1]!.stderr).toBe(0);
    expect(JSON.parse(outputs[1]!.stdout).entries).toHaveLength(2);
    await expect(program.parseAsync(['export', '--format', 'site', '--out', dir, '--max-bytes', 'lots'], { from: 'user' })).rejects.toThrow(/number of bytes/);
  });
});
