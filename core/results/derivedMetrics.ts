import { boundedOutputTokens, positive, type FigureInputs } from './figureDefinitions';

/**
 * Metrics derived from one stored result. Computed here once, so the UI, exports and the CLI show
 * the same numbers; what each one means (which tokens, which window) is written down once, in
 * core/results/figureDefinitions.ts. Units: J, W, s, tokens/s; Wh only in the per-1,000-token figures.
 */

/** The stored columns the derived metrics need. */
export interface RunFigures extends FigureInputs {
  e2e_latency_mean_ms: number | null;
}

export interface DerivedMetrics {
  /** Raw energy per output token: total energy ÷ output tokens (bounded by n_prompts × max_output_tokens). */
  jPerOutputToken: number | null;
  /** Baseline-adjusted energy per output token (energy_adjusted_j / output tokens). */
  jPerOutputTokenAdjusted: number | null;
  /** Raw energy per prompt (request). */
  jPerRequest: number | null;
  jPerRequestAdjusted: number | null;
  /** llem's throughput: (input + output) tokens / inference time. */
  tokensPerSecond: number | null;
  outputTokensPerSecond: number | null;
  /** Mean power over the measured window (raw energy / (end − start)). */
  avgPowerW: number | null;
  /** Raw Wh per 1,000 output tokens. */
  whPer1kOutputTokens: number | null;
  whPer1kOutputTokensAdjusted: number | null;
  /** Mean seconds per request: llem's e2e latency when reported, else inference time / prompts. */
  latencyPerRequestS: number | null;
  totalEnergyJ: number | null;
  energyAdjustedJ: number | null;
}

export const DERIVED_METRIC_NAMES = [
  'totalEnergyJ', 'energyAdjustedJ', 'jPerOutputToken', 'jPerOutputTokenAdjusted', 'jPerRequest', 'jPerRequestAdjusted',
  'tokensPerSecond', 'outputTokensPerSecond', 'avgPowerW', 'whPer1kOutputTokens', 'whPer1kOutputTokensAdjusted',
  'latencyPerRequestS',
] as const satisfies readonly (keyof DerivedMetrics)[];
export type DerivedMetricName = (typeof DERIVED_METRIC_NAMES)[number];

const J_PER_WH = 3600;

export function deriveMetrics(r: RunFigures): DerivedMetrics {
  // llem writes 0.0 J when energy was disabled or unavailable (§6.1): that is "not measured", not zero.
  const energy = positive(r.total_energy_j);
  const adjusted = energy === null ? null : nonNegative(r.energy_adjusted_j);
  // Bounded: llem 0.7.0 counts batch padding as output tokens; a count above n_prompts × max_output_tokens is
  // impossible, so every per-token figure uses the maximum instead (quality check `output_tokens_possible`).
  const outTokens = boundedOutputTokens(r);
  const prompts = positive(r.n_prompts);
  const jPerOutputToken = div(energy, outTokens);
  const jPerOutputTokenAdjusted = div(adjusted, outTokens);
  const inference = positive(r.total_inference_time_sec);
  return {
    totalEnergyJ: energy,
    energyAdjustedJ: adjusted,
    jPerOutputToken,
    jPerOutputTokenAdjusted,
    jPerRequest: div(energy, prompts),
    jPerRequestAdjusted: div(adjusted, prompts),
    tokensPerSecond: positive(r.avg_tokens_per_second) ?? div(positive(r.total_tokens), inference),
    outputTokensPerSecond: div(outTokens, inference),
    avgPowerW: div(energy, positive(r.duration_sec)),
    whPer1kOutputTokens: jPerOutputToken === null ? null : (jPerOutputToken * 1000) / J_PER_WH,
    whPer1kOutputTokensAdjusted: jPerOutputTokenAdjusted === null ? null : (jPerOutputTokenAdjusted * 1000) / J_PER_WH,
    latencyPerRequestS: positive(r.e2e_latency_mean_ms) !== null ? r.e2e_latency_mean_ms! / 1000 : div(inference, prompts),
  };
}

function nonNegative(v: number | null | undefined): number | null {
  return v != null && Number.isFinite(v) && v >= 0 ? v : null;
}

function div(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  const q = a / b;
  return Number.isFinite(q) ? q : null;
}
