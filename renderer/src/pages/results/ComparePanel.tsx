import CloseIcon from '@mui/icons-material/Close';
import {
  Alert,
  Box,
  Button,
  Chip,
  CircularProgress,
  IconButton,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import type { CompareView, RatioView } from '../../../../contract/apiResults';
import { formatFactor, formatNumber, formatPercentChange, withUnit } from './format';
import { useQuery } from '../../api/queries';

/** Selected configurations side by side: each metric's mean ± 95 % CI and its change against the baseline. */
export function ComparePanel({ groupKeys, onClose }: { groupKeys: string[]; onClose: () => void }) {
  const [baseline, setBaseline] = useState<string | null>(null);
  const base = baseline !== null && groupKeys.includes(baseline) ? baseline : groupKeys[0];
  const query = useQuery('results.compare', groupKeys.length >= 2 ? { groupKeys, ...(base ? { baseline: base } : {}) } : null);

  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="compare-panel">
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 1 }}>
        <Typography variant="subtitle1" component="h2" sx={{ flexGrow: 1 }}>
          Comparison
        </Typography>
        {query.loading && <CircularProgress size={18} aria-label="Comparing" />}
        <IconButton aria-label="Close comparison" onClick={onClose} size="small">
          <CloseIcon fontSize="small" />
        </IconButton>
      </Box>
      {groupKeys.length < 2 && (
        <Alert severity="info">The selected rows are cycles of one configuration. Select rows of at least two different configurations to compare them.</Alert>
      )}
      {query.error && <Alert severity="error">{query.error.message}</Alert>}
      {query.data && <CompareTable view={query.data} onBaseline={setBaseline} />}
    </Paper>
  );
}

const GRADE_COLOUR = { A: 'success', B: 'warning', C: 'error' } as const;

function CompareTable({ view, onBaseline }: { view: CompareView; onBaseline: (key: string) => void }) {
  return (
    <TableContainer>
      <Table size="small" aria-label="Configurations compared" data-testid="compare-table">
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            {view.configs.map((c) => (
              <TableCell key={c.groupKey} align="right" data-testid="compare-config">
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  {c.label}
                </Typography>
                <Typography variant="caption" color="text.secondary" component="div">
                  {c.model} · {c.cycles} cycle{c.cycles === 1 ? '' : 's'}
                </Typography>
                <Chip size="small" color={GRADE_COLOUR[c.quality.grade]} label={`quality ${c.quality.grade}`} sx={{ mt: 0.5 }} data-testid="compare-grade" />
                {c.quality.caveats.length > 0 && (
                  <Typography variant="caption" color="warning.main" component="div" sx={{ whiteSpace: 'normal', maxWidth: 240, ml: 'auto' }} data-testid="compare-caveats">
                    {c.quality.caveats.join('; ')}
                  </Typography>
                )}
                {c.groupKey === view.baseline ? (
                  <Chip size="small" label="baseline" sx={{ mt: 0.5 }} />
                ) : (
                  <Button size="small" onClick={() => onBaseline(c.groupKey)} sx={{ mt: 0.5 }}>
                    Use as baseline
                  </Button>
                )}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {/* Only the settings that differ between the compared configurations (the rest is the same in all of them). */}
          {view.parameters.map((p) => (
            <TableRow key={`param-${p.path}`} data-testid="compare-parameter" sx={{ bgcolor: 'action.hover' }}>
              <TableCell component="th" scope="row">
                {p.label}
              </TableCell>
              {view.configs.map((c) => {
                const v = Object.prototype.hasOwnProperty.call(c.params, p.path) ? c.params[p.path]! : null;
                return (
                  <TableCell key={c.groupKey} align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {v === null ? '—' : String(v)}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
          {view.rows.map((row) => (
            <TableRow key={row.metric} data-testid={`compare-row-${row.metric}`}>
              <TableCell component="th" scope="row">
                {row.label} <Box component="span" sx={{ color: 'text.secondary' }}>({row.unit})</Box>
              </TableCell>
              {row.values.map((v) => (
                <TableCell key={v.groupKey} align="right" sx={{ whiteSpace: 'nowrap' }}>
                  <div>
                    {withUnit(v.summary.mean, row.unit)}
                    {v.summary.ci95HalfWidth !== null && (
                      <Box component="span" sx={{ color: 'text.secondary' }}>
                        {' '}± {formatNumber(v.summary.ci95HalfWidth)}
                      </Box>
                    )}
                  </div>
                  {v.groupKey !== view.baseline && <Delta ratio={v.vsBaseline} significant={v.significant} lowerIsBetter={row.lowerIsBetter} />}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="text.secondary">
        Shaded rows: the settings that differ between these configurations (— : not set in that one); every other setting is the same in all of them. Per-token figures count output tokens bounded by prompts × max output tokens (docs/quality.md); a configuration's caveats stand under its name. Mean ± half-width of the 95 % confidence interval across cycles (Student t). Changes are relative to the baseline; “not clear” means the interval of the ratio includes no change.
      </Typography>
    </TableContainer>
  );
}

function Delta({ ratio, significant, lowerIsBetter }: { ratio: RatioView | null; significant: boolean | null; lowerIsBetter: boolean }) {
  if (!ratio) return <Typography variant="caption" color="text.secondary">—</Typography>;
  const better = lowerIsBetter ? ratio.ratio < 1 : ratio.ratio > 1;
  const colour = significant === true ? (better ? 'success.main' : 'error.main') : 'text.secondary';
  const ci =
    ratio.ci95Low !== null && ratio.ci95High !== null
      ? `95 % CI of the ratio ${formatFactor(ratio.ci95Low)}–${formatFactor(ratio.ci95High)}`
      : 'No confidence interval: a configuration has a single cycle';
  return (
    <Tooltip title={ci}>
      <Typography variant="caption" sx={{ color: colour }} data-testid="compare-delta">
        {formatPercentChange(ratio.ratio)} ({formatFactor(ratio.ratio)}){significant === false ? ' · not clear' : ''}
      </Typography>
    </Tooltip>
  );
}
