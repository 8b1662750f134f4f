import type { CommandIo } from '../cli/run';
import { terminalText } from '../cli/terminalText';
import type { CampaignRunner } from '../runner/campaignRunner';
import type { CampaignPlan } from '../runner/runPlan';
import type { Db } from '../store/database';
import { runAdaptiveCampaign, type AdaptiveSettings } from './adaptiveCampaign';
import { isMetricName, METRICS, parseConstraint, type MetricName } from './metrics';
import { SamplerSchema } from './protocol';
import { resolveSidecarPython } from './sidecarClient';

/** The `llem-studio run --adaptive` flags as commander hands them over. */
export interface AdaptiveCliFlags {
  adaptive?: boolean;
  budget?: number;
  objective?: string;
  constraint?: string[];
  patience?: number;
  seed?: number;
  sampler?: string;
  optimizerPython?: string;
}

/** Flags → settings; throws an Error naming the flag at fault. */
export function adaptiveSettingsFromFlags(flags: AdaptiveCliFlags, gridSize: number): AdaptiveSettings {
  const objectives = (flags.objective ?? 'energy,throughput').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of objectives) if (!isMetricName(o)) throw new Error(`--objective: unknown metric ${o} (one of ${Object.keys(METRICS).join(', ')})`);
  if (objectives.length < 1 || objectives.length > 2) throw new Error('--objective: give one or two metrics, e.g. energy,latency');
  if (new Set(objectives).size !== objectives.length) throw new Error('--objective: a metric is named twice');
  const sampler = SamplerSchema.safeParse(flags.sampler ?? 'tpe');
  if (!sampler.success) throw new Error(`--sampler: ${flags.sampler} is not one of tpe, nsga2, random`);
  // Without --budget: 30 % of the grid, the share the benchmark (bench/adaptive-pareto.ts) measures.
  const budget = flags.budget ?? Math.max(1, Math.ceil(gridSize * 0.3));
  if (!Number.isInteger(budget)) throw new Error(`--budget: ${budget} is not a whole number of runs`);
  const seed = flags.seed ?? 0;
  if (!Number.isInteger(seed) || seed >= 2 ** 32) throw new Error(`--seed: ${seed} is not an integer in [0, 2^32)`);
  if (flags.patience !== undefined && !Number.isInteger(flags.patience)) throw new Error(`--patience: ${flags.patience} is not a whole number of runs`);
  return {
    seed,
    sampler: sampler.data,
    objectives: objectives as MetricName[],
    constraints: (flags.constraint ?? []).map((c) => {
      try {
        return parseConstraint(c);
      } catch (e) {
        throw new Error(`--constraint: ${(e as Error).message}`, { cause: e });
      }
    }),
    budget,
    patience: flags.patience ?? null,
  };
}

export interface AdaptiveCliDeps {
  db: Db;
  io: CommandIo;
  llemCommand: string;
  makeRunner: (plan: CampaignPlan) => CampaignRunner;
  onInterrupt: CommandIo['onInterrupt'];
}

/** `llem-studio run <study> --adaptive …`: exit codes as `run` (0 ok, 1 some failed, 2 bad input, 75 busy, 130 interrupted). */
export async function runAdaptiveFromCli(grid: CampaignPlan, flags: AdaptiveCliFlags, deps: AdaptiveCliDeps): Promise<{ exitCode: number }> {
  // Lines carry data (model names from the study, llem's failure reasons, the sidecar's words): never raw controls.
  const say = (line: string) => deps.io.stdout.write(`${terminalText(line)}\n`);
  const sayError = (line: string) => deps.io.stderr.write(`${terminalText(line)}\n`);
  const gridSize = new Set(grid.runs.map((r) => r.measurementConfigHash)).size;
  let settings: AdaptiveSettings;
  try {
    settings = adaptiveSettingsFromFlags(flags, gridSize);
  } catch (e) {
    sayError(`llem-studio run: ${(e as Error).message}`);
    return { exitCode: 2 };
  }
  let current: CampaignRunner | null = null;
  let stop = false;
  const removeInterrupt = deps.onInterrupt(() => {
    stop = true;
    current?.cancel();
  });
  try {
    const out = await runAdaptiveCampaign(grid, settings, {
      db: deps.db,
      say,
      stopRequested: () => stop,
      optimizer: { python: resolveSidecarPython({ explicit: flags.optimizerPython, llemCommand: deps.llemCommand, env: deps.io.env }), env: deps.io.env },
      runPlan: async (plan) => {
        current = deps.makeRunner(plan);
        const unsubscribe = current.subscribe((e) => {
          if (e.type === 'run.finished' && e.status !== 'succeeded') say(`    run ${e.runIndex + 1} ${e.status}${e.failureReason ? ` (${e.failureReason})` : ''}`);
        });
        try {
          return await current.run();
        } finally {
          unsubscribe();
          current = null;
        }
      },
    });
    if (!out.ok) {
      sayError(`llem-studio run: ${out.error.message}`);
      return { exitCode: out.error.code === 'lease_held' ? 75 : out.error.code === 'plan_changed' || out.error.code === 'invalid_input' ? 2 : 1 };
    }
    const o = out.value;
    const why = { budget: 'budget spent', patience: `front unchanged for ${settings.patience} runs`, exhausted: 'every configuration has run', stopped: 'stopped', runner: 'the runner stopped' }[o.stoppedBecause];
    say(`Adaptive campaign ${o.campaignId}: ${o.runs} of ${o.gridSize} configurations run (${why}); front: ${o.front.length} configuration(s).`);
    if (o.stoppedBecause === 'stopped') {
      say('Run the same command again to resume.');
      return { exitCode: 130 };
    }
    // Failed runs are part of a search (an OOM configuration is an answer), but a search where nothing succeeded
    // found no front: say so and exit like a grid campaign with failures.
    if (o.front.length === 0) {
      sayError('llem-studio run: no run of the adaptive campaign succeeded within its constraints; no front was found.');
      return { exitCode: 1 };
    }
    return { exitCode: 0 };
  } catch (e) {
    sayError(`llem-studio run: adaptive campaign: ${(e as Error).message}`);
    return { exitCode: 1 };
  } finally {
    removeInterrupt();
  }
}
