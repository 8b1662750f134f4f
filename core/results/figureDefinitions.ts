/**
 * One definition per figure. Every number the app shows about a stored result — results table, charts,
 * headline, Compare, Demo counters, leaderboard export, push — comes from the functions here (through
 * core/results/derivedMetrics.ts for per-result figures, and the SQL expressions below for the sortable
 * table columns, which a test keeps equal to the functions). Each definition says which tokens and which
 * time window it uses, so two views can never quietly disagree about "throughput" again.
 *
 * Units: J, W, s, tokens, tokens/s. Wh appears only in `whPer1kOutputTokens`, never mixed with J in a view.
 */

/** What the definitions need from one stored result (columns of `results`). */
export interface FigureInputs {
  total_energy_j: number | null;
  energy_adjusted_j: number | null;
  avg_energy_per_token_j: number | null;
  output_tokens: number | null;
  total_tokens: number;
  n_prompts: number | null;
  max_output_tokens: number | null;
  total_inference_time_sec: number | null;
  avg_tokens_per_second: number | null;
  duration_sec: number | null;
}

export interface FigureDefinition {
  label: string;
  unit: string;
  /** The formula in words, shown by "Explain this number". */
  formula: string;
  /** Which tokens, or null when the figure counts none. */
  tokens: string | null;
  /** Which time window, or null when the figure has none. */
  window: string | null;
}

export const MEASUREMENT_WINDOW =
  "llem's measurement window: from llem's start_time to end_time (duration_sec), the span over which llem's energy figure was read";
export const INFERENCE_WINDOW = "llem's inference time (total_inference_time_sec): the sum of its timed generate calls";
export const BOUNDED_TOKENS =
  'output tokens, bounded: llem\'s output_tokens, but never more than n_prompts × max_output_tokens (llem 0.7.0 counts batch padding as output)';

/** The definitions, keyed by the derived-metric names (contract RESULT_METRICS carries their labels). */
export const FIGURE_DEFINITIONS = {
  totalEnergyJ: {
    label: 'Total energy', unit: 'J', formula: "llem's total_energy_j (GPU energy over the measurement window; 0 J = not measured)",
    tokens: null, window: MEASUREMENT_WINDOW,
  },
  energyAdjustedJ: {
    label: 'Total energy (baseline-adjusted)', unit: 'J', formula: "llem's energy_adjusted_j = total energy − idle baseline power × window",
    tokens: null, window: MEASUREMENT_WINDOW,
  },
  jPerOutputToken: {
    label: 'Energy per output token', unit: 'J/token', formula: 'total energy (J) ÷ output tokens (bounded)',
    tokens: BOUNDED_TOKENS, window: MEASUREMENT_WINDOW,
  },
  jPerOutputTokenAdjusted: {
    label: 'Energy per output token (baseline-adjusted)', unit: 'J/token', formula: 'baseline-adjusted energy (J) ÷ output tokens (bounded)',
    tokens: BOUNDED_TOKENS, window: MEASUREMENT_WINDOW,
  },
  jPerRequest: { label: 'Energy per request', unit: 'J', formula: 'total energy (J) ÷ n_prompts', tokens: null, window: MEASUREMENT_WINDOW },
  jPerRequestAdjusted: {
    label: 'Energy per request (baseline-adjusted)', unit: 'J', formula: 'baseline-adjusted energy (J) ÷ n_prompts', tokens: null, window: MEASUREMENT_WINDOW,
  },
  tokensPerSecond: {
    label: 'Throughput (input + output, llem)', unit: 'tok/s', formula: "llem's avg_tokens_per_second = (input + output tokens as llem counts them) ÷ inference time",
    tokens: 'input + output tokens as llem counts them (includes padding at batch > 1)', window: INFERENCE_WINDOW,
  },
  outputTokensPerSecond: {
    label: 'Output throughput', unit: 'tok/s', formula: 'output tokens (bounded) ÷ inference time (s)', tokens: BOUNDED_TOKENS, window: INFERENCE_WINDOW,
  },
  avgPowerW: { label: 'Average power', unit: 'W', formula: 'total energy (J) ÷ measurement window (s)', tokens: null, window: MEASUREMENT_WINDOW },
  whPer1kOutputTokens: {
    label: 'Energy per 1,000 output tokens', unit: 'Wh', formula: 'energy per output token (J) × 1,000 ÷ 3,600 J/Wh', tokens: BOUNDED_TOKENS, window: MEASUREMENT_WINDOW,
  },
  whPer1kOutputTokensAdjusted: {
    label: 'Energy per 1,000 output tokens (adjusted)', unit: 'Wh', formula: 'adjusted energy per output token (J) × 1,000 ÷ 3,600 J/Wh',
    tokens: BOUNDED_TOKENS, window: MEASUREMENT_WINDOW,
  },
  latencyPerRequestS: {
    label: 'Latency per request', unit: 's', formula: "llem's mean end-to-end latency when reported, else inference time ÷ n_prompts",
    tokens: null, window: INFERENCE_WINDOW,
  },
} as const satisfies Record<string, FigureDefinition>;
export type FigureName = keyof typeof FIGURE_DEFINITIONS;

/** The most output tokens the run can have generated (n_prompts × max_output_tokens), or null when unknown. */
export function maximumOutputTokens(r: Pick<FigureInputs, 'n_prompts' | 'max_output_tokens'>): number | null {
  const n = positive(r.n_prompts);
  const m = positive(r.max_output_tokens);
  return n === null || m === null ? null : n * m;
}

/**
 * Output tokens as every figure counts them: llem's count, bounded by what the run can have generated.
 * Equal to llem's count for every run whose count is possible.
 */
export function boundedOutputTokens(r: Pick<FigureInputs, 'output_tokens' | 'n_prompts' | 'max_output_tokens'>): number | null {
  const reported = positive(r.output_tokens);
  const maximum = maximumOutputTokens(r);
  if (reported === null) return null;
  return maximum !== null && reported > maximum ? maximum : reported;
}

/** True when llem's output-token count is above what the run can have generated. */
export function outputTokensImpossible(r: Pick<FigureInputs, 'output_tokens' | 'n_prompts' | 'max_output_tokens'>): boolean {
  const bounded = boundedOutputTokens(r);
  return bounded !== null && r.output_tokens !== null && bounded < r.output_tokens;
}

/**
 * The same definitions as SQL over `results r` (for the sortable columns of the results table). Kept next to
 * the functions so a change is made in one place; tests/unit/results/figureConsistency.test.ts compares them.
 */
const SQL_BOUNDED_TOKENS = `(CASE WHEN r.output_tokens > 0 THEN
    CASE WHEN r.n_prompts > 0 AND r.max_output_tokens > 0 AND r.output_tokens > r.n_prompts * r.max_output_tokens
         THEN r.n_prompts * r.max_output_tokens ELSE r.output_tokens END END)`;
export const FIGURE_SQL = {
  boundedOutputTokens: SQL_BOUNDED_TOKENS,
  jPerOutputToken: `(CASE WHEN r.total_energy_j > 0 THEN r.total_energy_j / ${SQL_BOUNDED_TOKENS} END)`,
  jPerOutputTokenAdjusted: `(CASE WHEN r.total_energy_j > 0 AND r.energy_adjusted_j >= 0 THEN r.energy_adjusted_j / ${SQL_BOUNDED_TOKENS} END)`,
  outputTokensPerSecond: `(CASE WHEN r.total_inference_time_sec > 0 THEN ${SQL_BOUNDED_TOKENS} / r.total_inference_time_sec END)`,
  tokensPerSecond: `(CASE WHEN r.avg_tokens_per_second > 0 THEN r.avg_tokens_per_second
    WHEN r.total_tokens > 0 AND r.total_inference_time_sec > 0 THEN CAST(r.total_tokens AS REAL) / r.total_inference_time_sec END)`,
  avgPowerW: '(CASE WHEN r.total_energy_j > 0 AND r.duration_sec > 0 THEN r.total_energy_j / r.duration_sec END)',
} as const;

export function positive(v: number | null | undefined): number | null {
  return v != null && Number.isFinite(v) && v > 0 ? v : null;
}
