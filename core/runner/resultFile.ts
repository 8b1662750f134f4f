import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ENERGY_UNAVAILABLE_WARNING } from '../results/llemBundle';
import type { ResultLookup } from './outcome';
import { DEFAULT_JSON_LIMITS } from '../results/jsonText';
import { readRegularFileSync } from '../files/regularFile';

/**
 * The few result.json fields the runner itself needs (the full import is the results store's job): enough to
 * know the file is a whole llem result and to compare energies. Unknown fields are fine (lenient). Two layouts:
 * the contract's schema 2.x (`measurement_config_hash`) and the PyPI release's bundle 2.x
 * (`declared_config_hash`, docs/llem-pypi-release.md).
 */
const common = {
  total_energy_j: z.number().nullable(),
  timeseries: z.string().nullable().optional(),
  start_time: z.string(),
  end_time: z.string(),
};
const ContractHeadSchema = z
  .object({ schema_version: z.string().regex(/^2\./, 'schema_version must be 2.x'), measurement_config_hash: z.string().min(1), ...common })
  .transform((r) => ({ ...r, configHash: r.measurement_config_hash }));
const BundleHeadSchema = z
  .object({
    bundle_version: z.string().regex(/^2\./, 'bundle_version must be 2.x'),
    declared_config_hash: z.string().min(1),
    output_tokens: z.number(),
    measurement_warnings: z.array(z.string()).nullable().optional(),
    ...common,
  })
  .transform((r) => ({
    ...r,
    configHash: r.declared_config_hash,
    // With no energy sampler llem writes 0.0 and a warning; that zero is "not measured".
    total_energy_j: (r.measurement_warnings ?? []).some((w) => w.startsWith(ENERGY_UNAVAILABLE_WARNING)) ? null : r.total_energy_j,
  }));

export interface FoundResult {
  resultPath: string;
  resultDir: string;
  timeseriesPath: string | null;
  llemMeasurementConfigHash: string;
  llemTotalEnergyJ: number | null;
}

/**
 * Looks for the single result.json llem writes on success and checks it is a readable, complete result (a crash
 * mid-write leaves a truncated file, which must not count as success). The contract's llem writes
 * `<output>/<experiment>/result.json` (§5.2); the PyPI release wraps even one experiment in a study folder,
 * `<output>/study_<time>/<experiment>/result.json`, so one level deeper is searched too.
 */
export function findResult(outputDir: string): { lookup: ResultLookup; found: FoundResult | null } {
  if (!isDirectory(outputDir)) return { lookup: { kind: 'none' }, found: null };
  const candidates = resultFilesUnder(outputDir, 2).sort();
  if (candidates.length === 0) return { lookup: { kind: 'none' }, found: null };
  if (candidates.length > 1) return { lookup: { kind: 'several', paths: candidates }, found: null };
  const resultPath = candidates[0]!;
  let json: unknown;
  try {
    // llem's own output, but a regular file of a sane size all the same (issue #15: never read a device or pipe).
    const read = readRegularFileSync(resultPath, { maxBytes: DEFAULT_JSON_LIMITS.maxBytes });
    if (!read.ok) return { lookup: { kind: 'invalid', path: resultPath, message: read.error.message }, found: null };
    json = JSON.parse(read.value.toString('utf8'));
  } catch (e) {
    return { lookup: { kind: 'invalid', path: resultPath, message: `result.json is not valid JSON: ${(e as Error).message}` }, found: null };
  }
  const isBundle = typeof json === 'object' && json !== null && 'bundle_version' in json;
  const parsed = (isBundle ? BundleHeadSchema : ContractHeadSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    return { lookup: { kind: 'invalid', path: resultPath, message: `result.json is not an llem result: ${where}: ${issue?.message ?? 'invalid'}` }, found: null };
  }
  const resultDir = path.dirname(resultPath);
  const ts = parsed.data.timeseries;
  const timeseriesPath = typeof ts === 'string' && existsSync(path.join(resultDir, ts)) ? path.join(resultDir, ts) : null;
  return {
    lookup: { kind: 'found', resultPath },
    found: {
      resultPath,
      resultDir,
      timeseriesPath,
      llemMeasurementConfigHash: parsed.data.configHash,
      llemTotalEnergyJ: parsed.data.total_energy_j,
    },
  };
}

/** `result.json` files in the subfolders of `dir`, down to `depth` levels (llem's artefact folders skipped). */
function resultFilesUnder(dir: string, depth: number): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name === 'failed-runs') continue;
    const sub = path.join(dir, entry.name);
    const file = path.join(sub, 'result.json');
    if (isFile(file)) found.push(file);
    else if (depth > 1) for (const file of resultFilesUnder(sub, depth - 1)) found.push(file);
  }
  return found;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
