import type { Db } from '../../store/database';
import type { AppMeasuringEnergy } from '../figureDefinitions';

interface RunEnergyRow {
  counter_j: number | null;
  integrated_j: number | null;
  sample_count: number;
  start_ms: number | null;
  end_ms: number | null;
}

/**
 * The app's own energy over the measuring phase of one attempt of a run (`run_energy`, window `measuring`),
 * every GPU summed; null when the app stored none. Rows with no samples (the runner writes one to keep llem's
 * figure when telemetry was off) count as no figure.
 */
export function readAppMeasuringEnergy(db: Db, runId: number, attempt: number): AppMeasuringEnergy | null {
  const rows = (
    db
      .prepare("SELECT counter_j, integrated_j, sample_count, start_ms, end_ms FROM run_energy WHERE run_id = ? AND attempt = ? AND window = 'measuring'")
      .all(runId, attempt) as RunEnergyRow[]
  ).filter((r) => r.sample_count > 0);
  if (rows.length === 0) return null;
  const sum = (pick: (r: RunEnergyRow) => number | null) => (rows.every((r) => pick(r) !== null) ? rows.reduce((s, r) => s + pick(r)!, 0) : null);
  const windows = rows.filter((r) => r.start_ms !== null && r.end_ms !== null && r.end_ms > r.start_ms).map((r) => r.end_ms! - r.start_ms!);
  const periods = rows
    .filter((r) => r.start_ms !== null && r.end_ms !== null && r.end_ms > r.start_ms && r.sample_count >= 2)
    .map((r) => (r.end_ms! - r.start_ms!) / (r.sample_count - 1))
    .sort((a, b) => a - b);
  return {
    gpus: rows.length,
    counterJ: sum((r) => r.counter_j),
    integratedJ: sum((r) => r.integrated_j),
    windowS: windows.length > 0 ? Math.max(...windows) / 1000 : null,
    samplePeriodS: periods.length > 0 ? periods[Math.floor(periods.length / 2)]! / 1000 : null,
  };
}

/** The app's energy for the attempt of its run that a stored result came from (the run's current attempt). */
export function readAppEnergyOfResult(db: Db, resultId: number): AppMeasuringEnergy | null {
  const run = db.prepare('SELECT ru.id, ru.attempt FROM results r JOIN runs ru ON ru.id = r.run_id WHERE r.id = ?').get(resultId) as
    | { id: number; attempt: number }
    | undefined;
  return run ? readAppMeasuringEnergy(db, run.id, run.attempt) : null;
}
