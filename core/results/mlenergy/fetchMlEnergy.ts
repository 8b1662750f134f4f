import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../../contract/result';
import type { Db } from '../../store/database';
import type { ConfigHashFn } from '../configHash';
import { importPaths } from '../importPaths';
import type { ImportReport } from '../importTypes';
import { parseJsonText } from '../jsonText';
import { isLlmTask, validate } from './importMlEnergy';
import { V3IndexSchema, V3TaskSchema } from './schemas';

/**
 * Refreshes the ML.ENERGY Leaderboard v3 reference data from the public site (the same files its
 * web page reads: `<base>/index.json`, `<base>/tasks/<task>.json`) into a local cache, then imports
 * from the cache. Offline, the last cached copy is imported instead. The fetch function is injected
 * so tests (and the app's proxy settings) decide how the network is reached.
 */

/** The leaderboard page serves its data from `<page>/data/` (its loader fetches `${BASE_URL}data/index.json`). */
export const MLENERGY_V3_DATA_URL = 'https://ml.energy/leaderboard/data';

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}
export type FetchLike = (url: string) => Promise<FetchResponseLike>;

export interface RefreshOptions {
  fetch: FetchLike;
  /** App cache folder; the data goes to `<cacheDir>/mlenergy/leaderboard-v3/`. */
  cacheDir: string;
  baseUrl?: string;
  hashFn?: ConfigHashFn | null;
}

export interface RefreshOutcome {
  report: ImportReport;
  /** False: fresh from the site. True: the network failed and the cached copy was used. */
  usedCache: boolean;
  /** Why the site could not be used, when it could not. */
  note?: string;
  cachedAt: string;
}

const SAFE_TASK = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export async function refreshMlEnergyV3(db: Db, options: RefreshOptions): Promise<Result<RefreshOutcome>> {
  const base = (options.baseUrl ?? MLENERGY_V3_DATA_URL).replace(/\/+$/, '');
  const cache = path.join(options.cacheDir, 'mlenergy', 'leaderboard-v3');
  const indexPath = path.join(cache, 'index.json');
  const source = { kind: 'url' as const, location: base };
  const hash = options.hashFn === undefined ? {} : { hashFn: options.hashFn };

  const fetched = await download(options.fetch, base);
  if (fetched.ok) {
    const staging = `${cache}.partial-${process.pid}`;
    try {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(path.join(staging, 'tasks'), { recursive: true });
      writeFileSync(path.join(staging, 'index.json'), fetched.value.index);
      for (const [task, text] of fetched.value.tasks) writeFileSync(path.join(staging, 'tasks', `${task}.json`), text);
      // Swap the whole folder so the cache is never half old, half new.
      rmSync(cache, { recursive: true, force: true });
      mkdirSync(path.dirname(cache), { recursive: true });
      renameSync(staging, cache);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      return err('cache_error', `Could not write the ML.ENERGY cache in ${cache}: ${(e as Error).message}`, { path: cache });
    }
    const report = await importPaths(db, [indexPath], { ...hash, referenceSource: source });
    return ok({ report, usedCache: false, cachedAt: new Date().toISOString() });
  }
  if (!existsSync(indexPath)) {
    return err('network_unavailable', `Could not fetch ML.ENERGY data from ${base} (${fetched.error.message}) and there is no cached copy yet.`);
  }
  const cachedAt = statSync(indexPath).mtime.toISOString();
  const report = await importPaths(db, [indexPath], { ...hash, referenceSource: { kind: 'url', location: `${base} (cached ${cachedAt})` } });
  return ok({ report, usedCache: true, note: fetched.error.message, cachedAt });
}

async function download(fetchFn: FetchLike, base: string): Promise<Result<{ index: string; tasks: [string, string][] }>> {
  const index = await getJson(fetchFn, `${base}/index.json`);
  if (!index.ok) return index;
  const parsedIndex = validate(V3IndexSchema, index.value.json, `${base}/index.json`, 'ML.ENERGY v3 index.json');
  if (!parsedIndex.ok) return parsedIndex;
  const tasks: [string, string][] = [];
  for (const task of parsedIndex.value.tasks) {
    if (!isLlmTask(parsedIndex.value, task)) continue;
    if (!SAFE_TASK.test(task)) return err('invalid_reference', `${base}/index.json lists an unsafe task name ${JSON.stringify(task)}`);
    const url = `${base}/tasks/${task}.json`;
    const got = await getJson(fetchFn, url);
    if (!got.ok) return got;
    const parsed = validate(V3TaskSchema, got.value.json, url, 'ML.ENERGY v3 task file');
    if (!parsed.ok) return parsed;
    tasks.push([task, got.value.text]);
  }
  return ok({ index: index.value.text, tasks });
}

async function getJson(fetchFn: FetchLike, url: string): Promise<Result<{ text: string; json: unknown }>> {
  let text: string;
  try {
    const res = await fetchFn(url);
    if (!res.ok) return err('network_error', `${url}: HTTP ${res.status}`);
    text = await res.text();
  } catch (e) {
    return err('network_error', `${url}: ${(e as Error).message}`);
  }
  const json = parseJsonText(text, url);
  return json.ok ? ok({ text, json: json.value }) : json;
}
