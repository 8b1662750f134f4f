import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ResultLookup } from './outcome';

/**
 * The few result.json fields the runner itself needs (the full import is the results store's job): enough to
 * know the file is a whole llem result and to compare energies. Unknown fields are fine (lenient).
 */
const ResultHeadSchema = z
  .object({
    schema_version: z.string().regex(/^2\./, 'schema_version must be 2.x'),
    measurement_config_hash: z.string().min(1),
    total_energy_j: z.number().nullable(),
    timeseries: z.string().nullable().optional(),
    start_time: z.string(),
    end_time: z.string(),
  })
  .loose();

export interface FoundResult {
  resultPath: string;
  resultDir: string;
  timeseriesPath: string | null;
  llemMeasurementConfigHash: string;
  llemTotalEnergyJ: number | null;
}

/**
 * Looks for the single `<output>/*\/result.json` llem writes on success (contract §5.2) and checks it is a
 * readable, complete result (a crash mid-write leaves a truncated file, which must not count as success).
 */
export function findResult(outputDir: string): { lookup: ResultLookup; found: FoundResult | null } {
  let entries: string[];
  try {
    entries = readdirSync(outputDir);
  } catch {
    return { lookup: { kind: 'none' }, found: null };
  }
  const candidates = entries
    .map((name) => path.join(outputDir, name, 'result.json'))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })
    .sort();
  if (candidates.length === 0) return { lookup: { kind: 'none' }, found: null };
  if (candidates.length > 1) return { lookup: { kind: 'several', paths: candidates }, found: null };
  const resultPath = candidates[0]!;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resultPath, 'utf8'));
  } catch (e) {
    return { lookup: { kind: 'invalid', path: resultPath, message: `result.json is not valid JSON: ${(e as Error).message}` }, found: null };
  }
  const parsed = ResultHeadSchema.safeParse(json);
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
      llemMeasurementConfigHash: parsed.data.measurement_config_hash,
      llemTotalEnergyJ: parsed.data.total_energy_j,
    },
  };
}
