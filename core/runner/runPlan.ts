import type { GapSettings } from './gaps';

/**
 * What the orchestrator needs from the campaign model: llem's final run list (execution order) plus the gap
 * settings. Kept plain so the runner does not depend on how the plan was made (core/llem, a test, a CLI).
 */
export interface RunPlanItem {
  /** 0-based position in execution order. */
  index: number;
  /** 1-based occurrence of this config in execution order (llem's manifest `cycle`). */
  cycle: number;
  /** Position of the config in llem's expansion order (the `experiments.ordinal`). */
  configIndex: number;
  /** App identity hash of the config (`output_dir` = null). */
  measurementConfigHash: string;
  /** One-line description, e.g. `pytorch / gpt2 / bf16`. */
  summary: string;
  /** Canonical JSON of the validated config (stored in `experiments.config_json`). */
  configJson: string;
  /** Whatever `writeExperimentYaml` takes (a PyDict from the campaign model, or a plain object). */
  experimentConfig: unknown;
  /** Expected duration, used for the default timeout; null/absent = unknown. */
  estimateSeconds?: number | null;
}

export interface CampaignPlan {
  campaignId: string;
  name: string;
  /** The app's campaign model as JSON (stored in `campaigns.study_json` when the campaign is created here). */
  studyJson: string;
  studyDesignHash: string | null;
  llemProfile: string | null;
  runs: RunPlanItem[];
  gaps: GapSettings;
}

/** Number of distinct configs (llem's n_unique for the cycle-gap rule). */
export function uniqueConfigCount(plan: Pick<CampaignPlan, 'runs'>): number {
  return new Set(plan.runs.map((r) => r.measurementConfigHash)).size;
}

/**
 * App-side timeout for one run: an explicit setting wins; else 3 × the estimate (at least 10 min, since model
 * download and the 30 s baseline + 60 s thermal floor are not in most estimates); else 2 h.
 */
export function defaultTimeoutSeconds(item: Pick<RunPlanItem, 'estimateSeconds'>, configured?: number | null): number {
  if (configured !== undefined && configured !== null && configured > 0) return configured;
  if (item.estimateSeconds !== undefined && item.estimateSeconds !== null && item.estimateSeconds > 0) {
    return Math.max(600, Math.ceil(item.estimateSeconds * 3));
  }
  return 7200;
}
