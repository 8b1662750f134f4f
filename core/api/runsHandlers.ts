import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { runsApiMethods, runsApiSubscriptions, RunRow } from '../../contract/apiRuns';
import { err, ok } from '../../contract/result';
import { campaignExists, campaignHeader, listStartedCampaigns } from '../campaigns/campaignStore';
import type { CoreContext } from '../coreContext';
import { latestAttempt, listCampaignRunRows, runCounts } from '../runner/runStore';
import { readCampaignTime } from '../runner/timeBreakdown';
import { compareAppEnergy, type AppMeasuringEnergy } from '../results/figureDefinitions';
import { readAppMeasuringEnergy } from '../results/quality/appEnergyStore';
import { campaignExperimentLabels } from '../campaigns/campaignRunLabels';
import { runDetail } from '../runner/runDetail';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';

/**
 * The Runs page's energy cell: the app's figures over its measuring phase (every GPU summed) against llem's over
 * its own window, compared by the one definition (compareAppEnergy) the result's quality check uses.
 */
function runEnergyView(app: AppMeasuringEnergy | null, llemJ: number | null, llemWindowS: number | null, llemGpus: number | null): RunRow['energy'] {
  if (app === null && llemJ === null) return null;
  const comparisons = compareAppEnergy(llemJ, llemWindowS, app, llemGpus !== null && llemGpus > 0 ? llemGpus : null);
  const order = { fail: 0, warn: 1, pass: 2, not_checked: 3 } as const;
  const worst = [...comparisons].sort((a, b) => order[a.status] - order[b.status])[0]!;
  const off = comparisons.filter((c) => c.status === 'warn' || c.status === 'fail');
  const words = comparisons[0]!.words === comparisons[1]!.words ? comparisons[0]!.words : comparisons.map((c) => c.words).join(' ');
  return {
    counterJ: app?.counterJ ?? null,
    integratedJ: app?.integratedJ ?? null,
    llemJ,
    gpus: app?.gpus ?? 0,
    appWindowS: app?.windowS ?? null,
    llemWindowS,
    agreement: {
      status: worst.status,
      words,
      caveat: off.length === 0 ? null : `llem's energy differs from the app's ${off.map((c) => `${c.name === 'counter' ? 'counter' : 'integrated power'} by ${(Math.abs(c.relativeDifference!) * 100).toFixed(1)} %`).join(' and ')} (tolerance ±${(off[0]!.tolerance! * 100).toFixed(1)} %)`,
    },
  };
}

/** The end of a text file, at most `maxBytes` (logs can be large; the UI shows the tail). */
function readTail(file: string, maxBytes: number): { text: string; truncated: boolean } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return { text: buffer.toString('utf8'), truncated: size > maxBytes };
  } finally {
    closeSync(fd);
  }
}

export function createRunsHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof runsApiMethods> {
  const { db, sessions } = ctx;
  return {
    'runs.start': async ({ campaignId, retryFailed }) => sessions.start(campaignId, { retryFailed: retryFailed ?? false }),
    'runs.detail': async ({ runId }) => runDetail(db, runId),
    'runs.control': async ({ campaignId, command }) => sessions.command(campaignId, command),
    'runs.campaigns': async () => {
      return ok(listStartedCampaigns(db).map((r) => ({ id: r.id, name: r.name, status: r.status, active: sessions.isRunning(r.id), counts: runCounts(db, r.id), updatedAt: r.updated_at })));
    },
    'runs.time': async ({ campaignId }) => {
      if (!campaignExists(db, campaignId)) return err('not_found', `No campaign with id ${campaignId}.`);
      return ok(readCampaignTime(db, campaignId));
    },
    'runs.campaign': async ({ campaignId }) => {
      const campaign = campaignHeader(db, campaignId);
      if (!campaign) return err('not_found', `No campaign with id ${campaignId}.`);
      const runs = listCampaignRunRows(db, campaignId);
      const labels = campaignExperimentLabels(db, campaignId);
      return ok({
        id: campaign.id,
        name: campaign.name,
        status: campaign.status,
        active: sessions.isRunning(campaign.id),
        counts: runCounts(db, campaignId),
        runs: runs.map((r) => ({
          id: r.id,
          runIndex: r.run_index,
          cycle: r.cycle,
          summary: r.summary,
          label: labels.get(r.experiment_id) ?? r.summary,
          status: r.status,
          failureReason: r.failure_reason,
          errorMessage: r.error_message,
          attempt: r.attempt,
          exitCode: r.exit_code,
          startedAt: r.started_at,
          endedAt: r.ended_at,
          energy: runEnergyView(readAppMeasuringEnergy(db, r.id, r.attempt), r.llem_j ?? r.total_energy_j, r.duration_sec, r.num_gpus),
        })),
      });
    },
    'runs.log': async ({ runId, stream, maxBytes }) => {
      const attempt = latestAttempt(db, runId);
      if (!attempt) return err('not_found', 'This run has not started yet, so it has no log.');
      try {
        return ok(readTail(stream === 'stdout' ? attempt.stdout_path : attempt.stderr_path, maxBytes));
      } catch (e) {
        return err('log_unreadable', `The log file could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    },
  };
}

export function createRunsSubscriptions(ctx: CoreContext): Pick<SubscriptionHandlers, keyof typeof runsApiSubscriptions> {
  return {
    'runs.events': ({ campaignId }, emit) => ctx.sessions.subscribeEvents(campaignId ?? null, emit),
    'telemetry.live': (_params, emit) => ctx.sessions.subscribeTelemetry(emit),
  };
}
