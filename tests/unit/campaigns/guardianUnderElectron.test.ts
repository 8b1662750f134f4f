import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getCampaign, saveCampaign } from '../../../core/campaigns/campaignStore';
import { CampaignSessions } from '../../../core/campaigns/campaignSessions';
import { GUARDIAN_PYTHON_ENV } from '../../../core/processes/guardian';
import { openDatabase } from '../../../core/store/database';

const FAKE_LLEM = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-guardian-electron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` as if this process were Electron's (the desktop app's core process), where runAsNode is off. */
async function asElectron<T>(body: () => Promise<T>): Promise<T> {
  const versions = process.versions as Record<string, string | undefined>;
  Object.defineProperty(process.versions, 'electron', { value: '40.0.0', configurable: true, enumerable: true });
  try {
    return await body();
  } finally {
    delete versions.electron;
  }
}

describe('a campaign started in the desktop app when no Python for the process guardian is found', () => {
  it('does not start: the error names what is missing and where to set it, and no run is created', async () => {
    const opened = openDatabase(path.join(dir, 'data'));
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    try {
      const saved = saveCampaign(db, { name: 'guarded', yaml: 'model: org/a\n', profile: 'v0.7' });
      if (!saved.ok) throw new Error(saved.error.message);
      // The fake llem is a Node script: its first line names no Python, and nothing is beside it.
      const sessions = new CampaignSessions({ db, dataDir: path.join(dir, 'data'), env: { PATH: '', LLEM_STUDIO_LLEM: FAKE_LLEM }, log: () => undefined });
      const started = await asElectron(() => sessions.start(saved.value.id));
      expect(started.ok).toBe(false);
      if (started.ok) return;
      expect(started.error.code).toBe('guardian_python_missing');
      expect(started.error.message).toContain('No Python interpreter was found to run the process guardian');
      expect(started.error.message).toContain(`the first line of ${FAKE_LLEM}`);
      expect(started.error.message).toContain(GUARDIAN_PYTHON_ENV);
      expect(sessions.activeCampaignIds).toEqual([]);
      expect(getCampaign(db, saved.value.id)).toMatchObject({ ok: true, value: { status: 'draft' } });
      expect((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  });
});
