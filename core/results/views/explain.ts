import type { ExplainedFigure, ExplainView } from '../../../contract/apiExplain';
import { err, ok, type Result } from '../../../contract/result';
import { deriveMetrics } from '../derivedMetrics';
import { BOUNDED_TOKENS, boundedOutputTokens, FIGURE_DEFINITIONS, MEASUREMENT_WINDOW, outputTokensImpossible, positive } from '../figureDefinitions';
import { caveatsOf, ensureQualityChecks, readQuality } from '../quality/qualityStore';
import { readExplainRow, type ExplainRow } from '../resultViewStore';
import type { Db } from '../../store/database';

type Input = ExplainView['inputs'][number];

/**
 * Traces one figure of one stored result: the definition it follows (core/results/figureDefinitions.ts), the
 * stored inputs with their units, the file and its hashes, the measurement window, the baseline, the quality
 * checks, and llem's own value beside the app's. The value is computed by the same deriveMetrics every view uses.
 */
export function explainFigure(db: Db, resultId: number, figure: ExplainedFigure): Result<ExplainView> {
  let row: ExplainRow | undefined;
  try {
    const checked = ensureQualityChecks(db);
    if (!checked.ok) return checked;
    row = readExplainRow(db, resultId);
  } catch (e) {
    return err('db_error', `Could not read result ${resultId}: ${(e as Error).message}`);
  }
  if (!row) return err('not_found', `No result with id ${resultId}.`, { path: 'resultId' });
  const quality = readQuality(db, [resultId]).get(resultId) ?? null;
  const derived = deriveMetrics(row);
  const bounded = boundedOutputTokens(row);

  const def =
    figure === 'outputTokens'
      ? { label: 'Output tokens', unit: 'tokens', formula: "llem's output_tokens, bounded by n_prompts × max_output_tokens", tokens: BOUNDED_TOKENS, window: MEASUREMENT_WINDOW }
      : FIGURE_DEFINITIONS[figure];
  const value = figure === 'outputTokens' ? bounded : derived[figure];
  const { llemValue, llemNote } = llemOwn(figure, row, value);

  return ok({
    resultId,
    figure,
    label: def.label,
    unit: def.unit,
    value,
    llemValue,
    llemNote,
    formula: def.formula,
    tokens: def.tokens,
    window: def.window,
    inputs: inputsOf(figure, row, bounded),
    file: {
      path: row.source_path,
      sha256: row.file_sha256,
      experimentId: row.experiment_id,
      measurementConfigHash: row.measurement_config_hash,
      recomputedConfigHash: row.recomputed_config_hash,
      hashVerified: row.hash_verified === null ? null : row.hash_verified === 1,
      timeseriesFile: row.timeseries_file,
      timeseriesStatus: row.timeseries_status,
      llemVersion: row.llem_version,
    },
    measurementWindow: { start: row.start_time, end: row.end_time, durationS: row.duration_sec },
    baseline: { powerW: row.baseline_power_w, method: row.baseline_method, cacheAgeS: row.baseline_cache_age_sec },
    grade: quality?.grade ?? null,
    checks: quality?.checks ?? [],
    caveats: caveatsOf(quality?.checks ?? []),
  });
}

function llemOwn(figure: ExplainedFigure, row: ExplainRow, value: number | null): { llemValue: number | null; llemNote: string } {
  const own: Partial<Record<ExplainedFigure, [number | null, string]>> = {
    totalEnergyJ: [positive(row.total_energy_j), 'total_energy_j'],
    energyAdjustedJ: [row.energy_adjusted_j, 'energy_adjusted_j'],
    jPerOutputToken: [positive(row.avg_energy_per_token_j), 'avg_energy_per_token_j'],
    tokensPerSecond: [positive(row.avg_tokens_per_second), 'avg_tokens_per_second'],
    outputTokens: [positive(row.output_tokens), 'output_tokens'],
  };
  const entry = own[figure];
  if (!entry || entry[0] === null) return { llemValue: null, llemNote: 'llem reports no figure of its own for this; the app computes it from llem\'s stored values below.' };
  const [llemValue, field] = entry;
  if (value === null) return { llemValue, llemNote: `llem's ${field}.` };
  const rel = Math.abs(value - llemValue) / Math.abs(llemValue);
  if (rel < 1e-6) return { llemValue, llemNote: `llem's ${field}: the same.` };
  return {
    llemValue,
    llemNote: `llem's ${field} differs by ${(rel * 100).toFixed(1)} %: ${
      outputTokensImpossible(row) ? "llem's output-token count is above what the run can have generated, and the app uses the bound" : 'see the formula'
    }.`,
  };
}

function inputsOf(figure: ExplainedFigure, row: ExplainRow, bounded: number | null): Input[] {
  const energy: Input = { name: 'total energy', value: row.total_energy_j, unit: 'J', source: 'result.json total_energy_j' };
  const adjusted: Input = { name: 'baseline-adjusted energy', value: row.energy_adjusted_j, unit: 'J', source: 'result.json energy_adjusted_j' };
  const tokens: Input[] = [
    { name: 'output tokens (llem)', value: row.output_tokens, unit: 'tokens', source: 'result.json output_tokens' },
    { name: 'prompts', value: row.n_prompts, unit: 'prompts', source: 'config n_prompts' },
    { name: 'max output tokens', value: row.max_output_tokens, unit: 'tokens/prompt', source: 'config max_output_tokens' },
    { name: 'output tokens (bounded)', value: bounded, unit: 'tokens', source: 'min(llem\'s count, prompts × max output tokens)' },
  ];
  const inference: Input = { name: 'inference time', value: row.total_inference_time_sec, unit: 's', source: 'result.json total_inference_time_sec' };
  const window: Input = { name: 'measurement window', value: row.duration_sec, unit: 's', source: 'end_time − start_time' };
  const prompts: Input = { name: 'prompts', value: row.n_prompts, unit: 'prompts', source: 'config n_prompts' };
  switch (figure) {
    case 'totalEnergyJ': return [energy, window];
    case 'energyAdjustedJ': return [energy, adjusted, { name: 'idle baseline', value: row.baseline_power_w, unit: 'W', source: 'baseline_power_w' }, window];
    case 'jPerOutputToken': case 'whPer1kOutputTokens': return [energy, ...tokens];
    case 'jPerOutputTokenAdjusted': case 'whPer1kOutputTokensAdjusted': return [adjusted, ...tokens];
    case 'jPerRequest': return [energy, prompts];
    case 'jPerRequestAdjusted': return [adjusted, prompts];
    case 'tokensPerSecond': return [
      { name: 'llem throughput', value: row.avg_tokens_per_second, unit: 'tok/s', source: 'result.json avg_tokens_per_second' },
      { name: 'input + output tokens (llem)', value: row.total_tokens, unit: 'tokens', source: 'result.json total_tokens' }, inference,
    ];
    case 'outputTokensPerSecond': return [...tokens, inference];
    case 'avgPowerW': return [energy, window];
    case 'latencyPerRequestS': return [
      { name: 'mean end-to-end latency (llem)', value: row.e2e_latency_mean_ms, unit: 'ms', source: 'result.json latency' }, inference, prompts,
    ];
    case 'outputTokens': return tokens;
  }
}
