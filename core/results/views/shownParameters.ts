import type { ParamValue, SweepParameter } from '../../../contract/apiResults';
import { baseLabel } from './sweepParameters';

/**
 * Of the settings that differ between the configurations in scope, the ones worth showing.
 *
 * Configurations from different campaigns, llem versions or backends differ in many settings only by having them
 * or not (`vllm.engine.max_num_seqs` set in one, absent in the other): listing each as "… unset" buried the
 * sweep under ~60 labels and axes. So a setting is shown when it takes at least two real values in scope (a sweep),
 * and a set-or-absent one only when it is needed to tell configurations apart that the shown ones do not.
 * Pure: tested as data in tests/unit/results/shownParameters.test.ts.
 */
export function shownParameters(differing: readonly SweepParameter[], configs: readonly ReadonlyMap<string, ParamValue>[]): SweepParameter[] {
  const realValues = (p: SweepParameter) => p.values.filter((v) => v !== null).length;
  const shown = differing.filter((p) => realValues(p) >= 2);
  const setOrAbsent = differing.filter((p) => realValues(p) < 2).sort((a, b) => a.path.localeCompare(b.path));
  const keyOf = (c: ReadonlyMap<string, ParamValue>, params: readonly SweepParameter[]) => JSON.stringify(params.map((p) => c.get(p.path) ?? null));
  for (const candidate of setOrAbsent) {
    // Configurations the shown settings cannot tell apart: does this one split any of their groups?
    const groups = new Map<string, Set<string>>();
    for (const c of configs) {
      const key = keyOf(c, shown);
      const values = groups.get(key) ?? new Set<string>();
      values.add(JSON.stringify(c.get(candidate.path) ?? null));
      groups.set(key, values);
    }
    if ([...groups.values()].some((values) => values.size > 1)) shown.push(candidate);
  }
  const order = new Map(differing.map((p, i) => [p.path, i]));
  // Named again among the shown ones: a hidden `transformers.batch_size` no longer forces `pytorch.batch_size`.
  const out = shown.sort((a, b) => order.get(a.path)! - order.get(b.path)!).map((p) => ({ ...p }));
  relabel(out);
  return out;
}

/**
 * A configuration in words from the shown settings: "batch size 8 · precision fp16". A sweep setting the
 * configuration does not have (a vLLM run in a scope with PyTorch batch sizes) is left out rather than read "unset";
 * a set-or-absent setting that is shown because it tells two apart says "unset".
 */
export function configurationWords(shown: readonly SweepParameter[], params: Readonly<Record<string, ParamValue>>, fallback: string): string {
  const words = shown
    .filter((p) => {
      const v = Object.prototype.hasOwnProperty.call(params, p.path) ? params[p.path]! : null;
      return v !== null || p.values.filter((x) => x !== null).length < 2;
    })
    .map((p) => {
      const v = Object.prototype.hasOwnProperty.call(params, p.path) ? params[p.path]! : null;
      return `${p.label} ${v === null ? 'unset' : String(v)}`;
    });
  return words.length > 0 ? words.join(' · ') : fallback;
}

/**
 * Short names; where two read alike, the section they belong to goes first ("pytorch batch size", "transformers
 * batch size": two backends' batch sizes in one scope), and only if that still clashes the full path.
 */
function relabel(params: SweepParameter[]): void {
  const count = (names: string[]) => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());
  const bases = params.map(baseLabel);
  const baseCounts = count(bases);
  const sectioned = params.map((p, i) => (baseCounts.get(bases[i]!)! > 1 && p.path.includes('.') ? `${p.path.split('.')[0]!.replace(/_/g, ' ')} ${bases[i]}` : bases[i]!));
  const sectionedCounts = count(sectioned);
  params.forEach((p, i) => (p.label = sectionedCounts.get(sectioned[i]!)! > 1 ? p.path : sectioned[i]!));
}
