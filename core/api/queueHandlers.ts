import type { queueApiMethods } from '../../contract/apiQueue';
import { ok } from '../../contract/result';
import type { CoreContext } from '../coreContext';
import type { MethodHandlers } from './dispatcher';

/** The Runs page's queue: show, reorder, remove, and start a held queue (core/campaigns/campaignSessions.ts). */
export function createQueueHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof queueApiMethods> {
  const { sessions } = ctx;
  return {
    'runs.queue': async () => ok(sessions.queue()),
    'runs.queueMove': async ({ campaignId, position }) => {
      const moved = sessions.moveQueued(campaignId, position);
      return moved.ok ? ok(sessions.queue()) : moved;
    },
    'runs.queueRemove': async ({ campaignId }) => {
      sessions.dequeue(campaignId);
      return ok(sessions.queue());
    },
    'runs.queueResume': async () => {
      sessions.resumeQueue();
      await sessions.queueSettled();
      return ok(sessions.queue());
    },
  };
}
