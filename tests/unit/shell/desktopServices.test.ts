import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecentCampaign } from '../../../contract/desktop';
import { openDatabase, type Db } from '../../../core/store/database';
import { importPaths } from '../../../core/results/importPaths';
import type { ImportReport } from '../../../core/results/importTypes';
import { MAX_CAMPAIGN_FILE_BYTES, readCampaignFile, writeTextFileAtomic } from '../../../main/campaignFiles';
import { createDesktopServices, MAX_LISTED_REJECTIONS, summarizeImport, type DialogPort } from '../../../main/desktopServices';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-desktop-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const STUDY = 'model: gpt2\nbackend: pytorch\nsweep:\n  pytorch.batch_size: [1, 2]\n';

function memoryRecent(initial: RecentCampaign[] = []) {
  let list = [...initial];
  return {
    list: () => list,
    add: vi.fn((file: string) => {
      list = [{ path: file, openedAt: 'now' }, ...list.filter((r) => r.path !== file)];
    }),
    remove: vi.fn((file: string) => {
      list = list.filter((r) => r.path !== file);
    }),
  };
}

function dialogs(open: { canceled: boolean; filePaths: string[] }, save: { canceled: boolean; filePath?: string } = { canceled: true }) {
  return {
    showOpenDialog: vi.fn(async (_owner: unknown, _options: unknown) => open),
    showSaveDialog: vi.fn(async (_owner: unknown, _options: unknown) => save),
  } satisfies DialogPort;
}

const emptyReport = (): ImportReport => ({ added: [], duplicates: [], rejected: [], ignored: [] });

describe('campaign files', () => {
  it('reads a loadable YAML study with its name', async () => {
    const file = path.join(dir, 'sweep.yaml');
    writeFileSync(file, STUDY);
    expect(await readCampaignFile(file)).toEqual({ ok: true, value: { path: file, name: 'sweep.yaml', text: STUDY } });
  });

  it('refuses what llem could not load, saying where', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'model: gpt2\nsweep: [unclosed\n');
    const result = await readCampaignFile(bad);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_campaign_file', path: bad } });
    expect(!result.ok && result.error.message).toMatch(/bad\.yaml.*line \d+/);

    const latin1 = path.join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from([0x6d, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(await readCampaignFile(latin1)).toMatchObject({ ok: false, error: { code: 'invalid_campaign_file', message: expect.stringMatching(/UTF-8/) } });

    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, STUDY);
    expect(await readCampaignFile(text)).toMatchObject({ ok: false, error: { code: 'unsupported_file' } });
    expect(await readCampaignFile(path.join(dir, 'missing.yaml'))).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await readCampaignFile(dir + '.yaml')).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const huge = path.join(dir, 'huge.yaml');
    writeFileSync(huge, 'a'.repeat(MAX_CAMPAIGN_FILE_BYTES + 1));
    expect(await readCampaignFile(huge)).toMatchObject({ ok: false, error: { code: 'file_too_large' } });
  });

  it('writes atomically: the old file survives a failed write, and no temp file is left', async () => {
    const file = path.join(dir, 'study.yaml');
    writeFileSync(file, 'old');
    await writeTextFileAtomic(file, STUDY);
    expect(readFileSync(file, 'utf8')).toBe(STUDY);
    await expect(writeTextFileAtomic(path.join(dir, 'no-such-folder', 'x.yaml'), 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['study.yaml']);
  });
});

describe('desktop services', () => {
  it('Open: a cancelled dialog is null; an opened file joins the recent list', async () => {
    const recent = memoryRecent();
    const cancelled = createDesktopServices({ dialogs: dialogs({ canceled: true, filePaths: [] }), recent, importResults: async () => emptyReport() });
    expect(await cancelled.openCampaignDialog(null)).toEqual({ ok: true, value: null });

    const file = path.join(dir, 'sweep.yml');
    writeFileSync(file, STUDY);
    const d = dialogs({ canceled: false, filePaths: [file] });
    const services = createDesktopServices({ dialogs: d, recent, importResults: async () => emptyReport() });
    expect(await services.openCampaignDialog(null)).toMatchObject({ ok: true, value: { path: file, text: STUDY } });
    expect(recent.add).toHaveBeenCalledWith(file);
    expect(d.showOpenDialog.mock.calls[0]![1]).toMatchObject({ properties: ['openFile'], filters: expect.arrayContaining([expect.objectContaining({ extensions: ['yaml', 'yml', 'json'] })]) });
  });

  it('an invalid file opened from the dialog is an error and is not remembered', async () => {
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'a: [');
    const recent = memoryRecent();
    const services = createDesktopServices({ dialogs: dialogs({ canceled: false, filePaths: [file] }), recent, importResults: async () => emptyReport() });
    expect(await services.openCampaignDialog(null)).toMatchObject({ ok: false, error: { code: 'invalid_campaign_file' } });
    expect(recent.add).not.toHaveBeenCalled();
  });

  it('reopening works only for paths on the recent list; a vanished file leaves the list', async () => {
    const file = path.join(dir, 'sweep.yaml');
    writeFileSync(file, STUDY);
    const gone = path.join(dir, 'gone.yaml');
    const recent = memoryRecent([
      { path: file, openedAt: 't1' },
      { path: gone, openedAt: 't0' },
    ]);
    const services = createDesktopServices({ dialogs: dialogs({ canceled: true, filePaths: [] }), recent, importResults: async () => emptyReport() });
    expect(await services.openRecentCampaign(file)).toMatchObject({ ok: true, value: { text: STUDY } });
    const secret = path.join(dir, 'secret.yaml');
    writeFileSync(secret, 'token: x\n');
    expect(await services.openRecentCampaign(secret)).toMatchObject({ ok: false, error: { code: 'not_recent' } });
    expect(await services.openRecentCampaign(gone)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(recent.remove).toHaveBeenCalledWith(gone);
    expect(services.listRecentCampaigns()).toEqual({ ok: true, value: [expect.objectContaining({ path: file })] });
  });

  it('Save writes the text where the user chose, adding the extension; campaigns join the recent list', async () => {
    const recent = memoryRecent();
    const target = path.join(dir, 'my-sweep');
    const d = dialogs({ canceled: true, filePaths: [] }, { canceled: false, filePath: target });
    const services = createDesktopServices({ dialogs: d, recent, importResults: async () => emptyReport() });
    expect(await services.saveFile(null, { suggestedName: 'sweep.yaml', kind: 'campaign', text: STUDY })).toEqual({ ok: true, value: { path: `${target}.yaml` } });
    expect(readFileSync(`${target}.yaml`, 'utf8')).toBe(STUDY);
    expect(recent.add).toHaveBeenCalledWith(`${target}.yaml`);
    expect(d.showSaveDialog.mock.calls[0]![1]).toMatchObject({ defaultPath: 'sweep.yaml', filters: [{ extensions: ['yaml', 'yml'] }] });

    const csv = path.join(dir, 'runs.csv');
    const exportServices = createDesktopServices({ dialogs: dialogs({ canceled: true, filePaths: [] }, { canceled: false, filePath: csv }), recent, importResults: async () => emptyReport() });
    expect(await exportServices.saveFile(null, { suggestedName: 'runs.csv', kind: 'csv', text: 'a,b\n' })).toEqual({ ok: true, value: { path: csv } });
    expect(recent.add).toHaveBeenCalledTimes(1);
  });

  it('Save: cancelled is null; a failed write is an error naming the file', async () => {
    const recent = memoryRecent();
    const cancelled = createDesktopServices({ dialogs: dialogs({ canceled: true, filePaths: [] }), recent, importResults: async () => emptyReport() });
    expect(await cancelled.saveFile(null, { suggestedName: 'x.json', kind: 'json', text: '{}' })).toEqual({ ok: true, value: null });
    const nowhere = path.join(dir, 'missing-folder', 'x.json');
    const failing = createDesktopServices({ dialogs: dialogs({ canceled: true, filePaths: [] }, { canceled: false, filePath: nowhere }), recent, importResults: async () => emptyReport() });
    expect(await failing.saveFile(null, { suggestedName: 'x.json', kind: 'json', text: '{}' })).toMatchObject({ ok: false, error: { code: 'write_failed', path: nowhere } });
  });

  it('Import: the dialog asks for files or folders and the summary counts what happened', async () => {
    const report: ImportReport = {
      added: [{ path: '/a.json', kind: 'llem_result', notes: [] }],
      duplicates: [{ path: '/b.json', kind: 'llem_result', matchedBy: 'sha256' }],
      rejected: Array.from({ length: MAX_LISTED_REJECTIONS + 5 }, (_, i) => ({ path: `/bad${i}.json`, kind: null, reason: `bad ${i}` })),
      ignored: [{ path: '/log.txt', reason: 'not a result' }],
    };
    const importer = vi.fn(async () => report);
    const d = dialogs({ canceled: false, filePaths: ['/data/results'] });
    const services = createDesktopServices({ dialogs: d, recent: memoryRecent(), importResults: importer });
    const result = await services.importResultsDialog(null, { folders: true });
    expect(importer).toHaveBeenCalledWith(['/data/results']);
    expect(d.showOpenDialog.mock.calls[0]![1]).toMatchObject({ properties: ['openDirectory', 'multiSelections'] });
    expect(result).toMatchObject({ ok: true, value: { added: 1, duplicates: 1, ignored: 1 } });
    expect(result.ok && result.value?.rejected).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(summarizeImport(report).rejected[0]).toEqual({ path: '/bad0.json', reason: 'bad 0' });
  });

  it('Import: a crashing importer is an error, not an exception', async () => {
    const services = createDesktopServices({
      dialogs: dialogs({ canceled: true, filePaths: [] }),
      recent: memoryRecent(),
      importResults: async () => {
        throw new Error('database is locked');
      },
    });
    expect(await services.importPaths(['/x.json'])).toMatchObject({ ok: false, error: { code: 'import_failed', message: expect.stringMatching(/database is locked/) } });
  });

  it('Import through the real core: an explicitly named non-result file is rejected with its path', async () => {
    const opened = openDatabase(path.join(dir, 'data'));
    if (!opened.ok) throw new Error(opened.error.message);
    const db: Db = opened.value;
    try {
      const file = path.join(dir, 'not-a-result.json');
      writeFileSync(file, '{"hello": "world"}');
      const services = createDesktopServices({ dialogs: dialogs({ canceled: true, filePaths: [] }), recent: memoryRecent(), importResults: (p) => importPaths(db, p) });
      const result = await services.importPaths([file]);
      expect(result).toMatchObject({ ok: true, value: { added: 0, rejected: [{ path: file }] } });
    } finally {
      db.close();
    }
  });
});
