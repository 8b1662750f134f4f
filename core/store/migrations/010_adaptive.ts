import type { Migration } from './types';

/**
 * Adaptive campaigns (core/adaptive, docs/adaptive.md). The campaign, its experiments and runs are the ordinary
 * rows; these tables keep what the search itself knows: its settings and the grid it searches (so the app can
 * resume it and say which configurations never ran), and per proposal why the optimizer chose it and what the
 * run turned out to be for the search (feasible, over a constraint, failed).
 *
 * `adaptive_campaigns` has no foreign key to `campaigns`: the search writes its first proposal before the
 * runner creates the campaign's row. A trigger removes it with its campaign instead.
 */
export const migration010: Migration = {
  version: 10,
  name: 'adaptive',
  sql: `
    CREATE TABLE adaptive_campaigns (
      campaign_id      TEXT PRIMARY KEY,  -- adaptive-<hash> (core/adaptive/adaptiveCampaign.ts)
      grid_campaign_id TEXT NOT NULL,     -- the designer's campaign it searches (or the CLI study's grid id)
      settings_json    TEXT NOT NULL,     -- seed, sampler, objectives, constraints, budget, patience
      grid_size        INTEGER NOT NULL CHECK (grid_size >= 1),
      grid_json        TEXT NOT NULL,     -- the valid configurations searched: [{key, label}]
      origin           TEXT NOT NULL CHECK (origin IN ('cli', 'app')),
      stopped_because  TEXT CHECK (stopped_because IN ('budget', 'patience', 'exhausted', 'stopped', 'runner')),
      created_at       TEXT NOT NULL,
      updated_at       TEXT NOT NULL
    ) STRICT;

    CREATE TABLE adaptive_proposals (
      campaign_id  TEXT NOT NULL REFERENCES adaptive_campaigns(campaign_id) ON DELETE CASCADE,
      run_index    INTEGER NOT NULL CHECK (run_index >= 0),
      config_key   TEXT NOT NULL,        -- the configuration's measurement config hash
      trial        INTEGER NOT NULL CHECK (trial >= 0),  -- Optuna's trial number
      sampler      TEXT NOT NULL CHECK (sampler IN ('tpe', 'nsga2', 'random')),
      -- startup: the sampler's random first trials; model: guided by what it was told; random: random search;
      -- nearest: the sampler kept proposing invalid or measured configurations, the nearest unmeasured one ran
      mode         TEXT NOT NULL CHECK (mode IN ('startup', 'model', 'random', 'nearest')),
      why          TEXT NOT NULL,        -- the sidecar's own words
      told_json    TEXT NOT NULL,        -- what the optimizer had been told: [{runIndex, outcome, values}]
      front_json   TEXT NOT NULL,        -- the front at that moment: [runIndex, …]
      front_size   INTEGER NOT NULL CHECK (front_size >= 0),
      outcome      TEXT CHECK (outcome IN ('feasible', 'violates', 'failed')),  -- null until told
      outcome_json TEXT,                 -- values, each constraint's value and limit, failure reason
      proposed_at  TEXT NOT NULL,
      told_at      TEXT,
      PRIMARY KEY (campaign_id, run_index)
    ) STRICT;

    CREATE TRIGGER adaptive_campaign_deleted AFTER DELETE ON campaigns
    BEGIN
      DELETE FROM adaptive_campaigns WHERE campaign_id = OLD.id;
    END;
  `,
};
