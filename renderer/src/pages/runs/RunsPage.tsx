import { Alert, Box, Button, Chip, LinearProgress, List, ListItemButton, ListItemText, Paper, Snackbar, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CampaignRuns } from '../../../../contract/apiRuns';
import type { FailureReason, RunEvent } from '../../../../contract/runEvents';
import { useApi } from '../../api/ApiContext';
import { formatDuration } from '../../format';
import { hashArgument, openCampaignRuns } from '../../navigation';
import { LiveCharts } from './LiveCharts';
import { useLiveTelemetry } from './liveTelemetry';

export const FAILURE_WORDS: Record<FailureReason, string> = {
  config_error: 'llem rejected the configuration',
  preflight: "llem's pre-flight check failed (no CUDA, a missing backend package, or the model cannot be found)",
  out_of_memory: 'the GPU ran out of memory',
  crash: 'llem crashed',
  timeout: 'the run took longer than its time limit and was stopped',
  interrupted: 'the run was interrupted (the app closed or crashed); it runs again on resume',
  import_error: 'llem finished, but its result could not be read',
};

const PHASE_WORDS: Record<string, string> = {
  starting: 'starting llem',
  baseline: 'measuring idle power (baseline)',
  loading: 'loading the model',
  warmup: 'warming up',
  thermal: 'waiting for a stable temperature',
  measuring: 'measuring',
  finishing: 'finishing',
};

interface Current {
  runId: number;
  runIndex: number;
  summary: string;
  phase: string;
  done?: number;
  total?: number;
}

const LOG_LINES = 300;

function useQueue() {
  const api = useApi();
  const [queue, setQueue] = useState<{ id: string; name: string; status: string; active: boolean; counts: CampaignRuns['counts'] }[]>([]);
  const refresh = useCallback(() => {
    void api.call('runs.campaigns', {}).then((r) => r.ok && setQueue(r.value));
  }, [api]);
  useEffect(refresh, [refresh]);
  return { queue, refresh };
}

export function RunsPage() {
  const api = useApi();
  const { queue, refresh } = useQueue();
  const [selected, setSelected] = useState<string | null>(() => hashArgument());
  const [detail, setDetail] = useState<CampaignRuns | null>(null);
  const [current, setCurrent] = useState<Current | null>(null);
  const [gap, setGap] = useState<{ kind: string; endsAt: string } | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [notice, setNotice] = useState<{ severity: 'success' | 'error' | 'info'; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const durations = useRef<number[]>([]);
  const telemetry = useLiveTelemetry(api);

  useEffect(() => {
    const onHash = () => setSelected(hashArgument());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const load = useCallback(() => {
    if (!selected) return;
    void api.call('runs.campaign', { campaignId: selected }).then((r) => {
      if (r.ok) setDetail(r.value);
      else setError(r.error.message);
    });
  }, [api, selected]);
  useEffect(load, [load]);

  useEffect(() => {
    if (!selected) return;
    setLog([]);
    setCurrent(null);
    durations.current = [];
    return api.subscribe('runs.events', { campaignId: selected }, (event: RunEvent) => {
      switch (event.type) {
        case 'run.started':
          setGap(null);
          setCurrent({ runId: event.runId, runIndex: event.runIndex, summary: event.summary, phase: 'starting' });
          break;
        case 'run.phase':
          setCurrent((c) => (c && c.runId === event.runId ? { ...c, phase: event.phase, done: event.done, total: event.total } : c));
          break;
        case 'run.output':
          setLog((lines) => [...lines.slice(-(LOG_LINES - 1)), event.line]);
          break;
        case 'campaign.gap':
          setGap({ kind: event.kind, endsAt: event.endsAt });
          break;
        case 'run.finished':
          durations.current.push(event.durationSeconds);
          setCurrent(null);
          if (event.status === 'failed') {
            setNotice({ severity: 'error', text: `Run ${event.runIndex + 1} failed: ${event.failureReason ? FAILURE_WORDS[event.failureReason] : 'unknown reason'}.` });
          }
          load();
          break;
        case 'campaign.paused':
          setNotice({ severity: 'info', text: 'The campaign is paused. Resume continues with the next run.' });
          load();
          refresh();
          break;
        case 'campaign.finished':
          setCurrent(null);
          setGap(null);
          setNotice({
            severity: event.status === 'completed' && event.counts.failed === 0 ? 'success' : event.status === 'failed' ? 'error' : 'info',
            text: `Campaign ${event.status}: ${event.counts.succeeded} of ${event.counts.total} runs succeeded${event.counts.failed ? `, ${event.counts.failed} failed` : ''}.${event.message ? ` ${event.message}` : ''}`,
          });
          load();
          refresh();
          break;
        default:
          load();
      }
    });
  }, [api, selected, load, refresh]);

  const control = async (command: 'pause' | 'resume' | 'cancel' | 'skipGap') => {
    if (!selected) return;
    setError(null);
    const result = await api.call('runs.control', { campaignId: selected, command });
    if (!result.ok) setError(result.error.message);
    load();
    refresh();
  };

  const counts = detail?.counts;
  const finished = counts ? counts.succeeded + counts.failed + counts.cancelled : 0;
  const remaining = counts ? counts.total - finished : 0;
  const meanDuration = durations.current.length ? durations.current.reduce((a, b) => a + b, 0) / durations.current.length : null;

  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>
        Runs
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '260px minmax(0, 1fr)' }, gap: 3, alignItems: 'start' }}>
        <Paper variant="outlined">
          <Typography variant="subtitle2" sx={{ px: 2, pt: 1.5 }}>
            Queue and history
          </Typography>
          {queue.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              No campaign has run yet. Design one, then press “Run on this GPU”.
            </Typography>
          ) : (
            <List dense data-testid="runs-queue">
              {queue.map((c) => (
                <ListItemButton key={c.id} selected={c.id === selected} onClick={() => openCampaignRuns(c.id)}>
                  <ListItemText primary={c.name} secondary={`${c.counts.succeeded}/${c.counts.total} done · ${c.active ? 'running here' : c.status}`} />
                </ListItemButton>
              ))}
            </List>
          )}
        </Paper>
        <Box>
          {error && (
            <Alert severity="error" sx={{ mb: 2 }} data-testid="runs-error">
              {error}
            </Alert>
          )}
          {!detail ? (
            <Paper variant="outlined" sx={{ p: 3 }}>
              <Typography color="text.secondary">Pick a campaign on the left to see its runs and live GPU readings.</Typography>
            </Paper>
          ) : (
            <>
              <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
                <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
                  <Typography variant="h6" sx={{ flexGrow: 1 }}>
                    {detail.name}
                  </Typography>
                  <Chip label={detail.active ? 'running' : detail.status} color={detail.active ? 'primary' : 'default'} data-testid="campaign-status" />
                  {detail.active ? (
                    <>
                      {gap && <Button onClick={() => void control('skipGap')}>Skip gap</Button>}
                      <Button onClick={() => void control('pause')}>Pause</Button>
                      <Button color="error" onClick={() => void control('cancel')}>
                        Cancel
                      </Button>
                    </>
                  ) : (
                    remaining > 0 && (
                      <Button variant="contained" onClick={() => void control('resume')} data-testid="campaign-resume">
                        {finished === 0 ? 'Start' : 'Resume'}
                      </Button>
                    )
                  )}
                </Stack>
                <Typography variant="body2" color="text.secondary" data-testid="campaign-progress-text">
                  {finished} of {counts?.total ?? 0} runs finished
                  {counts?.failed ? ` · ${counts.failed} failed` : ''}
                  {detail.active && meanDuration !== null && remaining > 0 ? ` · about ${formatDuration(meanDuration * remaining)} left` : ''}
                </Typography>
                <LinearProgress variant="determinate" value={counts && counts.total ? (100 * finished) / counts.total : 0} sx={{ my: 1 }} aria-label="Campaign progress" />
                {current && (
                  <Box data-testid="current-run">
                    <Typography variant="body2">
                      Run {current.runIndex + 1}: {detail.runs.find((r) => r.id === current.runId)?.label ?? current.summary} — {PHASE_WORDS[current.phase] ?? current.phase}
                      {current.done !== undefined && current.total ? ` (${current.done}/${current.total} prompts)` : ''}
                    </Typography>
                    <LinearProgress
                      variant={current.done !== undefined && current.total ? 'determinate' : 'indeterminate'}
                      value={current.done !== undefined && current.total ? (100 * current.done) / current.total : undefined}
                      aria-label="Run progress"
                    />
                  </Box>
                )}
                {gap && <Typography variant="body2">Waiting between {gap.kind === 'cycle' ? 'cycles' : 'experiments'} until {new Date(gap.endsAt).toLocaleTimeString()}.</Typography>}
              </Paper>
              <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
                <Typography variant="subtitle1" gutterBottom>
                  Live GPU readings
                </Typography>
                <LiveCharts series={telemetry.series} />
              </Paper>
              <Paper variant="outlined" sx={{ mb: 2, overflowX: 'auto' }}>
                <Table size="small" aria-label="Runs" data-testid="runs-table">
                  <TableHead>
                    <TableRow>
                      <TableCell>#</TableCell>
                      <TableCell>Cycle</TableCell>
                      <TableCell>Configuration</TableCell>
                      <TableCell>Status</TableCell>
                      <TableCell align="right">Energy: counter / integrated / llem (J)</TableCell>
                      <TableCell>Why</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {detail.runs.map((run) => (
                      <TableRow key={run.id}>
                        <TableCell>{run.runIndex + 1}</TableCell>
                        <TableCell>{run.cycle}</TableCell>
                        <TableCell data-testid="run-label">
                          {run.label}
                          {run.label !== run.summary && (
                            <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                              {run.summary}
                            </Typography>
                          )}
                        </TableCell>
                        <TableCell>
                          <Chip size="small" label={run.status} color={run.status === 'succeeded' ? 'success' : run.status === 'failed' ? 'error' : 'default'} />
                        </TableCell>
                        <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                          {run.energy ? [run.energy.counterJ, run.energy.integratedJ, run.energy.llemJ].map((j) => (j === null ? '—' : j.toFixed(1))).join(' / ') : ''}
                        </TableCell>
                        <TableCell>{run.failureReason ? FAILURE_WORDS[run.failureReason] : ''}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </Paper>
              <Paper variant="outlined" sx={{ p: 2 }}>
                <Typography variant="subtitle2">llem output</Typography>
                <Box component="pre" data-testid="run-log" tabIndex={0} role="region" aria-label="llem output" sx={{ m: 0, maxHeight: 220, overflow: 'auto', fontSize: 12, bgcolor: 'action.hover', p: 1, borderRadius: 1 }}>
                  {log.length ? log.join('\n') : 'The log of the run in progress appears here.'}
                </Box>
              </Paper>
            </>
          )}
        </Box>
      </Box>
      <Snackbar open={!!notice} autoHideDuration={8000} onClose={() => setNotice(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}>
        {notice ? (
          <Alert severity={notice.severity} onClose={() => setNotice(null)} data-testid="runs-notice">
            {notice.text}
          </Alert>
        ) : undefined}
      </Snackbar>
    </>
  );
}
