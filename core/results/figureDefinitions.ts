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

/**
 * The app's own energy figures for a run it made (table `run_energy`, window `measuring`): its NVML energy
 * counter difference and its power samples integrated, over the app's measuring phase. That window is not
 * llem's: it opens and closes on llem's log lines about measuring, llem's own window on llem's clock; the two
 * differ by up to one of the app's sample periods at each edge.
 */
export const APP_MEASURING_WINDOW =
  "the app's measuring phase: from llem's log line that measuring started to the next phase, as the app's own telemetry saw it (every GPU summed)";
export const APP_ENERGY_DEFINITIONS = {
  appCounterEnergyJ: {
    label: "App's energy (NVML counter)", unit: 'J', formula:
      "the GPUs' NVML total-energy counters over the measuring phase, summed over GPUs: counter readings (once a second and at every phase boundary) bridged at the window's edges by integrated power (run_energy.counter_method = counter_bridged; docs/telemetry.md), or last − first reading for figures stored before that (counter)",
    tokens: null, window: APP_MEASURING_WINDOW,
  },
  appIntegratedEnergyJ: {
    label: "App's energy (integrated power)", unit: 'J', formula: "the app's power samples integrated over time (trapezoids), summed over GPUs",
    tokens: null, window: APP_MEASURING_WINDOW,
  },
} as const satisfies Record<string, FigureDefinition>;

/** The app's energy over its measuring phase, every GPU of the attempt summed. */
export interface AppMeasuringEnergy {
  /** GPUs with a row for the measuring window. */
  gpus: number;
  /** Sum over GPUs; null when any GPU lacks the figure (a partial sum would read as a disagreement). */
  counterJ: number | null;
  integratedJ: number | null;
  /** Length of the app's measuring phase (longest over GPUs), s; null when unknown. */
  windowS: number | null;
  /** The app's sample period (median over GPUs of window ÷ (samples − 1)), s; null when unknown. */
  samplePeriodS: number | null;
}

/** Sensors: NVML's counter and its integrated power agreed within 0.2 % over 60 s on an H100 (docs/gpu-run.md). */
const SENSOR_TOLERANCE = 0.02;

/**
 * How far the app's energy over its measuring phase may differ from llem's over llem's window, as a fraction of
 * llem's figure: 2 % for the sensors, plus one of the app's sample periods at each edge of the window (the
 * phase opens and closes on a sample, llem's window does not) relative to the window: over 60 s at 0.1 s that is
 * 2.3 %, over 2 s 12 %. Warn up to twice the tolerance, fail beyond (the same rule as llem vs its timeseries).
 */
export function appEnergyTolerance(windowS: number, samplePeriodS: number): number {
  return SENSOR_TOLERANCE + (2 * samplePeriodS) / windowS;
}

export type EnergyAgreementStatus = 'pass' | 'warn' | 'fail' | 'not_checked';
export interface EnergyComparison {
  name: 'counter' | 'integrated';
  status: EnergyAgreementStatus;
  /** (app − llem) ÷ llem, or null when not compared. */
  relativeDifference: number | null;
  tolerance: number | null;
  /** Plain words with the numbers and units. */
  words: string;
}

const f1 = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const pct1 = (x: number) => `${f1(x * 100)} %`;

/**
 * Compares llem's energy (over llem's window of `llemWindowS`) with the app's counter and integrated figures
 * (over its measuring phase). The tolerance uses the shorter of the two windows (the edges weigh more there).
 * `expectedGpus` (llem's GPU count, when known) must equal the GPUs the app measured, else nothing is compared.
 */
export function compareAppEnergy(llemJ: number | null, llemWindowS: number | null, app: AppMeasuringEnergy | null, expectedGpus: number | null = null): EnergyComparison[] {
  const llem = positive(llemJ);
  const names = ['counter', 'integrated'] as const;
  const notChecked = (why: string): EnergyComparison[] => names.map((name) => ({ name, status: 'not_checked', relativeDifference: null, tolerance: null, words: why }));
  if (app === null || app.gpus === 0) return notChecked("The app has no energy of its own for this result (imported, or measured without the app's telemetry).");
  if (llem === null) return notChecked("llem reported no energy to compare the app's with.");
  if (expectedGpus !== null && expectedGpus !== app.gpus) {
    return notChecked(`The app measured ${app.gpus} GPU${app.gpus === 1 ? '' : 's'}, llem ${expectedGpus}: the figures cover different GPUs.`);
  }
  const windows = [positive(app.windowS), positive(llemWindowS)].filter((w): w is number => w !== null);
  const period = positive(app.samplePeriodS);
  if (windows.length === 0 || period === null) return notChecked("The app's measuring phase has no known length or sample period, so no tolerance can be set.");
  const window = Math.min(...windows);
  const tol = appEnergyTolerance(window, period);
  const windowWords =
    positive(app.windowS) !== null && positive(llemWindowS) !== null
      ? `the app's measuring phase ${f1(app.windowS!)} s, llem's window ${f1(llemWindowS!)} s`
      : `a ${f1(window)} s window`;
  return names.map((name) => {
    const value = name === 'counter' ? app.counterJ : app.integratedJ;
    const label = name === 'counter' ? "the app's NVML counter" : "the app's integrated power";
    if (value === null || !Number.isFinite(value)) {
      return { name, status: 'not_checked', relativeDifference: null, tolerance: tol, words: `No figure from ${label} (too few samples, or a GPU without it).` };
    }
    const diff = (value - llem) / llem;
    const status = Math.abs(diff) <= tol ? 'pass' : Math.abs(diff) <= 2 * tol ? 'warn' : 'fail';
    return {
      name, status, relativeDifference: diff, tolerance: tol,
      words: `${label} ${f1(value)} J vs llem's ${f1(llem)} J: ${diff >= 0 ? '+' : '−'}${pct1(Math.abs(diff))} (tolerance ±${pct1(tol)}: ${windowWords}, samples every ${f1(period * 1000)} ms).`,
    };
  });
}
