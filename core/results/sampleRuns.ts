import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { importPaths } from './importPaths';
import type { ImportReport } from './importTypes';

/**
 * Recorded real runs shipped with the app (resources/sample-runs/<id>/): llem's own result bundles, with their
 * timeseries, from a real GPU, in `runs/`. They let the Demo page replay something on a laptop with no GPU and no results
 * of its own, and the docs cite them. Each folder has a `sample.json` saying where, when and how it was measured.
 */
export const SampleSetManifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    label: z.string().min(1).max(200),
    gpu: z.string().min(1).max(200),
    measuredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    llemVersion: z.string().min(1).max(50),
    model: z.string().min(1).max(500),
    /** Said wherever the runs appear (e.g. "random weights": same compute per token, meaningless text). */
    caveats: z.array(z.string().min(1).max(500)).max(10),
  })
  .strict();
export type SampleSetManifest = z.infer<typeof SampleSetManifestSchema>;

export interface SampleSet extends SampleSetManifest {
  dir: string;
}

/** resources/sample-runs beside this install: core/results/ in the source tree, out/cli/ or out/main/ when bundled. */
export function defaultSampleRunsDir(): string {
  return fileURLToPath(new URL('../../resources/sample-runs/', import.meta.url));
}

/** The sample sets found in `root`; a folder without a valid sample.json is not one (and is reported). */
export function listSampleSets(root: string = defaultSampleRunsDir()): Result<{ sets: SampleSet[]; problems: string[] }> {
  if (!existsSync(root)) return ok({ sets: [], problems: [] });
  const sets: SampleSet[] = [];
  const problems: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (e) {
    return err('io_error', `Could not read the sample runs folder ${root}: ${(e as Error).message}`);
  }
  for (const name of names) {
    const dir = path.join(root, name);
    const file = path.join(dir, 'sample.json');
    try {
      const parsed = SampleSetManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) {
        problems.push(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      } else if (parsed.data.id !== name) {
        problems.push(`${file}: id "${parsed.data.id}" does not match its folder "${name}"`);
      } else sets.push({ ...parsed.data, dir });
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
    }
  }
  return ok({ sets, problems });
}

/**
 * Imports one sample set's `runs/` folder (idempotent: a second call finds every file already stored). The rest
 * of the set (README, summary, the evidence a run left: logs, the app's own exports) is for people, not the store.
 */
export async function importSampleSet(db: Db, id: string, root: string = defaultSampleRunsDir()): Promise<Result<ImportReport>> {
  const listed = listSampleSets(root);
  if (!listed.ok) return listed;
  const set = listed.value.sets.find((s) => s.id === id);
  if (!set) return err('not_found', `No sample runs called "${id}" in ${root}`);
  const runs = path.join(set.dir, 'runs');
  if (!existsSync(runs)) return err('not_found', `The sample set "${id}" has no runs/ folder (${runs})`);
  return ok(await importPaths(db, [runs]));
}
