/**
 * Where a stored result was measured: the host and the GPU UUID(s), so Results can group by them (issue #20,
 * docs/slurm.md "Each result records where it was measured"). Two GPUs of one model are not interchangeable
 * for energy, so the physical device is named by its NVML UUID, not its CUDA index.
 *
 * - SLURM results: the task record (`result_placement`, migration 009), written by `collect` from `task.json`.
 * - Local runs: the host the attempt ran on (run_attempts.host) and the GPU UUIDs the app's sampler recorded
 *   for that attempt's measuring window (run_energy.gpu_uuid, migration 008; comma-separated in GPU order).
 * - Imported files and runs whose sampler gave no UUID: null — never guessed.
 *
 * SQL expressions over a `results` row aliased `r`; whitelisted text, no user input.
 */
const LOCAL_ATTEMPT = `(SELECT a.attempt FROM run_attempts a WHERE a.run_id = r.run_id AND a.status = 'succeeded' ORDER BY a.attempt DESC LIMIT 1)`;

export const PLACEMENT_SQL = {
  host: `COALESCE(
    (SELECT p.host FROM result_placement p WHERE p.result_id = r.id),
    (SELECT a.host FROM run_attempts a WHERE a.run_id = r.run_id AND a.status = 'succeeded' ORDER BY a.attempt DESC LIMIT 1))`,
  gpuUuid: `COALESCE(
    (SELECT p.gpu_uuid FROM result_placement p WHERE p.result_id = r.id),
    (SELECT group_concat(u, ',') FROM (
       SELECT e.gpu_uuid AS u FROM run_energy e
        WHERE e.run_id = r.run_id AND e.attempt = ${LOCAL_ATTEMPT} AND e."window" = 'measuring' AND e.gpu_uuid IS NOT NULL
        ORDER BY e.gpu_index)))`,
} as const;

/** What "Group by" offers in Results. */
export const PLACEMENT_GROUPS = ['host', 'gpu'] as const;
export type PlacementGroup = (typeof PLACEMENT_GROUPS)[number];
