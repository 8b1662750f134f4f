import type { FigureInputs } from '../results/figureDefinitions';
import type { RunPlanItem } from '../runner/runPlan';
import type { Db } from '../store/database';
import type { AdaptiveSettings } from './adaptiveCampaign';
import type { ProposalMode, SamplerName } from './protocol';
import type { OutcomeDetail, OutcomeKind, ToldPoint } from './reasons';

/**
 * SQLite access of adaptive campaigns (migration 010): the search's settings and grid, and per proposal why it
 * was chosen and what it turned out to be. The only place core/adaptive writes these tables.
 */
export interface GridConfig {
  key: string;
  label: string;
}

export interface AdaptiveCampaignRecord {
  campaignId: string;
  gridCampaignId: string;
  settings: AdaptiveSettings;
  gridSize: number;
  grid: GridConfig[];
  origin: 'cli' | 'app';
  stoppedBecause: string | null;
}

export interface ProposalRecord {
  runIndex: number;
  configKey: string;
  trial: number;
  sampler: SamplerName;
  mode: ProposalMode;
  why: string;
  told: ToldPoint[];
  front: number[];
  outcome: OutcomeKind | null;
  outcomeDetail: OutcomeDetail | null;
  proposedAt: string;
  toldAt: string | null;
}

const now = (): string => new Date().toISOString();

/** Creates the campaign's record, or updates its settings (a larger budget continues the same search). */
export function saveAdaptiveCampaign(db: Db, c: Omit<AdaptiveCampaignRecord, 'stoppedBecause'>): void {
  const at = now();
  db.prepare(
    `INSERT INTO adaptive_campaigns (campaign_id, grid_campaign_id, settings_json, grid_size, grid_json, origin, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (campaign_id) DO UPDATE SET settings_json = excluded.settings_json, grid_size = excluded.grid_size,
       grid_json = excluded.grid_json, stopped_because = NULL, updated_at = excluded.updated_at`,
  ).run(c.campaignId, c.gridCampaignId, JSON.stringify(c.settings), c.gridSize, JSON.stringify(c.grid), c.origin, at, at);
}

export function readAdaptiveCampaign(db: Db, campaignId: string): AdaptiveCampaignRecord | null {
  const row = db
    .prepare('SELECT campaign_id, grid_campaign_id, settings_json, grid_size, grid_json, origin, stopped_because FROM adaptive_campaigns WHERE campaign_id = ?')
    .get(campaignId) as
    | { campaign_id: string; grid_campaign_id: string; settings_json: string; grid_size: number; grid_json: string; origin: 'cli' | 'app'; stopped_because: string | null }
    | undefined;
  if (!row) return null;
  return {
    campaignId: row.campaign_id,
    gridCampaignId: row.grid_campaign_id,
    settings: JSON.parse(row.settings_json) as AdaptiveSettings,
    gridSize: row.grid_size,
    grid: JSON.parse(row.grid_json) as GridConfig[],
    origin: row.origin,
    stoppedBecause: row.stopped_because,
  };
}

export function setStoppedBecause(db: Db, campaignId: string, why: string | null): void {
  db.prepare('UPDATE adaptive_campaigns SET stopped_because = ?, updated_at = ? WHERE campaign_id = ?').run(why, now(), campaignId);
}

/** One proposal, as the optimizer made it; a proposal for the same run (after a crash before it ran) replaces it. */
export function recordProposal(db: Db, campaignId: string, p: Omit<ProposalRecord, 'outcome' | 'outcomeDetail' | 'proposedAt' | 'toldAt'>): void {
  db.prepare(
    `INSERT OR REPLACE INTO adaptive_proposals (campaign_id, run_index, config_key, trial, sampler, mode, why, told_json, front_json, front_size, proposed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(campaignId, p.runIndex, p.configKey, p.trial, p.sampler, p.mode, p.why, JSON.stringify(p.told), JSON.stringify(p.front), p.front.length, now());
}

/** What the run turned out to be for the search; a proposal that was never stored (a pre-010 campaign) is left alone. */
export function recordOutcome(db: Db, campaignId: string, runIndex: number, kind: OutcomeKind, detail: OutcomeDetail): void {
  db.prepare('UPDATE adaptive_proposals SET outcome = ?, outcome_json = ?, told_at = ? WHERE campaign_id = ? AND run_index = ?').run(
    kind,
    JSON.stringify(detail),
    now(),
    campaignId,
    runIndex,
  );
}

export function readProposals(db: Db, campaignId: string): ProposalRecord[] {
  const rows = db
    .prepare(
      `SELECT run_index, config_key, trial, sampler, mode, why, told_json, front_json, outcome, outcome_json, proposed_at, told_at
       FROM adaptive_proposals WHERE campaign_id = ? ORDER BY run_index`,
    )
    .all(campaignId) as {
    run_index: number;
    config_key: string;
    trial: number;
    sampler: SamplerName;
    mode: ProposalMode;
    why: string;
    told_json: string;
    front_json: string;
    outcome: OutcomeKind | null;
    outcome_json: string | null;
    proposed_at: string;
    told_at: string | null;
  }[];
  return rows.map((r) => ({
    runIndex: r.run_index,
    configKey: r.config_key,
    trial: r.trial,
    sampler: r.sampler,
    mode: r.mode,
    why: r.why,
    told: JSON.parse(r.told_json) as ToldPoint[],
    front: JSON.parse(r.front_json) as number[],
    outcome: r.outcome,
    outcomeDetail: r.outcome_json === null ? null : (JSON.parse(r.outcome_json) as OutcomeDetail),
    proposedAt: r.proposed_at,
    toldAt: r.told_at,
  }));
}

/** The campaign's runs with their ids and configuration keys, in order (for the view). */
export function adaptiveRuns(db: Db, campaignId: string): { runId: number; runIndex: number; key: string; status: string; resultId: number | null }[] {
  return db
    .prepare(
      `SELECT r.id AS runId, r.run_index AS runIndex, e.measurement_config_hash AS key, r.status AS status, res.id AS resultId
       FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN results res ON res.run_id = r.id
       WHERE r.campaign_id = ? ORDER BY r.run_index`,
    )
    .all(campaignId) as { runId: number; runIndex: number; key: string; status: string; resultId: number | null }[];
}

/** The adaptive campaigns that search this grid campaign (newest first): Results marks their fronts on the grid's page. */
export function adaptiveCampaignsOfGrid(db: Db, gridCampaignId: string): string[] {
  return db
    .prepare('SELECT campaign_id FROM adaptive_campaigns WHERE grid_campaign_id = ? ORDER BY updated_at DESC')
    .pluck()
    .all(gridCampaignId) as string[];
}

/**
 * A run of an adaptive campaign with its stored result's columns, as the Results page reads them: the inputs of
 * core/results/derivedMetrics.ts (so energy per output token and throughput are derived exactly as Results
 * derives them) and llem's latency and memory columns. The result fields are null when the run has no result.
 */
export interface CampaignRunFigures {
  runIndex: number;
  key: string;
  status: string;
  failureReason: string | null;
  /** The stored results row of the run, or null when it has none (not finished, failed, not imported). */
  result: StoredRunResult | null;
}

/**
 * The result columns an adaptive metric is read from (names as in the `results` table): what the Results page's
 * figure definitions read, plus the latency and memory columns the constraints use.
 */
export interface StoredRunResult extends FigureInputs {
  e2e_latency_mean_ms: number | null;
  ttft_mean_ms: number | null;
  ttft_p95_ms: number | null;
  itl_p99_ms: number | null;
  peak_memory_mb: number | null;
}

const RESULT_COLUMNS = [
  'total_energy_j', 'energy_adjusted_j', 'avg_energy_per_token_j', 'output_tokens', 'total_tokens', 'n_prompts',
  'max_output_tokens', 'total_inference_time_sec', 'avg_tokens_per_second', 'duration_sec', 'e2e_latency_mean_ms',
  'ttft_mean_ms', 'ttft_p95_ms', 'itl_p99_ms', 'peak_memory_mb',
] as const satisfies readonly (keyof StoredRunResult)[];

/** The campaign's runs in the order they ran, each with its stored result (see CampaignRunFigures). */
export function campaignRunFigures(db: Db, campaignId: string): CampaignRunFigures[] {
  const rows = db
    .prepare(
      `SELECT r.run_index AS runIndex, e.measurement_config_hash AS key, r.status AS status, r.failure_reason AS failureReason,
              res.id AS resultId, ${RESULT_COLUMNS.map((c) => `res.${c} AS ${c}`).join(', ')}
       FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN results res ON res.run_id = r.id
       WHERE r.campaign_id = ? ORDER BY r.run_index`,
    )
    .all(campaignId) as (Record<(typeof RESULT_COLUMNS)[number], number | null> & {
    runIndex: number;
    key: string;
    status: string;
    failureReason: string | null;
    resultId: number | null;
  })[];
  return rows.map(({ runIndex, key, status, failureReason, resultId, ...columns }) => ({
    runIndex,
    key,
    status,
    failureReason,
    result: resultId === null ? null : ({ ...columns, total_tokens: columns.total_tokens ?? 0 } as StoredRunResult),
  }));
}

/** Adds one run to a stored campaign (the runner refuses plans that differ from what is stored, so it goes first). */
export function appendRun(db: Db, campaignId: string, item: RunPlanItem): void {
  db.transaction(() => {
    const found = db.prepare('SELECT id FROM experiments WHERE campaign_id = ? AND ordinal = ?').get(campaignId, item.configIndex) as { id: number } | undefined;
    const experimentId = found
      ? found.id
      : Number(
          db
            .prepare('INSERT INTO experiments (campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (?, ?, ?, ?, ?)')
            .run(campaignId, item.configIndex, item.configJson, item.measurementConfigHash, item.summary).lastInsertRowid,
        );
    db.prepare(`INSERT INTO runs (campaign_id, experiment_id, run_index, cycle, status, attempt) VALUES (?, ?, ?, ?, 'queued', 0)`).run(
      campaignId,
      experimentId,
      item.index,
      item.cycle,
    );
  }).immediate();
}
