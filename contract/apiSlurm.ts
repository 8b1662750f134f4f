import { z } from 'zod';

/**
 * SLURM campaigns from the app (docs/slurm.md): cluster profiles kept in Settings, "Run on: SLURM cluster" in
 * Design, per-task state on the Runs page. Merged into contract/api.ts.
 */
const SlurmWord = z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits and ._- only').max(100);

export const ClusterProfileSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Login node for SSH (`user@host`); empty = sbatch on this machine. */
    host: z.string().max(300).regex(/^[^\s'"`$\\]*$/, 'no spaces, quotes, $ or backslashes'),
    /** `ssh -o` values (e.g. `Port=2222`). */
    sshOptions: z.array(z.string().max(500).regex(/^[^\n\r]*$/)).max(20),
    partition: SlurmWord,
    account: SlurmWord,
    /** Absolute directory on the cluster's shared filesystem. */
    workDir: z.string().max(1000).regex(/^\/[A-Za-z0-9._@+\-/]*$/, 'an absolute path of letters, digits and ._@+-/'),
    /** llem on the compute nodes. */
    llemPath: z.string().min(1).max(1000).regex(/^[^\n\r'"`$\\]*$/),
    maxParallel: z.number().int().min(1).max(10_000),
    /** Whole GPUs per task; 0 = request none (CPU-only test clusters). */
    gpusPerTask: z.number().int().min(0).max(64),
    /** SLURM time limit per task. */
    time: z.string().regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'a SLURM time limit, e.g. 90 or 1:30:00'),
  })
  .strict();
export type ClusterProfile = z.infer<typeof ClusterProfileSchema>;

export const SlurmTaskSchema = z.object({
  index: z.number().int(),
  state: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  slurmState: z.string().nullable(),
  jobId: z.string().nullable(),
  host: z.string().nullable(),
  gpuUuid: z.string().nullable(),
  cudaVisibleDevices: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type SlurmTask = z.infer<typeof SlurmTaskSchema>;

export const slurmApiMethods = {
  'slurm.profiles': { params: z.object({}).strict(), result: z.array(ClusterProfileSchema) },
  'slurm.saveProfiles': {
    params: z.object({ profiles: z.array(ClusterProfileSchema).max(50) }).strict(),
    result: z.array(ClusterProfileSchema),
  },
  /** Submits a designed campaign as an array job (again: only the tasks without a result). */
  'slurm.submit': {
    params: z.object({ campaignId: z.string().min(1).max(200), profile: z.string().min(1).max(100) }).strict(),
    result: z.object({ campaignId: z.string(), jobId: z.string().nullable(), submitted: z.number().int(), total: z.number().int() }),
  },
  /** scancel the campaign's array jobs. */
  'slurm.cancel': { params: z.object({ campaignId: z.string().min(1).max(200) }).strict(), result: z.object({ jobIds: z.array(z.string()) }) },
  /** Per-task state; collects finished tasks into the store first (the Runs page calls it while the campaign is open). */
  'slurm.tasks': {
    params: z.object({ campaignId: z.string().min(1).max(200) }).strict(),
    result: z.object({
      isSlurm: z.boolean(),
      where: z.string().nullable(),
      source: z.string().nullable(),
      tasks: z.array(SlurmTaskSchema),
      problems: z.array(z.string()),
    }),
  },
} as const;
