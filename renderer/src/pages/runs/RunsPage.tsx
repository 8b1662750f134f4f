import { Alert, Box, Button, Chip, LinearProgress, Paper, Snackbar, Stack, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import type { CampaignRuns } from '../../../../contract/apiRuns';
import type { RunEvent } from '../../../../contract/runEvents';
import { useApi } from '../../api/ApiContext';
import { useInvalidate, useMutation, useQuery } from '../../api/queries';
import { formatDuration, formatEnergy } from '../../format';
import { useHashParam } from '../../hooks/useHashParam';
import { hashArgument, openCampaignRuns } from '../../navigation';
import { CampaignTimeBreakdown } from './CampaignTimeBreakdown';
import { CampaignQueue } from './CampaignQueue';
import { campaignTotals, co2eGrams, energyCoverage, finishedCount, formatCo2e, intensityLine } from './campaignTotals';
import { QueuePanel } from './QueuePanel';
import { askNotificationPermission } from '../../notifications/campaignEndNotice';
import { LiveCharts } from './LiveCharts';
import { useLiveTelemetry } from './liveTelemetry';
import { SlurmTasksPanel } from '../slurm/SlurmTasksPanel';
import { RunDetailDrawer } from './RunDetailDrawer';
import { RunsTable } from './RunsTable';
import { AdaptiveFrontPanel } from './AdaptiveFrontPanel';
import { FAILURE_WORDS, PHASE_WORDS } from './runWords';

export { FAILURE_WORDS } from './runWords';

interface Current {
  runId: number;
  runIndex: number;
  summary: string;
  phase: string;
  done?: number;
  total?: number;
}

const LOG_LINES = 300;

/** What changes when any runner event arrives: the queue's counts and the open campaign's rows. */
const RUN_QUERIES = ['runs.campaigns', 'runs.campaign', 'runs.detail', 'adaptive.view', 'runs.queue'] as const;

/** The finished campaign's totals (CO₂e only with a grid intensity from Settings) and the way to its results. */
function FinishedSummary({ detail }: { detail: CampaignRuns }) {
  const totals = campaignTotals(detail.runs);
  const intensity = useQuery('settings.gridIntensity', {}).data ?? null;
  const grams = co2eGrams(totals.energyJ, intensity);
  return (
    <Stack direction="row" spacing={3} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, mt: 1 }} data-testid="campaign-totals">
      <Typography variant="body2" data-testid="campaign-total-duration">
        Took <strong>{totals.wallSeconds !== null ? formatDuration(totals.wallSeconds) : '—'}</strong>
      </Typography>
      <Typography variant="body2" data-testid="campaign-total-energy">
        GPU energy <strong>{totals.energyJ !== null ? formatEnergy(totals.energyJ) : '—'}</strong>
        {totals.energyJ !== null ? ` (${energyCoverage(totals)})` : ''}
      </Typography>
      {grams !== null && intensity && (
        <Typography variant="body2" data-testid="campaign-total-co2e">
          ≈ <strong>{formatCo2e(grams)}</strong> {intensityLine(intensity)}
        </Typography>
      )}
      {detail.counts.succeeded > 0 && (
        <Button size="small" variant="outlined" href={`#/results?campaign=${encodeURIComponent(detail.id)}`} data-testid="campaign-open-results">
          Open its results
        </Button>
      )}
    </Stack>
  );
}

export function RunsPage() {
  const api = useApi();
  const invalidate = useInvalidate();
  const queue = useQuery('runs.campaigns', {});
  const waiting = useQuery('runs.queue', {});
  const start = useMutation('runs.start', { invalidates: RUN_QUERIES });
  const [selected, setSelected] = useState<string | null>(() => hashArgument());
  const campaign = useQuery('runs.campaign', selected ? { campaignId: selected } : null);
  const detail = campaign.data && campaign.data.id === selected ? campaign.data : null;
  const control = useMutation('runs.control', { invalidates: RUN_QUERIES });
  const [openRun, setOpenRun] = useHashParam('run');
  const [current, setCurrent] = useState<Current | null>(null);
  const [gap, setGap] = useState<{ kind: string; endsAt: string } | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [notice, setNotice] = useState<{ severity: 'success' | 'error' | 'info'; text: string } | null>(null);
  const durations = useRef<number[]>([]);
  const telemetry = useLiveTelemetry(api);

  useEffect(() => {
    const onHash = () => setSelected(hashArgument());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Nothing picked: show the campaign running here, else the most recently changed one (the list comes newest first,
  // so that is the campaign that just ran), instead of asking the user to pick.
  const shownByDefault = queue.data?.find((c) => c.active) ?? queue.data?.[0];
  useEffect(() => {
    if (!selected && shownByDefault) openCampaignRuns(shownByDefault.id, { replace: true });
  }, [selected, shownByDefault]);

  // A run starting or ending (in any campaign) makes the queue's counts and the open campaign's rows stale; output
  // lines and phase changes do not (they arrive many times a second).
  useEffect(
    () =>
      api.subscribe('runs.events', {}, (event) => {
        if (event.type !== 'run.output' && event.type !== 'run.phase') invalidate(RUN_QUERIES);
      }),
    [api, invalidate],
  );

  useEffect(() => {
    if (!selected) return;
    setLog([]);
    setCurrent(null);
    setGap(null);
    durations.current = [];
    return api.subscribe('runs.events', { campaignId: selected }, (event: RunEvent) => {
      switch (event.type) {
        case 'run.started':
          setGap(null);
          setLog([]);
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
            setNotice({ severity: 'error', text: `Run ${event.runIndex + 1} failed: ${event.failureReason ? FAILURE_WORDS[event.failureReason] : 'unknown reason'}. Open its row for llem's output.` });
          }
          break;
        case 'campaign.paused':
          setNotice({ severity: 'info', text: 'The campaign is paused. Resume continues with the next run.' });
          break;
        case 'campaign.finished':
          // The app-wide notifier (renderer/src/notifications) says how it ended, on whatever page the user is.
          setCurrent(null);
          setGap(null);
          break;
        default:
          break;
      }
    });
  }, [api, selected]);

  const send = (command: 'pause' | 'resume' | 'cancel' | 'skipGap') => {
    if (selected) void control.mutate({ campaignId: selected, command });
  };
  // Start/Resume: runs now, or joins the queue when the GPU is busy (and says so).
  const startSelected = () => {
    if (!selected) return;
    askNotificationPermission();
    void start.mutate({ campaignId: selected }).then((result) => {
      if (result.ok && result.value.queued) setNotice({ severity: 'info', text: `Queued as number ${result.value.queued.position}: it starts when the GPU is free (now ${result.value.queued.waitingFor}).` });
    });
  };
  const queuedHere = waiting.data?.entries.find((e) => e.campaignId === selected) ?? null;

  const counts = detail?.counts;
  const finished = counts ? finishedCount(counts) : 0;
  const remaining = counts ? counts.total - finished : 0;
  const meanDuration = durations.current.length ? durations.current.reduce((a, b) => a + b, 0) / durations.current.length : null;
  const currentLabel = current ? (detail?.runs.find((r) => r.id === current.runId)?.label ?? current.summary) : '';
  const error = control.error ?? start.error ?? campaign.error;

  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>
        Runs
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '280px minmax(0, 1fr)' }, gap: 3, alignItems: 'start' }}>
        <Box sx={{ minWidth: 0 }}>
          <QueuePanel state={waiting.data} selected={selected} />
          <CampaignQueue queue={queue.data ?? []} selected={selected} />
        </Box>
        <Box sx={{ minWidth: 0 }}>
          {error && (
            <Alert severity="error" sx={{ mb: 2 }} data-testid="runs-error">
              {error.message}
            </Alert>
          )}
          {!detail ? (
            <Paper variant="outlined" sx={{ p: 3 }}>
              <Typography color="text.secondary">
                {selected ? 'Loading the campaign…' : queue.data?.length ? 'Pick a campaign on the left to see its runs and live GPU readings.' : 'Campaigns you run appear here.'}
              </Typography>
            </Paper>
          ) : (
            <>
              <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
                <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap', rowGap: 1 }}>
                  <Typography variant="h6" component="h2" sx={{ flexGrow: 1, wordBreak: 'break-word' }}>
                    {detail.name}
                  </Typography>
                  <Chip
                    label={detail.active ? 'running' : queuedHere ? `queued · number ${queuedHere.position}` : detail.status}
                    color={detail.active ? 'primary' : queuedHere ? 'secondary' : 'default'}
                    data-testid="campaign-status"
                  />
                  {detail.active ? (
                    <>
                      {gap && <Button onClick={() => send('skipGap')}>Skip gap</Button>}
                      <Button onClick={() => send('pause')}>Pause</Button>
                      <Button color="error" onClick={() => send('cancel')}>
                        Cancel
                      </Button>
                    </>
                  ) : (
                    (remaining > 0 || (counts?.total === 0 && detail.status === 'draft')) &&
                    !queuedHere && (
                      <Button variant="contained" onClick={startSelected} disabled={start.pending} data-testid="campaign-resume">
                        {finished === 0 ? 'Start' : 'Resume'}
                      </Button>
                    )
                  )}
                </Stack>
                {queuedHere && (
                  <Typography variant="body2" sx={{ mb: 0.5 }} data-testid="campaign-queued-text">
                    Waiting for the GPU: number {queuedHere.position} in the queue
                    {waiting.data?.hold ? ' (the queue is held: press Start queue on the left)' : waiting.data?.waitingFor ? `, after ${waiting.data.waitingFor}` : ''}.
                  </Typography>
                )}
{!(queuedHere && counts?.total === 0) && (
                  <>
                <Typography variant="body2" color="text.secondary" data-testid="campaign-progress-text">
                  {finished} of {counts?.total ?? 0} runs finished
                  {counts?.failed ? ` · ${counts.failed} failed` : ''}
                  {detail.active && meanDuration !== null && remaining > 0 ? ` · about ${formatDuration(meanDuration * remaining)} left` : ''}
                </Typography>
                <LinearProgress variant="determinate" value={counts && counts.total ? (100 * finished) / counts.total : 0} sx={{ my: 1 }} aria-label="Campaign progress" />
                  </>
                )}
                {!detail.active && finished > 0 && <FinishedSummary detail={detail} />}
                {current && (
                  <Box data-testid="current-run">
                    <Typography variant="body2">
                      Run {current.runIndex + 1}: {currentLabel} — {PHASE_WORDS[current.phase] ?? current.phase}
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
                <Typography variant="subtitle1" component="h2" gutterBottom>
                  Live GPU readings
                </Typography>
                <LiveCharts series={telemetry.series} />
              </Paper>
              <SlurmTasksPanel campaignId={detail.id} onCollected={() => invalidate(RUN_QUERIES)} />
              <AdaptiveFrontPanel campaignId={detail.id} active={detail.active} onResume={() => send('resume')} />
              <RunsTable runs={detail.runs} onOpen={(runId) => setOpenRun(String(runId))} />
              <CampaignTimeBreakdown campaignId={detail.id} reloadKey={detail} />
              <Paper variant="outlined" sx={{ p: 2 }}>
                <Typography variant="subtitle2" component="h2">
                  Live llem output{current ? ` of run ${current.runIndex + 1}` : ''}
                </Typography>
                <Box component="pre" data-testid="run-log" tabIndex={0} role="region" aria-label="llem output" sx={{ m: 0, maxHeight: 220, overflow: 'auto', fontSize: 13, bgcolor: 'action.hover', p: 1, borderRadius: 1 }}>
                  {log.length ? log.join('\n') : 'The output of the run in progress appears here. Every run’s full output: open its row above.'}
                </Box>
              </Paper>
            </>
          )}
        </Box>
      </Box>
      <RunDetailDrawer runId={openRun !== null && /^\d+$/.test(openRun) ? Number(openRun) : null} campaignActive={!!detail?.active} onClose={() => setOpenRun(null)} />
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
