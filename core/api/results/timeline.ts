import type { TimelineView } from '../../../contract/apiResults';
import { err, ok, type Result } from '../../../contract/result';
import { getAppTelemetrySeries, getLlemTimeseries, type SeriesResult } from '../../results';
import type { Db } from '../../store/database';

type Metric = TimelineView['metric'];
const UNITS: Record<Metric, string> = { power_w: 'W', temperature_c: '°C' };

/**
 * One result's power (or temperature) over time. A run the app measured has its own ≥10 Hz samples
 * (preferred); an imported result may carry llem's 1 Hz timeseries.parquet; many have neither
 * (llem's ./results copies never include the parquet), and the answer says so in words.
 */
export function resultTimeline(db: Db, resultId: number, metric: Metric, width: number): Result<TimelineView> {
  let row: { run_id: number | null; timeseries_status: string; timeseries_note: string | null } | undefined;
  try {
    row = db.prepare('SELECT run_id, timeseries_status, timeseries_note FROM results WHERE id = ?').get(resultId) as typeof row;
  } catch (e) {
    return err('db_error', `Could not read result ${resultId}: ${(e as Error).message}`);
  }
  if (!row) return err('not_found', `No result with id ${resultId}.`, { path: 'resultId' });

  if (row.run_id !== null) {
    const app = getAppTelemetrySeries(db, { runId: row.run_id, metric, width });
    if (!app.ok) return app;
    if (app.value.totalSamples > 0) {
      return ok(view(resultId, 'app', metric, app.value, 1000, `The app's own samples of run ${row.run_id} (${app.value.totalSamples.toLocaleString('en')} samples).`));
    }
  }
  if (row.timeseries_status === 'imported') {
    const llem = getLlemTimeseries(db, { resultId, metric, width });
    if (!llem.ok) return llem;
    if (llem.value.totalSamples > 0) {
      return ok(view(resultId, 'llem', metric, llem.value, 1, `llem's 1-second timeseries (${llem.value.totalSamples} samples, GPU 0).`));
    }
  }
  const why =
    row.timeseries_status === 'none'
      ? 'llem wrote no timeseries for this result'
      : row.timeseries_status === 'missing'
        ? `its timeseries.parquet was not found when it was imported${row.timeseries_note ? ` (${row.timeseries_note})` : ''}`
        : row.timeseries_status === 'unreadable'
          ? `its timeseries.parquet could not be read${row.timeseries_note ? ` (${row.timeseries_note})` : ''}`
          : 'no samples are stored for it';
  return ok({
    resultId,
    source: 'none',
    metric,
    unit: UNITS[metric],
    note: `No power timeline for this result: ${why}. Import the result folder together with its timeseries.parquet, or run the configuration in llem Studio.`,
    method: 'raw',
    totalSamples: 0,
    t: [],
    v: [],
  });
}

/** Times become seconds since the first sample (app samples are epoch ms; llem's are seconds). */
function view(resultId: number, source: 'app' | 'llem', metric: Metric, s: SeriesResult, perSecond: number, note: string): TimelineView {
  const t0 = s.from;
  return {
    resultId,
    source,
    metric,
    unit: UNITS[metric],
    note,
    method: s.method,
    totalSamples: s.totalSamples,
    t: s.t.map((t) => (t - t0) / perSecond),
    v: s.v,
    ...(s.min ? { min: s.min } : {}),
    ...(s.max ? { max: s.max } : {}),
  };
}
