import { createHash } from 'node:crypto';
import { err, ok, type Result } from '../../contract/result';
import { campaignExists } from '../campaigns/campaignStore';
import type { RunnerOutcome } from '../runner/campaignRunner';
import type { CampaignPlan, RunPlanItem } from '../runner/runPlan';
import type { Db } from '../store/database';
import { front2 } from './hypervolume';
import { METRICS, storedTrials, type Constraint, type MetricName } from './metrics';
import { AdaptiveOptimizer, type OptimizerOptions, type TrialRecord } from './optimizer';
import type { SamplerName, TrialOutcome } from './protocol';
import { searchSpaceOf } from './searchSpace';
import { appendRun, recordOutcome, recordProposal, saveAdaptiveCampaign, setStoppedBecause } from './adaptiveStore';
import { frontOf, outcomeOf, type ToldPoint } from './reasons';
import { distinguishingLabels, sweptKeysOf, type JsonValue } from '../../contract/runLabels';

export interface AdaptiveSettings {
  seed: number;
  sampler: SamplerName;
  objectives: MetricName[];
  constraints: Constraint[];
  /** Most runs this campaign makes in all (resumed runs count). */
  budget: number;
  /** Stop early when the front has not changed for this many runs in a row (null: run the whole budget). */
  patience: number | null;
}

export interface AdaptiveDeps {
  db: Db;
  optimizer: Omit<OptimizerOptions, 'onRestart'>;
  /** Runs whatever is queued in `plan` with the normal campaign runner (llem, leases, telemetry, import). */
  runPlan: (plan: CampaignPlan) => Promise<Result<RunnerOutcome>>;
  /** One line per decision, for the terminal: what was chosen and why, restarts, the front. */
  say: (line: string) => void;
  /** True once the user asked to stop (Ctrl-C): no further run is proposed. */
  stopRequested?: () => boolean;
  /** Who started it (stored with the campaign: the app resumes the ones it started; default cli). */
  origin?: 'cli' | 'app';
}

export interface AdaptiveOutcome {
  campaignId: string;
  runs: number;
  gridSize: number;
  stoppedBecause: 'budget' | 'patience' | 'exhausted' | 'stopped' | 'runner';
  front: string[];
  runner: RunnerOutcome | null;
}

/** The adaptive campaign's id: the grid's, plus what makes the search itself (not the budget: a larger one resumes). */
export function adaptiveCampaignId(grid: Pick<CampaignPlan, 'campaignId'>, s: AdaptiveSettings): string {
  const identity = JSON.stringify({ grid: grid.campaignId, seed: s.seed, sampler: s.sampler, objectives: s.objectives, constraints: s.constraints });
  return `adaptive-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}

/**
 * Runs a campaign adaptively: the optimizer proposes one valid configuration at a time, it runs as a normal llem
 * run of this campaign (stored, graded, charted like any other), its result is told back, until the budget is
 * spent, the front stops improving for `patience` runs, or every configuration has run. Everything needed to
 * resume is in SQLite: the runs in order and their results rebuild the optimizer's study.
 */
export async function runAdaptiveCampaign(grid: CampaignPlan, settings: AdaptiveSettings, deps: AdaptiveDeps): Promise<Result<AdaptiveOutcome>> {
  const { db, say } = deps;
  if (!Number.isInteger(settings.budget) || settings.budget < 1) return err('invalid_input', `--budget must be a whole number of runs >= 1 (got ${settings.budget})`);
  if (settings.objectives.length < 1 || settings.objectives.length > 2) return err('invalid_input', 'an adaptive campaign has one or two objectives');
  const space = searchSpaceOf(grid);
  const campaignId = adaptiveCampaignId(grid, settings);
  const gridSize = space.candidates.length;
  saveAdaptiveCampaign(db, { campaignId, gridCampaignId: grid.campaignId, settings, gridSize, grid: gridLabels(grid, space.items), origin: deps.origin ?? 'cli' });
  const chosen: RunPlanItem[] = [];
  const planNow = (): CampaignPlan => ({
    ...grid,
    campaignId,
    name: `${grid.name} (adaptive)`,
    studyJson: JSON.stringify({ ...(JSON.parse(grid.studyJson) as object), adaptive: { ...settings, gridCampaignId: grid.campaignId, gridSize } }),
    runs: chosen.map((item, index) => ({ ...item, index, cycle: 1 })),
  });

  // Resume: the runs stored for this campaign, in order; unfinished ones run first.
  let stored = storedTrials(db, campaignId, settings.objectives, settings.constraints);
  for (const t of stored) {
    const item = space.items.get(t.key);
    if (!item) return err('plan_changed', `Campaign ${campaignId} has a run of config ${t.key}, which this study no longer has. Start it as a new campaign.`);
    chosen.push(item);
  }
  let runner: RunnerOutcome | null = null;
  if (stored.some((t) => t.outcome === null)) {
    say(`Resuming ${campaignId}: finishing ${stored.filter((t) => t.outcome === null).length} unfinished run(s) first.`);
    const r = await deps.runPlan(planNow());
    if (!r.ok) return r;
    runner = r.value;
    if (r.value.status !== 'completed') return ok({ campaignId, runs: chosen.length, gridSize, stoppedBecause: 'stopped', front: [], runner });
    stored = storedTrials(db, campaignId, settings.objectives, settings.constraints);
  }
  const history: TrialRecord[] = stored.flatMap((t) => (t.outcome ? [{ key: t.key, ...t.outcome }] : []));
  // Runs that finished while nothing was there to record them (a crash, a resume) get their outcome now.
  for (const t of stored) if (t.outcome) storeOutcome(db, campaignId, t.runIndex, t.outcome, settings);
  const runIndexOf = (key: string): number => chosen.findIndex((item) => item.measurementConfigHash === key);

  const optimizer = new AdaptiveOptimizer(
    {
      seed: settings.seed,
      sampler: settings.sampler,
      objectives: settings.objectives.map((m) => ({ name: m, direction: METRICS[m].direction })),
      constraints: settings.constraints.map((c) => `${c.metric}<=${c.max}`),
      dimensions: space.dimensions,
      candidates: space.candidates,
    },
    { ...deps.optimizer, onRestart: (e, n) => say(`optimizer sidecar restarted (${n}): ${e.message}`) },
  );
  const frontKeys = (): string[] => {
    const ok2 = optimizer.trials.filter((t): t is TrialRecord & { status: 'ok'; values: number[] } => t.status === 'ok' && (t.violations ?? []).every((v) => v <= 0));
    if (settings.objectives.length === 1) {
      const sgn = METRICS[settings.objectives[0]!].direction === 'minimize' ? 1 : -1;
      const best = ok2.reduce<(typeof ok2)[number] | null>((b, t) => (b === null || sgn * t.values[0]! < sgn * b.values[0]! ? t : b), null);
      return best ? [best.key] : [];
    }
    const dirs = settings.objectives.map((m) => METRICS[m].direction) as ['minimize' | 'maximize', 'minimize' | 'maximize'];
    return front2(ok2.map((t) => ({ key: t.key, values: [t.values[0]!, t.values[1]!] as const })), dirs).map((p) => p.key);
  };

  let stoppedBecause: AdaptiveOutcome['stoppedBecause'] = 'budget';
  /** What the optimizer has been told so far, as stored points (the proposal's context). */
  const toldPoints = (): ToldPoint[] =>
    optimizer.trials.map((t) => {
      const o = outcomeOf(t, settings.constraints);
      return { runIndex: runIndexOf(t.key), outcome: o.kind, values: o.detail.values };
    });
  try {
    await optimizer.start(history);
    if (history.length > 0) say(`Rebuilt the optimizer from ${history.length} stored run(s) (${optimizer.lastReplay?.matched ?? 0} proposed again exactly).`);
    say(`Adaptive search: ${settings.sampler}, seed ${settings.seed}, ${gridSize} valid configurations, budget ${settings.budget} run(s)` +
      `${settings.patience ? `, patience ${settings.patience}` : ''}; optuna ${optimizer.info?.optuna ?? '?'}.`);
    let front = frontKeys();
    let sinceImprovement = 0;
    while (chosen.length < settings.budget) {
      if (deps.stopRequested?.()) {
        stoppedBecause = 'stopped';
        break;
      }
      if (settings.patience !== null && sinceImprovement >= settings.patience) {
        stoppedBecause = 'patience';
        break;
      }
      const p = await optimizer.ask();
      if ('exhausted' in p) {
        stoppedBecause = 'exhausted';
        break;
      }
      const item = space.items.get(p.key)!;
      say(`[${chosen.length + 1}/${settings.budget}] next: ${item.summary} — ${p.why}`);
      const toldSoFar = toldPoints();
      recordProposal(db, campaignId, {
        runIndex: chosen.length,
        configKey: p.key,
        trial: p.trial,
        sampler: settings.sampler,
        mode: p.mode,
        why: p.why,
        told: toldSoFar,
        front: frontOf(toldSoFar, settings.objectives),
      });
      chosen.push(item);
      const plan = planNow();
      if (chosen.length > 1 || campaignExists(db, campaignId)) appendRun(db, campaignId, plan.runs[plan.runs.length - 1]!);
      const r = await deps.runPlan(plan);
      if (!r.ok) return r;
      runner = r.value;
      const t = storedTrials(db, campaignId, settings.objectives, settings.constraints)[chosen.length - 1];
      if (!t?.outcome) {
        stoppedBecause = r.value.status === 'completed' ? 'runner' : 'stopped';
        break;
      }
      storeOutcome(db, campaignId, chosen.length - 1, t.outcome, settings);
      const told = await optimizer.tell(p.trial, { key: p.key, ...t.outcome });
      const nextFront = frontKeys();
      const changed = nextFront.join() !== front.join();
      front = nextFront;
      sinceImprovement = changed ? 0 : sinceImprovement + 1;
      say(
        t.outcome.status === 'ok'
          ? `    ${settings.objectives.map((m, i) => `${METRICS[m].label} ${fmt((t.outcome as { values: number[] }).values[i]!)} ${METRICS[m].unit}`).join(', ')}` +
              `${told.feasible ? '' : ' (violates a constraint)'}; front: ${front.length} configuration(s)${changed ? ' (changed)' : ''}`
          : `    infeasible (${t.outcome.reason ?? 'failed'}): told to the optimizer as a constraint violation`,
      );
    }
    setStoppedBecause(db, campaignId, stoppedBecause);
    return ok({ campaignId, runs: chosen.length, gridSize, stoppedBecause, front, runner });
  } finally {
    await optimizer.close();
  }
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

function storeOutcome(db: Db, campaignId: string, runIndex: number, outcome: TrialOutcome, settings: AdaptiveSettings): void {
  const o = outcomeOf(outcome, settings.constraints);
  recordOutcome(db, campaignId, runIndex, o.kind, o.detail);
}

/** Each valid configuration of the grid with the label that sets it apart (contract/runLabels.ts), for Results. */
function gridLabels(grid: CampaignPlan, items: Map<string, RunPlanItem>): { key: string; label: string }[] {
  let sweptKeys: string[] = [];
  try {
    sweptKeys = sweptKeysOf(JSON.parse(grid.studyJson) as JsonValue);
  } catch {
    // a study stored in another shape: labels without the sweep's order
  }
  const list = [...items.values()];
  const labels = distinguishingLabels(
    list.map((i) => JSON.parse(i.configJson) as JsonValue),
    { sweptKeys },
  );
  return list.map((item, i) => ({ key: item.measurementConfigHash, label: labels[i] || item.summary }));
}
