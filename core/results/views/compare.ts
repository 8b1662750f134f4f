import { RESULT_METRICS, type ResultMetricName, type CompareView, type ConfigView } from '../../../contract/apiResults';
import { err, ok, type Result } from '../../../contract/result';
import type { Db } from '../../store/database';
import { buildConfigViews } from './configViews';
import { excludesOne, ratioOfMeans } from './ratio';

/** Order of the comparison table: the energy figures people ask about first. */
const COMPARE_ORDER = [
  'jPerOutputToken', 'jPerOutputTokenAdjusted', 'whPer1kOutputTokens', 'jPerRequest', 'totalEnergyJ', 'avgPowerW',
  'tokensPerSecond', 'outputTokensPerSecond', 'latencyPerRequestS',
] as const satisfies readonly ResultMetricName[];

/** Selected configurations side by side, each metric with its CI and its ratio to the baseline's. */
export function compareConfigs(db: Db, groupKeys: readonly string[], baselineKey: string | undefined, cvThreshold?: number): Result<CompareView> {
  const built = buildConfigViews(db, { groupKeys }, cvThreshold);
  if (!built.ok) return built;
  const byKey = new Map(built.value.configs.map((c) => [c.groupKey, c]));
  const missing = groupKeys.filter((k) => !byKey.has(k));
  if (missing.length > 0) {
    return err('not_found', `No stored results for configuration ${missing.join(', ')} (deleted, or not an own measurement).`, { path: 'groupKeys' });
  }
  const configs = groupKeys.map((k) => byKey.get(k)!);
  const baseline = byKey.get(baselineKey ?? groupKeys[0]!)!;
  return ok({
    baseline: baseline.groupKey,
    configs,
    parameters: built.value.parameters,
    rows: COMPARE_ORDER.map((metric) => ({
      metric,
      ...RESULT_METRICS[metric],
      values: configs.map((c: ConfigView) => {
        const isBaseline = c.groupKey === baseline.groupKey;
        const vsBaseline = ratioOfMeans(c.metrics[metric], baseline.metrics[metric]);
        return {
          groupKey: c.groupKey,
          summary: c.metrics[metric],
          vsBaseline,
          significant: isBaseline ? null : excludesOne(vsBaseline),
        };
      }),
    })),
  });
}
