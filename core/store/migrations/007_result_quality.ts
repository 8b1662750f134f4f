import type { Migration } from './types';

/**
 * Quality checks of every llem result (core/results/quality, docs/quality.md): the grade A/B/C, the output
 * tokens every figure uses (llem's count bounded by n_prompts × max_output_tokens), and each check's status
 * and reason as JSON. Derived data: computed at import; results stored before this migration, or checked by
 * an older `checks_version`, are (re)checked lazily the first time results are read (core/results/quality/
 * qualityStore.ts `ensureQualityChecks`), so the migration itself stays plain SQL and cannot fail on data.
 */
export const migration007: Migration = {
  version: 7,
  name: 'result_quality',
  sql: `
    CREATE TABLE result_quality (
      result_id             INTEGER PRIMARY KEY REFERENCES results(id) ON DELETE CASCADE,
      checks_version        INTEGER NOT NULL,
      computed_at           TEXT NOT NULL,
      grade                 TEXT NOT NULL CHECK (grade IN ('A','B','C')),
      output_tokens_bounded INTEGER,
      checks_json           TEXT NOT NULL
    ) STRICT;
    CREATE INDEX result_quality_by_grade ON result_quality(grade);
  `,
};
