import type { Migration } from './types';

/**
 * SLURM campaigns (core/slurm, docs/slurm.md). The campaign, its experiments and runs are the ordinary rows
 * (so Runs and Results show them like local runs); these tables add where the bundle lives, each `sbatch`
 * submission, and per array index the latest SLURM-side state: where it ran (host, GPU UUIDs,
 * CUDA_VISIBLE_DEVICES) and why it ended, in SLURM's own words where SLURM gave them. Nothing here is written
 * by the compute nodes: they write plain files in the bundle, and `collect` brings them in.
 */
export const migration009: Migration = {
  version: 9,
  name: 'slurm',
  sql: `
    CREATE TABLE slurm_campaigns (
      campaign_id  TEXT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
      bundle_dir   TEXT NOT NULL,      -- on the cluster (what the nodes read and write)
      local_dir    TEXT NOT NULL,      -- what collect reads: bundle_dir itself, or its rsync mirror with --ssh
      ssh_host     TEXT,               -- null: sbatch/squeue run on this machine
      ssh_options_json TEXT NOT NULL DEFAULT '[]',
      options_json TEXT NOT NULL,      -- the submit options of the latest submission
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL
    ) STRICT;

    CREATE TABLE slurm_submissions (
      id           INTEGER PRIMARY KEY,
      campaign_id  TEXT NOT NULL REFERENCES slurm_campaigns(campaign_id) ON DELETE CASCADE,
      job_id       TEXT NOT NULL,      -- the array job id sbatch printed
      array_spec   TEXT NOT NULL,      -- e.g. 0-3,5%2
      script_path  TEXT NOT NULL,
      submitted_at TEXT NOT NULL,
      -- set by llem Studio's cancel: without accounting SLURM forgets a task cancelled while pending at once,
      -- so this is how such a task reads as cancelled rather than "never started"
      cancel_requested_at TEXT
    ) STRICT;
    CREATE INDEX slurm_submissions_by_campaign ON slurm_submissions(campaign_id, id);

    CREATE TABLE slurm_tasks (
      campaign_id  TEXT NOT NULL REFERENCES slurm_campaigns(campaign_id) ON DELETE CASCADE,
      task_index   INTEGER NOT NULL,   -- = runs.run_index
      job_id       TEXT,               -- array job of the latest submission that covered this index
      state        TEXT NOT NULL CHECK (state IN ('pending','running','succeeded','failed','cancelled')),
      reason       TEXT CHECK (reason IS NULL OR reason IN ('timeout','out_of_memory','node_failure','preempted',
                     'never_started','cancelled','config_error','preflight','crash','interrupted','import_error')),
      message      TEXT,
      slurm_state  TEXT,               -- SLURM's word (TIMEOUT, NODE_FAIL, PENDING (Priority), …)
      host         TEXT,
      gpu_uuid     TEXT,               -- comma-separated when a task has several GPUs
      cuda_visible_devices TEXT,
      exit_code    INTEGER,
      attempt      TEXT,               -- <job id>[-r<restart>]: the task folder
      started_at   TEXT,
      ended_at     TEXT,
      result_id    INTEGER REFERENCES results(id) ON DELETE SET NULL,
      updated_at   TEXT NOT NULL,
      PRIMARY KEY (campaign_id, task_index)
    ) STRICT;

    -- Where each stored result was measured (Results can group by host and GPU).
    CREATE VIEW result_placement AS
      SELECT t.result_id, t.campaign_id, t.task_index, t.host, t.gpu_uuid, t.cuda_visible_devices, t.job_id
        FROM slurm_tasks t WHERE t.result_id IS NOT NULL;
  `,
};
