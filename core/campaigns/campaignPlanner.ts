import { Worker } from 'node:worker_threads';
import type { ProfileIdName } from '../../contract/api';
import type { CampaignPlanView } from '../../contract/apiCampaign';
import { err, type Result } from '../../contract/result';
import type { LearnedPhasesTable } from '../llem/estimate';
import { planCampaignYaml } from './designerPlanView';

export interface PlanInput {
  yaml: string;
  profile: ProfileIdName;
  dedupe?: boolean;
  /** Phase times learned on this host (withLearnedPhases): the estimate says "based on N runs of …". */
  learned?: LearnedPhasesTable;
}

/**
 * Plans designer studies for the API. `serve` uses the worker-thread planner so a large study (~190k configs take
 * seconds) never stalls other clients, heartbeats or running campaigns; elsewhere planning stays in-process.
 */
export interface CampaignPlanner {
  /**
   * `supersedable` (the designer's live preview, asked on every edit): a newer supersedable request replaces one
   * still waiting, which then answers `plan_superseded`. Saves pass false: they always get their plan.
   */
  plan(input: PlanInput, options?: { supersedable?: boolean }): Promise<Result<CampaignPlanView>>;
  close(): Promise<void>;
}

/** Messages between the planner and core/campaigns/planWorker.ts. */
export interface PlanRequest {
  id: number;
  yaml: string;
  profile: ProfileIdName;
  dedupe: boolean;
  learned?: LearnedPhasesTable;
}
export interface PlanReply {
  id: number;
  result: Result<CampaignPlanView>;
}

export function inProcessPlanner(): CampaignPlanner {
  return {
    plan: async (input) => planCampaignYaml(input.yaml, input.profile, { dedupe: input.dedupe ?? false, ...(input.learned ? { learned: input.learned } : {}) }),
    close: async () => {},
  };
}

/** Requests that may wait behind the running plan; more answer `plan_busy` at once (a bounded queue). */
export const MAX_WAITING_PLANS = 8;

interface Job {
  request: PlanRequest;
  supersedable: boolean;
  resolve: (result: Result<CampaignPlanView>) => void;
}

/**
 * One worker thread per server, one plan at a time in it (planning is CPU-bound: two at once would only share the
 * same cores and both arrive later). Waiting requests queue in order, bounded by MAX_WAITING_PLANS; a newer
 * supersedable request drops an older supersedable one still waiting (its answer would already be stale). A plan
 * already running is never cut short. The worker is started on first use and again after it dies; every failure
 * of it (error, non-zero exit, unreadable message) answers the affected request with an error result.
 */
export function createWorkerPlanner(options: { workerEntry: string | URL }): CampaignPlanner {
  let worker: Worker | null = null;
  let running: Job | null = null;
  const waiting: Job[] = [];
  let nextId = 1;
  let closed = false;

  const finishRunning = (result: Result<CampaignPlanView>) => {
    const job = running;
    running = null;
    job?.resolve(result);
    startNext();
  };

  const discardWorker = (failed: Worker) => {
    if (worker !== failed) return;
    worker = null;
    failed.removeAllListeners('message');
    void failed.terminate().catch(() => {});
  };

  const spawn = (): Worker => {
    const w = new Worker(options.workerEntry);
    // Not a reason to keep the process alive: `serve` and the CLI decide when they end.
    w.unref();
    w.on('message', (reply: PlanReply) => {
      if (running && reply?.id === running.request.id) finishRunning(reply.result);
    });
    w.on('error', (e) => {
      discardWorker(w);
      if (running) finishRunning(err('plan_worker_failed', `The planning worker failed: ${e.message}`));
    });
    w.on('messageerror', (e) => {
      discardWorker(w);
      if (running) finishRunning(err('plan_worker_failed', `The planning worker sent an unreadable reply: ${e.message}`));
    });
    w.on('exit', (code) => {
      const wasCurrent = worker === w;
      discardWorker(w);
      if (wasCurrent && running && !closed) {
        finishRunning(err('plan_worker_failed', `The planning worker stopped (exit code ${code}) before answering`));
      }
    });
    return w;
  };

  const startNext = () => {
    if (running || closed) return;
    const job = waiting.shift();
    if (!job) return;
    running = job;
    try {
      worker ??= spawn();
      worker.postMessage(job.request);
    } catch (e) {
      worker = null;
      finishRunning(err('plan_worker_failed', `The planning worker could not start: ${(e as Error).message}`));
    }
  };

  return {
    plan(input, { supersedable = true } = {}) {
      if (closed) return Promise.resolve(err('plan_unavailable', 'The server is shutting down; planning is closed'));
      return new Promise((resolve) => {
        if (supersedable) {
          const stale = waiting.findIndex((job) => job.supersedable);
          if (stale >= 0) {
            const [dropped] = waiting.splice(stale, 1);
            dropped?.resolve(err('plan_superseded', 'A newer plan request replaced this one before it started'));
          }
        }
        if (waiting.length >= MAX_WAITING_PLANS) {
          resolve(err('plan_busy', `Too many plans are waiting (${MAX_WAITING_PLANS}); try again when the current one finishes`));
          return;
        }
        const request: PlanRequest = { id: nextId++, yaml: input.yaml, profile: input.profile, dedupe: input.dedupe ?? false, ...(input.learned ? { learned: input.learned } : {}) };
        waiting.push({ request, supersedable, resolve });
        startNext();
      });
    },
    async close() {
      closed = true;
      for (const job of waiting.splice(0)) job.resolve(err('plan_unavailable', 'The server is shutting down; planning is closed'));
      if (running) finishRunning(err('plan_unavailable', 'The server is shutting down; planning is closed'));
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
