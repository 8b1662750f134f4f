import type { TimelineView } from '../../../contract/apiResults';
import { err, ok, type Result } from '../../../contract/result';
import { getAppTelemetrySeries, getLlemTimeseries, type SeriesResult } from '..';
import { FIGURE_DEFINITIONS } from '../figureDefinitions';
import { readTimelineRow, type TimelineRow } from '../resultViewStore';
import type { Db } from '../../store/database';

type Metric = TimelineView['metric'];
const UNITS: Record<Metric, string> = { power_w: 'W', temperature_c: '°C' };

/**
 * One result's power (or temperature) over time. A run the app measured has its own ≥10 Hz samples
 * (preferred); an imported result may carry llem's 1 Hz timeseries.parquet; many have neither
 * (llem's ./results copies never include the parquet), and the answer says so in words.
 */
export function resultTimeline(db: Db, resultId: number, metric: Metric, width: number): Result<TimelineView> {
  let row: TimelineRow | undefined;
  try {
    row = readTimelineRow(db, resultId);
  } catch (e) {
    return err('db_error', `Could not read result ${resultId}: ${(e as Error).message}`);
  }
  if (!row) return err('not_found', `No result with id ${resultId}.`, { path: 'resultId' });

  if (row.run_id !== null) {
    const app = getAppTelemetrySeries(db, { runId: row.run_id, metric, width });
    if (!app.ok) return app;
    if (app.value.totalSamples > 0) {
      const shown = `The app's own samples of run ${row.run_id}, GPU 0, over the whole run (baseline, loading and warm-up included; ${app.value.totalSamples.toLocaleString('en')} samples).`;
      return ok(withAveragePower(view(resultId, 'app', metric, app.value, 1000, shown), row));
    }
  }
  if (row.timeseries_status === 'imported') {
    const llem = getLlemTimeseries(db, { resultId, metric, width });
    if (!llem.ok) return llem;
    if (llem.value.totalSamples > 0) {
      return ok(withAveragePower(view(resultId, 'llem', metric, llem.value, 1, `llem's 1-second timeseries (${llem.value.totalSamples} samples, GPU 0).`), row));
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

/**
 * The table's average power beside a power line: the line is GPU 0 alone (and, for the app's samples, the whole
 * run), the table's figure every GPU over llem's window, so a 2-GPU run reads 133 W in the table and ~67 W on
 * the line. Said in the note and drawn per GPU, so the two can be compared at a glance.
 */
function withAveragePower(v: TimelineView, r: { avg_power_w: number | null; num_gpus: number | null; duration_sec: number | null }): TimelineView {
  if (v.metric !== 'power_w' || r.avg_power_w === null || r.duration_sec === null) return v;
  const gpus = r.num_gpus !== null && r.num_gpus > 0 ? Math.round(r.num_gpus) : 1;
  const perGpuW = r.avg_power_w / gpus;
  const w = (x: number) => x.toLocaleString('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const def = FIGURE_DEFINITIONS.avgPowerW;
  const words =
    `${def.label} in the table: ${w(r.avg_power_w)} W = ${def.formula}, over llem's measurement window (${w(r.duration_sec)} s)` +
    (gpus > 1 ? `, ${gpus} GPUs summed: ${w(perGpuW)} W per GPU (dashed line).` : ' (dashed line).');
  return { ...v, note: `${v.note} ${words}`, averagePower: { tableW: r.avg_power_w, perGpuW, gpus, windowS: r.duration_sec, words } };
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
