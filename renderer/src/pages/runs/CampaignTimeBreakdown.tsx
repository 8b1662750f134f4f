import { Alert, Box, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography, useTheme } from '@mui/material';
import { useEffect, useState } from 'react';
import { describeBaseline, RUN_TIME_PART_LABELS, RUN_TIME_PARTS, type CampaignTime, type RunTimeBreakdown, type RunTimePart } from '../../../../contract/campaignTime';
import { useApi } from '../../api/ApiContext';

/**
 * Where a campaign's wall time went (issue 19): campaign efficiency (the share inside llem's measurement windows)
 * and, per run, start / model load / baseline / warm-up / thermal wait / measuring / write-out / the app's own
 * part, as stacked bars with the seconds in a table beside them. Self-contained: give it a campaign id and a value
 * that changes when the campaign's runs change (it reloads then).
 */
export function CampaignTimeBreakdown({ campaignId, reloadKey }: { campaignId: string; reloadKey?: unknown }) {
  const api = useApi();
  const [time, setTime] = useState<CampaignTime | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api.call('runs.time', { campaignId }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setTime(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, campaignId, reloadKey]);
  const colors = usePartColors();

  if (error) return <Alert severity="warning">Campaign time: {error}</Alert>;
  if (!time || time.runs.length === 0) return null;
  const longest = Math.max(...time.runs.map((r) => r.totalS), 1);
  const between: { key: string; label: string; seconds: number; color: string }[] =
    time.betweenRunsS >= 0.05 ? [{ key: 'between', label: 'between runs (gaps, the app)', seconds: time.betweenRunsS, color: colors.between }] : [];
  const campaignSegments = [...RUN_TIME_PARTS.map((p) => ({ key: p, label: RUN_TIME_PART_LABELS[p], seconds: time.parts[p], color: colors[p] })), ...between];

  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="campaign-time">
      <Typography variant="subtitle1">Where the time went</Typography>
      <Typography variant="body2" sx={{ mb: 1 }} data-testid="campaign-efficiency">
        Efficiency <strong>{time.efficiency === null ? '—' : `${(time.efficiency * 100).toFixed(1)} %`}</strong>: {seconds(time.measuringS)} measuring of{' '}
        {seconds(time.wallS)} wall time
        {time.pausedS > 0 ? ` (${seconds(time.pausedS)} paused, not counted)` : ''}. llem's start, baseline, model load, warm-up and thermal floor are its
        method; the app's part is spawning llem and storing its result.
        {time.baselines ? <BaselineSummary counts={time.baselines} /> : null}
      </Typography>
      <StackedBar segments={campaignSegments} total={time.wallS} widthPct={100} label="Whole campaign" />
      <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 2, rowGap: 0.5, my: 1 }} aria-hidden>
        {campaignSegments
          .filter((s) => s.seconds >= 0.05)
          .map((s) => (
            <Stack key={s.key} direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
              <Box sx={{ width: 10, height: 10, bgcolor: s.color, borderRadius: 0.5 }} />
              <Typography variant="caption">
                {s.label}: {seconds(s.seconds)}
              </Typography>
            </Stack>
          ))}
      </Stack>
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Time per run, seconds" data-testid="run-time-table">
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell sx={{ minWidth: 160 }}>Breakdown</TableCell>
              {RUN_TIME_PARTS.map((p) => (
                <TableCell key={p} align="right">
                  {RUN_TIME_PART_LABELS[p].replace(/ \(.*\)$/, '')} (s)
                </TableCell>
              ))}
              <TableCell align="right">total (s)</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {time.runs.map((r) => (
              <TableRow key={`${r.runId}:${r.attempt}`}>
                <TableCell>
                  {r.runIndex + 1}
                  {r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}
                </TableCell>
                <TableCell>
                  <StackedBar
                    segments={RUN_TIME_PARTS.map((p) => ({ key: p, label: RUN_TIME_PART_LABELS[p], seconds: r.parts[p], color: colors[p] }))}
                    total={r.totalS}
                    widthPct={(100 * r.totalS) / longest}
                    label={`Run ${r.runIndex + 1}`}
                  />
                </TableCell>
                {RUN_TIME_PARTS.map((p) => (
                  <TableCell key={p} align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {r.parts[p].toFixed(1)}
                    {p === 'baseline' ? <BaselineSource run={r} /> : null}
                  </TableCell>
                ))}
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {r.totalS.toFixed(1)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </Paper>
  );
}

/** Under the run's baseline seconds: where llem's result says its baseline came from (measured here or reused). */
function BaselineSource({ run }: { run: RunTimeBreakdown }) {
  if (!run.baseline) return null;
  const b = run.baseline;
  const short =
    b.source === 'this_run'
      ? 'measured here'
      : b.source === 'earlier_run'
        ? `reused · run ${(b.measuredByRunIndex ?? 0) + 1}${b.ageS === null ? '' : `, ${b.ageS.toFixed(0)} s old`}`
        : b.source === 'outside_campaign'
          ? `reused${b.ageS === null ? '' : ` · ${b.ageS.toFixed(0)} s old`}`
          : b.source === 'none'
            ? 'off'
            : 'source unknown';
  const power = b.powerW === null ? '' : ` · ${b.powerW.toFixed(1)} W idle`;
  return (
    <Tooltip title={`Baseline ${describeBaseline(b)}${power}`}>
      <Typography component="div" variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }} data-testid={`baseline-source-${run.runIndex}`}>
        {short}
      </Typography>
    </Tooltip>
  );
}

function BaselineSummary({ counts }: { counts: NonNullable<CampaignTime['baselines']> }) {
  const total = counts.measured + counts.reused + counts.unknown;
  if (total === 0) return null;
  return (
    <span data-testid="baseline-summary">
      {' '}
      Baseline measured by {counts.measured} run{counts.measured === 1 ? '' : 's'}, reused by {counts.reused}
      {counts.unknown > 0 ? `, ${counts.unknown} not known` : ''}
      {counts.reused === 0 && counts.measured > 1 ? ': each llem run measured its own (llem shares none between separate runs).' : '.'}
    </span>
  );
}

function StackedBar({ segments, total, widthPct, label }: { segments: { key: string; label: string; seconds: number; color: string }[]; total: number; widthPct: number; label: string }) {
  const shown = segments.filter((s) => s.seconds > 0);
  return (
    <Box
      role="img"
      aria-label={`${label}: ${shown.map((s) => `${s.label} ${seconds(s.seconds)}`).join(', ')}`}
      sx={{ display: 'flex', height: 14, width: `${Math.max(2, widthPct)}%`, borderRadius: 0.5, overflow: 'hidden', bgcolor: 'action.hover' }}
    >
      {shown.map((s) => (
        <Tooltip key={s.key} title={`${s.label}: ${seconds(s.seconds)} (${total > 0 ? ((100 * s.seconds) / total).toFixed(1) : '0'} %)`}>
          <Box sx={{ width: `${total > 0 ? (100 * s.seconds) / total : 0}%`, bgcolor: s.color }} />
        </Tooltip>
      ))}
    </Box>
  );
}

function usePartColors(): Record<RunTimePart | 'between', string> {
  const theme = useTheme();
  const dark = theme.palette.mode === 'dark';
  return {
    measuring: theme.palette.success.main,
    thermal_wait: dark ? '#c77d2e' : '#e59a3c',
    model_load: dark ? '#5c7fc4' : '#7f9fdc',
    baseline: dark ? '#8a6cc4' : '#a98bdc',
    warmup: dark ? '#b8a23a' : '#d8c25a',
    start: dark ? '#6b7785' : '#9aa6b2',
    write_out: dark ? '#3f9aa5' : '#62bac4',
    app: theme.palette.error.main,
    between: dark ? '#4a4a4a' : '#cfcfcf',
  };
}

function seconds(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}
