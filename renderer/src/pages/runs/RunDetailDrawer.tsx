import CloseIcon from '@mui/icons-material/Close';
import { Alert, Box, Button, Chip, CircularProgress, Drawer, IconButton, Stack, Tab, Table, TableBody, TableCell, TableHead, TableRow, Tabs, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import type { RunDetail } from '../../../../contract/apiRuns';
import { useMutation, useQuery } from '../../api/queries';
import { EChart, baseOption, useChartColours } from '../../components/EChart';
import { formatDuration } from '../../format';
import { phaseBands, phaseListText, runPowerOption } from './runPowerOption';
import { FAILURE_WORDS } from './runWords';

type FileText = NonNullable<RunDetail['stdout']>;

/** A file or log as the drawer shows it: its path, a note when cut or unreadable, and the text (focusable, scrolls). */
function FileView({ file, label, testId }: { file: FileText | null; label: string; testId: string }) {
  if (!file) return <Typography color="text.secondary">This run has not started yet, so it has no {label}.</Typography>;
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all', display: 'block', mb: 1 }}>
        {file.path}
        {file.truncated ? ' — only the last 1 MB is shown' : ''}
      </Typography>
      {file.error ? (
        <Alert severity="warning">
          The file {file.error}.
        </Alert>
      ) : (
        <Box
          component="pre"
          data-testid={testId}
          tabIndex={0}
          role="region"
          aria-label={label}
          sx={{ m: 0, p: 1, fontSize: 13, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
        >
          {file.text || '(empty)'}
        </Box>
      )}
    </Box>
  );
}

/** Seconds from the timeline's first sample to its last. */
const timelineEnd = (timeline: NonNullable<RunDetail['timeline']>): number => timeline.t[timeline.t.length - 1] ?? 0;

function Overview({ detail }: { detail: RunDetail }) {
  const colours = useChartColours();
  const option = useMemo(() => (detail.timeline ? { ...baseOption(colours), ...runPowerOption(detail.timeline, detail.phases, colours) } : null), [detail, colours]);
  const versions = Object.entries(detail.versions);
  return (
    <Stack spacing={2}>
      <Box>
        <Typography variant="subtitle2" gutterBottom>
          Power, with the run&apos;s phases shaded
        </Typography>
        {option && detail.timeline ? (
          <>
            <EChart option={option} testId="run-detail-power" height={260} ariaLabel={`GPU 0 power of run ${detail.runIndex + 1} over time, phases shaded`} />
            <Typography variant="caption" color="text.secondary" data-testid="run-detail-phases">
              Phases (s since the first sample):{' '}
              {phaseListText(phaseBands(detail.phases, detail.timeline.startMs, timelineEnd(detail.timeline)), timelineEnd(detail.timeline)) || 'none recorded'}
              . {detail.timeline.totalSamples.toLocaleString('en')} samples{detail.timeline.source ? ` from ${detail.timeline.source}` : ''}.
            </Typography>
          </>
        ) : (
          <Typography color="text.secondary">No GPU samples were stored for this run (telemetry was off, or the run ended before it started measuring).</Typography>
        )}
      </Box>
      <Box>
        <Typography variant="subtitle2" gutterBottom>
          Configuration: what differs from the campaign&apos;s base
        </Typography>
        {detail.configDiff.length === 0 ? (
          <Typography color="text.secondary">Nothing: this run uses the campaign&apos;s most common value of every field.</Typography>
        ) : (
          <Table size="small" data-testid="run-detail-diff" aria-label="Configuration differences">
            <TableHead>
              <TableRow>
                <TableCell>Field</TableCell>
                <TableCell>Campaign base</TableCell>
                <TableCell>This run</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {detail.configDiff.map((d) => (
                <TableRow key={d.path}>
                  <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{d.path}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-all' }}>{d.base}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-all', fontWeight: 600 }}>{d.value}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
      <Box>
        <Typography variant="subtitle2" gutterBottom>
          Versions
        </Typography>
        {versions.length === 0 ? (
          <Typography color="text.secondary">Not known: llem wrote no result for this run.</Typography>
        ) : (
          <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }} data-testid="run-detail-versions">
            {versions.map(([name, version]) => (
              <Chip key={name} size="small" variant="outlined" label={`${name} ${version}`} />
            ))}
          </Stack>
        )}
      </Box>
    </Stack>
  );
}

const TABS = ['Overview', 'llem stdout', 'llem stderr', 'Experiment file', 'result.json'] as const;

/**
 * Everything about one run, failed ones included: status and reason, llem's full output, the experiment file it
 * ran, how its config differs from the campaign's base, result.json, versions, and power with phases shaded.
 */
export function RunDetailDrawer({ runId, campaignActive, onClose }: { runId: number | null; campaignActive: boolean; onClose: () => void }) {
  const query = useQuery('runs.detail', runId === null ? null : { runId });
  const retry = useMutation('runs.start', { invalidates: ['runs.campaign', 'runs.campaigns', 'runs.detail'] });
  const [tab, setTab] = useState(0);
  // Another run opens on its overview, not on the tab the previous one was left at.
  useEffect(() => setTab(0), [runId]);
  // The answer of the run asked for (a previous run's answer may still be held while the new one loads).
  const detail = query.data && query.data.id === runId ? query.data : null;
  return (
    <Drawer anchor="right" open={runId !== null} onClose={onClose} slotProps={{ paper: { sx: { width: { xs: '100vw', md: 'min(960px, 70vw)' } }, 'aria-labelledby': 'run-detail-title' } as object }}>
      <Box sx={{ p: 2 }} data-testid="run-detail">
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', mb: 1 }}>
          <Box sx={{ flexGrow: 1, minWidth: 0 }}>
            <Typography variant="h6" component="h2" id="run-detail-title" sx={{ wordBreak: 'break-word' }}>
              {detail ? `Run ${detail.runIndex + 1} · cycle ${detail.cycle}: ${detail.label}` : 'Run'}
            </Typography>
            {detail && detail.label !== detail.summary && (
              <Typography variant="caption" color="text.secondary">
                {detail.summary}
              </Typography>
            )}
          </Box>
          <IconButton aria-label="Close run details" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Stack>
        {query.error && <Alert severity="error">{query.error.message}</Alert>}
        {!detail && !query.error && <CircularProgress size={24} aria-label="Loading the run" />}
        {detail && (
          <>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', gap: 1, mb: 2 }}>
              <Chip label={detail.status} color={detail.status === 'succeeded' ? 'success' : detail.status === 'failed' ? 'error' : 'default'} data-testid="run-detail-status" />
              <Typography variant="body2" color="text.secondary">
                attempt {detail.attempt}
                {detail.durationSeconds !== null ? ` · took ${formatDuration(detail.durationSeconds)}` : ''}
                {detail.exitCode !== null ? ` · llem exit code ${detail.exitCode}` : ''}
              </Typography>
              <Box sx={{ flexGrow: 1 }} />
              {detail.status === 'failed' && (
                <Button
                  variant="contained"
                  size="small"
                  disabled={campaignActive || retry.pending}
                  onClick={() => void retry.mutate({ campaignId: detail.campaignId, retryFailed: true })}
                  data-testid="run-detail-retry"
                >
                  Retry failed runs
                </Button>
              )}
              {detail.resultId !== null && (
                <Button size="small" variant="outlined" href={`#/results?result=${detail.resultId}`} data-testid="run-detail-open-results">
                  Open results
                </Button>
              )}
            </Stack>
            {retry.error && (
              <Alert severity="error" sx={{ mb: 2 }}>
                {retry.error.message}
              </Alert>
            )}
            {detail.status === 'failed' && (
              <Alert severity="error" sx={{ mb: 2, wordBreak: 'break-word' }} data-testid="run-detail-reason">
                {detail.failureReason ? FAILURE_WORDS[detail.failureReason] : 'The run failed.'}
                {detail.errorMessage ? ` — ${detail.errorMessage}` : ''}
              </Alert>
            )}
            <Tabs value={tab} onChange={(_e, v: number) => setTab(v)} aria-label="Run details" variant="scrollable" scrollButtons="auto" sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}>
              {TABS.map((t, i) => (
                <Tab key={t} label={t} id={`run-tab-${i}`} aria-controls={`run-tabpanel-${i}`} />
              ))}
            </Tabs>
            <Box role="tabpanel" id={`run-tabpanel-${tab}`} aria-labelledby={`run-tab-${tab}`}>
              {tab === 0 && <Overview detail={detail} />}
              {tab === 1 && <FileView file={detail.stdout} label="llem stdout" testId="run-detail-stdout" />}
              {tab === 2 && <FileView file={detail.stderr} label="llem stderr" testId="run-detail-stderr" />}
              {tab === 3 && <FileView file={detail.experimentFile} label="experiment file" testId="run-detail-experiment" />}
              {tab === 4 &&
                (detail.resultFile ? (
                  <FileView file={detail.resultFile} label="result.json" testId="run-detail-result" />
                ) : (
                  <Typography color="text.secondary">llem wrote no result.json for this run.</Typography>
                ))}
            </Box>
          </>
        )}
      </Box>
    </Drawer>
  );
}
