/** What the estimator reads from a PyPI 0.7.0 config (task/engine sections, server mode) and its gaps. */
import type { ProfileId } from '../../../../contract/llem/profiles';
import type { PyDict } from '../../../../contract/llem/pyValue';
import { num, sub } from '../../dumpFields';
import type { ConfigFacts } from '../../estimate';
import type { StudyResolution } from '../../types';

/** Estimator facts of one validated PyPI 0.7.0 config. */
export function configFacts(profile: ProfileId, dump: PyDict, hash: string): ConfigFacts {
  const task = sub(dump, 'task');
  const engine = String(dump.get('engine'));
  const section = sub(dump, engine);
  const ep = sub(section, 'engine_params');
  const exec = sub(section, 'llem_execution');
  const baseline = sub(sub(dump, 'measurement'), 'baseline');
  const warm = sub(sub(dump, 'offline'), 'warmup');
  const servingMode = dump.get('serving_mode') === 'server' ? 'server' : 'offline';
  const facts: ConfigFacts = {
    profile,
    hash,
    engine,
    model: String(task?.get('model') ?? ''),
    precision: ep && typeof ep.get('dtype') === 'string' ? String(ep.get('dtype')) : 'auto',
    nPrompts: num(sub(task, 'dataset')?.get('n_prompts'), 100),
    maxOutputTokens: num(task?.get('max_output_tokens'), 256),
    batchSize: num(exec?.get('batch_size'), engine === 'transformers' ? 1 : num(ep?.get('max_num_seqs'), 256)),
    servingMode,
    baseline: {
      enabled: baseline?.get('enabled') !== false,
      seconds: num(baseline?.get('duration_seconds'), 30),
      // The app starts one `llem run` per experiment, each with its own output folder, and llem 0.7.0 keeps its
      // baseline cache there: every run measures the baseline, whatever the strategy (seen on an H100, issue 9).
      perRun: true,
    },
    warmup: {
      enabled: warm ? warm.get('enabled') !== false : true,
      prompts: num(warm?.get('n_prompts'), 5),
      thermalFloorSeconds: num(warm?.get('thermal_floor_seconds'), 60),
    },
  };
  if (servingMode === 'server') {
    const server = sub(dump, 'server');
    const traffic = sub(server, 'traffic');
    const sw = sub(server, 'warmup');
    const window = num(traffic?.get('window_seconds'), 240) + num(traffic?.get('ramp_exclusion_seconds'), 30);
    const cooldown = num(server?.get('cooldown_seconds'), 0);
    const composite = sw?.get('mode') !== 'fixed';
    const wLow = composite ? 60 : num(sw?.get('duration_seconds'), 300);
    const wHigh = composite ? num(sw?.get('timeout_seconds'), 900) : wLow;
    const wMid = composite ? Math.min(300, wHigh) : wLow;
    facts.serverSeconds = { low: wLow + window + cooldown, mid: wMid + window + cooldown, high: wHigh + window + cooldown };
  }
  return facts;
}

/** Gap seconds before each run: experiment gaps, and the larger cycle gap at PyPI 0.7.0's cycle boundaries. */
export function gapSecondsBefore(res: StudyResolution): number[] {
  const { experimentGapSeconds: eg, cycleGapSeconds: cg, nCycles, order } = res.execution;
  const nUnique = new Set(res.valid.map((v) => v.hash)).size;
  const total = res.runs.length;
  const out = new Array<number>(total).fill(0);
  const boundaries = new Set<number>();
  if (nUnique > 0 && nCycles >= 2) {
    const [block, nBlocks] = order === 'sequential' && nUnique >= 2 ? [nCycles, nUnique] : [nUnique, nCycles];
    for (let k = 1; k < nBlocks; k++) boundaries.add(block * k);
  }
  for (let i = 1; i < total; i++) out[i] = boundaries.has(i) ? Math.max(cg ?? 0, eg ?? 0) : (eg ?? 0);
  return out;
}
