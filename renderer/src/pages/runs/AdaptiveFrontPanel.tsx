import { Alert, Box, Button, Chip, Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useMemo } from 'react';
import type { AdaptiveView } from '../../../../contract/apiAdaptive';
import { useQuery } from '../../api/queries';
import { EChart, baseOption, useChartColours } from '../../components/EChart';
import { adaptiveFrontOption, frontChartData } from './adaptiveFrontOption';

const STOP_WORDS: Record<string, string> = {
  budget: 'budget spent',
  patience: 'the front stopped improving',
  exhausted: 'every configuration has run',
  stopped: 'stopped (Resume continues the search)',
  runner: 'the runner stopped',
};

function searchLine(view: AdaptiveView): string {
  const objectives = view.objectives.map((o) => `${o.label} (${o.unit}, ${o.direction === 'minimize' ? 'lower' : 'higher'} is better)`).join(' vs ');
  const constraints = view.constraints.map((c) => `${c.label} ≤ ${c.max} ${c.unit}`).join(', ');
  return `${view.sampler.toUpperCase()} · seed ${view.seed} · ${objectives}${constraints ? ` · constraints: ${constraints}` : ''}`;
}

/** One run's reason, in words: how the optimizer chose it and what it knew then. */
function reasonWords(p: AdaptiveView['points'][number]): string {
  if (!p.reason) return 'Not recorded (the campaign ran before reasons were stored).';
  const r = p.reason;
  const knew = r.toldCount === 0 ? 'nothing measured yet' : `${r.toldCount} result${r.toldCount === 1 ? '' : 's'} told; front then: ${r.frontRuns.length ? `run${r.frontRuns.length === 1 ? '' : 's'} ${r.frontRuns.join(', ')}` : 'empty'}`;
  return `${r.modeWords[0]!.toUpperCase()}${r.modeWords.slice(1)} — ${r.why}; ${knew}.`;
}

/**
 * An adaptive campaign on the Runs page: the front as it forms (energy per output token against the second
 * objective, front joined, runs over a constraint marked) and why each run was chosen, from the stored reasons.
 * Renders nothing for a grid campaign. Reloads with the page's run queries (a run starting or ending).
 */
export function AdaptiveFrontPanel({ campaignId, active, onResume }: { campaignId: string; active: boolean; onResume: () => void }) {
  const query = useQuery('adaptive.view', { campaignId });
  const view = query.data && query.data.campaignId === campaignId ? query.data : null;
  const colours = useChartColours();
  const option = useMemo(() => (view ? { ...baseOption(colours), ...adaptiveFrontOption(view, colours) } : null), [view, colours]);
  if (!view || !option) return null;
  const data = frontChartData(view);
  const front = view.points.filter((p) => p.onFront);
  const resumable = !active && view.points.length < view.budget && (view.stoppedBecause === 'stopped' || view.stoppedBecause === null);

  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="adaptive-front">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="subtitle1" component="h2" sx={{ flexGrow: 1 }}>
          Adaptive search: the front as it forms
        </Typography>
        {resumable && (
          <Button variant="outlined" size="small" onClick={onResume} data-testid="adaptive-resume">
            Continue the search
          </Button>
        )}
      </Box>
      <Typography variant="body2" data-testid="adaptive-progress">
        {view.points.length} of {view.budget} runs (budget) · {view.gridSize} configurations in the grid · front: {front.length} configuration{front.length === 1 ? '' : 's'}
        {view.stoppedBecause ? ` · ended: ${STOP_WORDS[view.stoppedBecause] ?? view.stoppedBecause}` : ''}
      </Typography>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
        {searchLine(view)}
      </Typography>
      {data.front.length + data.measured.length + data.infeasible.length === 0 ? (
        <Alert severity="info">No run has measured the objectives yet; the chart appears with the first result.</Alert>
      ) : (
        <EChart
          option={option}
          testId="adaptive-front-chart"
          height={300}
          ariaLabel={`${data.yName} against ${data.xName} of ${view.points.length} runs; the front joins ${data.front.length} of them`}
        />
      )}
      {(data.failed > 0 || data.pending > 0) && (
        <Typography variant="caption" color="text.secondary" component="p">
          Not in the chart: {data.failed > 0 ? `${data.failed} failed run${data.failed === 1 ? '' : 's'} (told to the optimizer as infeasible)` : ''}
          {data.failed > 0 && data.pending > 0 ? ', ' : ''}
          {data.pending > 0 ? `${data.pending} not finished yet` : ''}.
        </Typography>
      )}
      <Table size="small" aria-label="Why each run was chosen" data-testid="adaptive-reasons" sx={{ mt: 1 }}>
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Configuration</TableCell>
            <TableCell>Why it was chosen</TableCell>
            <TableCell>What it gave</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {view.points.map((p) => (
            <TableRow key={p.runIndex} data-testid="adaptive-reason-row">
              <TableCell>{p.runIndex + 1}</TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }}>{p.label}</TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }} data-testid="adaptive-reason">
                {reasonWords(p)}
              </TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }}>
                {p.onFront && <Chip size="small" color="success" label="on the front" sx={{ mr: 1 }} />}
                {p.outcome === 'violates' && <Chip size="small" color="warning" label="over a constraint" sx={{ mr: 1 }} />}
                {p.outcome === 'failed' && <Chip size="small" color="error" label="infeasible" sx={{ mr: 1 }} />}
                {p.outcomeWords ?? (p.outcome === null ? `${p.status}…` : '')}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}
