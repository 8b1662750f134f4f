import type { AdaptiveStartSettings } from '../../contract/apiAdaptive';
import { err, ok, type Result } from '../../contract/result';
import { adaptiveCampaignId, runAdaptiveCampaign, type AdaptiveSettings } from '../adaptive/adaptiveCampaign';
import { readAdaptiveCampaign } from '../adaptive/adaptiveStore';
import { resolveSidecarPython } from '../adaptive/sidecarClient';
import type { CampaignRunner } from '../runner/campaignRunner';
import { runCounts } from '../runner/runStore';
import type { Db } from '../store/database';
import type { CampaignSessions } from './campaignSessions';

export interface AdaptiveSessionDeps {
  db: Db;
  env: NodeJS.ProcessEnv;
  sessions: CampaignSessions;
  log: (message: string) => void;
}

const STOP_WORDS = {
  budget: 'budget spent',
  patience: 'the front stopped improving',
  exhausted: 'every configuration has run',
  stopped: 'stopped',
  runner: 'the runner stopped',
} as const;

/**
 * Adaptive campaigns started from the UI: the same search as `llem-studio run --adaptive` (runAdaptiveCampaign),
 * driven through the campaign sessions the grid uses (runner, leases, telemetry hub, Runs page events). Each
 * proposed configuration is one run of the normal runner; the search's own start and end are the campaign's.
 * Everything needed to continue is in SQLite, so a paused, cancelled or crashed search resumes with runs.start.
 */
export async function startAdaptiveCampaign(
  deps: AdaptiveSessionDeps,
  gridCampaignId: string,
  settings: AdaptiveStartSettings,
): Promise<Result<{ campaignId: string; gridSize: number; budget: number }>> {
  const adaptive: AdaptiveSettings = { ...settings };
  const campaignId = adaptiveCampaignId({ campaignId: gridCampaignId }, adaptive);
  let gridSize = 0;
  const started = await deps.sessions.runDriven(
    campaignId,
    async () => {
      const prepared = await deps.sessions.prepareCampaign(gridCampaignId);
      if (prepared.ok) gridSize = new Set(prepared.value.plan.runs.map((r) => r.measurementConfigHash)).size;
      return prepared;
    },
    async (prepared, emit, setControl) => {
      let current: CampaignRunner | null = null;
      let stop = false;
      let paused = false;
      setControl({
        // Pause and cancel end the search after (pause) or with (cancel) the run in flight; either resumes.
        pause: () => ((stop = true), (paused = true), current?.pause()),
        cancel: () => ((stop = true), current?.cancel()),
        skipGap: () => current?.skipGap(),
        shutdown: async () => {
          stop = true;
          await current?.shutdown();
        },
      });
      const out = await runAdaptiveCampaign(prepared.plan, adaptive, {
        db: deps.db,
        origin: 'app',
        say: (line) => deps.log(`adaptive ${campaignId}: ${line}`),
        stopRequested: () => stop,
        optimizer: { python: resolveSidecarPython({ llemCommand: prepared.llem.command, env: deps.env }), env: deps.env },
        runPlan: async (plan) => {
          const runner = prepared.makeRunner(plan);
          current = runner;
          // One run per runner: its "campaign finished" is not the search's, which ends below.
          const unsubscribe = runner.subscribe((event) => {
            if (event.type !== 'campaign.finished' && event.type !== 'campaign.paused') emit(event);
          });
          const done = runner.run();
          deps.sessions.noteRunner(runner, done);
          try {
            return await done;
          } finally {
            unsubscribe();
            current = null;
          }
        },
      });
      const at = new Date().toISOString();
      const counts = runCounts(deps.db, campaignId);
      if (!out.ok) {
        emit({ type: 'campaign.finished', campaignId, at, status: 'failed', counts, message: out.error.message });
      } else if (out.value.stoppedBecause === 'stopped') {
        if (paused) emit({ type: 'campaign.paused', campaignId, at, counts });
        else emit({ type: 'campaign.finished', campaignId, at, status: 'cancelled', counts, message: 'Adaptive search stopped; Resume continues it.' });
      } else {
        const o = out.value;
        emit({
          type: 'campaign.finished',
          campaignId,
          at,
          status: 'completed',
          counts,
          message: `Adaptive search: ${o.runs} of ${o.gridSize} configurations run (${STOP_WORDS[o.stoppedBecause]}); front: ${o.front.length} configuration(s).`,
        });
      }
    },
  );
  if (!started.ok) return started;
  return ok({ campaignId, gridSize, budget: adaptive.budget });
}

/** runs.start / Resume on an adaptive campaign: continues its stored search (null when the campaign is not adaptive). */
export async function resumeAdaptiveCampaign(deps: AdaptiveSessionDeps, campaignId: string): Promise<Result<{ campaignId: string; runCount: number }> | null> {
  const record = readAdaptiveCampaign(deps.db, campaignId);
  if (!record) return null;
  if (record.origin !== 'app') {
    return err('no_design', 'This adaptive campaign was started from the command line; run the same llem-studio run --adaptive command to continue it.');
  }
  const started = await startAdaptiveCampaign(deps, record.gridCampaignId, record.settings);
  return started.ok ? ok({ campaignId: started.value.campaignId, runCount: started.value.budget }) : started;
}
