import { Box, Chip, Stack, Tooltip } from '@mui/material';
import type { ReactNode } from 'react';
import type { ExplainedFigure } from '../../../../contract/apiExplain';
import type { ResultListRowView, ResultSortKeyName } from '../../../../contract/apiResults';
import { formatNumber, formatStart } from './format';

export interface GridColumn {
  id: string;
  label: string;
  /** Shown in the header, e.g. "J/token"; every number has one. */
  unit?: string;
  sortKey?: ResultSortKeyName;
  numeric?: boolean;
  defaultVisible: boolean;
  render: (row: ResultListRowView) => ReactNode;
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
  return flags.length > 0 ? <Stack direction="row" spacing={0.5}>{flags}</Stack> : null;
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
            sx={{ color: 'warning.main', fontSize: '0.75rem', lineHeight: 1.3, whiteSpace: 'normal', width: 220, display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}
            data-testid="row-caveats"
          >
            {row.caveats.join('; ')}
          </Box>
        </Tooltip>
      )}
    </Stack>
  );
}

export const GRID_COLUMNS: GridColumn[] = [
  { id: 'source', label: 'Source', sortKey: 'source', defaultVisible: true, render: (r) => <SourceChip row={r} /> },
  { id: 'model', label: 'Model', sortKey: 'model', defaultVisible: true, render: (r) => r.model },
  { id: 'backend', label: 'Backend', sortKey: 'backend', defaultVisible: false, render: (r) => r.backend ?? '—' },
  { id: 'precision', label: 'Precision', sortKey: 'precision', defaultVisible: true, render: (r) => r.precision ?? '—' },
  { id: 'batch_size', label: 'Batch', unit: 'prompts', sortKey: 'batch_size', numeric: true, defaultVisible: true, render: n((r) => r.batch_size) },
  { id: 'gpu_name', label: 'GPU', sortKey: 'gpu_name', defaultVisible: true, render: (r) => (r.num_gpus && r.num_gpus > 1 ? `${r.num_gpus}× ${r.gpu_name}` : (r.gpu_name ?? '—')) },
  { id: 'start_time', label: 'Started', unit: 'local', sortKey: 'start_time', defaultVisible: true, render: (r) => formatStart(r.start_time) },
  { id: 'avg_energy_per_token_j', label: 'Energy/token', unit: 'J/token', sortKey: 'avg_energy_per_token_j', numeric: true, defaultVisible: true, render: n((r) => r.avg_energy_per_token_j), explain: 'jPerOutputToken' },
  { id: 'quality_grade', label: 'Quality', sortKey: 'quality_grade', defaultVisible: true, render: (r) => <QualityCell row={r} /> },
  { id: 'energy_per_token_adjusted_j', label: 'Energy/token adj.', unit: 'J/token', sortKey: 'energy_per_token_adjusted_j', numeric: true, defaultVisible: false, render: n((r) => r.energy_per_token_adjusted_j), explain: 'jPerOutputTokenAdjusted' },
  { id: 'total_energy_j', label: 'Energy', unit: 'J', sortKey: 'total_energy_j', numeric: true, defaultVisible: true, render: n((r) => r.total_energy_j), explain: 'totalEnergyJ' },
  { id: 'energy_adjusted_j', label: 'Energy adj.', unit: 'J', sortKey: 'energy_adjusted_j', numeric: true, defaultVisible: false, render: n((r) => r.energy_adjusted_j) },
  { id: 'output_tokens_per_second', label: 'Output throughput', unit: 'tok/s', sortKey: 'output_tokens_per_second', numeric: true, defaultVisible: true, render: n((r) => r.output_tokens_per_second), explain: 'outputTokensPerSecond' },
  { id: 'avg_tokens_per_second', label: 'Throughput in+out (llem)', unit: 'tok/s', sortKey: 'avg_tokens_per_second', numeric: true, defaultVisible: false, render: n((r) => r.avg_tokens_per_second), explain: 'tokensPerSecond' },
  { id: 'avg_power_w', label: 'Avg power', unit: 'W', sortKey: 'avg_power_w', numeric: true, defaultVisible: true, render: n((r) => r.avg_power_w), explain: 'avgPowerW' },
  { id: 'duration_sec', label: 'Duration', unit: 's', sortKey: 'duration_sec', numeric: true, defaultVisible: false, render: n((r) => r.duration_sec) },
  { id: 'total_tokens', label: 'Tokens', unit: 'tokens', sortKey: 'total_tokens', numeric: true, defaultVisible: false, render: n((r) => r.total_tokens) },
  { id: 'reference_dataset', label: 'Reference dataset', defaultVisible: false, render: (r) => (r.reference_dataset ? `${r.reference_dataset}${r.task ? ` · ${r.task}` : ''}` : '—') },
  // Where it was measured (docs/slurm.md): after the figures, so they stay in view at 1280 px.
  { id: 'host', label: 'Host', sortKey: 'host', defaultVisible: true, render: (r) => r.host ?? '—' },
  { id: 'gpu_uuid', label: 'GPU UUID', sortKey: 'gpu_uuid', defaultVisible: true, render: (r) => <GpuUuidCell uuid={r.gpu_uuid} /> },
  { id: 'flags', label: 'Flags', sortKey: 'warning_count', defaultVisible: true, render: (r) => <Flags row={r} /> },
  { id: 'llem_version', label: 'llem', defaultVisible: false, render: (r) => r.llem_version ?? '—' },
];
