import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { runsApiMethods, runsApiSubscriptions, RunRow } from '../../contract/apiRuns';
import { err, ok } from '../../contract/result';
import type { CampaignStatus } from '../../contract/runEvents';
import type { CoreContext } from '../coreContext';
import { runCounts } from '../runner/runStore';
import { campaignExperimentLabels } from '../campaigns/campaignRunLabels';
import { runDetail } from './runDetail';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';

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
      const rows = db
        .prepare("SELECT id, name, status, updated_at FROM campaigns WHERE status <> 'draft' ORDER BY updated_at DESC LIMIT 500")
        .all() as { id: string; name: string; status: CampaignStatus; updated_at: string }[];
      return ok(rows.map((r) => ({ id: r.id, name: r.name, status: r.status, active: sessions.isRunning(r.id), counts: runCounts(db, r.id), updatedAt: r.updated_at })));
    },
    'runs.campaign': async ({ campaignId }) => {
      const campaign = db.prepare('SELECT id, name, status FROM campaigns WHERE id = ?').get(campaignId) as { id: string; name: string; status: CampaignStatus } | undefined;
      if (!campaign) return err('not_found', `No campaign with id ${campaignId}.`);
      const runs = db
        .prepare(
          `SELECT r.id, r.run_index, r.cycle, e.id AS experiment_id, e.summary, r.status, r.failure_reason, r.error_message, r.attempt, r.exit_code, r.started_at, r.ended_at,
                  en.counter_j, en.integrated_j, en.llem_j
           FROM runs r JOIN experiments e ON e.id = r.experiment_id
           LEFT JOIN run_energy en ON en.run_id = r.id AND en.attempt = r.attempt AND en.gpu_index = 0 AND en.window = 'measuring'
           WHERE r.campaign_id = ? ORDER BY r.run_index LIMIT 10000`,
        )
        .all(campaignId) as {
        id: number;
        run_index: number;
        cycle: number;
        experiment_id: number;
        summary: string;
        status: RunRow['status'];
        failure_reason: RunRow['failureReason'];
        error_message: string | null;
        attempt: number;
        exit_code: number | null;
        started_at: string | null;
        ended_at: string | null;
        counter_j: number | null;
        integrated_j: number | null;
        llem_j: number | null;
      }[];
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
          energy: r.counter_j === null && r.integrated_j === null && r.llem_j === null ? null : { counterJ: r.counter_j, integratedJ: r.integrated_j, llemJ: r.llem_j },
        })),
      });
    },
    'runs.log': async ({ runId, stream, maxBytes }) => {
      const attempt = db
        .prepare('SELECT stdout_path, stderr_path FROM run_attempts WHERE run_id = ? ORDER BY attempt DESC LIMIT 1')
        .get(runId) as { stdout_path: string; stderr_path: string } | undefined;
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
