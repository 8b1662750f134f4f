import { Box, Chip, Stack, Tooltip } from '@mui/material';
import type { ReactNode } from 'react';
import type { ExplainedFigure } from '../../../../contract/apiExplain';
import type { ResultListRowView, ResultSortKeyName } from '../../../../contract/apiResults';
import { formatNumber, formatStart } from './format';

/** What a cell needs besides its row: the configuration's label within the scope (renderer/src/pages/results/scope.ts). */
export interface GridContext {
  /** groupKey (identity hash, else llem's config hash) → the settings that tell it apart in the scope. */
  configLabels: ReadonlyMap<string, string>;
}

export const NO_GRID_CONTEXT: GridContext = { configLabels: new Map() };

export interface GridColumn {
  id: string;
  label: string;
  /** The cell as plain data, for the CSV export (numbers unrounded, in the column's unit). */
  value: (row: ResultListRowView, ctx: GridContext) => string | number | null;
  /** Shown in the header, e.g. "J/token"; every number has one. */
  unit?: string;
  sortKey?: ResultSortKeyName;
  numeric?: boolean;
  defaultVisible: boolean;
  render: (row: ResultListRowView, ctx: GridContext) => ReactNode;
  /** The figure "Explain this number" traces when the cell is clicked (own results only). */
  explain?: ExplainedFigure;
}

const n = (pick: (r: ResultListRowView) => number | null) => (r: ResultListRowView) => formatNumber(pick(r));

export function SourceChip({ row }: { row: Pick<ResultListRowView, 'source' | 'reference_dataset' | 'run_id'> }) {
  if (row.source === 'reference') {
    return (
      <Tooltip title={`Published reference data: ${row.reference_dataset ?? 'unknown dataset'} — not measured here`}>
        <Chip size="small" variant="outlined" color="secondary" label="reference" data-testid="source-chip" />
      </Tooltip>
    );
  }
  return row.source === 'measured' ? (
    <Tooltip title={`Measured by llem Studio (run ${row.run_id ?? '?'})`}>
      <Chip size="small" color="success" label="measured" data-testid="source-chip" />
    </Tooltip>
  ) : (
    <Tooltip title="Imported from a llem result.json">
      <Chip size="small" color="primary" variant="outlined" label="imported" data-testid="source-chip" />
    </Tooltip>
  );
}

function Flags({ row }: { row: ResultListRowView }) {
  const flags: ReactNode[] = [];
  if (row.hash_verified === false) {
    flags.push(
      <Tooltip key="hash" title="measurement_config_hash does not match effective_config: the file may have been edited">
        <Chip size="small" color="error" label="hash mismatch" />
      </Tooltip>,
    );
  }
  if (row.throttle_detected) flags.push(<Chip key="thr" size="small" color="warning" label="throttled" />);
  if ((row.warning_count ?? 0) > 0) flags.push(<Chip key="warn" size="small" variant="outlined" label={`${row.warning_count} llem warning${row.warning_count === 1 ? '' : 's'}`} />);
  return flags.length > 0 ? <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap', maxWidth: 170 }}>{flags}</Stack> : null;
}

/** NVML UUIDs are long: the start identifies a device among a lab's, the tooltip has them all. */
function GpuUuidCell({ uuid }: { uuid: string | null }) {
  if (uuid === null) return '—';
  const short = uuid.split(',').map((u) => (u.length > 16 ? `${u.slice(0, 16)}…` : u)).join(', ');
  return (
    <Tooltip title={`Measured on NVML device ${uuid}`}>
      <Box component="span" sx={{ fontFamily: 'monospace', fontSize: '0.8rem' }}>
        {short}
      </Box>
    </Tooltip>
  );
}

const GRADE_COLOUR = { A: 'success', B: 'warning', C: 'error' } as const;

/** Grade A/B/C with the caveats beside it (docs/quality.md); a failed check is never hidden behind a grey chip. */
export function QualityCell({ row }: { row: Pick<ResultListRowView, 'quality_grade' | 'caveats'> }) {
  if (row.quality_grade === null) return '—';
  return (
    <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center' }}>
      <Chip size="small" color={GRADE_COLOUR[row.quality_grade]} label={row.quality_grade} data-testid="grade-chip" aria-label={`Quality grade ${row.quality_grade}`} />
      {row.caveats.length > 0 && (
        <Tooltip title={row.caveats.join('; ')}>
          <Box
            component="span"
            sx={{ color: 'warning.main', fontSize: '0.75rem', lineHeight: 1.3, whiteSpace: 'normal', width: 140, display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}
            data-testid="row-caveats"
          >
            {row.caveats.join('; ')}
          </Box>
        </Tooltip>
      )}
    </Stack>
  );
}

const groupKeyOfRow = (r: ResultListRowView) => r.identity_hash ?? r.measurement_config_hash ?? `result-${r.id}`;

/** "batch size 8 · precision fp16" from the scope's configurations; rows outside them (reference) say what they have. */
export function configurationOf(r: ResultListRowView, ctx: GridContext): string {
  const label = ctx.configLabels.get(groupKeyOfRow(r));
  if (label !== undefined) return label;
  return [r.backend, r.precision, r.batch_size !== null ? `batch ${r.batch_size}` : null].filter((x) => x !== null && x !== '').join(' · ') || r.model;
}

function ConfigurationCell({ row, ctx }: { row: ResultListRowView; ctx: GridContext }) {
  const label = configurationOf(row, ctx);
  return (
    <Tooltip title={`${row.model}${row.gpu_name ? ` on ${row.num_gpus && row.num_gpus > 1 ? `${row.num_gpus}× ` : ''}${row.gpu_name}` : ''}: ${label}`}>
      <Box sx={{ whiteSpace: 'normal', minWidth: 150, maxWidth: 250, lineHeight: 1.3 }}>
        <Box component="span" sx={{ display: 'block' }} data-testid="row-configuration">
          {label}
        </Box>
        {/* Reference rows name their dataset here (no extra column, so the table still fits 1280 px with the layer on). */}
        <Box component="span" sx={{ display: 'block', color: 'text.secondary', fontSize: '0.75rem', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {row.source === 'reference' ? `${row.model} · ${row.reference_dataset ?? 'reference'}` : row.model}
        </Box>
      </Box>
    </Tooltip>
  );
}

const gpuText = (r: ResultListRowView) => (r.num_gpus && r.num_gpus > 1 ? `${r.num_gpus}× ${r.gpu_name}` : r.gpu_name);

/**
 * The results table's columns. By default only what fits a 1280 px window beside the navigation: the configuration
 * folded into one cell (the settings that differ within the scope), then the figures; the rest is one click away
 * in the column chooser.
 */
export const GRID_COLUMNS: GridColumn[] = [
  { id: 'source', label: 'Source', sortKey: 'source', defaultVisible: true, value: (r) => r.source, render: (r) => <SourceChip row={r} /> },
  { id: 'configuration', label: 'Configuration', sortKey: 'model', defaultVisible: true, value: (r, ctx) => configurationOf(r, ctx), render: (r, ctx) => <ConfigurationCell row={r} ctx={ctx} /> },
  { id: 'model', label: 'Model', sortKey: 'model', defaultVisible: false, value: (r) => r.model, render: (r) => r.model },
  { id: 'backend', label: 'Backend', sortKey: 'backend', defaultVisible: false, value: (r) => r.backend, render: (r) => r.backend ?? '—' },
  { id: 'precision', label: 'Precision', sortKey: 'precision', defaultVisible: false, value: (r) => r.precision, render: (r) => r.precision ?? '—' },
  { id: 'batch_size', label: 'Batch', unit: 'prompts', sortKey: 'batch_size', numeric: true, defaultVisible: false, value: (r) => r.batch_size, render: n((r) => r.batch_size) },
  { id: 'gpu_name', label: 'GPU', sortKey: 'gpu_name', defaultVisible: false, value: gpuText, render: (r) => gpuText(r) ?? '—' },
  { id: 'start_time', label: 'Started', unit: 'local', sortKey: 'start_time', defaultVisible: true, value: (r) => r.start_time, render: (r) => formatStart(r.start_time) },
  { id: 'avg_energy_per_token_j', label: 'Energy/token', unit: 'J/token', sortKey: 'avg_energy_per_token_j', numeric: true, defaultVisible: true, value: (r) => r.avg_energy_per_token_j, render: n((r) => r.avg_energy_per_token_j), explain: 'jPerOutputToken' },
  { id: 'quality_grade', label: 'Quality', sortKey: 'quality_grade', defaultVisible: true, value: (r) => [r.quality_grade, ...r.caveats].filter((x) => x !== null).join('; ') || null, render: (r) => <QualityCell row={r} /> },
  { id: 'energy_per_token_adjusted_j', label: 'Energy/token adj.', unit: 'J/token', sortKey: 'energy_per_token_adjusted_j', numeric: true, defaultVisible: false, value: (r) => r.energy_per_token_adjusted_j, render: n((r) => r.energy_per_token_adjusted_j), explain: 'jPerOutputTokenAdjusted' },
  { id: 'total_energy_j', label: 'Energy', unit: 'J', sortKey: 'total_energy_j', numeric: true, defaultVisible: false, value: (r) => r.total_energy_j, render: n((r) => r.total_energy_j), explain: 'totalEnergyJ' },
  { id: 'energy_adjusted_j', label: 'Energy adj.', unit: 'J', sortKey: 'energy_adjusted_j', numeric: true, defaultVisible: false, value: (r) => r.energy_adjusted_j, render: n((r) => r.energy_adjusted_j) },
  { id: 'output_tokens_per_second', label: 'Output throughput', unit: 'tok/s', sortKey: 'output_tokens_per_second', numeric: true, defaultVisible: true, value: (r) => r.output_tokens_per_second, render: n((r) => r.output_tokens_per_second), explain: 'outputTokensPerSecond' },
  { id: 'avg_tokens_per_second', label: 'Throughput in+out (llem)', unit: 'tok/s', sortKey: 'avg_tokens_per_second', numeric: true, defaultVisible: false, value: (r) => r.avg_tokens_per_second, render: n((r) => r.avg_tokens_per_second), explain: 'tokensPerSecond' },
  { id: 'avg_power_w', label: 'Avg power', unit: 'W', sortKey: 'avg_power_w', numeric: true, defaultVisible: true, value: (r) => r.avg_power_w, render: n((r) => r.avg_power_w), explain: 'avgPowerW' },
  { id: 'duration_sec', label: 'Duration', unit: 's', sortKey: 'duration_sec', numeric: true, defaultVisible: false, value: (r) => r.duration_sec, render: n((r) => r.duration_sec) },
  { id: 'total_tokens', label: 'Tokens', unit: 'tokens', sortKey: 'total_tokens', numeric: true, defaultVisible: false, value: (r) => r.total_tokens, render: n((r) => r.total_tokens) },
  { id: 'reference_dataset', label: 'Reference dataset', defaultVisible: false, value: (r) => (r.reference_dataset ? `${r.reference_dataset}${r.task ? ` · ${r.task}` : ''}` : null), render: (r) => <Box sx={{ minWidth: 140, maxWidth: 220, lineHeight: 1.3 }}>{r.reference_dataset ? `${r.reference_dataset}${r.task ? ` · ${r.task}` : ''}` : '—'}</Box> },
  // Where it was measured (docs/slurm.md): in the chooser, after the figures.
  { id: 'host', label: 'Host', sortKey: 'host', defaultVisible: false, value: (r) => r.host, render: (r) => r.host ?? '—' },
  { id: 'gpu_uuid', label: 'GPU UUID', sortKey: 'gpu_uuid', defaultVisible: false, value: (r) => r.gpu_uuid, render: (r) => <GpuUuidCell uuid={r.gpu_uuid} /> },
  {
    id: 'flags',
    label: 'Flags',
    sortKey: 'warning_count',
    defaultVisible: true,
    value: (r) =>
      [r.hash_verified === false ? 'hash mismatch' : null, r.throttle_detected ? 'throttled' : null, (r.warning_count ?? 0) > 0 ? `${r.warning_count} llem warning(s)` : null].filter((x) => x !== null).join('; ') || null,
    render: (r) => <Flags row={r} />,
  },
  { id: 'llem_version', label: 'llem', defaultVisible: false, value: (r) => r.llem_version, render: (r) => r.llem_version ?? '—' },
];
