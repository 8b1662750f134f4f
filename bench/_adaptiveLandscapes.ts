/**
 * Real measurement landscapes for the adaptive-campaign benchmark: each is a search space (dimensions plus the
 * valid configurations, i.e. the ones that were actually measured) and the recorded measurement per configuration.
 * Replaying them is a "simulated llem": asking for a configuration returns what the real run recorded.
 *
 * Sources (read-only, ../shared/fixtures; a fresh clone has none and the benchmark says so):
 *  - ML.ENERGY leaderboard v3 (tasks/*.json): per task × GPU, dimensions model × parallelism × max_num_seqs.
 *  - ML.ENERGY leaderboard v2 (llm_text_generation/<task>/<GPU>/<org>/<model>/bs<N>+tp<T>+pp<P>.json): per task × GPU,
 *    dimensions model × tensor parallel × batch size.
 *  - The recorded H100 runs in resources/sample-runs (precision × batch size, 4 configurations).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Candidate, Dimension } from '../core/adaptive/protocol';

export interface Measurement {
  energyPerTokenJ: number;
  /** The latency objective: median inter-token latency (v3), average time per output token (v2), in ms; null: not recorded. */
  latencyMs: number | null;
  throughputTokS: number;
}

export interface Landscape {
  name: string;
  dimensions: Dimension[];
  candidates: Candidate[];
  measured: Map<string, Measurement>;
}

const ordinalChoices = (values: number[]): string[] => [...new Set(values)].sort((a, b) => a - b).map(String);
const categoricalChoices = (values: string[]): string[] => [...new Set(values)].sort();

function build(name: string, rows: { params: Record<string, string>; m: Measurement }[], dims: { name: string; kind: 'ordinal' | 'categorical' }[]): Landscape {
  const dimensions: Dimension[] = dims.map((d) => {
    const vals = rows.map((r) => r.params[d.name]!);
    return { ...d, choices: d.kind === 'ordinal' ? ordinalChoices(vals.map(Number)) : categoricalChoices(vals) };
  });
  const measured = new Map<string, Measurement>();
  const candidates: Candidate[] = [];
  for (const r of rows) {
    const key = dims.map((d) => `${d.name}=${r.params[d.name]}`).join(' ');
    if (measured.has(key)) continue; // a repeated configuration: the first recorded measurement stands
    measured.set(key, r.m);
    candidates.push({ key, params: r.params });
  }
  return { name, dimensions, candidates, measured };
}

export function mlEnergyV3Landscapes(root: string): Landscape[] {
  const tasksDir = path.join(root, 'leaderboard-v3', 'tasks');
  if (!existsSync(tasksDir)) return [];
  const out: Landscape[] = [];
  for (const file of readdirSync(tasksDir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(path.join(tasksDir, file), 'utf8')) as { configurations: Record<string, number | string>[] };
    for (const gpu of ['H100', 'B200']) {
      const rows = data.configurations
        .filter((c) => c.gpu_model === gpu)
        .map((c) => ({
          params: {
            model: String(c.model_id),
            parallel: `gpus${c.num_gpus}-tp${c.tensor_parallel}-ep${c.expert_parallel}-dp${c.data_parallel}`,
            max_num_seqs: String(c.max_num_seqs),
          },
          m: { energyPerTokenJ: Number(c.energy_per_token_joules), latencyMs: Number(c.median_itl_ms), throughputTokS: Number(c.output_throughput_tokens_per_sec) },
        }));
      if (rows.length === 0) continue;
      out.push(
        build(`v3 ${file.replace(/\.json$/, '')} ${gpu}`, rows, [
          { name: 'model', kind: 'categorical' },
          { name: 'parallel', kind: 'categorical' },
          { name: 'max_num_seqs', kind: 'ordinal' },
        ]),
      );
    }
  }
  return out;
}

export function mlEnergyV2Landscapes(root: string): Landscape[] {
  const base = path.join(root, 'leaderboard-v2', 'llm_text_generation');
  if (!existsSync(base)) return [];
  const out: Landscape[] = [];
  for (const task of readdirSync(base).sort()) {
    if (!statSync(path.join(base, task)).isDirectory()) continue;
    for (const gpu of readdirSync(path.join(base, task)).sort()) {
      if (!statSync(path.join(base, task, gpu)).isDirectory()) continue;
      const rows: { params: Record<string, string>; m: Measurement }[] = [];
      const walk = (dir: string): void => {
        for (const f of readdirSync(dir).sort()) {
          const p = path.join(dir, f);
          if (statSync(p).isDirectory()) walk(p);
          else {
            const name = /^bs(\d+)\+tp(\d+)\+pp(\d+)\.json$/.exec(f);
            if (!name) continue;
            const d = JSON.parse(readFileSync(p, 'utf8')) as Record<string, number | string>;
            const tokens = Number(d['Avg Output Tokens']);
            rows.push({
              params: { model: String(d.Model), tp: name[2]!, batch_size: name[1]! },
              m: { energyPerTokenJ: Number(d['Energy/req (J)']) / tokens, latencyMs: Number(d['Avg TPOT (s)']) * 1000, throughputTokS: Number(d['Token tput (tok/s)']) },
            });
          }
        }
      };
      walk(path.join(base, task, gpu));
      if (rows.length === 0) continue;
      out.push(
        build(`v2 ${task} ${gpu}`, rows, [
          { name: 'model', kind: 'categorical' },
          { name: 'tp', kind: 'ordinal' },
          { name: 'batch_size', kind: 'ordinal' },
        ]),
      );
    }
  }
  return out;
}

/** resources/sample-runs/<set>/summary.json: the recorded H100 runs (precision × batch size). */
export function sampleRunLandscapes(root: string): Landscape[] {
  if (!existsSync(root)) return [];
  const out: Landscape[] = [];
  for (const set of readdirSync(root).sort()) {
    const file = path.join(root, set, 'summary.json');
    if (!existsSync(file)) continue;
    const runs = JSON.parse(readFileSync(file, 'utf8')) as { precision: string; batch_size: number; j_per_output_token: number; output_tokens_per_s: number }[];
    const rows = runs.map((r) => ({
      params: { precision: r.precision, batch_size: String(r.batch_size) },
      // summary.json records no per-request latency, so these runs have the energy/throughput objectives only.
      m: { energyPerTokenJ: r.j_per_output_token, latencyMs: null, throughputTokS: r.output_tokens_per_s },
    }));
    out.push(build(`H100 runs ${set}`, rows, [{ name: 'precision', kind: 'categorical' }, { name: 'batch_size', kind: 'ordinal' }]));
  }
  return out;
}
