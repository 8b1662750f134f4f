/** What the estimator reads from a contract-family config (flat `backend:` schema) and its gaps (contract §2.8). */
import type { ProfileId } from '../../../../contract/llem/profiles';
import type { PyDict } from '../../../../contract/llem/pyValue';
import { num, sub } from '../../dumpFields';
import type { ConfigFacts } from '../../estimate';
import type { StudyResolution } from '../../types';

/** Estimator facts of one validated contract-family config. */
export function configFacts(profile: ProfileId, dump: PyDict, hash: string): ConfigFacts {
  const backend = String(dump.get('backend'));
  const warm = sub(dump, 'warmup');
  const base = sub(dump, 'baseline');
  const pt = sub(dump, 'pytorch');
  return {
    profile,
    hash,
    engine: backend,
    model: String(dump.get('model') ?? ''),
    precision: String(dump.get('precision') ?? 'bf16'),
    nPrompts: num(dump.get('n'), 100),
    maxOutputTokens: num(dump.get('max_output_tokens'), 128),
    batchSize: backend === 'pytorch' ? num(pt?.get('batch_size'), 1) : 256,
    servingMode: 'offline',
    baseline: { enabled: base?.get('enabled') !== false, seconds: num(base?.get('duration_seconds'), 30), perRun: true },
    warmup: {
      enabled: warm?.get('enabled') !== false,
      prompts: backend === 'pytorch' ? num(warm?.get('n_warmup'), 5) : 1,
      thermalFloorSeconds: num(warm?.get('thermal_floor_seconds'), 60),
    },
  };
}

/** Gap seconds before each run: the experiment gap, plus the cycle gap at each cycle boundary. */
export function gapSecondsBefore(res: StudyResolution): number[] {
  const { experimentGapSeconds: eg, cycleGapSeconds: cg } = res.execution;
  const nUnique = new Set(res.valid.map((v) => v.hash)).size;
  const total = res.runs.length;
  const out = new Array<number>(total).fill(0);
  for (let i = 1; i < total; i++) {
    out[i] = (eg ?? 0) + (nUnique > 0 && i % nUnique === 0 ? (cg ?? 0) : 0);
  }
  return out;
}
