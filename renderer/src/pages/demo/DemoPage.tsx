import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Link, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ResultListView, SampleSetView, TimelineView } from '../../../../contract/apiResults';
import type { ExplainedFigure } from '../../../../contract/apiExplain';
import { useApi } from '../../api/ApiContext';
import { useQuery } from '../../api/queries';
import { EChart, useChartColours } from '../../components/EChart';
import { useLiveTelemetry } from '../runs/liveTelemetry';
import { ExplainDialog, type ExplainTarget } from '../results/ExplainDialog';
import { demoCaveatLines, type CaveatSample } from './demoCaveat';
import { demoFontSize, demoGaugeOption, demoPowerOption, demoRaceOption, powerScaleMax, sharedTimeAxisMax } from './demoChartOptions';
import { compareDemoPair, demoSentence, replayEnergyJ, replayTokens } from './demoFigures';
import { bestPair, findDemoPairs, humanModelName, nextPair, pairSentence, precisionName, type DemoPair } from './demoPairs';
import { EQUIVALENTS, energyUntil, formatJoules, powerAt } from './equivalents';

type ResultRow = ResultListView['rows'][number];
type Side = 'a' | 'b';
const LIVE = 'live';
const SIDES: readonly Side[] = ['a', 'b'];

interface Recording {
  row: ResultRow;
  timeline: TimelineView;
  duration: number;
}

/** Text that grows with the screen: `min` at 1280 px wide, up to `max` on a large projector. */
const fluid = (min: number, vw: number, max: number) => `clamp(${min}rem, ${vw}vw, ${max}rem)`;

/** "gpt2 · transformers · bf16 · batch 1": the run as a person reads it (never a model path). */
function describe(row: ResultRow): string {
  return [humanModelName(row.model), row.backend, row.precision ? precisionName(row.precision) : null, row.batch_size !== null ? `batch ${row.batch_size}` : null].filter(Boolean).join(' · ');
}

function recordedOn(row: ResultRow): string {
  return row.start_time ? new Date(row.start_time).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' }) : 'an unknown date';
}

/** The viewport width, kept up to date: chart text is sized from it (canvas text does not follow CSS). */
function useViewportWidth(): number {
  const [width, setWidth] = useState(() => window.innerWidth);
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return width;
}

function Counter({ label, value, testId, onExplain, note }: { label: string; value: string; testId: string; onExplain?: (() => void) | undefined; note?: string | null }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography color="text.secondary" sx={{ fontSize: fluid(0.75, 0.85, 1.5), lineHeight: 1.2 }}>
        {label}
        {onExplain && (
          <>
            {' '}
            <Link component="button" type="button" onClick={onExplain} data-testid={`${testId}-explain`} aria-label={`Explain this number: ${label}`} sx={{ fontSize: 'inherit', verticalAlign: 'baseline' }}>
              (explain)
            </Link>
          </>
        )}
      </Typography>
      <Typography data-testid={testId} sx={{ fontSize: fluid(1.2, 2, 3.6), fontWeight: 700, lineHeight: 1.15, fontVariantNumeric: 'tabular-nums', overflowWrap: 'anywhere' }}>
        {value}
      </Typography>
      {note && (
        <Typography color="warning.main" component="div" data-testid={`${testId}-caveat`} sx={{ fontSize: fluid(0.7, 0.75, 1.3) }}>
          {note}
        </Typography>
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

/** "at most 4,096 tokens were generated; llem reported 6,686" where llem's count is impossible. */
function tokenCaveat(row: ResultRow): string | null {
  if (row.output_tokens === null || row.output_tokens_bounded === null || row.output_tokens_bounded >= row.output_tokens) return null;
  return `at most ${row.output_tokens_bounded.toLocaleString('en')} tokens were generated; llem reported ${row.output_tokens.toLocaleString('en')}`;
}

function DemoPane({ side, title, recording, clock, live, liveMode, xMax, maxW, fontSize, colour, fill, onExplain }: {
  side: Side;
  /** Grow into the height the stage gives (full screen) instead of fixed chart heights. */
  fill: boolean;
  title: string;
  recording: Recording | null;
  clock: number;
  live: ReturnType<typeof useLiveTelemetry>;
  liveMode: boolean;
  xMax: number;
  maxW: number;
  fontSize: number;
  colour: string;
  onExplain: (resultId: number, figure: ExplainedFigure) => void;
}) {
  const colours = useChartColours();
  let powerW: number | null = null;
  let t: readonly number[] = [];
  let v: readonly (number | null)[] = [];
  let at = 0;
  let finished = false;
  let state: PaneState = { energyJ: 0, tokens: null, jPerToken: null };
  let label = 'Choose a comparison, a recorded run or the live GPU.';

  if (recording) {
    const { timeline, row, duration } = recording;
    at = Math.min(clock, duration);
    finished = clock > 0 && clock >= duration;
    powerW = powerAt(timeline.t, timeline.v, at);
    t = timeline.t;
    v = timeline.v;
    // Counters end at the run's own figures (core/results/figureDefinitions.ts via results.list): the replay shows
    // how the measured energy was spent, and tokens are the bounded count.
    state = { energyJ: replayEnergyJ(timeline.t, timeline.v, at, row.total_energy_j), tokens: replayTokens(row, at, duration), jPerToken: row.avg_energy_per_token_j };
    label = `Replay of run ${row.id}, recorded on ${recordedOn(row)}${row.gpu_name ? ` on ${row.gpu_name}` : ''}`;
  } else if (liveMode) {
    const gpu0 = live.series.get(0) ?? [];
    const first = gpu0[0]?.t ?? 0;
    const points = gpu0.filter((p) => p.powerW !== null);
    t = points.map((p) => (p.t - first) / 1000);
    v = points.map((p) => p.powerW);
    at = Infinity;
    powerW = points.at(-1)?.powerW ?? null;
    state = { energyJ: energyUntil(t, v, Infinity), tokens: null, jPerToken: null };
    label = live.latest ? `Live on this machine's GPU 0 (${live.latest.source})` : 'Waiting for the GPU…';
  }

  const gauge = useMemo(() => demoGaugeOption({ powerW, maxW, finished, fontSize, colour }, colours), [powerW, maxW, finished, fontSize, colour, colours]);
  const power = useMemo(() => demoPowerOption({ t, v, at, xMax, maxW, fontSize, colour }, colours), [t, v, at, xMax, maxW, fontSize, colour, colours]);
  const row = recording?.row ?? null;
  const equivalents = EQUIVALENTS.map((eq) => ({ id: eq.id, text: eq.label(state.energyJ / eq.joulesPerUnit), source: eq.source }));

  return (
    <Paper
      variant="outlined"
      sx={{ p: { xs: 1, md: 1.5 }, minWidth: 0, display: 'flex', flexDirection: 'column', borderTop: 6, borderTopColor: colour }}
      data-testid={`demo-pane-${side}`}
      data-finished={finished ? 'true' : 'false'}
      data-power-w={finished ? 0 : powerW === null ? '' : Math.round(powerW)}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline', minWidth: 0 }}>
        <Typography component="h2" data-testid={`demo-title-${side}`} sx={{ fontSize: fluid(1.15, 1.9, 3.4), fontWeight: 700, lineHeight: 1.15, overflowWrap: 'anywhere', flexGrow: 1, minWidth: 0 }}>
          {title}
        </Typography>
        {finished && (
          <Chip size="small" label="finished" color="success" variant="outlined" data-testid={`demo-finished-${side}`} />
        )}
        {row?.quality_grade && <Chip size="small" color={GRADE_COLOUR[row.quality_grade]} label={`quality ${row.quality_grade}`} data-testid={`demo-grade-${side}`} />}
      </Stack>
      <Typography color="text.secondary" data-testid={`demo-label-${side}`} sx={{ fontSize: fluid(0.7, 0.75, 1.25), overflowWrap: 'anywhere' }}>
        {label}
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 5fr) minmax(0, 6fr)', gap: 1, alignItems: 'center' }}>
        <EChart
          option={gauge}
          ariaLabel={finished ? 'Power now: 0 watts, finished' : `Power now: ${powerW === null ? 'no reading' : `${Math.round(powerW)} watts`}`}
          testId={`demo-${side}-gauge`}
          height="clamp(96px, 20vh, 360px)"
        />
        <Stack spacing={0.5} sx={{ minWidth: 0 }}>
          <Counter label="Energy so far" value={formatJoules(state.energyJ)} testId={`demo-energy-${side}`} onExplain={row ? () => onExplain(row.id, 'totalEnergyJ') : undefined} />
          <Counter
            label="Output tokens"
            value={state.tokens === null ? '—' : Math.floor(state.tokens).toLocaleString('en')}
            testId={`demo-tokens-${side}`}
            note={row ? tokenCaveat(row) : null}
            onExplain={row ? () => onExplain(row.id, 'outputTokens') : undefined}
          />
          <Counter
            label="Energy per output token"
            value={state.jPerToken === null ? '—' : `${state.jPerToken.toFixed(3)} J/token`}
            testId={`demo-jpt-${side}`}
            onExplain={row ? () => onExplain(row.id, 'jPerOutputToken') : undefined}
          />
        </Stack>
      </Box>
      {/* Full screen: the power chart takes the pane's spare height (the stage is exactly one screen tall). */}
      <Box sx={fill ? { flex: '1 1 0', minHeight: 64 } : undefined}>
        <EChart option={power} ariaLabel="GPU power over the replay, on the time axis both sides share" testId={`demo-${side}-line`} height={fill ? '100%' : 'clamp(64px, 11vh, 240px)'} />
      </Box>
      <Typography component="div" data-testid={`demo-equivalents-${side}`} sx={{ fontSize: fluid(0.72, 0.8, 1.35) }}>
        {equivalents.map((eq, i) => (
          <Tooltip key={eq.id} title={eq.source}>
            <span>
              {i > 0 ? ' · ' : '≈ '}
              {eq.text}
            </span>
          </Tooltip>
        ))}
      </Typography>
    </Paper>
  );
}

/** Recorded real runs shipped with the app: one button a set, so a laptop with no GPU has something to replay. */
function SampleRunsLoader({ sets, onLoaded, onProblem }: { sets: SampleSetView[]; onLoaded: (resultIds: number[]) => void; onProblem: (message: string | null) => void }) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  if (sets.length === 0) return null;
  const load = async (set: SampleSetView) => {
    setBusy(set.id);
    const r = await api.call('results.importSampleSet', { id: set.id });
    setBusy(null);
    if (!r.ok) return onProblem(r.error.message);
    if (r.value.rejected.length > 0) return onProblem(`Some sample files could not be loaded: ${r.value.rejected.map((x) => x.reason).join('; ')}`);
    onProblem(null);
    setLoaded(`${r.value.added.length + r.value.duplicates.length} recorded runs of "${set.label}" are ready to replay.`);
    onLoaded([...r.value.added, ...r.value.duplicates].flatMap((x) => (x.resultId === undefined ? [] : [x.resultId])));
  };
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 0.5 }} data-testid="demo-sample-sets">
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
  );
}

/** Same GPU model and the same day: the stored runs are (very likely) the shipped sample's. */
function sampleOf(sets: readonly SampleSetView[], rows: readonly (ResultRow | null)[]): CaveatSample | null {
  const present = rows.filter((r): r is ResultRow => r !== null);
  if (present.length === 0) return null;
  return sets.find((s) => present.every((r) => r.gpu_name === s.gpu && (r.start_time ?? '').startsWith(s.measuredOn))) ?? null;
}

/**
 * Demonstration mode for a projector and a non-technical audience: a ready-made pair of configurations that differ
 * in one decision ("Batching: 1 vs 32"), replayed side by side in real time (offline) with power meters, large
 * counters, one shared time axis, a cumulative-energy race and a caveat line saying what is measured. Keys: Space
 * play/pause, R restart, N next pair, F full screen, Esc leave.
 */
export function DemoPage() {
  const api = useApi();
  const live = useLiveTelemetry(api);
  const colours = useChartColours();
  const fontSize = demoFontSize(useViewportWidth());
  const list = useQuery('results.list', { sources: ['measured', 'imported'], limit: 5000, sortBy: 'start_time', sortDir: 'desc' });
  const aggregates = useQuery('results.aggregates', { sources: ['measured', 'imported'] });
  const sampleSets = useQuery('results.sampleSets', {});
  const rows = useMemo(() => list.data?.rows ?? [], [list.data]);
  const rowsById = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const pairs = useMemo(() => findDemoPairs(aggregates.data?.configs ?? []), [aggregates.data]);

  const [selection, setSelection] = useState<{ a: string; b: string }>({ a: '', b: '' });
  const [pairId, setPairId] = useState<string | null>(null);
  const [recordings, setRecordings] = useState<{ a: Recording | null; b: Recording | null }>({ a: null, b: null });
  const [problem, setProblem] = useState<string | null>(null);
  const [clock, setClock] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [presenting, setPresenting] = useState(false);
  const presentingRef = useRef(false);
  const stage = useRef<HTMLDivElement>(null);
  // Pick a pair by itself only until someone chooses (or after a sample set was loaded on purpose).
  const autoPick = useRef(true);
  // After a sample load: its runs, so the pair shown is one of them even when the store held other pairs.
  const autoPickAmong = useRef<ReadonlySet<number> | null>(null);
  // The latest load of each side wins: an older timeline answering late must not replace a newer choice.
  const loadSeq = useRef({ a: 0, b: 0 });

  const load = useCallback(
    async (side: Side, value: string) => {
      const seq = ++loadSeq.current[side];
      setSelection((s) => ({ ...s, [side]: value }));
      setClock(0);
      setPlaying(false);
      if (value === LIVE || value === '') return setRecordings((r) => ({ ...r, [side]: null }));
      const row = rowsById.get(Number(value));
      if (!row) return;
      const timeline = await api.call('results.timeline', { resultId: row.id, metric: 'power_w', width: 2000 });
      if (seq !== loadSeq.current[side]) return;
      if (!timeline.ok) return setProblem(timeline.error.message);
      if (timeline.value.source === 'none' || timeline.value.t.length < 2) {
        setProblem(`This run cannot be replayed: ${timeline.value.note}`);
        return setRecordings((r) => ({ ...r, [side]: null }));
      }
      setProblem(null);
      setRecordings((r) => ({ ...r, [side]: { row, timeline: timeline.value, duration: timeline.value.t.at(-1) ?? 0 } }));
    },
    [api, rowsById],
  );

  const choosePair = useCallback(
    (pair: DemoPair) => {
      // findDemoPairs never pairs a run with itself; this keeps a stale pair from doing so either.
      if (pair.left.resultId === pair.right.resultId) return;
      setPairId(pair.id);
      void load('a', String(pair.left.resultId));
      void load('b', String(pair.right.resultId));
    },
    [load],
  );

  const chooseRun = (side: Side, value: string) => {
    autoPick.current = false;
    setPairId(null);
    void load(side, value);
  };

  // The best pair, as soon as the store offers one and its runs are listed.
  const settling = list.loading || aggregates.loading;
  useEffect(() => {
    // Wait for both answers after a sample load: the old pairs must not be picked while the new ones are on their way.
    if (!autoPick.current || settling || pairs.length === 0) return;
    const best = bestPair(pairs, autoPickAmong.current)!;
    if (!rowsById.has(best.left.resultId) || !rowsById.has(best.right.resultId)) return;
    autoPick.current = false;
    choosePair(best);
  }, [pairs, rowsById, choosePair, settling]);

  const pair = pairs.find((p) => p.id === pairId) ?? null;
  const pairsRef = useRef({ pairs, pairId, choosePair });
  pairsRef.current = { pairs, pairId, choosePair };
  const goToNextPair = () => {
    const { pairs: all, pairId: current, choosePair: choose } = pairsRef.current;
    const next = nextPair(all, current);
    if (next) {
      autoPick.current = false;
      choose(next);
    }
  };

  // Real-time replay clock (10 updates a second).
  useEffect(() => {
    if (!playing) return;
    const started = performance.now() - clock * 1000;
    const timer = setInterval(() => setClock((performance.now() - started) / 1000), 100);
    return () => clearInterval(timer);
  }, [playing]);

  const liveA = selection.a === LIVE;
  const liveB = selection.b === LIVE;
  const duration = Math.max(recordings.a?.duration ?? 0, recordings.b?.duration ?? 0);
  useEffect(() => {
    if (playing && duration > 0 && clock >= duration && !liveA && !liveB) setPlaying(false);
  }, [clock, duration, playing, liveA, liveB]);

  const enterFullScreen = () => {
    presentingRef.current = true;
    setPresenting(true);
    void stage.current?.requestFullscreen?.().catch(() => undefined);
  };
  const restart = () => {
    setClock(0);
    setPlaying(true);
  };
  useEffect(() => {
    const onChange = () => {
      // Leaving full screen (Esc is handled by the browser) while presenting asks before ending the demo.
      if (!document.fullscreenElement && presentingRef.current) setConfirmLeave(true);
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
        if (presentingRef.current && !target?.closest?.('[role="listbox"], [role="option"], [role="dialog"]')) setConfirmLeave(true);
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      // Pickers, text boxes and dialogs keep their own keys (Space opens a picker, letters type). On a button (where a
      // keyboard user's focus usually is) Space and Enter press it, but the letter keys still drive the demo.
      if (target?.closest?.('input, textarea, [role="listbox"], [role="combobox"], [role="option"], [role="dialog"]')) return;
      if (event.key === ' ') {
        if (target?.closest?.('button, a')) return;
        event.preventDefault();
        setPlaying((p) => !p);
      } else if (event.key === 'r' || event.key === 'R') restart();
      else if (event.key === 'n' || event.key === 'N') goToNextPair();
      else if (event.key === 'f' || event.key === 'F') enterFullScreen();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const maxW = useMemo(() => {
    const peaks = [recordings.a, recordings.b].flatMap((r) => (r ? r.timeline.v : []));
    const liveReadings = [...live.series.values()].flat().map((p) => p.powerW);
    return powerScaleMax([...peaks, ...liveReadings]);
  }, [recordings, live.series]);

  const liveSeconds = useMemo(() => {
    const gpu0 = live.series.get(0) ?? [];
    return gpu0.length > 1 ? (gpu0.at(-1)!.t - gpu0[0]!.t) / 1000 : 0;
  }, [live.series]);
  const xMax = sharedTimeAxisMax([recordings.a?.duration, recordings.b?.duration, liveA || liveB ? liveSeconds : 0]);

  const titles: Record<Side, string> = {
    a: pair ? pair.left.name : recordings.a ? describe(recordings.a.row) : liveA ? 'Live GPU' : 'Left',
    b: pair ? pair.right.name : recordings.b ? describe(recordings.b.row) : liveB ? 'Live GPU' : 'Right',
  };
  const sideColour: Record<Side, string> = { a: colours.series[0] ?? '#0072B2', b: colours.series[1] ?? '#E69F00' };

  const race = useMemo(() => {
    const sides = SIDES.flatMap((side) => {
      const r = recordings[side];
      return r ? [{ name: titles[side], t: r.timeline.t, v: r.timeline.v, totalEnergyJ: r.row.total_energy_j, colour: sideColour[side] }] : [];
    });
    return sides.length === 0 ? null : demoRaceOption(sides, Math.min(clock, xMax), xMax, fontSize, colours);
  }, [recordings, clock, xMax, fontSize, colours, titles.a, titles.b, sideColour.a, sideColour.b]);

  const comparison = recordings.a && recordings.b ? compareDemoPair(recordings.a.row, recordings.b.row) : null;
  const [explain, setExplain] = useState<ExplainTarget | null>(null);
  const [showRaw, setShowRaw] = useState(false);
  const sets = sampleSets.data ?? [];
  const caveats = demoCaveatLines(
    SIDES.flatMap((side) => {
      const r = recordings[side];
      return r ? [{ name: titles[side], gpuName: r.row.gpu_name, caveats: r.row.caveats, failed: r.row.quality_grade === 'C' }] : [];
    }),
    sampleOf(sets, [recordings.a?.row ?? null, recordings.b?.row ?? null]),
    liveA || liveB,
  );
  const headline = comparison === null ? null : pair ? pairSentence(pair, comparison.ratio) : demoSentence(comparison);
  const canPlay = !!(recordings.a || recordings.b || liveA || liveB);

  return (
    <Box
      ref={stage}
      data-testid="demo-stage"
      sx={{
        bgcolor: 'background.default',
        display: 'flex',
        flexDirection: 'column',
        gap: presenting ? 1 : 1.5,
        minWidth: 0,
        ...(presenting ? { p: { xs: 1.5, md: 2.5 }, height: '100vh', overflowY: 'auto', overflowX: 'hidden' } : {}),
      }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="h5" component="h1" sx={{ mr: 1 }}>
          Demo
        </Typography>
        <TextField
          select
          size="small"
          label="Comparison"
          value={pair ? pair.id : ''}
          onChange={(e) => {
            const chosen = pairs.find((p) => p.id === e.target.value);
            if (chosen) {
              autoPick.current = false;
              choosePair(chosen);
            }
          }}
          disabled={pairs.length === 0}
          sx={{ flex: '1 1 16rem', minWidth: '12rem', maxWidth: '34rem' }}
          slotProps={{ select: { displayEmpty: true, renderValue: (v) => (v === '' ? (pairs.length === 0 ? 'No ready-made pairs in the store' : 'Runs chosen below') : (pairs.find((p) => p.id === v)?.title ?? '')) }, inputLabel: { shrink: true } }}
          data-testid="demo-pair"
        >
          {pairs.map((p) => (
            <MenuItem key={p.id} value={p.id}>
              {p.title}
              {p.context ? ` — ${p.context}` : ''}
            </MenuItem>
          ))}
        </TextField>
        <Box sx={{ flexGrow: 1 }} />
        <Button variant="contained" onClick={() => setPlaying((p) => !p)} disabled={!canPlay} data-testid="demo-play">
          {playing ? 'Pause (Space)' : 'Play (Space)'}
        </Button>
        <Button onClick={restart} disabled={!canPlay} data-testid="demo-restart">
          Restart (R)
        </Button>
        <Button onClick={goToNextPair} disabled={pairs.length < 2} data-testid="demo-next">
          Next pair (N)
        </Button>
        <Button onClick={enterFullScreen} data-testid="demo-fullscreen">
          Full screen (F)
        </Button>
      </Stack>
      {!presenting && (
        <Paper variant="outlined" sx={{ p: 1, display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }}>
          <TextField select size="small" label="Left" value={selection.a} onChange={(e) => chooseRun('a', e.target.value)} sx={{ flex: '1 1 18rem', minWidth: 0 }}>
            {runOptions(rows, selection.b)}
          </TextField>
          <TextField select size="small" label="Right" value={selection.b} onChange={(e) => chooseRun('b', e.target.value)} sx={{ flex: '1 1 18rem', minWidth: 0 }}>
            {runOptions(rows, selection.a)}
          </TextField>
          <SampleRunsLoader
            sets={sets}
            onLoaded={(resultIds) => {
              autoPick.current = true;
              autoPickAmong.current = new Set(resultIds);
              list.refetch();
              aggregates.refetch();
            }}
            onProblem={setProblem}
          />
        </Paper>
      )}
      {problem && <Alert severity="warning">{problem}</Alert>}
      {rows.length > 0 && pairs.length === 0 && !settling && (
        <Alert severity="info" data-testid="demo-no-pair">
          No ready-made comparison: the store holds no two different configurations, both with a measured energy per token, that differ in one setting. Choose two different runs above to replay them side by side.
        </Alert>
      )}
      {sampleSets.error && <Alert severity="warning">{sampleSets.error.message}</Alert>}
      {list.data && rows.length === 0 && (
        <Alert severity="info">
          No recorded runs yet. Run a campaign, import llem results with a timeseries, or load the sample runs above, to replay them here; the live GPU works on a machine with an NVIDIA GPU.
        </Alert>
      )}
      {(pair || headline) && (
        <Box>
          {pair && (
            <Typography component="p" data-testid="demo-pair-title" sx={{ fontSize: fluid(1.3, 2.3, 4), fontWeight: 700, lineHeight: 1.1 }}>
              {pair.title}
              {pair.context && (
                <Typography component="span" color="text.secondary" sx={{ fontSize: '0.55em', fontWeight: 400, ml: 1.5 }}>
                  {pair.context}
                </Typography>
              )}
            </Typography>
          )}
          {headline && (
            <Typography data-testid="demo-headline" sx={{ fontSize: fluid(1, 1.5, 2.6), lineHeight: 1.25 }}>
              {headline}
            </Typography>
          )}
          {comparison && comparison.caveats.length > 0 && !presenting && (
            <Alert severity="warning" sx={{ mt: 0.5, py: 0, fontSize: fluid(0.75, 0.85, 1.4) }} data-testid="demo-headline-caveats">
              {comparison.failing.length > 0
                ? `${failingNames(comparison.failing, titles)} failed a quality check: read the factor with the caveats below. `
                : 'Read the factor with the caveats below. '}
              {comparison.rawRatio !== null && (
                <Link component="button" type="button" onClick={() => setShowRaw((v) => !v)} data-testid="demo-raw-toggle" sx={{ fontSize: 'inherit', verticalAlign: 'baseline' }}>
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
      <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: presenting ? 1 : 1.5, minWidth: 0, ...(presenting ? { flex: '3 1 auto', minHeight: 0, gridTemplateRows: 'minmax(0, 1fr)' } : {}) }}>
        {SIDES.map((side) => (
          <DemoPane
            key={side}
            side={side}
            title={titles[side]}
            recording={recordings[side]}
            clock={clock}
            live={live}
            liveMode={selection[side] === LIVE}
            xMax={xMax}
            maxW={maxW}
            fontSize={fontSize}
            colour={sideColour[side]}
            fill={presenting}
            onExplain={(resultId, figure) => setExplain({ resultId, figure })}
          />
        ))}
      </Box>
      {race && (
        <Paper variant="outlined" sx={{ p: { xs: 1, md: 1.5 }, minWidth: 0, ...(presenting ? { flex: '1 1 auto', minHeight: 0, display: 'flex', flexDirection: 'column' } : {}) }} data-testid="demo-race">
          <Typography component="h2" sx={{ fontSize: fluid(0.9, 1.1, 2), fontWeight: 600 }}>
            Energy race: GPU energy used so far (J)
            {duration > 0 && (
              <Typography component="span" color="text.secondary" data-testid="demo-clock" sx={{ fontSize: '0.85em', ml: 1.5, fontVariantNumeric: 'tabular-nums' }}>
                {Math.min(clock, duration).toFixed(0)} s of {duration.toFixed(0)} s
              </Typography>
            )}
          </Typography>
          <Box sx={presenting ? { flex: '1 1 0', minHeight: 80 } : undefined}>
            <EChart option={race} ariaLabel="Cumulative GPU energy of both sides over time, in joules" testId="demo-race-chart" height={presenting ? '100%' : 'clamp(80px, 14vh, 280px)'} />
          </Box>
        </Paper>
      )}
      <Box data-testid="demo-caveat" sx={{ fontSize: fluid(0.72, 0.8, 1.35), color: 'text.secondary' }}>
        {caveats.map((line, i) => (
          <Typography key={line} component="p" sx={{ fontSize: 'inherit', m: 0, fontWeight: i === 0 ? 600 : 400 }}>
            {line}
          </Typography>
        ))}
      </Box>
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
              presentingRef.current = false;
              setPresenting(false);
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

/** The runs a side can replay; the run on the other side is listed but disabled: one run against itself compares nothing. */
function runOptions(rows: readonly ResultRow[], otherSide: string) {
  return [
    ...rows.map((row) => (
      <MenuItem key={row.id} value={String(row.id)} disabled={String(row.id) === otherSide}>
        {describe(row)} — {recordedOn(row)}
      </MenuItem>
    )),
    <MenuItem key={LIVE} value={LIVE}>
      Live GPU (this machine)
    </MenuItem>,
  ];
}

/** "Batch size 32", "Left and right": the sides whose quality checks failed, by their titles on the stage. */
function failingNames(failing: readonly ('left' | 'right')[], titles: Record<Side, string>): string {
  const names = failing.map((f) => titles[f === 'left' ? 'a' : 'b']);
  return names.join(' and ');
}
