import { boundedOutputTokens, compareAppEnergy, maximumOutputTokens, positive, type AppMeasuringEnergy } from '../figureDefinitions';

/**
 * Quality checks of one stored result: can its figures be trusted, and how far? Each check gives pass / warn /
 * fail (or not_checked when the result lacks what it needs) with a reason in plain words; the grade A / B / C
 * follows from them (docs/quality.md). Pure: the same inputs give the same report, at import and in a backfill.
 */

/** 2: energy_figures_agree also compares the app's own counter and integrated energy (runs the app made). */
export const QUALITY_CHECKS_VERSION = 2;

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'not_checked';
export type QualityGrade = 'A' | 'B' | 'C';

export const CHECK_IDS = [
  'output_tokens_possible', 'energy_figures_agree', 'window_long_enough', 'baseline_subtracted', 'power_in_range',
  'temperature_in_range', 'samples_without_gaps',
] as const;
export type CheckId = (typeof CHECK_IDS)[number] | 'cycles_consistent';

export interface QualityCheck {
  id: CheckId;
  /** Short name ("Token counts possible"). */
  label: string;
  status: CheckStatus;
  /** Why, in plain words, with the numbers and their units. */
  reason: string;
  /** What to print next to an affected figure; only for warn / fail. */
  caveat?: string;
}

export interface QualityReport {
  grade: QualityGrade;
  checks: QualityCheck[];
  /** Output tokens every figure uses (llem's count bounded by n_prompts × max_output_tokens). */
  outputTokensBounded: number | null;
  /** llem's own count, as written. */
  outputTokensReported: number | null;
}

/** The columns of `results` the checks read. */
export interface QualityInputs {
  output_tokens: number | null;
  n_prompts: number | null;
  max_output_tokens: number | null;
  total_energy_j: number | null;
  energy_adjusted_j: number | null;
  duration_sec: number | null;
  baseline_power_w: number | null;
  baseline_method: string | null;
  power_limit_w: number | null;
  num_gpus: number | null;
  max_temperature_c: number | null;
  throttle_thermal: number | null;
}

/** llem's 1 Hz timeseries of the result (all GPUs), in time order per GPU. */
export interface QualitySample {
  gpu_index: number;
  timestamp_s: number;
  power_w: number | null;
  temperature_c: number | null;
}

/** ML.ENERGY measures at least 30 s of steady state; below 10 s the edges of the window dominate. */
export const WINDOW_PASS_S = 30;
export const WINDOW_FAIL_S = 10;
/** GPU temperatures: most data-centre GPUs slow down from about 85 °C and shut down near 95 °C. */
export const TEMPERATURE_WARN_C = 85;
export const TEMPERATURE_FAIL_C = 95;
/** A gap is a step between samples above 1.5 × the sampling interval (1 s for llem). */
const GAP_FACTOR = 1.5;
const GAP_FAIL_FRACTION = 0.1;

/**
 * Energy agreement tolerance for a window of `windowS` seconds: 2 % for the sensors themselves, plus one
 * second of the window's mean power (llem's 1 Hz buckets start and end on whole seconds, the window does
 * not), so a 5 s window may differ by 22 % and a 60 s one by 3.7 %. Warn up to twice that, fail beyond.
 */
export function energyTolerance(windowS: number): number {
  return 0.02 + 1 / windowS;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en');
const fmt = (n: number, digits = 1) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number) => `${fmt(x * 100, 1)} %`;

/** `appEnergy`: the app's own energy over its measuring phase, for a run the app made (null for imports). */
export function checkQuality(r: QualityInputs, samples: readonly QualitySample[], appEnergy: AppMeasuringEnergy | null = null): QualityReport {
  const checks: QualityCheck[] = [
    outputTokensPossible(r),
    energyFiguresAgree(r, samples, appEnergy),
    windowLongEnough(r),
    baselineSubtracted(r),
    powerInRange(r, samples),
    temperatureInRange(r, samples),
    samplesWithoutGaps(r, samples),
  ];
  return { grade: gradeOf(checks), checks, outputTokensBounded: boundedOutputTokens(r), outputTokensReported: r.output_tokens };
}

/** C: a check failed. B: a check warned or could not be made. A: every check made and passed. */
export function gradeOf(checks: readonly Pick<QualityCheck, 'status'>[]): QualityGrade {
  if (checks.some((c) => c.status === 'fail')) return 'C';
  if (checks.some((c) => c.status !== 'pass')) return 'B';
  return 'A';
}

/** Grades from best to worst, for sorting and for "below". */
export function gradeRank(g: QualityGrade): number {
  return g === 'A' ? 0 : g === 'B' ? 1 : 2;
}

function outputTokensPossible(r: QualityInputs): QualityCheck {
  const base = { id: 'output_tokens_possible', label: 'Token counts possible' } as const;
  const maximum = maximumOutputTokens(r);
  const reported = positive(r.output_tokens);
  if (reported === null || maximum === null) {
    return { ...base, status: 'not_checked', reason: 'The result does not state output tokens, the number of prompts and the maximum output tokens, so the count cannot be checked.' };
  }
  if (reported <= maximum) {
    return { ...base, status: 'pass', reason: `${fmtInt(reported)} output tokens ≤ ${fmtInt(r.n_prompts!)} prompts × ${fmtInt(r.max_output_tokens!)} max output tokens = ${fmtInt(maximum)}.` };
  }
  return {
    ...base,
    status: 'fail',
    reason:
      `llem reports ${fmtInt(reported)} output tokens, but ${fmtInt(r.n_prompts!)} prompts × ${fmtInt(r.max_output_tokens!)} max output tokens allow at most ` +
      `${fmtInt(maximum)} (llem 0.7.0 counts the input padding of a batch as output). Every per-token figure uses ${fmtInt(maximum)}.`,
    caveat: `at most ${fmtInt(maximum)} tokens were generated; llem reported ${fmtInt(reported)}`,
  };
}

/** Energy of llem's 1 Hz buckets per GPU: each bucket's mean power × its width, summed over GPUs. */
export function integrateBuckets(samples: readonly QualitySample[]): number | null {
  const byGpu = groupByGpu(samples);
  let total = 0;
  let any = false;
  for (const list of byGpu.values()) {
    if (list.length < 2) continue;
    const step = medianStep(list);
    for (const s of list) {
      if (s.power_w === null) continue;
      total += s.power_w * step;
      any = true;
    }
  }
  return any ? total : null;
}

const STATUS_ORDER = { fail: 0, warn: 1, pass: 2, not_checked: 3 } as const;

/**
 * The energy figures of one result agree: llem's figure against its own 1 Hz timeseries integrated, and, for a
 * run the app made, against the app's NVML counter and integrated power over its measuring phase. The status is
 * the worst of the comparisons made; one not made is said in the reason but does not lower the grade (an
 * imported result has no app figures to compare, and that is not a defect of the result).
 */
function energyFiguresAgree(r: QualityInputs, samples: readonly QualitySample[], appEnergy: AppMeasuringEnergy | null): QualityCheck {
  const base = { id: 'energy_figures_agree', label: 'Energy figures agree' } as const;
  const llem = positive(r.total_energy_j);
  const window = positive(r.duration_sec);
  const parts: { status: CheckStatus; words: string; caveat?: string }[] = [];
  const integrated = integrateBuckets(samples);
  if (llem === null || window === null || integrated === null) {
    parts.push({ status: 'not_checked', words: `llem's energy vs its timeseries: needs llem's energy, its window and its power timeseries; ${llem === null ? 'no energy figure' : window === null ? 'no window' : 'no timeseries'} in this result.` });
  } else {
    const diff = (integrated - llem) / llem;
    const tol = energyTolerance(window);
    const words = `llem's energy ${fmt(llem)} J vs its power timeseries integrated ${fmt(integrated)} J: ${diff >= 0 ? '+' : '−'}${pct(Math.abs(diff))} (tolerance ±${pct(tol)} for a ${fmt(window)} s window).`;
    const status = Math.abs(diff) <= tol ? 'pass' : Math.abs(diff) <= 2 * tol ? 'warn' : 'fail';
    parts.push({ status, words, ...(status === 'pass' ? {} : { caveat: `energy disagrees with the power timeseries by ${pct(Math.abs(diff))}` }) });
  }
  const app = compareAppEnergy(r.total_energy_j, r.duration_sec, appEnergy, positive(r.num_gpus));
  if (app.every((c) => c.status === 'not_checked') && app[0]!.words === app[1]!.words) {
    parts.push({ status: 'not_checked', words: `App's counter and integrated energy: ${app[0]!.words}` });
  } else {
    for (const c of app) {
      const what = c.name === 'counter' ? "the app's NVML counter" : "the app's integrated power";
      parts.push({
        status: c.status,
        words: c.words,
        ...(c.status === 'warn' || c.status === 'fail' ? { caveat: `llem's energy differs from ${what} by ${pct(Math.abs(c.relativeDifference!))}` } : {}),
      });
    }
  }
  const made = parts.filter((p) => p.status !== 'not_checked');
  const reason = parts.map((p) => p.words).join(' ');
  if (made.length === 0) return { ...base, status: 'not_checked', reason };
  const worst = [...made].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status])[0]!;
  if (worst.status === 'pass') return { ...base, status: 'pass', reason };
  const caveat = made.filter((p) => p.caveat).map((p) => p.caveat).join('; ');
  return { ...base, status: worst.status, reason, caveat };
}

function windowLongEnough(r: QualityInputs): QualityCheck {
  const base = { id: 'window_long_enough', label: 'Measurement window long enough' } as const;
  const w = positive(r.duration_sec);
  if (w === null) return { ...base, status: 'not_checked', reason: 'The result has no measurement window (start and end time).' };
  const shown = fmt(w, w < 1 ? 2 : 1);
  if (w >= WINDOW_PASS_S) return { ...base, status: 'pass', reason: `${shown} s ≥ ${WINDOW_PASS_S} s, the steady state public energy leaderboards measure at least.` };
  const status = w >= WINDOW_FAIL_S ? 'warn' : 'fail';
  return {
    ...base,
    status,
    reason: `${shown} s, shorter than ${status === 'warn' ? `${WINDOW_PASS_S} s, the steady state public energy leaderboards measure at least` : `${WINDOW_FAIL_S} s: start-up and the edges of the window weigh on the figure`}. Use more prompts for a longer window.`,
    caveat: `measured over ${shown} s only`,
  };
}

function baselineSubtracted(r: QualityInputs): QualityCheck {
  const base = { id: 'baseline_subtracted', label: 'Baseline measured and subtracted' } as const;
  const idle = positive(r.baseline_power_w);
  if (idle !== null && r.energy_adjusted_j !== null && r.energy_adjusted_j >= 0) {
    return { ...base, status: 'pass', reason: `Idle baseline ${fmt(idle)} W (${r.baseline_method ?? 'method not stated'}) measured; baseline-adjusted energy ${fmt(r.energy_adjusted_j)} J.` };
  }
  return {
    ...base,
    status: 'warn',
    reason: 'No idle baseline was measured or subtracted: only raw energy is available, which includes the GPU\'s idle draw.',
    caveat: 'no idle baseline subtracted',
  };
}

function powerInRange(r: QualityInputs, samples: readonly QualitySample[]): QualityCheck {
  const base = { id: 'power_in_range', label: 'Power between idle and the board limit' } as const;
  const energy = positive(r.total_energy_j);
  const window = positive(r.duration_sec);
  const idle = positive(r.baseline_power_w);
  const gpus = positive(r.num_gpus) ?? 1;
  const limit = positive(r.power_limit_w);
  if (energy === null || window === null || (idle === null && limit === null)) {
    return { ...base, status: 'not_checked', reason: 'Needs the energy, the window and the idle baseline or the power limit.' };
  }
  const avg = energy / window;
  const limitAll = limit === null ? null : limit * gpus;
  const peak = samples.reduce((m, s) => (s.power_w !== null && s.power_w > m ? s.power_w : m), 0);
  const problems: string[] = [];
  if (idle !== null && avg < idle * 0.9) problems.push(`average ${fmt(avg)} W is below the idle baseline ${fmt(idle)} W`);
  if (limitAll !== null && avg > limitAll * 1.05) problems.push(`average ${fmt(avg)} W is above the board limit ${fmt(limitAll)} W`);
  if (limit !== null && peak > limit * 1.1) problems.push(`a 1 s sample of ${fmt(peak)} W is above the board limit ${fmt(limit)} W`);
  const words = `Average ${fmt(avg)} W${idle !== null ? `, idle ${fmt(idle)} W` : ''}${limitAll !== null ? `, board limit ${fmt(limitAll)} W` : ''}.`;
  if (problems.length === 0) return { ...base, status: 'pass', reason: words };
  return { ...base, status: 'fail', reason: `${problems.join('; ')}: the energy figure cannot be right.`, caveat: 'power outside idle…board limit' };
}

function temperatureInRange(r: QualityInputs, samples: readonly QualitySample[]): QualityCheck {
  const base = { id: 'temperature_in_range', label: 'Temperature in range' } as const;
  const fromSamples = samples.reduce<number | null>((m, s) => (s.temperature_c !== null && (m === null || s.temperature_c > m) ? s.temperature_c : m), null);
  const max = r.max_temperature_c ?? fromSamples;
  if (max === null) return { ...base, status: 'not_checked', reason: 'No temperature was recorded.' };
  if (max >= TEMPERATURE_FAIL_C) return { ...base, status: 'fail', reason: `Peak ${fmt(max)} °C ≥ ${TEMPERATURE_FAIL_C} °C.`, caveat: `GPU reached ${fmt(max)} °C` };
  if (max >= TEMPERATURE_WARN_C || r.throttle_thermal === 1) {
    return { ...base, status: 'warn', reason: `Peak ${fmt(max)} °C${r.throttle_thermal === 1 ? ', and llem saw thermal throttling' : ` ≥ ${TEMPERATURE_WARN_C} °C`}: clocks may have dropped.`, caveat: 'GPU ran hot' };
  }
  return { ...base, status: 'pass', reason: `Peak ${fmt(max)} °C < ${TEMPERATURE_WARN_C} °C, no thermal throttling.` };
}

function samplesWithoutGaps(r: QualityInputs, samples: readonly QualitySample[]): QualityCheck {
  const base = { id: 'samples_without_gaps', label: 'Samples without gaps' } as const;
  const byGpu = groupByGpu(samples);
  if (byGpu.size === 0) return { ...base, status: 'not_checked', reason: 'No power timeseries came with this result.' };
  let gapS = 0;
  let gaps = 0;
  let span = 0;
  for (const list of byGpu.values()) {
    if (list.length < 2) continue;
    const step = medianStep(list);
    span = Math.max(span, list.at(-1)!.timestamp_s - list[0]!.timestamp_s + step);
    for (let i = 1; i < list.length; i++) {
      const d = list[i]!.timestamp_s - list[i - 1]!.timestamp_s;
      if (d > GAP_FACTOR * step) {
        gaps += 1;
        gapS += d - step;
      }
    }
    gaps += list.filter((s) => s.power_w === null).length;
  }
  const window = positive(r.duration_sec);
  const coverage = window === null ? null : span / window;
  if (gaps === 0 && (coverage === null || coverage >= 0.8)) {
    return { ...base, status: 'pass', reason: `No gaps; the timeseries covers ${coverage === null ? 'an unknown share of' : pct(Math.min(coverage, 1))} the window.` };
  }
  const missing = window === null ? 0 : gapS / window;
  const status = missing > GAP_FAIL_FRACTION || (coverage !== null && coverage < 0.5) ? 'fail' : 'warn';
  return {
    ...base,
    status,
    reason: `${gaps} gap${gaps === 1 ? '' : 's'} or empty samples (${fmt(gapS)} s)${coverage !== null ? `; the timeseries covers ${pct(Math.min(coverage, 1))} of the window` : ''}.`,
    caveat: 'power timeseries has gaps',
  };
}

/** Coefficient of variation across cycles (configuration-level, computed when cycles are grouped). */
export function cyclesConsistent(cv: number | null, cycles: number): QualityCheck {
  const base = { id: 'cycles_consistent', label: "Cycles agree (coefficient of variation)" } as const;
  if (cycles < 2 || cv === null) return { ...base, status: 'not_checked', reason: 'One cycle: no spread to judge. Run at least two cycles.' };
  const words = `Energy per output token varies by ${pct(cv)} (CV) across ${cycles} cycles`;
  if (cv <= 0.05) return { ...base, status: 'pass', reason: `${words}, ≤ 5 %.` };
  if (cv <= 0.1) return { ...base, status: 'warn', reason: `${words}, between 5 % and 10 %.`, caveat: `cycles vary by ${pct(cv)}` };
  return { ...base, status: 'fail', reason: `${words}, more than 10 %.`, caveat: `cycles vary by ${pct(cv)}` };
}

function groupByGpu(samples: readonly QualitySample[]): Map<number, QualitySample[]> {
  const out = new Map<number, QualitySample[]>();
  for (const s of samples) {
    const list = out.get(s.gpu_index);
    if (list) list.push(s);
    else out.set(s.gpu_index, [s]);
  }
  for (const list of out.values()) list.sort((a, b) => a.timestamp_s - b.timestamp_s);
  return out;
}

function medianStep(list: readonly QualitySample[]): number {
  const steps: number[] = [];
  for (let i = 1; i < list.length; i++) steps.push(list[i]!.timestamp_s - list[i - 1]!.timestamp_s);
  steps.sort((a, b) => a - b);
  const m = steps[Math.floor(steps.length / 2)] ?? 1;
  return m > 0 ? m : 1;
}
