import type { ResultListRowView } from '../../../../contract/apiResults';
import type { GridColumn, GridContext } from './gridColumns';

/**
 * The results table as CSV (RFC 4180: comma-separated, CRLF line ends, a field with a comma, quote or line break
 * quoted and its quotes doubled). A text cell a spreadsheet would run as a formula (starting with = + - @, or a tab
 * or carriage return that some read past) is prefixed with ' so it stays text: model names and llem warnings come
 * from files anyone can write. Numbers are written as numbers, unrounded. Pure: tests/unit/renderer/resultsCsv.test.ts.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header of a column: its label and, where it has one, its unit ("Energy/token (J/token)"). */
export function csvHeader(column: Pick<GridColumn, 'label' | 'unit'>): string {
  return column.unit ? `${column.label} (${column.unit})` : column.label;
}

export function resultsCsv(rows: readonly ResultListRowView[], columns: readonly Pick<GridColumn, 'label' | 'unit' | 'value'>[], ctx: GridContext): string {
  const lines = [columns.map((c) => csvField(csvHeader(c))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row, ctx))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** "llem-results-2026-12-07T0012.csv": sorts by time, no characters a file system refuses. */
export function csvFileName(now: Date): string {
  return `llem-results-${now.toISOString().slice(0, 16).replace(':', '')}.csv`;
}
