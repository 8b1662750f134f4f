import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import { formatIssuePath } from './jsonText';
import { readRegularFile } from '../files/regularFile';

/** One 1-second bucket of llem's `timeseries.parquet` (llem contract §5.6). */
export interface LlemTimeseriesRow {
  gpu_index: number;
  timestamp_s: number;
  power_w: number | null;
  temperature_c: number | null;
  memory_used_mb: number | null;
  memory_total_mb: number | null;
  sm_utilisation_pct: number | null;
  throttle_reasons: number | null;
}

/** 1 Hz for a week is 604,800 rows, far above any real run; a bigger file is not llem's. */
const MAX_ROWS = 1_000_000;
const MAX_BYTES = 256 * 1024 * 1024;

const REQUIRED_COLUMNS = ['timestamp_s'] as const;
const KNOWN_COLUMNS = [
  'timestamp_s', 'gpu_index', 'power_w', 'temperature_c', 'memory_used_mb', 'memory_total_mb', 'sm_utilisation_pct',
  'throttle_reasons',
] as const;

/** int64 columns arrive as bigint; anything else non-numeric is a schema error. */
const metric = z
  .union([z.number(), z.bigint()])
  .nullable()
  .optional()
  .transform((v) => (v === undefined || v === null ? null : Number(v)))
  .refine((v) => v === null || Number.isFinite(v) || Number.isNaN(v), 'expected a number')
  // NaN in a float column is "no reading"; store it as null like the nullable columns.
  .transform((v) => (v === null || Number.isNaN(v) ? null : v));

const RowSchema = z.object({
  timestamp_s: z.union([z.number(), z.bigint()]).transform(Number).refine(Number.isFinite, 'expected a finite number'),
  gpu_index: z
    .union([z.number(), z.bigint()])
    .nullable()
    .optional()
    .transform((v) => (v == null ? 0 : Number(v)))
    .refine((v) => Number.isSafeInteger(v) && v >= 0, 'expected a GPU index ≥ 0'),
  power_w: metric,
  temperature_c: metric,
  memory_used_mb: metric,
  memory_total_mb: metric,
  sm_utilisation_pct: metric,
  throttle_reasons: metric.refine((v) => v === null || Number.isSafeInteger(v), 'expected an integer bitmask'),
});

/**
 * Reads llem's timeseries.parquet. `within` is the folder it must really be in (the result's own): a link to a
 * device or to a file elsewhere is refused, and so is anything but a regular file of a sane size (issue #15).
 */
export async function readLlemTimeseries(filePath: string, options: { within?: string } = {}): Promise<Result<LlemTimeseriesRow[]>> {
  try {
    const file = await readRegularFile(filePath, { maxBytes: MAX_BYTES, ...options });
    if (!file.ok) return file;
    const bytes = file.value;
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    const columns = new Set(metadata.schema.slice(1).map((s) => s.name));
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      return err('invalid_timeseries', `${filePath}: not a llem timeseries — missing column(s) ${missing.join(', ')}`, { path: filePath });
    }
    if (Number(metadata.num_rows) > MAX_ROWS) {
      return err('too_large', `${filePath}: ${metadata.num_rows} rows, more than the ${MAX_ROWS} accepted`, { path: filePath });
    }
    const wanted = KNOWN_COLUMNS.filter((c) => columns.has(c));
    const raw = await parquetReadObjects({ file: buffer, metadata, columns: [...wanted] });
    const rows: LlemTimeseriesRow[] = [];
    for (let i = 0; i < raw.length; i++) {
      const parsed = RowSchema.safeParse(raw[i]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? `${formatIssuePath(issue.path)}: ${issue.message}` : 'invalid row';
        return err('invalid_timeseries', `${filePath}: row ${i}: ${where}`, { path: filePath });
      }
      rows.push(parsed.data);
    }
    return ok(rows);
  } catch (e) {
    return err('invalid_timeseries', `${filePath}: cannot read parquet — ${(e as Error).message}`, { path: filePath });
  }
}
