import type { ConfigView, HeadlineView, ParamValue, ResultMetricName, SweepParameter } from '../../../contract/apiResults';
import { describeSetting } from './sweepParameters';
import { excludesOne, formatFactor, ratioOfMeans } from './ratio';

type HeadlineConfig = Pick<ConfigView, 'groupKey' | 'label' | 'model' | 'params' | 'metrics' | 'quality' | 'llemJPerOutputToken'>;

const METRIC: ResultMetricName = 'jPerOutputToken';
const METRIC_WORDS = 'energy per output token';

/**
 * The one sentence worth putting on top of the page: the largest difference in energy per output
 * token that a single swept parameter makes while everything else stays the same
 * ("batch size 64 uses 5.3× less energy per output token than batch size 1"), with the 95 % CI of
 * the factor. When no two configurations differ in exactly one parameter, the best and the worst
 * configuration are compared instead, and the sentence says that they differ in several settings.
 */
export function buildHeadline(
  configs: readonly HeadlineConfig[],
  parameters: readonly SweepParameter[],
  /** The settings worth naming (core/api/results/shownParameters.ts); pairs are still checked against all of `parameters`. */
  shown: readonly SweepParameter[] = parameters,
): HeadlineView {
  const measured = configs.filter((c) => (c.metrics[METRIC]?.mean ?? 0) > 0);
  if (configs.length < 2) {
    return { available: false, reason: 'Import or run at least two configurations (for example two batch sizes) to see how much a setting changes the energy per token.' };
  }
  if (measured.length < 2) {
    return { available: false, reason: 'Fewer than two configurations have an energy measurement (energy was off or unavailable in the others).' };
  }

  let best: { param: SweepParameter; better: HeadlineConfig; worse: HeadlineConfig; factor: number } | null = null;
  for (const param of parameters) {
    const others = parameters.filter((p) => p !== param);
    // Configurations that agree on every other parameter form one "line" along this parameter.
    const lines = new Map<string, HeadlineConfig[]>();
    for (const c of measured) {
      const key = JSON.stringify(others.map((p) => valueOf(c, p.path)));
      const line = lines.get(key);
      if (line) line.push(c);
      else lines.set(key, [c]);
    }
    for (const line of lines.values()) {
      if (new Set(line.map((c) => JSON.stringify(valueOf(c, param.path)))).size < 2) continue;
      const sorted = [...line].sort((a, b) => mean(a) - mean(b) || a.groupKey.localeCompare(b.groupKey));
      const better = sorted[0]!;
      const worse = sorted[sorted.length - 1]!;
      const factor = mean(worse) / mean(better);
      if (!best || factor > best.factor) best = { param, better, worse, factor };
    }
  }

  if (best) {
    const { better, worse, param: pairParam } = best;
    // Worded with the scope's short name when the setting is a shown one ("transformers batch size", not its path).
    const param = shown.find((p) => p.path === pairParam.path) ?? pairParam;
    const same = shown.filter((p) => p.path !== param.path && valueOf(better, p.path) !== null).map((p) => describeSetting(p, valueOf(better, p.path)));
    return sentence(
      better,
      worse,
      describeSetting(param, valueOf(better, param.path)),
      describeSetting(param, valueOf(worse, param.path)),
      param.path,
      `Same ${[`model ${better.model}`, ...same.filter((s) => !s.startsWith('model '))].join(' · ')}; only ${param.label} differs.`,
    );
  }

  const sorted = [...measured].sort((a, b) => mean(a) - mean(b) || a.groupKey.localeCompare(b.groupKey));
  const better = sorted[0]!;
  const worse = sorted[sorted.length - 1]!;
  const differing = shown.filter((p) => JSON.stringify(valueOf(better, p.path)) !== JSON.stringify(valueOf(worse, p.path)));
  return sentence(
    better,
    worse,
    better.label,
    worse.label,
    null,
    differing.length > 0
      ? `The lowest and highest configurations differ in ${differing.map((p) => p.label).join(', ')}; no pair differs in one setting only.`
      : 'The lowest and highest configurations.',
  );
}

function sentence(
  better: HeadlineConfig,
  worse: HeadlineConfig,
  betterWords: string,
  worseWords: string,
  parameter: string | null,
  context: string,
): HeadlineView {
  const factor = ratioOfMeans(worse.metrics[METRIC]!, better.metrics[METRIC]!)!;
  const significant = excludesOne(factor);
  const raw = ratioOfMeans(worse.llemJPerOutputToken, better.llemJPerOutputToken);
  // Never a silent winner: every failed or warned check of either side is said next to the factor.
  const caveats = [
    ...better.quality.caveats.map((c) => `${betterWords}: ${c}`),
    ...worse.quality.caveats.filter((c) => !better.quality.caveats.includes(c) || betterWords === worseWords).map((c) => `${worseWords}: ${c}`),
  ];
  const ciText =
    factor.ci95Low === null || factor.ci95High === null
      ? 'no confidence interval: run at least two cycles of each configuration'
      : `95 % CI ${formatFactor(factor.ci95Low)}–${formatFactor(factor.ci95High)}×${significant === false ? ' (includes 1×: not a clear difference)' : ''}`;
  return {
    available: true,
    text: `${betterWords} uses ${formatFactor(factor.ratio)}× less ${METRIC_WORDS} than ${worseWords}`,
    ciText,
    context,
    metric: METRIC,
    parameter,
    better: { groupKey: better.groupKey, label: better.label, mean: mean(better) },
    worse: { groupKey: worse.groupKey, label: worse.label, mean: mean(worse) },
    factor,
    significant,
    caveats,
    grades: { better: better.quality.grade, worse: worse.quality.grade },
    rawFactor: raw !== null && formatFactor(raw.ratio) !== formatFactor(factor.ratio) ? raw.ratio : null,
  };
}

function mean(c: HeadlineConfig): number {
  return c.metrics[METRIC]!.mean!;
}

function valueOf(c: HeadlineConfig, path: string): ParamValue {
  return Object.prototype.hasOwnProperty.call(c.params, path) ? c.params[path]! : null;
}
