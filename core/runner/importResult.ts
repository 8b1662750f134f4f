import { err, ok, type Result } from '../../contract/result';
import { importResultFile } from '../results/importLlemResult';
import type { Db } from '../store/database';

/**
 * How the runner hands a finished run's result.json (and the timeseries.parquet beside it) to the results
 * store. Must be idempotent: after a crash between "imported" and "run marked succeeded", recovery imports the
 * same file again and must get the same row back, never a second one.
 */
export type RunResultImporter = (db: Db, input: { runId: number; resultPath: string }) => Promise<Result<{ resultId: number | null; notes: string[] }>>;

/** The results store's importer (core/results): de-duplicates by file sha256 and natural key, links to the run. */
export const importIntoResultsStore: RunResultImporter = async (db, { runId, resultPath }) => {
  const out = await importResultFile(db, resultPath, { runId });
  switch (out.outcome) {
    case 'added':
      return ok({ resultId: out.resultId, notes: out.notes });
    case 'duplicate':
      return ok({ resultId: out.resultId, notes: [`already stored (matched by ${out.matchedBy})`] });
    case 'rejected':
      return err('import_error', out.reason, { path: resultPath, ...(out.issues ? { issues: out.issues } : {}) });
  }
};
