import type { ParamValue, ResultListRowView, SweepParameter } from '../../../../../contract/apiResults';
import { formatNumber } from '../format';

/**
 * A custom series drawing error bars with caps from data [position, low, high]: vertical bars at x =
 * position, or with `horizontal`, horizontal bars at y = position (category charts with long labels).
 */
export function errorBarSeries(id: string, name: string, data: (number | string | null)[][], colour: string, horizontal = false) {
  return {
    id,
    name,
    type: 'custom',
    data,
    z: 1,
    // The legend icon takes the series colour.
    itemStyle: { color: colour },
    tooltip: { show: false },
    encode: horizontal ? { y: 0, x: [1, 2] } : { x: 0, y: [1, 2] },
    renderItem: (_params: unknown, api: { value: (i: number) => number; coord: (p: number[]) => number[] }) => {
      const at = api.value(0);
      const lo = horizontal ? api.coord([api.value(1), at]) : api.coord([at, api.value(1)]);
      const hi = horizontal ? api.coord([api.value(2), at]) : api.coord([at, api.value(2)]);
      const w = 5;
      const style = { stroke: colour, lineWidth: 1.5 };
      const cap = (p: number[]) =>
        horizontal ? { x1: p[0], y1: p[1]! - w, x2: p[0], y2: p[1]! + w } : { x1: p[0]! - w, y1: p[1], x2: p[0]! + w, y2: p[1] };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
          { type: 'line', shape: cap(lo), style },
          { type: 'line', shape: cap(hi), style },
        ],
      };
    },
  };
}

export function paramText(p: Pick<SweepParameter, 'label'>, v: ParamValue): string {
  return `${p.label} ${v === null ? 'unset' : String(v)}`;
}

/** Reference rows grouped by dataset label, so each dataset is its own labelled series. */
export function referenceByDataset(rows: readonly ResultListRowView[]): Map<string, ResultListRowView[]> {
  const out = new Map<string, ResultListRowView[]>();
  for (const r of rows) {
    const label = `${r.reference_dataset ?? 'Reference'} (reference)`;
    const list = out.get(label);
    if (list) list.push(r);
    else out.set(label, [r]);
  }
  return out;
}

/** Log scale when every value is positive and they span at least a factor of `span`. */
export function wantsLog(values: readonly number[], span = 8): boolean {
  const pos = values.filter((v) => Number.isFinite(v));
  if (pos.length < 2 || pos.some((v) => v <= 0)) return false;
  // reduce, not Math.max(...pos): a study of ~190k configurations overflows the stack as call arguments.
  return pos.reduce((a, b) => Math.max(a, b), -Infinity) / pos.reduce((a, b) => Math.min(a, b), Infinity) >= span;
}

export const fmt = formatNumber;

/** Batch-size-like parameters, where published batch sizes (max_num_seqs) sit on the same axis. */
export const BATCH_PATHS = new Set(['pytorch.batch_size', 'vllm.engine.max_num_seqs', 'tensorrt.max_batch_size']);

/**
 * The ML.ENERGY overlay: one labelled triangle series per reference dataset, never mixed into own measurements.
 * `toValue` places a row on the chart's axes.
 */
export function referenceSeries(rows: readonly ResultListRowView[], seriesColours: readonly string[], toValue: (row: ResultListRowView) => unknown[]) {
  return [...referenceByDataset(rows).entries()].map(([name, datasetRows], i) => ({
    id: `reference-${i}`,
    name,
    type: 'scatter',
    symbol: 'triangle',
    symbolSize: 7,
    itemStyle: { color: seriesColours[(4 + i) % seriesColours.length], opacity: 0.55 },
    data: datasetRows.map((r) => ({ value: toValue(r), row: r })),
  }));
}
