import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshMlEnergyV3, type FetchLike } from '../../../core/results/mlenergy/fetchMlEnergy';
import type { Db } from '../../../core/store/database';
import { openTempDb, tempDir } from './helpers';

/** A fake site: URL → body (never the network). */
function fakeFetch(pages: Record<string, string>, calls: string[] = []): FetchLike {
  return async (url) => {
    calls.push(url);
    const body = pages[url];
    return body === undefined ? { ok: false, status: 404, text: async () => 'not found' } : { ok: true, status: 200, text: async () => body };
  };
}
const offline: FetchLike = async () => {
  throw new Error('getaddrinfo ENOTFOUND ml.energy');
};

const BASE = 'https://example.test/data';
const index = { last_updated: '2031-05-05', tasks: ['chat', 'image'], architectures: { llm: ['chat'], diffusion: ['image'] }, models: {} };
const chat = {
  task: 'chat',
  configurations: [{ model_id: 'org/m', gpu_model: 'B200', num_gpus: 1, max_num_seqs: 8, energy_per_token_joules: 0.3 }],
};

let db: Db;
let cacheDir: string;
let cleanups: (() => void)[] = [];
beforeEach(() => {
  const t = openTempDb();
  const d = tempDir('llem-cache-');
  db = t.db;
  cacheDir = d.dir;
  cleanups = [t.cleanup, d.cleanup];
});
afterEach(() => cleanups.forEach((c) => c()));

describe('ML.ENERGY refresh from the site (injected fetch)', () => {
  it('downloads the index and LLM tasks only, caches them and imports as a url-sourced dataset', async () => {
    const calls: string[] = [];
    const pages = { [`${BASE}/index.json`]: JSON.stringify(index), [`${BASE}/tasks/chat.json`]: JSON.stringify(chat) };
    const out = await refreshMlEnergyV3(db, { fetch: fakeFetch(pages, calls), cacheDir, baseUrl: BASE, hashFn: null });
    if (!out.ok) throw new Error(out.error.message);
    expect(calls).toEqual([`${BASE}/index.json`, `${BASE}/tasks/chat.json`]);
    expect(out.value.usedCache).toBe(false);
    expect(db.prepare('SELECT source_kind, source_location, label FROM reference_datasets').get()).toEqual({
      source_kind: 'url',
      source_location: BASE,
      label: 'ML.ENERGY Leaderboard v3 (data of 2031-05-05)',
    });
    expect(db.prepare('SELECT model, energy_per_token_j FROM reference_rows').all()).toEqual([{ model: 'org/m', energy_per_token_j: 0.3 }]);
  });

  it('offline: imports the cached copy and says so', async () => {
    const pages = { [`${BASE}/index.json`]: JSON.stringify(index), [`${BASE}/tasks/chat.json`]: JSON.stringify(chat) };
    await refreshMlEnergyV3(db, { fetch: fakeFetch(pages), cacheDir, baseUrl: BASE, hashFn: null });
    db.exec('DELETE FROM reference_datasets; DELETE FROM reference_files;');
    const out = await refreshMlEnergyV3(db, { fetch: offline, cacheDir, baseUrl: BASE, hashFn: null });
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.usedCache).toBe(true);
    expect(out.value.note).toMatch(/ENOTFOUND/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get()).toEqual({ n: 1 });
  });

  it('offline without a cache: a clear error, nothing stored', async () => {
    const out = await refreshMlEnergyV3(db, { fetch: offline, cacheDir, baseUrl: BASE, hashFn: null });
    expect(out).toMatchObject({ ok: false, error: { code: 'network_unavailable' } });
    expect(db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get()).toEqual({ n: 0 });
  });

  it('a broken download keeps the previous cache intact', async () => {
    const good = { [`${BASE}/index.json`]: JSON.stringify(index), [`${BASE}/tasks/chat.json`]: JSON.stringify(chat) };
    await refreshMlEnergyV3(db, { fetch: fakeFetch(good), cacheDir, baseUrl: BASE, hashFn: null });
    const broken = { [`${BASE}/index.json`]: JSON.stringify(index), [`${BASE}/tasks/chat.json`]: '{"task": "chat", "configurations": [' };
    const out = await refreshMlEnergyV3(db, { fetch: fakeFetch(broken), cacheDir, baseUrl: BASE, hashFn: null });
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.usedCache).toBe(true);
    expect(out.value.note).toMatch(/tasks\/chat\.json: not valid JSON/);
    expect(readFileSync(path.join(cacheDir, 'mlenergy', 'leaderboard-v3', 'tasks', 'chat.json'), 'utf8')).toBe(JSON.stringify(chat));
  });

  it('refuses task names that would escape the cache folder', async () => {
    const evil = { ...index, tasks: ['../../x'], architectures: { llm: ['../../x'] } };
    const out = await refreshMlEnergyV3(db, { fetch: fakeFetch({ [`${BASE}/index.json`]: JSON.stringify(evil) }), cacheDir, baseUrl: BASE, hashFn: null });
    expect(out).toMatchObject({ ok: false, error: { code: 'network_unavailable' } });
    if (!out.ok) expect(out.error.message).toMatch(/unsafe task name/);
  });
});
