/**
 * Benchmark (issue #21): does an adaptive campaign find the energy/speed Pareto front with a fraction of the
 * grid's runs? Replays real measurement landscapes (bench/_adaptiveLandscapes.ts) as a simulated llem: the
 * optimizer (the real Optuna sidecar, through the same client a campaign uses) proposes a configuration, the
 * recorded measurement of that configuration is told back.
 *
 * Goal, per landscape and objective pair: with a budget of 30 % of the grid's runs, the median over 20 seeds of
 * (hypervolume of the front found) / (hypervolume of the full grid's front) is >= 95 %. Random search without
 * replacement at the same budget (same seeds) is reported beside it. Landscapes under 20 configurations are
 * reported but do not gate: 30 % of them is at most 5 runs, too few for any search to learn from.
 *
 *   npm run bench -- adaptive-pareto        (ADAPTIVE_SAMPLER=tpe|nsga2|random, ADAPTIVE_SEEDS=20, ADAPTIVE_ONLY=<landscape>,
 *                                            ADAPTIVE_PAIR=latency|throughput, LLEM_VENV)
 * Exits 1 on a MISS, 2 when it cannot run (no fixtures, no Optuna).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hypervolume2, normaliserOf, type Direction } from '../core/adaptive/hypervolume';
import { AdaptiveOptimizer } from '../core/adaptive/optimizer';
import type { SamplerName } from '../core/adaptive/protocol';
import { mlEnergyV2Landscapes, mlEnergyV3Landscapes, sampleRunLandscapes, type Landscape, type Measurement } from './_adaptiveLandscapes';
import { report, type Verdict } from './_report';

const BUDGET_FRACTION = 0.3;
const GOAL = 0.95;
const MIN_GATED_CONFIGS = 20;
const SEEDS = Number(process.env.ADAPTIVE_SEEDS ?? 20);
const SAMPLER = (process.env.ADAPTIVE_SAMPLER ?? 'tpe') as SamplerName;
/**
 * Hypervolume on log10 axes by default: energy per token spans two orders of magnitude across models, and on a
 * linear axis the few very expensive configurations set the scale, so any search that avoids them scores ~100 %.
 * On log axes the hypervolume rewards finding the front where it is, among the efficient configurations.
 */
const LOG_AXES = (process.env.ADAPTIVE_HV_SCALE ?? 'log') === 'log';

interface ObjectivePair {
  label: string;
  names: [string, string];
  directions: [Direction, Direction];
  values: (m: Measurement) => [number, number] | null;
}

const PAIRS: ObjectivePair[] = [
  {
    label: 'J/token vs latency',
    names: ['energy_per_output_token_j', 'latency_ms'],
    directions: ['minimize', 'minimize'],
    values: (m) => (m.latencyMs === null ? null : [m.energyPerTokenJ, m.latencyMs]),
  },
  {
    label: 'J/token vs throughput',
    names: ['energy_per_output_token_j', 'throughput_tok_s'],
    directions: ['minimize', 'maximize'],
    values: (m) => [m.energyPerTokenJ, m.throughputTokS],
  },
];

/** Seeded PRNG for the random-search baseline (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

async function adaptiveRun(land: Landscape, pair: ObjectivePair, seed: number, budget: number, python: string): Promise<string[]> {
  const opt = new AdaptiveOptimizer(
    {
      seed,
      sampler: SAMPLER,
      objectives: pair.names.map((name, i) => ({ name, direction: pair.directions[i]! })),
      dimensions: land.dimensions,
      candidates: land.candidates,
    },
    { python, requestTimeoutMs: 120_000 },
  );
  await opt.start();
  const chosen: string[] = [];
  try {
    while (chosen.length < budget) {
      const p = await opt.ask();
      if ('exhausted' in p) break;
      chosen.push(p.key);
      const v = pair.values(land.measured.get(p.key)!);
      await opt.tell(p.trial, v ? { key: p.key, status: 'ok', values: v } : { key: p.key, status: 'failed', reason: 'not recorded' });
    }
  } finally {
    await opt.close();
  }
  return chosen;
}

function randomRun(land: Landscape, seed: number, budget: number): string[] {
  const keys = land.candidates.map((c) => c.key);
  const r = rng(seed * 7919 + 17);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys.slice(0, budget);
}

async function main(): Promise<number> {
  const fixtures = path.resolve('..', 'shared', 'fixtures', 'mlenergy');
  const venv = process.env.LLEM_VENV ?? path.resolve('.cache', 'llem-venv');
  const python = path.join(venv, 'bin', 'python');
  if (!existsSync(fixtures)) {
    console.error(`adaptive-pareto: cannot run: ${fixtures} is missing (the ML.ENERGY leaderboard fixtures live in ../shared).`);
    return 2;
  }
  if (!existsSync(python)) {
    console.error(`adaptive-pareto: cannot run: no Python at ${python}; run scripts/setup-llem-venv.sh and scripts/setup-adaptive-sidecar.sh.`);
    return 2;
  }
  const lands = [...mlEnergyV3Landscapes(fixtures), ...mlEnergyV2Landscapes(fixtures), ...sampleRunLandscapes(path.resolve('resources', 'sample-runs'))];
  const only = process.env.ADAPTIVE_ONLY;
  console.log(
    `adaptive-pareto: sampler ${SAMPLER}, ${SEEDS} seeds, budget ${BUDGET_FRACTION * 100} % of each grid; ` +
      `HV ratio = hypervolume(found front) / hypervolume(grid front), ${LOG_AXES ? 'log10' : 'linear'} axes scaled to the grid's range, reference 1.1`,
  );
  const verdicts: Verdict[] = [];
  const t0 = performance.now();
  for (const land of lands) {
    if (only && !land.name.includes(only)) continue;
    for (const pair of PAIRS) {
      if (process.env.ADAPTIVE_PAIR && !pair.label.includes(process.env.ADAPTIVE_PAIR)) continue;
      const pts = land.candidates
        .map((c) => ({ key: c.key, v: pair.values(land.measured.get(c.key)!) }))
        .filter((p): p is { key: string; v: [number, number] } => p.v !== null)
        .map((p) => ({ key: p.key, values: (LOG_AXES ? [Math.log10(p.v[0]), Math.log10(p.v[1])] : p.v) as readonly [number, number] }));
      if (pts.length === 0) continue;
      const n = land.candidates.length;
      const budget = Math.max(1, Math.floor(BUDGET_FRACTION * n));
      const norm = normaliserOf(pts, pair.directions);
      const full = hypervolume2(pts, pair.directions, norm);
      const byKey = new Map(pts.map((p) => [p.key, p]));
      const ratio = (keys: string[]): number => hypervolume2(keys.flatMap((k) => byKey.get(k) ?? []), pair.directions, norm) / full;
      const ad: number[] = [];
      const rs: number[] = [];
      for (let seed = 0; seed < SEEDS; seed++) {
        ad.push(ratio(await adaptiveRun(land, pair, seed, budget, python)));
        rs.push(ratio(randomRun(land, seed, budget)));
      }
      const med = quantile(ad, 0.5);
      const isGated = n >= MIN_GATED_CONFIGS;
      const dist = (xs: number[]) => `median ${pct(quantile(xs, 0.5))} [min ${pct(Math.min(...xs))}, p25 ${pct(quantile(xs, 0.25))}, p75 ${pct(quantile(xs, 0.75))}]`;
      verdicts.push({
        name: `${land.name} · ${pair.label}`,
        value: `${budget} of ${n} runs (${pct(budget / n)}); adaptive ${dist(ad)}; random ${dist(rs)}` + (isGated ? '' : ` (under ${MIN_GATED_CONFIGS} configurations: not gated)`),
        goal: isGated ? `median ≥ ${pct(GOAL)} of the full front's hypervolume` : '',
        met: isGated ? med >= GOAL : null,
      });
    }
  }
  return report(`adaptive-pareto (${((performance.now() - t0) / 1000).toFixed(0)} s)`, verdicts);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`adaptive-pareto: ${(e as Error).message}`);
    process.exit(2);
  },
);
