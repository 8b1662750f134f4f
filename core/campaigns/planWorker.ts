/**
 * Worker-thread entry that plans designer studies off the serving event loop (issue #15, finding 8: a ~190k-config
 * plan held `serve`'s loop for seconds). Built as its own file next to the CLI bundle (scripts/build-cli.mjs →
 * out/cli/planWorker.js); core/campaigns/campaignPlanner.ts starts it and talks to it.
 */
import { parentPort } from 'node:worker_threads';
import { err } from '../../contract/result';
import { planCampaignYaml } from './designerPlanView';
import type { PlanReply, PlanRequest } from './campaignPlanner';

if (!parentPort) throw new Error('planWorker.ts runs only as a worker thread');
const port = parentPort;

port.on('message', (request: PlanRequest) => {
  let reply: PlanReply;
  try {
    reply = { id: request.id, result: planCampaignYaml(request.yaml, request.profile, { dedupe: request.dedupe, ...(request.learned ? { learned: request.learned } : {}) }) };
  } catch (e) {
    // planCampaignYaml turns bad input into error results; a throw here is a bug, reported rather than fatal.
    reply = { id: request.id, result: err('plan_failed', `Planning failed unexpectedly: ${(e as Error).message}`) };
  }
  port.postMessage(reply);
});
