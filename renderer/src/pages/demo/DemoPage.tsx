import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Link, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ResultListView, SampleSetView, TimelineView } from '../../../../contract/apiResults';
import { useApi } from '../../api/ApiContext';
import { EChart, axisStyle, baseOption, useChartColours } from '../../components/EChart';
import { useLiveTelemetry } from '../runs/liveTelemetry';
import { ExplainDialog, type ExplainTarget } from '../results/ExplainDialog';
import { compareDemoPair, demoSentence, replayEnergyJ, replayTokens } from './demoFigures';
import { EQUIVALENTS, energyUntil, formatJoules, powerAt } from './equivalents';
import type { ExplainedFigure } from '../../../../contract/apiExplain';

type ResultRow = ResultListView['rows'][number];
const LIVE = 'live';

interface Recording {
  row: ResultRow;
  timeline: TimelineView;
  duration: number;
}

function describe(row: ResultRow): string {
  return [row.model, row.backend, row.precision, row.batch_size !== null ? `batch ${row.batch_size}` : null].filter(Boolean).join(' · ');
}

function recordedOn(row: ResultRow): string {
  return row.start_time ? new Date(row.start_time).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' }) : 'an unknown date';
}

/** Power gauge plus the last 30 s of power, for one side of the stage. */
function PowerMeter({ powerW, history, maxW, testId }: { powerW: number | null; history: [number, number][]; maxW: number; testId: string }) {
  const colours = useChartColours();
  const gauge = useMemo(
    () => ({
      ...baseOption(colours),
      series: [
        {
          type: 'gauge',
          min: 0,
          max: maxW,
          progress: { show: true, width: 14 },
          axisLine: { lineStyle: { width: 14 } },
          axisLabel: { color: colours.subtleText, distance: 18 },
          // eslint-disable-next-line no-restricted-syntax -- a gauge's detail is canvas text, not HTML
          detail: { valueAnimation: false, formatter: (v: number) => `${Math.round(v)} W`, color: colours.text, fontSize: 28, offsetCenter: [0, '70%'] },
          pointer: { width: 5 },
          data: powerW === null ? [] : [{ value: powerW, name: 'GPU power' }],
          title: { show: false },
          splitNumber: 5,
        },
      ],
    }),
    [colours, powerW, maxW],
  );
  const line = useMemo(
    () => ({
      ...baseOption(colours),
      grid: { left: 44, right: 12, top: 12, bottom: 24 },
      xAxis: { type: 'value', name: 's', ...axisStyle(colours), min: (v: { max: number }) => Math.max(0, v.max - 30) },
      yAxis: { type: 'value', name: 'W', min: 0, max: maxW, ...axisStyle(colours) },
      series: [{ type: 'line', showSymbol: false, data: history, areaStyle: { opacity: 0.15 } }],
    }),
    [colours, history, maxW],
  );
  return (
    <>
      <EChart option={gauge} ariaLabel={`Power now: ${powerW === null ? 'no reading' : `${Math.round(powerW)} watts`}`} testId={`${testId}-gauge`} height={220} />
      <EChart option={line} ariaLabel="Power over the last 30 seconds" testId={`${testId}-line`} height={140} />
    </>
  );
}

function Counter({ label, value, testId, onExplain, note }: { label: string; value: string; testId: string; onExplain?: (() => void) | undefined; note?: string | null }) {
  return (
    <Box sx={{ maxWidth: 260 }}>
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="h5" data-testid={testId}>
        {value}
      </Typography>
      {note && (
        <Typography variant="caption" color="warning.main" component="div" data-testid={`${testId}-caveat`}>
          {note}
        </Typography>
      )}
      {onExplain && (
        <Link component="button" type="button" variant="caption" onClick={onExplain} data-testid={`${testId}-explain`} aria-label={`Explain this number: ${label}`}>
          Explain this number
        </Link>
      )}
    </Box>
  );
}

const GRADE_COLOUR = { A: 'success', B: 'warning', C: 'error' } as const;

interface PaneState {
  energyJ: number;
  tokens: number | null;
  jPerToken: number | null;
}

function DemoPane({ side, rows, selection, onSelect, recording, clock, live, maxW, onState, onExplain }: {
  side: 'a' | 'b';
  rows: ResultRow[];
  selection: string;
  onSelect: (value: string) => void;
  recording: Recording | null;
  clock: number;
  live: ReturnType<typeof useLiveTelemetry>;
  maxW: number;
  onState: (state: PaneState) => void;
  onExplain: (resultId: number, figure: ExplainedFigure) => void;
}) {
  const liveMode = selection === LIVE;
  let powerW: number | null = null;
  let history: [number, number][] = [];
  let state: PaneState = { energyJ: 0, tokens: null, jPerToken: null };
  let label = 'Choose a recorded run or the live GPU.';

  if (recording) {
    const { timeline, row, duration } = recording;
    const at = Math.min(clock, duration);
    powerW = powerAt(timeline.t, timeline.v, at);
    history = timeline.t.map((t, i) => [t, timeline.v[i]] as [number, number | null]).filter((p): p is [number, number] => p[0] <= at && p[1] !== null);
    // Counters end at the run's own figures (core/results/figureDefinitions.ts via results.list): the replay shows
    // how the measured energy was spent, and tokens are the bounded count.
    const energyJ = replayEnergyJ(timeline.t, timeline.v, at, row.total_energy_j);
    const tokens = replayTokens(row, at, duration);
    state = { energyJ, tokens, jPerToken: row.avg_energy_per_token_j };
    label = `Replay of run ${row.experiment_id ?? row.id} recorded on ${recordedOn(row)}${row.gpu_name ? ` on ${row.gpu_name}` : ''}`;
  } else if (liveMode) {
    const gpu0 = live.series.get(0) ?? [];
    const first = gpu0[0]?.t ?? 0;
    const points = gpu0.filter((p) => p.powerW !== null).map((p) => [(p.t - first) / 1000, p.powerW as number] as [number, number]);
    history = points;
    powerW = points.at(-1)?.[1] ?? null;
    state = { energyJ: energyUntil(points.map((p) => p[0]), points.map((p) => p[1]), Infinity), tokens: null, jPerToken: null };
    label = live.latest ? `Live on this machine's GPU 0 (${live.latest.source})` : 'Waiting for the GPU…';
  }

  const stateKey = `${state.energyJ.toFixed(3)}|${state.tokens}|${state.jPerToken}`;
  useEffect(() => onState(state), [stateKey]);

  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid={`demo-pane-${side}`}>
      <TextField select fullWidth size="small" label={side === 'a' ? 'Left' : 'Right'} value={selection} onChange={(e) => onSelect(e.target.value)} sx={{ mb: 1 }}>
        {rows.map((row) => (
          <MenuItem key={row.id} value={String(row.id)}>
            {describe(row)} — {recordedOn(row)}
          </MenuItem>
        ))}
        <MenuItem value={LIVE}>Live GPU (this machine)</MenuItem>
      </TextField>
      <Typography variant="body2" color="text.secondary" data-testid={`demo-label-${side}`} sx={{ minHeight: 40 }}>
        {label}
      </Typography>
      <PowerMeter powerW={powerW} history={history} maxW={maxW} testId={`demo-${side}`} />
      {recording && recording.row.quality_grade && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }}>
          <Chip size="small" color={GRADE_COLOUR[recording.row.quality_grade]} label={`quality ${recording.row.quality_grade}`} data-testid={`demo-grade-${side}`} />
          {recording.row.caveats.length > 0 && (
            <Typography variant="caption" color="warning.main" data-testid={`demo-caveats-${side}`}>
              {recording.row.caveats.join('; ')}
            </Typography>
          )}
        </Stack>
      )}
      <Stack direction="row" spacing={3} sx={{ mt: 1, flexWrap: 'wrap' }}>
        <Counter
          label="Energy so far"
          value={formatJoules(state.energyJ)}
          testId={`demo-energy-${side}`}
          onExplain={recording ? () => onExplain(recording.row.id, 'totalEnergyJ') : undefined}
        />
        <Counter
          label="Output tokens generated"
          value={state.tokens === null ? '—' : Math.floor(state.tokens).toLocaleString('en')}
          testId={`demo-tokens-${side}`}
          note={recording ? tokenCaveat(recording.row) : null}
          onExplain={recording ? () => onExplain(recording.row.id, 'outputTokens') : undefined}
        />
        <Counter
          label="Energy per output token"
          value={state.jPerToken === null ? '—' : `${state.jPerToken.toFixed(3)} J/token`}
          testId={`demo-jpt-${side}`}
          onExplain={recording ? () => onExplain(recording.row.id, 'jPerOutputToken') : undefined}
        />
      </Stack>
      <Box sx={{ mt: 1 }}>
        {EQUIVALENTS.map((eq) => (
          <Tooltip key={eq.id} title={eq.source}>
            <Typography variant="body2">≈ {eq.label(state.energyJ / eq.joulesPerUnit)}</Typography>
          </Tooltip>
        ))}
      </Box>
    </Paper>
  );
}

/** "at most 4,096 tokens were generated; llem reported 6,686" where llem's count is impossible. */
function tokenCaveat(row: ResultRow): string | null {
  if (row.output_tokens === null || row.output_tokens_bounded === null || row.output_tokens_bounded >= row.output_tokens) return null;
  return `at most ${row.output_tokens_bounded.toLocaleString('en')} tokens were generated; llem reported ${row.output_tokens.toLocaleString('en')}`;
}

/** Recorded real runs shipped with the app: one button a set, so a laptop with no GPU has something to replay. */
function SampleRunsLoader({ onLoaded, onProblem }: { onLoaded: () => void; onProblem: (message: string | null) => void }) {
  const api = useApi();
  const [sets, setSets] = useState<SampleSetView[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  useEffect(() => {
    void api.call('results.sampleSets', {}).then((r) => (r.ok ? setSets(r.value) : onProblem(r.error.message)));
  }, [api, onProblem]);
  if (sets.length === 0) return null;
  const load = async (set: SampleSetView) => {
    setBusy(set.id);
    const r = await api.call('results.importSampleSet', { id: set.id });
    setBusy(null);
    if (!r.ok) return onProblem(r.error.message);
    if (r.value.rejected.length > 0) return onProblem(`Some sample files could not be loaded: ${r.value.rejected.map((x) => x.reason).join('; ')}`);
    onProblem(null);
    setLoaded(`${r.value.added.length + r.value.duplicates.length} recorded runs of "${set.label}" are ready to replay.`);
    onLoaded();
  };
  return (
    <Paper variant="outlined" sx={{ p: 1.5, mb: 2 }} data-testid="demo-sample-sets">
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2">Sample runs:</Typography>
        {sets.map((set) => (
          <Tooltip key={set.id} title={`${set.gpu}, ${set.measuredOn}, llem ${set.llemVersion}, ${set.model}. ${set.caveats.join(' ')}`}>
            <span>
              <Button size="small" variant="outlined" disabled={busy !== null} onClick={() => void load(set)}>
                {busy === set.id ? 'Loading…' : `Load ${set.label}`}
              </Button>
            </span>
          </Tooltip>
        ))}
        {loaded && (
          <Typography variant="body2" role="status" data-testid="demo-sample-status">
            {loaded}
          </Typography>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * Demonstration mode for policy audiences: two configurations side by side, full screen, with power meters,
 * running energy and token counters and everyday equivalents. Recorded runs replay in real time (offline);
 * the live GPU is there when telemetry is. Keys: Space play/pause, R restart, F full screen, Esc leave.
 */
export function DemoPage() {
  const api = useApi();
  const live = useLiveTelemetry(api);
  const [rows, setRows] = useState<ResultRow[]>([]);
  const [selection, setSelection] = useState<{ a: string; b: string }>({ a: '', b: '' });
  const [recordings, setRecordings] = useState<{ a: Recording | null; b: Recording | null }>({ a: null, b: null });
  const [problem, setProblem] = useState<string | null>(null);
  const [clock, setClock] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const presenting = useRef(false);
  const stage = useRef<HTMLDivElement>(null);
  const paneStates = useRef<{ a: PaneState | null; b: PaneState | null }>({ a: null, b: null });
  const [, force] = useState(0);

  const [rowsVersion, setRowsVersion] = useState(0);
  useEffect(() => {
    void api.call('results.list', { sources: ['measured', 'imported'], limit: 500, sortBy: 'start_time', sortDir: 'desc' }).then((r) => {
      if (r.ok) setRows(r.value.rows);
      else setProblem(r.error.message);
    });
  }, [api, rowsVersion]);

  const load = useCallback(
    async (side: 'a' | 'b', value: string) => {
      setSelection((s) => ({ ...s, [side]: value }));
      setClock(0);
      if (value === LIVE || value === '') return setRecordings((r) => ({ ...r, [side]: null }));
      const row = rows.find((x) => String(x.id) === value);
      if (!row) return;
      const timeline = await api.call('results.timeline', { resultId: row.id, metric: 'power_w', width: 2000 });
      if (!timeline.ok) return setProblem(timeline.error.message);
      if (timeline.value.source === 'none' || timeline.value.t.length < 2) {
        setProblem(`This run cannot be replayed: ${timeline.value.note}`);
        return setRecordings((r) => ({ ...r, [side]: null }));
      }
      setProblem(null);
      setRecordings((r) => ({ ...r, [side]: { row, timeline: timeline.value, duration: timeline.value.t.at(-1) ?? 0 } }));
    },
    [api, rows],
  );

  // Real-time replay clock (10 updates a second).
  useEffect(() => {
    if (!playing) return;
    const started = performance.now() - clock * 1000;
    const timer = setInterval(() => setClock((performance.now() - started) / 1000), 100);
    return () => clearInterval(timer);
  }, [playing]);

  const duration = Math.max(recordings.a?.duration ?? 0, recordings.b?.duration ?? 0);
  useEffect(() => {
    if (playing && duration > 0 && clock >= duration && selection.a !== LIVE && selection.b !== LIVE) setPlaying(false);
  }, [clock, duration, playing, selection]);

  const enterFullScreen = () => {
    presenting.current = true;
    void stage.current?.requestFullscreen?.().catch(() => undefined);
  };
  useEffect(() => {
    const onChange = () => {
      // Leaving full screen (Esc is handled by the browser) while presenting asks before ending the demo.
      if (!document.fullscreenElement && presenting.current) setConfirmLeave(true);
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      // Escape leaves the presentation from wherever the focus is (a keyboard user's focus is always on a
      // button), except inside an open picker or dialog, which Escape closes.
      if (event.key === 'Escape') {
        if (presenting.current && !target?.closest?.('[role="listbox"], [role="option"], [role="dialog"]')) setConfirmLeave(true);
        return;
      }
      // Pickers, buttons and text boxes keep their own keys (Space opens a picker, Enter presses a button).
      if (target?.closest?.('input, textarea, button, [role="listbox"], [role="combobox"], [role="option"]')) return;
      if (event.key === ' ') {
        event.preventDefault();
        setPlaying((p) => !p);
      } else if (event.key === 'r' || event.key === 'R') {
        setClock(0);
        setPlaying(true);
      } else if (event.key === 'f' || event.key === 'F') enterFullScreen();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const maxW = useMemo(() => {
    const peaks = [recordings.a, recordings.b].flatMap((r) => (r ? r.timeline.v.filter((v): v is number => v !== null) : []));
    const liveMax = [...live.series.values()].flat().reduce((m, p) => Math.max(m, p.powerW ?? 0), 0);
    return Math.max(100, Math.ceil((Math.max(liveMax, ...peaks, 0) * 1.2) / 50) * 50);
  }, [recordings, live.series]);

  const a = paneStates.current.a;
  const b = paneStates.current.b;
  const comparison = recordings.a && recordings.b ? compareDemoPair(recordings.a.row, recordings.b.row) : null;
  const [explain, setExplain] = useState<ExplainTarget | null>(null);
  const [showRaw, setShowRaw] = useState(false);

  return (
    <Box ref={stage} sx={{ bgcolor: 'background.default', p: presenting.current ? 3 : 0, minHeight: presenting.current ? '100vh' : undefined }}>
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }}>
          Demo
        </Typography>
        <Button variant="contained" onClick={() => setPlaying((p) => !p)} disabled={!recordings.a && !recordings.b && selection.a !== LIVE && selection.b !== LIVE} data-testid="demo-play">
          {playing ? 'Pause (Space)' : 'Play (Space)'}
        </Button>
        <Button onClick={() => { setClock(0); setPlaying(true); }}>Restart (R)</Button>
        <Button onClick={enterFullScreen}>Full screen (F)</Button>
      </Stack>
      {problem && <Alert severity="warning" sx={{ mb: 2 }}>{problem}</Alert>}
      {rows.length === 0 && (
        <Alert severity="info" sx={{ mb: 2 }}>
          No recorded runs yet. Run a campaign, import llem results with a timeseries, or load the sample runs below, to replay them here; the live GPU works on a machine with an NVIDIA GPU.
        </Alert>
      )}
      <SampleRunsLoader onLoaded={() => setRowsVersion((v) => v + 1)} onProblem={setProblem} />
      {comparison !== null && a && b && (
        <Box sx={{ mb: 2 }}>
          <Typography variant="h6" data-testid="demo-headline">
            {demoSentence(comparison)}
          </Typography>
          {comparison.caveats.length > 0 && (
            <Alert severity="warning" sx={{ mt: 1 }} data-testid="demo-headline-caveats">
              {comparison.failing.length > 0 && (
                <div>
                  The {comparison.failing.join(' and ')}-hand run failed a quality check: read the factor with its caveats.
                </div>
              )}
              {comparison.caveats.map((c) => (
                <div key={c}>{c}</div>
              ))}
              {comparison.rawRatio !== null && (
                <Link component="button" type="button" variant="body2" onClick={() => setShowRaw((v) => !v)} data-testid="demo-raw-toggle">
                  {showRaw ? 'Hide' : 'Show'} the factor from llem's own figures
                </Link>
              )}
              {showRaw && comparison.rawRatio !== null && (
                <Typography variant="body2" data-testid="demo-raw">
                  With llem's own token counts: {comparison.rawRatio.toFixed(1)}× (not used: those counts are impossible).
                </Typography>
              )}
            </Alert>
          )}
        </Box>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 1fr) minmax(0, 1fr)' }, gap: 2 }}>
        {(['a', 'b'] as const).map((side) => (
          <DemoPane
            key={side}
            side={side}
            rows={rows}
            selection={selection[side]}
            onSelect={(value) => void load(side, value)}
            recording={recordings[side]}
            clock={clock}
            live={live}
            maxW={maxW}
            onState={(state) => {
              paneStates.current[side] = state;
              force((n) => n + 1);
            }}
            onExplain={(resultId, figure) => setExplain({ resultId, figure })}
          />
        ))}
      </Box>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 2 }}>
        Energy is the GPU's, measured by llem (NVML); each counter ends at the run's measured figure, the same as in the results table. Equivalents are orders of magnitude; hover one for its assumption.
        {duration > 0 ? ` Replay ${Math.min(clock, duration).toFixed(0)} s of ${duration.toFixed(0)} s.` : ''}
      </Typography>
      <ExplainDialog target={explain} onClose={() => setExplain(null)} container={() => stage.current} />
      {/* Inside the stage: a dialog portalled to <body> would sit behind the full-screen element. */}
      <Dialog open={confirmLeave} onClose={() => setConfirmLeave(false)} container={() => stage.current}>
        <DialogTitle>Leave the demonstration?</DialogTitle>
        <DialogContent>The replay stops and the normal window comes back.</DialogContent>
        <DialogActions>
          <Button
            onClick={() => {
              setConfirmLeave(false);
              enterFullScreen();
            }}
          >
            Stay in full screen
          </Button>
          <Button
            color="error"
            onClick={() => {
              presenting.current = false;
              setConfirmLeave(false);
              setPlaying(false);
              if (document.fullscreenElement) void document.exitFullscreen();
            }}
          >
            Leave
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
