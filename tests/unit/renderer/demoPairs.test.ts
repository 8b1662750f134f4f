import { describe, expect, it } from 'vitest';
import { bestPair, findDemoPairs, humanModelName, nextPair, pairSentence, precisionName, rankPairs, representativeResult, type PairConfig } from '../../../renderer/src/pages/demo/demoPairs';

/** A configuration as results.aggregates gives it, reduced to what pair detection reads. */
function config(groupKey: string, params: PairConfig['params'], jPerToken: number, opts: { grade?: 'A' | 'B' | 'C'; cycles?: [number, number][] } = {}): PairConfig {
  const cycles = opts.cycles ?? [[Number.parseInt(groupKey.replace(/\D/g, '') || '1', 10), jPerToken]];
  return {
    groupKey,
    model: '/models/cache/gpt2',
    backend: 'transformers',
    precision: null,
    gpuName: 'NVIDIA H100 80GB HBM3',
    params,
    metrics: { jPerOutputToken: { n: cycles.length, mean: jPerToken, sd: null, ci95HalfWidth: null, ci95Low: null, ci95High: null, cv: null, min: null, max: null } } as PairConfig['metrics'],
    quality: { grade: opts.grade ?? 'A', caveats: [], checks: [], outputTokensReported: null, outputTokensBounded: null } as unknown as PairConfig['quality'],
    cycleValues: cycles.map(([resultId, j]) => ({ resultId, jPerOutputToken: j, tokensPerSecond: null, host: null, gpuUuid: null })),
    resultIds: cycles.map(([id]) => id),
  };
}

const BATCH = 'transformers.llem_execution.batch_size';
const DTYPE = 'transformers.engine_params.dtype';

// The H100 sample's shape: batch 1 / 32 × float16 / bfloat16, one cycle each, batch-32 runs graded C.
const h100 = [
  config('k1', { [DTYPE]: 'float16', [BATCH]: 1 }, 1.71),
  config('k2', { [DTYPE]: 'bfloat16', [BATCH]: 1 }, 1.83),
  config('k3', { [DTYPE]: 'float16', [BATCH]: 32 }, 0.129, { grade: 'C' }),
  config('k4', { [DTYPE]: 'bfloat16', [BATCH]: 32 }, 0.134, { grade: 'C' }),
];

describe('Demo ready-made pairs (pure data)', () => {
  it('finds every pair that differs in exactly one parameter, titled in words, smaller value on the left', () => {
    const pairs = findDemoPairs(h100);
    expect(pairs.map((p) => `${p.title} | ${p.context} | ${p.left.groupKey}-${p.right.groupKey}`).sort()).toEqual([
      'Batching: 1 vs 32 | gpt2 · transformers · bf16 | k2-k4',
      'Batching: 1 vs 32 | gpt2 · transformers · fp16 | k1-k3',
      'Precision: fp16 vs bf16 | gpt2 · transformers · batch size 1 | k1-k2',
      'Precision: fp16 vs bf16 | gpt2 · transformers · batch size 32 | k3-k4',
    ]);
    // k1/k4 and k2/k3 differ in two parameters: never offered.
    expect(pairs.some((p) => p.id.includes('k1') && p.id.includes('k4'))).toBe(false);
    const batching = pairs.find((p) => p.id === 'k1|k3')!;
    expect(batching.left.name).toBe('Batch size 1');
    expect(batching.right.name).toBe('Batch size 32');
    expect(batching.factor).toBeCloseTo(1.71 / 0.129, 12);
  });

  it('puts the most telling pair first: batching before precision, then the larger effect', () => {
    const pairs = findDemoPairs(h100);
    expect(pairs[0]!.kind).toBe('batching');
    // Both batching pairs have a grade-C side; bf16's 1.83 / 0.134 = 13.7× beats fp16's 1.71 / 0.129 = 13.3×.
    expect(pairs.map((p) => p.id)).toEqual(['k2|k4', 'k1|k3', 'k1|k2', 'k3|k4']);
    // Among equal kinds, a pair whose weaker side has a better grade wins over a larger effect.
    const graded = rankPairs(findDemoPairs([config('g1', { b: 1, [BATCH]: 1 }, 2), config('g2', { b: 1, [BATCH]: 8 }, 1), config('g3', { b: 2, [BATCH]: 1 }, 20), config('g4', { b: 2, [BATCH]: 8 }, 1, { grade: 'C' })]));
    expect(graded.filter((p) => p.kind === 'batching').map((p) => p.id)).toEqual(['g1|g2', 'g3|g4']);
  });

  it('treats an engine change with its engine sections, and 8-bit vs 4-bit flags, as one aspect', () => {
    const engine = findDemoPairs([
      config('e1', { engine: 'transformers', 'transformers.batch_size': 4, 'vllm.max_num_seqs': null }, 1),
      config('e2', { engine: 'vllm', 'transformers.batch_size': null, 'vllm.max_num_seqs': 4 }, 0.5),
    ]);
    expect(engine.map((p) => [p.kind, p.title, p.left.name, p.right.name, p.context])).toEqual([['engine', 'Engine: transformers vs vllm', 'Engine transformers', 'Engine vllm', 'gpt2']]);
    const quant = findDemoPairs([
      config('q1', { 'pytorch.load_in_8bit': true, 'pytorch.load_in_4bit': false }, 1),
      config('q2', { 'pytorch.load_in_8bit': false, 'pytorch.load_in_4bit': true }, 1.2),
      config('q3', { 'pytorch.load_in_8bit': false, 'pytorch.load_in_4bit': false }, 0.9),
    ]);
    expect(quant.map((p) => p.title).sort()).toEqual(['Quantization: 8-bit vs 4-bit', 'Quantization: none vs 4-bit', 'Quantization: none vs 8-bit']);
    // A setting with no special name is titled by its own name.
    const other = findDemoPairs([config('o1', { max_output_tokens: 128 }, 1), config('o2', { max_output_tokens: 64 }, 1)]);
    expect(other.map((p) => [p.kind, p.title, p.left.name])).toEqual([['setting', 'Max output tokens: 64 vs 128', 'Max output tokens 64']]);
  });

  it('offers nothing for configurations without energy per token, and nothing when two aspects differ', () => {
    expect(findDemoPairs([config('x1', { [BATCH]: 1 }, 0), config('x2', { [BATCH]: 2 }, 1)])).toEqual([]);
    expect(findDemoPairs([config('y1', { [BATCH]: 1, engine: 'a' }, 1), config('y2', { [BATCH]: 2, engine: 'b' }, 1)])).toEqual([]);
    expect(findDemoPairs([])).toEqual([]);
  });

  // The page sweep found the H100 sample's headline naming ~25 settings all four runs share (prompt counts, sampler…).
  it('names under a pair title only what tells it from same-titled pairs, never the settings every run shares', () => {
    const shared = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`measurement.setting_${i}`, i % 2 === 0 ? i : `value-${i}`]));
    const withShared = h100.map((c) => ({ ...c, params: { ...shared, ...c.params } }));
    const pairs = findDemoPairs(withShared);
    expect(pairs.map((p) => `${p.id} | ${p.context}`).sort()).toEqual([
      'k1|k2 | gpt2 · transformers · batch size 1',
      'k1|k3 | gpt2 · transformers · fp16',
      'k2|k4 | gpt2 · transformers · bf16',
      'k3|k4 | gpt2 · transformers · batch size 32',
    ]);
    for (const p of pairs) expect(p.context).not.toMatch(/setting|value-/);
    // Another campaign in the same store, with other values for all 25 and its own "Batching: 1 vs 32" (the sweep's
    // finished store): its settings differ from the sample's, and still none is named.
    const other = Object.fromEntries(Object.keys(shared).map((k) => [k, 'other']));
    const mixed = findDemoPairs([...withShared, config('c1', { ...other, [DTYPE]: 'float16', [BATCH]: 1 }, 2), config('c2', { ...other, [DTYPE]: 'float16', [BATCH]: 32 }, 1)]);
    expect(mixed.filter((p) => p.title === 'Batching: 1 vs 32').map((p) => p.context).sort()).toEqual(['gpt2 · transformers · bf16', 'gpt2 · transformers · fp16', 'gpt2 · transformers · fp16']);
    // A pair whose title is unique says only the model and engine.
    expect(findDemoPairs([config('u1', { ...shared, [BATCH]: 1 }, 2), config('u2', { ...shared, [BATCH]: 8 }, 1)])[0]!.context).toBe('gpt2 · transformers');
  });

  // The page sweep found a store whose campaign runs all failed putting one run on both sides.
  it('never pairs a run or a configuration with itself, and offers no pair when there is no second run', () => {
    const sameRun = findDemoPairs([config('s1', { [BATCH]: 1 }, 1, { cycles: [[4, 1]] }), config('s2', { [BATCH]: 32 }, 1, { cycles: [[4, 1]] })]);
    expect(sameRun).toEqual([]);
    const duplicated = config('d1', { [BATCH]: 1 }, 1);
    expect(findDemoPairs([duplicated, { ...duplicated, params: { [BATCH]: 32 } }])).toEqual([]);
    expect(findDemoPairs([config('only', { [BATCH]: 1 }, 1)])).toEqual([]);
    expect(bestPair(findDemoPairs([config('only', { [BATCH]: 1 }, 1)]), null)).toBeNull();
    for (const p of findDemoPairs(h100)) {
      expect(p.left.resultId).not.toBe(p.right.resultId);
      expect(p.left.groupKey).not.toBe(p.right.groupKey);
    }
  });

  it('replays the cycle nearest the mean, and steps through the pairs round and round', () => {
    expect(representativeResult(config('r', {}, 2, { cycles: [[7, 1], [8, 2.1], [9, 3.5]] }))).toBe(8);
    const pairs = findDemoPairs(h100);
    expect(nextPair(pairs, null)).toBe(pairs[0]);
    expect(nextPair(pairs, pairs[0]!.id)).toBe(pairs[1]);
    expect(nextPair(pairs, pairs.at(-1)!.id)).toBe(pairs[0]);
    expect(nextPair([], null)).toBeNull();
    // After a sample load, the best pair among the loaded runs, else the best of all.
    expect(bestPair(pairs, new Set([1, 2]))?.id).toBe('k1|k2');
    expect(bestPair(pairs, new Set([99]))).toBe(pairs[0]);
    expect(bestPair(pairs, null)).toBe(pairs[0]);
    expect(bestPair([], null)).toBeNull();
  });

  it('names models and precisions as people say them, and writes the headline with the sides’ names', () => {
    expect(humanModelName('/models/hf/openai-community/gpt2/')).toBe('gpt2');
    expect(humanModelName('meta-llama/Llama-3.1-8B')).toBe('Llama-3.1-8B');
    expect(humanModelName('gpt2')).toBe('gpt2');
    expect(['float16', 'torch.bfloat16', 'float32', 'fp8'].map(precisionName)).toEqual(['fp16', 'bf16', 'fp32', 'fp8']);
    const pair = findDemoPairs(h100).find((p) => p.id === 'k1|k3')!;
    expect(pairSentence(pair, 13.3)).toBe('Batch size 32 uses 13.3× less energy per output token than batch size 1.');
    expect(pairSentence(pair, 0.5)).toBe('Batch size 1 uses 2.0× less energy per output token than batch size 32.');
  });
});
