/**
 * UI benchmark 3 (issue 6): the Runs page's live charts at 10 Hz, accelerated 10×, show no memory growth over
 * one simulated hour, in browser mode.
 *
 * The page is the real app (`llem-studio serve`, Chromium) on the Runs page of a saved campaign, so LiveCharts
 * and its ring buffer (renderer/src/pages/runs/liveTelemetry.ts) run exactly as shipped. Only the telemetry
 * stream is injected: the server's hub coalesces frames to the display rate (core/telemetry/coalescer.ts, at
 * most one sample per GPU every 100 ms), so no server-side source can deliver 10 Hz ten times faster. An init
 * script wraps the page's WebSocket: the `telemetry.live` subscribe message is answered in the page with
 * `event` messages, one frame per simulated 10 Hz tick (sample times 100 ms apart), 100 frames per second of
 * wall time, dispatched as ordinary WebSocket messages (the bridge parses and validates them as usual); every
 * other call and stream goes to the server.
 *
 * Default: 36,000 frames (one simulated hour at 10 Hz) in 6 minutes of wall time. Every 10 s: a full GC
 * (CDP HeapProfiler.collectGarbage) then Performance.getMetrics (JSHeapUsedSize, Nodes, TaskDuration). Verdict
 * from minute 1 (the ring of LIVE_WINDOW_SAMPLES = 6,000 per GPU is full by then at 100 frames/s) to the end: heap growth end − minute 1 < 5 MB, and the
 * least-squares trend over that window, projected over it, < 5 MB; DOM nodes do not grow.
 *
 * --quick / BENCH_UI_QUICK=1: 150 s of wall time (15,000 frames). BENCH_UI_LIVE_SECONDS (wall seconds),
 * BENCH_UI_LIVE_GPUS (GPUs per frame, default 1) and BENCH_UI_LIVE_ACCEL (default 10) override.
 */
import type { CDPSession, Page } from 'playwright';
import { LIVE_WINDOW_SAMPLES } from '../renderer/src/pages/runs/liveTelemetry';
import {
  apiCall,
  checkPrerequisites,
  envNumber,
  launchBrowser,
  mb,
  median,
  QUICK,
  removeDir,
  report,
  slope,
  snapshotApp,
  startServe,
  tempDir,
  type Verdict,
} from './_uiHarness';

const HZ = 10;
const ACCEL = envNumber('BENCH_UI_LIVE_ACCEL', 10);
const WALL_S = envNumber('BENCH_UI_LIVE_SECONDS', QUICK ? 150 : 360);
const GPUS = Math.round(envNumber('BENCH_UI_LIVE_GPUS', 1));
const RATE = HZ * ACCEL; // frames per wall second
const TOTAL = Math.round(WALL_S * RATE);
const SAMPLE_EVERY_S = 10;
const BASELINE_S = 60;
const GOAL_BYTES = 5 * 1024 * 1024;
const GOAL_NODES = 100;

interface FeedConfig {
  rate: number;
  total: number;
  gpus: number;
  stepMs: number;
}

/** Page init script: answers `telemetry.live` with an injected stream; everything else goes to the server. */
function injectFeed(cfg: FeedConfig): void {
  type State = { delivered: number; startedAt: number | null; finishedAt: number | null; subscriptions: number };
  const state: State = { delivered: 0, startedAt: null, finishedAt: null, subscriptions: 0 };
  (window as unknown as { __live: State }).__live = state;
  const targets = new Map<number, WebSocket>();
  const simStart = Date.now() - cfg.total * cfg.stepMs;
  let energy = 1_000_000;
  let timer: ReturnType<typeof setInterval> | null = null;
  const sample = (k: number, gpu: number) => {
    const load = k % 3000 < 2000 ? 1 : 0; // 200 s busy, 100 s idle (simulated), over and over
    const powerW = Math.round((60 - gpu * 10 + load * (190 + 20 * Math.sin(k / 50)) + (((k * 7919 + gpu) % 11) - 5) / 2) * 10) / 10;
    if (gpu === 0) energy += Math.round(powerW * cfg.stepMs);
    return {
      gpuIndex: gpu,
      tMs: simStart + k * cfg.stepMs,
      powerW,
      powerInstant: true,
      energyMj: energy + gpu,
      temperatureC: Math.round((35 + load * 30 + (k % 50) / 10) * 10) / 10,
      smUtilPct: load * 97,
      memoryUsedMb: 500 + load * 9000,
      memoryTotalMb: 81_559,
      smClockMhz: load ? 1980 : 345,
      memClockMhz: 2619,
      throttleReasons: 0,
    };
  };
  const tick = () => {
    const due = Math.min(cfg.total, Math.floor(((performance.now() - state.startedAt!) * cfg.rate) / 1000));
    for (; state.delivered < due; state.delivered++) {
      const k = state.delivered;
      const samples = Array.from({ length: cfg.gpus }, (_, g) => sample(k, g));
      for (const [id, ws] of targets) {
        const data = JSON.stringify({ type: 'event', id, data: { source: 'replay', runId: null, phase: 'idle', samples, coalesced: cfg.gpus } });
        ws.dispatchEvent(new MessageEvent('message', { data }));
      }
    }
    if (state.delivered >= cfg.total && timer !== null) {
      clearInterval(timer);
      timer = null;
      state.finishedAt = performance.now();
    }
  };
  const Native = window.WebSocket;
  class Fed extends Native {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string' && (data.includes('"telemetry.live"') || data.includes('"unsubscribe"'))) {
        const m = JSON.parse(data) as { type: string; id: number; topic?: string };
        if (m.type === 'subscribe' && m.topic === 'telemetry.live') {
          targets.set(m.id, this);
          state.subscriptions++;
          if (state.startedAt === null) {
            state.startedAt = performance.now();
            timer = setInterval(tick, 5);
          }
          return;
        }
        if (m.type === 'unsubscribe' && targets.delete(m.id)) return;
      }
      super.send(data);
    }
  }
  window.WebSocket = Fed;
}

interface Point {
  wallS: number;
  heap: number;
  nodes: number;
  elements: number;
  listeners: number;
  taskS: number;
  scriptS: number;
  delivered: number;
  chartPoints: number;
}

async function measure(page: Page, cdp: CDPSession, wallS: number): Promise<Point> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = new Map(metrics.map((x) => [x.name, x.value]));
  const live = await page.evaluate(() => ({
    delivered: (window as unknown as { __live: { delivered: number } }).__live.delivered,
    chartPoints: Number(document.querySelector('[data-testid="live-power"]')?.getAttribute('data-point-count') ?? 0),
    elements: document.getElementsByTagName('*').length,
  }));
  return { wallS, heap: m.get('JSHeapUsedSize') ?? NaN, nodes: m.get('Nodes') ?? NaN, listeners: m.get('JSEventListeners') ?? NaN, taskS: m.get('TaskDuration') ?? NaN, scriptS: m.get('ScriptDuration') ?? NaN, ...live };
}

checkPrerequisites();
const app = await snapshotApp();
const dataDir = tempDir('llem-ui-live-');
const served = await startServe(app.cli, dataDir, { LLEM_STUDIO_TELEMETRY: 'off' });
const browser = await launchBrowser();
const points: Point[] = [];
let finishedS: number;
try {
  const campaign = await apiCall<{ id: string }>(served, 'campaign.save', {
    name: 'live-chart-bench',
    yaml: 'name: "live-chart-bench"\nmodel: "gpt2"\nsweep:\n  precision: ["fp16", "bf16"]\n',
    profile: 'head',
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(injectFeed, { rate: RATE, total: TOTAL, gpus: GPUS, stepMs: 1000 / HZ } satisfies FeedConfig);
  await page.goto(served.url);
  await page.evaluate((id) => (window.location.hash = `#/runs/${encodeURIComponent(id)}`), campaign.id);
  await page.getByTestId('live-power').waitFor({ timeout: 30_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const startedAt = await page.evaluate(() => (window as unknown as { __live: { startedAt: number } }).__live.startedAt);
  const pageNow = await page.evaluate(() => performance.now());
  const origin = Date.now() - (pageNow - startedAt); // wall clock of the feed's start
  console.log(`feeding ${TOTAL.toLocaleString('en')} frames × ${GPUS} GPU(s) at ${RATE}/s (10 Hz × ${ACCEL}) for ${WALL_S} s; sampling every ${SAMPLE_EVERY_S} s`);
  for (let k = 0; ; k++) {
    const at = origin + k * SAMPLE_EVERY_S * 1000;
    if (at > origin + WALL_S * 1000) break;
    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
    const p = await measure(page, cdp, (Date.now() - origin) / 1000);
    points.push(p);
    console.log(
      `t=${p.wallS.toFixed(0).padStart(3)} s (sim ${((p.wallS * ACCEL) / 60).toFixed(0).padStart(3)} min): heap ${mb(p.heap)} · DOM nodes ${p.nodes} (elements ${p.elements}) · listeners ${p.listeners}` +
        ` · frames ${p.delivered.toLocaleString('en')} · power chart points ${p.chartPoints}`,
    );
  }
  await page.waitForFunction(() => (window as unknown as { __live: { finishedAt: number | null } }).__live.finishedAt !== null, null, { timeout: 120_000 });
  const fin = await page.evaluate(() => (window as unknown as { __live: { finishedAt: number; startedAt: number } }).__live);
  finishedS = (fin.finishedAt - fin.startedAt) / 1000;
  await page.waitForTimeout(1000); // the last redraw (LiveCharts redraws every 200 ms)
  const last = await measure(page, cdp, (Date.now() - origin) / 1000);
  points.push(last);
  console.log(`end t=${last.wallS.toFixed(0)} s: heap ${mb(last.heap)} · DOM nodes ${last.nodes} · frames ${last.delivered.toLocaleString('en')} · power chart points ${last.chartPoints}`);
  await context.close();
} finally {
  await browser.close();
  await served.stop();
  removeDir(dataDir);
  app.cleanup();
}

const window_ = points.filter((p) => p.wallS >= BASELINE_S - 1);
const first = window_[0]!;
const last = window_[window_.length - 1]!;
// Ends of the window as the median of their three nearest samples: one sample's GC noise does not decide.
const startHeap = median(window_.slice(0, 3).map((p) => p.heap));
const endHeap = median(window_.slice(-3).map((p) => p.heap));
const growth = endHeap - startHeap;
const trend = slope(
  window_.map((p) => p.wallS),
  window_.map((p) => p.heap),
);
const trendOverWindow = trend * (last.wallS - first.wallS);
const heaps = window_.map((p) => p.heap);
const nodeGrowth = last.nodes - first.nodes;
const busy = (last.taskS - first.taskS) / (last.wallS - first.wallS);
const scriptBusy = (last.scriptS - first.scriptS) / (last.wallS - first.wallS);
const ringFull = LIVE_WINDOW_SAMPLES * GPUS;
const verdicts: Verdict[] = [
  {
    name: `JS heap growth, minute 1 → end (${first.wallS.toFixed(0)} s → ${last.wallS.toFixed(0)} s, median of 3 samples at each end)`,
    value: `${mb(growth)} (${mb(startHeap)} → ${mb(endHeap)}; single samples ${mb(first.heap)} → ${mb(last.heap)})`,
    goal: '< 5 MB',
    met: growth < GOAL_BYTES,
  },
  { name: 'JS heap trend from minute 1 (least squares), over that window', value: `${mb(trendOverWindow)} (${((trend * 60) / 1024).toFixed(1)} KB per wall minute)`, goal: '< 5 MB', met: trendOverWindow < GOAL_BYTES },
  { name: 'JS heap range (max − min) from minute 1', value: mb(Math.max(...heaps) - Math.min(...heaps)), goal: '', met: null },
  { name: 'DOM nodes, minute 1 → end', value: `${nodeGrowth >= 0 ? '+' : ''}${nodeGrowth} (${first.nodes} → ${last.nodes})`, goal: `≤ +${GOAL_NODES}`, met: nodeGrowth <= GOAL_NODES },
  { name: 'frames delivered / wall time', value: `${last.delivered.toLocaleString('en')} in ${finishedS.toFixed(1)} s (${(last.delivered / finishedS).toFixed(1)}/s)`, goal: `${TOTAL.toLocaleString('en')} at ${RATE}/s`, met: last.delivered === TOTAL },
  { name: 'points in the live power chart at the end (ring full)', value: String(last.chartPoints), goal: `${ringFull} (LIVE_WINDOW_SAMPLES × GPUs)`, met: last.chartPoints === ringFull },
  { name: "page main thread busy from minute 1 (CDP TaskDuration)", value: `${(busy * 100).toFixed(1)} % of one core`, goal: '', met: null },
  { name: 'page JavaScript from minute 1 (CDP ScriptDuration)', value: `${(scriptBusy * 100).toFixed(1)} % of one core`, goal: '', met: null },
];
report(`UI: live charts at 10 Hz × ${ACCEL} (${TOTAL.toLocaleString('en')} frames = ${((TOTAL / HZ) / 3600).toFixed(2)} simulated h) in browser mode`, verdicts, [
  'heap = CDP JSHeapUsedSize right after HeapProfiler.collectGarbage; the window starts at minute 1 of wall time, when the ring is full.',
  app.describe,
]);
