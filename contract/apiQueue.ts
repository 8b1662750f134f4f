import { z } from 'zod';

/**
 * The queue of campaigns waiting for the GPU (issue 17, point 8): `runs.start` queues a campaign when another one
 * holds the GPU; these methods show, reorder and empty the queue. Stored, so it survives a restart (after which it
 * is held until the user starts it). Merged into contract/api.ts.
 */
const CampaignId = z.string().min(1).max(200);

export const QueuedCampaignSchema = z.object({
  campaignId: z.string(),
  name: z.string(),
  gpuIndex: z.number().int().nonnegative(),
  /** 1 = starts next. */
  position: z.number().int().positive(),
  retryFailed: z.boolean(),
  enqueuedAt: z.string(),
});
export type QueuedCampaign = z.infer<typeof QueuedCampaignSchema>;

export const CampaignQueueStateSchema = z.object({
  entries: z.array(QueuedCampaignSchema),
  /** What holds the GPU now, in words (a campaign running here, or another process's lease); null when free. */
  waitingFor: z.string().nullable(),
  /** Why a non-empty queue does not start by itself: the app restarted, or the user paused a campaign. */
  hold: z.enum(['restart', 'paused']).nullable(),
});
export type CampaignQueueState = z.infer<typeof CampaignQueueStateSchema>;

export const queueApiMethods = {
  'runs.queue': { params: z.object({}).strict(), result: CampaignQueueStateSchema },
  /** Moves a queued campaign to `position` (1 = next; past the end = last). */
  'runs.queueMove': { params: z.object({ campaignId: CampaignId, position: z.number().int().positive().max(10_000) }).strict(), result: CampaignQueueStateSchema },
  /** Takes a campaign out of the queue (its design and any runs stay). */
  'runs.queueRemove': { params: z.object({ campaignId: CampaignId }).strict(), result: CampaignQueueStateSchema },
  /** Releases a held queue: the next campaign starts as soon as the GPU is free. */
  'runs.queueResume': { params: z.object({}).strict(), result: CampaignQueueStateSchema },
} as const;
