import type { AdaptiveStartSettings } from '../../../../contract/apiAdaptive';

/**
 * The Design page's choice between running the whole grid and an adaptive search (docs/adaptive.md), as plain data:
 * the form's fields, the settings they make (or the problems, each naming its field), and the saving the plan's
 * estimate predicts. Pure: tested in tests/unit/renderer/adaptivePlan.test.ts.
 */
export type CampaignMode = 'grid' | 'adaptive';

export interface AdaptiveForm {
  /** The objective beside energy per output token. */
  second: 'throughput' | 'latency' | 'none';
  latencyLimitOn: boolean;
  /** p95 time to first token limit, ms. */
  latencyLimitMs: string;
  memoryLimitOn: boolean;
  /** Peak GPU memory limit, MB. */
  memoryLimitMb: string;
  /** Most runs. */
  budget: string;
  patienceOn: boolean;
  /** Stop after this many runs without a change of the front. */
  patience: string;
  seed: string;
  sampler: 'tpe' | 'nsga2' | 'random';
}

/** The share of the grid the benchmark (bench/adaptive-pareto.ts) measures the search with: 30 %. */
export const DEFAULT_BUDGET_SHARE = 0.3;

export function defaultBudget(configCount: number): number {
  return Math.max(1, Math.ceil(configCount * DEFAULT_BUDGET_SHARE));
}

export function defaultAdaptiveForm(configCount: number): AdaptiveForm {
  return {
    second: 'throughput',
    latencyLimitOn: false,
    latencyLimitMs: '250',
    memoryLimitOn: false,
    memoryLimitMb: '80000',
    budget: String(defaultBudget(configCount)),
    patienceOn: false,
    patience: '5',
    seed: '0',
    sampler: 'tpe',
  };
}

export interface FormProblem {
  field: keyof AdaptiveForm;
  message: string;
}

const wholeNumber = (text: string): number | null => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);
const positiveNumber = (text: string): number | null => {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n > 0 ? n : null;
};

/** The form as adaptive.start settings, or what is wrong with it (each problem names its field). */
export function adaptiveSettingsOf(form: AdaptiveForm, configCount: number): { ok: true; settings: AdaptiveStartSettings } | { ok: false; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const budget = wholeNumber(form.budget);
  if (budget === null || budget < 1) problems.push({ field: 'budget', message: 'Budget: a whole number of runs, at least 1.' });
  else if (configCount > 0 && budget > configCount) problems.push({ field: 'budget', message: `Budget: at most ${configCount} runs (the grid has ${configCount} configurations).` });
  const seed = wholeNumber(form.seed);
  if (seed === null || seed >= 2 ** 32) problems.push({ field: 'seed', message: 'Seed: a whole number from 0 to 4294967295.' });
  const patience = form.patienceOn ? wholeNumber(form.patience) : null;
  if (form.patienceOn && (patience === null || patience < 1)) problems.push({ field: 'patience', message: 'Stop after: a whole number of runs, at least 1.' });
  const constraints: AdaptiveStartSettings['constraints'] = [];
  if (form.latencyLimitOn) {
    const ms = positiveNumber(form.latencyLimitMs);
    if (ms === null) problems.push({ field: 'latencyLimitMs', message: 'p95 latency limit: a number of ms above 0.' });
    else constraints.push({ metric: 'ttft_p95', max: ms });
  }
  if (form.memoryLimitOn) {
    const mb = positiveNumber(form.memoryLimitMb);
    if (mb === null) problems.push({ field: 'memoryLimitMb', message: 'Memory limit: a number of MB above 0.' });
    else constraints.push({ metric: 'peak_memory', max: mb });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      objectives: form.second === 'none' ? ['energy'] : ['energy', form.second],
      constraints,
      budget: budget!,
      patience: form.patienceOn ? patience : null,
      seed: seed!,
      sampler: form.sampler,
    },
  };
}

export interface Range {
  low: number;
  mid: number;
  high: number;
}

export interface AdaptiveSaving {
  /** Runs the search makes at most (each configuration once). */
  runs: number;
  /** Runs the grid makes (every configuration, every cycle). */
  gridRuns: number;
  /** Percent of the grid's runs, rounded. */
  percent: number;
  /** The plan's time estimate scaled to the search's runs (seconds). */
  seconds: Range;
}

/** What the search saves against the grid: its runs (at most the budget) and the plan's time estimate scaled to them. */
export function adaptiveSaving(plan: { runCount: number; configCount: number; estimate: { totalDurationSeconds: Range } }, budget: number): AdaptiveSaving | null {
  if (plan.runCount < 1 || !Number.isFinite(budget) || budget < 1) return null;
  const runs = Math.min(Math.floor(budget), plan.configCount || plan.runCount);
  const share = runs / plan.runCount;
  const t = plan.estimate.totalDurationSeconds;
  return { runs, gridRuns: plan.runCount, percent: Math.round(share * 100), seconds: { low: t.low * share, mid: t.mid * share, high: t.high * share } };
}
