import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSetting, writeSetting } from '../../../core/settings/appSettingsStore';
import {
  addRecentCampaign,
  clearRecentCampaigns,
  listRecentCampaigns,
  MAX_RECENT_CAMPAIGNS,
  RECENT_CAMPAIGNS_KEY,
  removeRecentCampaign,
} from '../../../core/settings/recentCampaigns';
import { openDatabase, type Db } from '../../../core/store/database';
import { campaignPathFromArgv, createRecentCampaigns, type RecentCampaignStore } from '../../../main/recentCampaigns';
import { err, ok } from '../../../contract/result';
import { z } from 'zod';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-recent-'));
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  db = opened.value;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recent campaigns in the store (core/settings)', () => {
  it('newest first, one entry per file, at most ten, surviving a reopen of the store', () => {
    for (let i = 0; i < 12; i++) addRecentCampaign(db, `/s/${i}.yaml`, new Date(Date.UTC(2026, 0, 1, 0, i)));
    addRecentCampaign(db, '/s/5.yaml', new Date(Date.UTC(2026, 0, 2)));
    const list = listRecentCampaigns(db);
    expect(list).toHaveLength(MAX_RECENT_CAMPAIGNS);
    expect(list.map((r) => r.path).slice(0, 3)).toEqual(['/s/5.yaml', '/s/11.yaml', '/s/10.yaml']);
    expect(list.filter((r) => r.path === '/s/5.yaml')).toHaveLength(1);
    expect(list[0]!.openedAt).toBe('2026-01-02T00:00:00.000Z');
    db.close();
    const reopened = openDatabase(dir);
    if (!reopened.ok) throw new Error(reopened.error.message);
    db = reopened.value;
    expect(listRecentCampaigns(db)).toEqual(list);
  });

  it('stores absolute paths, and removes and clears', () => {
    addRecentCampaign(db, 'relative/s.yaml');
    expect(listRecentCampaigns(db)[0]!.path).toBe(path.resolve('relative/s.yaml'));
    addRecentCampaign(db, '/a.yaml');
    expect(removeRecentCampaign(db, '/a.yaml').map((r) => r.path)).toEqual([path.resolve('relative/s.yaml')]);
    clearRecentCampaigns(db);
    expect(listRecentCampaigns(db)).toEqual([]);
  });

  it('a damaged stored value reads as an empty list instead of crashing', () => {
    db.prepare('INSERT INTO app_settings (key, value_json, updated_at) VALUES (?, ?, ?)').run(RECENT_CAMPAIGNS_KEY, '{not json', 'x');
    expect(listRecentCampaigns(db)).toEqual([]);
    writeSetting(db, RECENT_CAMPAIGNS_KEY, [{ path: 42 }]);
    expect(listRecentCampaigns(db)).toEqual([]);
    expect(addRecentCampaign(db, '/fresh.yaml').map((r) => r.path)).toEqual(['/fresh.yaml']);
  });

  it('settings round-trip through the schema given', () => {
    writeSetting(db, 'ui.theme', { mode: 'dark' });
    expect(readSetting(db, 'ui.theme', z.object({ mode: z.enum(['dark', 'light']) }))).toEqual({ mode: 'dark' });
    expect(readSetting(db, 'ui.theme', z.object({ mode: z.number() }))).toBeNull();
    expect(readSetting(db, 'absent', z.unknown())).toBeNull();
  });
});

describe('recent campaigns in the shell', () => {
  /** The store the core process answers from (main/coreHost/coreService.ts does the same over the port). */
  const storeOver = (database: Db): RecentCampaignStore => ({
    list: async () => ok(listRecentCampaigns(database)),
    add: async (file) => ok(addRecentCampaign(database, file)),
    remove: async (file) => ok(removeRecentCampaign(database, file)),
    clear: async () => {
      clearRecentCampaigns(database);
      return ok([]);
    },
  });

  it('tells the OS and the menu, and keeps the list the store last gave', async () => {
    const os = { addRecentDocument: vi.fn(), clearRecentDocuments: vi.fn() };
    const onChange = vi.fn();
    addRecentCampaign(db, '/s/old.yaml');
    const recent = createRecentCampaigns(storeOver(db), os, onChange);
    expect(recent.list()).toEqual([]);
    await recent.refresh();
    expect(recent.list().map((r) => r.path)).toEqual(['/s/old.yaml']);
    recent.add('/s/a.yaml');
    expect(os.addRecentDocument).toHaveBeenCalledWith('/s/a.yaml');
    await vi.waitFor(() => expect(onChange).toHaveBeenLastCalledWith([expect.objectContaining({ path: '/s/a.yaml' }), expect.objectContaining({ path: '/s/old.yaml' })]));
    recent.remove('/s/a.yaml');
    await vi.waitFor(() => expect(onChange).toHaveBeenLastCalledWith([expect.objectContaining({ path: '/s/old.yaml' })]));
    recent.add('/s/b.yaml');
    recent.clear();
    expect(os.clearRecentDocuments).toHaveBeenCalled();
    await vi.waitFor(() => expect(recent.list()).toEqual([]));
    expect(listRecentCampaigns(db)).toEqual([]);
  });

  it('a store that fails leaves the list as it was and says why in the log', async () => {
    const log = vi.fn();
    const failing: RecentCampaignStore = {
      ...storeOver(db),
      add: async () => err('core_stopped', 'The llem Studio core stopped unexpectedly (exit code 9).'),
    };
    const recent = createRecentCampaigns(failing, { addRecentDocument: vi.fn(), clearRecentDocuments: vi.fn() }, vi.fn(), log);
    recent.add('/s/a.yaml');
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('exit code 9')));
    expect(recent.list()).toEqual([]);
  });

  it('finds a campaign file on the command line, relative to the launch folder', () => {
    const study = path.join(dir, 'study.yaml');
    writeFileSync(study, 'model: gpt2\n');
    const isFile = (p: string) => p === study;
    expect(campaignPathFromArgv(['/opt/llem/llem-studio', '--flag', 'study.yaml'], dir, isFile)).toBe(study);
    expect(campaignPathFromArgv(['/opt/llem/llem-studio', study], '/elsewhere', isFile)).toBe(study);
    expect(campaignPathFromArgv(['/usr/bin/electron', '.', 'missing.yaml', 'package.json'], dir, isFile)).toBeNull();
    expect(campaignPathFromArgv(['study.yaml'], dir, isFile)).toBeNull(); // argv[0] is the executable
  });
});
