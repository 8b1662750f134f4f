import {
  Alert, Box, Button, Chip, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Table, TableBody, TableCell,
  TableHead, TableRow, Typography,
} from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import type { ExplainedFigure, ExplainView } from '../../../../contract/apiExplain';
import type { QualityCheckView } from '../../../../contract/quality';
import { axisStyle, baseOption, EChart, useChartColours } from '../../components/EChart';
import { formatNumber } from './format';
import { useQuery } from '../../api/queries';

export interface ExplainTarget {
  resultId: number;
  figure: ExplainedFigure;
  /** Other cycles of the same configuration (chart points, headline), to switch between. */
  cycleIds?: number[];
}

const STATUS_COLOUR = { pass: 'success', warn: 'warning', fail: 'error', not_checked: 'default' } as const;
const STATUS_WORDS = { pass: 'pass', warn: 'warn', fail: 'fail', not_checked: 'not checked' } as const;

/** "Explain this number": formula, inputs with units, file and hashes, window on the timeline, baseline, checks, llem's value. */
export function ExplainDialog({ target, onClose, onTarget, container }: {
  target: ExplainTarget | null;
  onClose: () => void;
  onTarget?: (t: ExplainTarget) => void;
  /** Where to mount (the Demo's full-screen stage: a dialog portalled to <body> would sit behind it). */
  container?: () => HTMLElement | null;
}) {
  const query = useQuery('results.explain', target ? { resultId: target.resultId, figure: target.figure } : null);
  // An answer for another figure (the one opened before) is never shown as this one's.
  const x = query.data && (!target || (query.data.resultId === target.resultId && query.data.figure === target.figure)) ? query.data : null;
  return (
    <Dialog open={target !== null} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="explain-title" data-testid="explain-dialog" {...(container ? { container } : {})}>
      <DialogTitle id="explain-title">Explain this number{x ? `: ${x.label}` : ''}</DialogTitle>
      <DialogContent dividers>
        {query.error ? (
          <Alert severity="error">{query.error.message}</Alert>
        ) : !x ? (
          <CircularProgress size={24} aria-label="Loading the explanation" />
        ) : (
          <ExplainBody x={x} cycleIds={target?.cycleIds ?? []} figure={x.figure} {...(onTarget ? { onTarget } : {})} />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

// Rendered from the answer alone: while the dialog fades out, the target is already null.
function ExplainBody({ x, cycleIds, figure, onTarget }: { x: ExplainView; cycleIds: number[]; figure: ExplainedFigure; onTarget?: (t: ExplainTarget) => void }) {
  return (
    <Stack spacing={2}>
      {cycleIds.length > 1 && onTarget && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography variant="body2">Cycle:</Typography>
          {cycleIds.map((id, i) => (
            <Chip key={id} size="small" label={`${i + 1} (result ${id})`} color={id === x.resultId ? 'primary' : 'default'} onClick={() => onTarget({ resultId: id, figure, cycleIds })} />
          ))}
        </Stack>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={4} sx={{ '& .MuiTypography-h5': { whiteSpace: 'nowrap' } }}>
        <Box sx={{ flexShrink: 0 }}>
          <Typography variant="caption" color="text.secondary">llem Studio (every view)</Typography>
          <Typography variant="h5" data-testid="explain-value">{formatNumber(x.value)} {x.unit}</Typography>
        </Box>
        <Box>
          <Typography variant="caption" color="text.secondary">llem's own figure</Typography>
          <Typography variant="h5" data-testid="explain-llem-value">{x.llemValue === null ? '—' : `${formatNumber(x.llemValue)} ${x.unit}`}</Typography>
          <Typography variant="body2" color="text.secondary">{x.llemNote}</Typography>
        </Box>
        <Box sx={{ flexShrink: 0 }}>
          <Typography variant="caption" color="text.secondary">Quality grade</Typography>
          <Typography variant="h5" data-testid="explain-grade">{x.grade ?? '—'}</Typography>
        </Box>
      </Stack>
      {x.caveats.length > 0 && (
        <Alert severity="warning" data-testid="explain-caveats">{x.caveats.join(' · ')}</Alert>
      )}
      <Section title="Formula">
        <Typography variant="body2" data-testid="explain-formula">{x.formula}</Typography>
        {x.tokens && <Typography variant="body2" color="text.secondary">Tokens: {x.tokens}.</Typography>}
        {x.window && <Typography variant="body2" color="text.secondary">Window: {x.window}.</Typography>}
      </Section>
      <Section title="Inputs">
        <Table size="small" aria-label="Inputs">
          <TableHead>
            <TableRow><TableCell>Input</TableCell><TableCell align="right">Value</TableCell><TableCell>Unit</TableCell><TableCell>From</TableCell></TableRow>
          </TableHead>
          <TableBody>
            {x.inputs.map((i) => (
              <TableRow key={i.name}>
                <TableCell>{i.name}</TableCell>
                <TableCell align="right">{typeof i.value === 'number' ? formatNumber(i.value) : (i.value ?? '—')}</TableCell>
                <TableCell>{i.unit}</TableCell>
                <TableCell>{i.source}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>
      <Section title="Result file">
        <Typography variant="body2" sx={{ wordBreak: 'break-all' }} data-testid="explain-file">{x.file.path ?? '(uploaded: no path)'}</Typography>
        <Typography variant="body2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="explain-sha256">sha256 {x.file.sha256}</Typography>
        <Typography variant="body2" sx={{ fontFamily: 'monospace' }} data-testid="explain-config-hash">
          config hash {x.file.measurementConfigHash}
          {x.file.hashVerified === true ? ' (re-computed: matches)' : x.file.hashVerified === false ? ` (re-computed ${x.file.recomputedConfigHash ?? '?'}: MISMATCH)` : ' (not re-computed)'}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          experiment {x.file.experimentId} · llem {x.file.llemVersion ?? '?'} · timeseries {x.file.timeseriesFile ?? 'none'} ({x.file.timeseriesStatus})
        </Typography>
      </Section>
      <Section title="Measurement window and baseline">
        <Typography variant="body2" data-testid="explain-window">
          {x.measurementWindow.start} → {x.measurementWindow.end} ({x.measurementWindow.durationS === null ? '?' : formatNumber(x.measurementWindow.durationS)} s)
          {' · '}idle baseline {x.baseline.powerW === null ? 'not measured' : `${formatNumber(x.baseline.powerW)} W (${x.baseline.method ?? 'method not stated'}${x.baseline.cacheAgeS !== null ? `, measured ${formatNumber(x.baseline.cacheAgeS)} s before the run` : ''})`}
        </Typography>
        <WindowTimeline resultId={x.resultId} durationS={x.measurementWindow.durationS} baselineW={x.baseline.powerW} />
      </Section>
      <Section title="Quality checks">
        <Checks checks={x.checks} />
      </Section>
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box component="section" aria-label={title}>
      <Typography variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>{title}</Typography>
      {children}
    </Box>
  );
}

export function Checks({ checks }: { checks: readonly QualityCheckView[] }) {
  if (checks.length === 0) return <Typography variant="body2" color="text.secondary">No checks stored.</Typography>;
  return (
    <Stack spacing={0.5} data-testid="explain-checks">
      {checks.map((c) => (
        <Stack key={c.id} direction="row" spacing={1} sx={{ alignItems: 'baseline' }}>
          <Chip size="small" color={STATUS_COLOUR[c.status]} label={STATUS_WORDS[c.status]} sx={{ minWidth: 84 }} />
          <Typography variant="body2"><strong>{c.label}.</strong> {c.reason}</Typography>
        </Stack>
      ))}
    </Stack>
  );
}

/** The result's power over time with the measurement window marked (llem's window starts at its first sample). */
function WindowTimeline({ resultId, durationS, baselineW }: { resultId: number; durationS: number | null; baselineW: number | null }) {
  const colours = useChartColours();
  const query = useQuery('results.timeline', { resultId, metric: 'power_w', width: 600 });
  const tl = query.data;
  const option = useMemo(() => {
    if (!tl || tl.t.length === 0) return null;
    const marks: Record<string, unknown>[] = [];
    if (tl.source === 'llem' && durationS !== null) marks.push({ xAxis: 0, name: 'window start' }, { xAxis: durationS, name: 'window end' });
    if (baselineW !== null) marks.push({ yAxis: baselineW, name: 'idle baseline', label: { position: 'insideStartTop' } });
    return {
      ...baseOption(colours),
      grid: { left: 56, right: 40, top: 36, bottom: 40 },
      legend: { show: false },
      // The axes reach the window's end and the baseline, so both marks are always on the chart.
      xAxis: { type: 'value', name: 's', min: 0, max: (v: { max: number }) => Math.ceil(Math.max(v.max, durationS ?? 0)), ...axisStyle(colours) },
      yAxis: { type: 'value', name: 'W', min: (v: { min: number }) => Math.floor(Math.min(v.min, baselineW ?? v.min) * 0.9), ...axisStyle(colours) },
      series: [
        {
          id: 'power', name: 'Power (W)', type: 'line', symbol: 'none', lineStyle: { color: colours.series[0], width: 1.5 },
          data: tl.t.map((t, i) => [t, tl.v[i]]),
          // eslint-disable-next-line no-restricted-syntax -- a markLine label is canvas text, not HTML
          markLine: { symbol: 'none', label: { color: colours.subtleText, formatter: '{b}' }, lineStyle: { color: colours.series[3], type: 'dashed' }, data: marks },
        },
      ],
    };
  }, [tl, colours, durationS, baselineW]);
  if (!tl) return null;
  if (!option) return <Typography variant="body2" color="text.secondary">{tl.note}</Typography>;
  return (
    <>
      <EChart option={option} testId="explain-timeline" ariaLabel={`Power over time of result ${resultId}, measurement window and idle baseline marked`} height={200} />
      <Typography variant="caption" color="text.secondary">{tl.note}</Typography>
    </>
  );
}
