import { describe, expect, it } from 'vitest';
import { estimateCampaign, gapSecondsBefore, guessParamsBillions, type HistoryLookup } from '../../../core/llem/estimate';
import { resolveContractStudy } from '../../../core/llem/families/gitContract/resolveStudy';
import { resolvePypi070Study } from '../../../core/llem/families/pypi070/resolveStudy';
import { loadYaml11 } from '../../../core/llem/yaml11';

const head = (y: string) => resolveContractStudy('head', loadYaml11(y));

describe('estimates', () => {
  it('guesses model size from the id', () => {
    expect(guessParamsBillions('Qwen/Qwen2.5-0.5B')).toEqual({ value: 0.5, known: true });
    expect(guessParamsBillions('meta-llama/Llama-3.1-8B-Instruct')).toEqual({ value: 8, known: true });
    expect(guessParamsBillions('gpt2').known).toBe(true);
    expect(guessParamsBillions('org/mystery').known).toBe(false);
  });
  it('heuristic: wide range, includes baseline and thermal floor per run, grows with the workload', () => {
    const small = estimateCampaign(head('model: gpt2\nn: 10\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n'));
    const big = estimateCampaign(head('model: gpt2\nn: 1000\nsweep: {precision: [fp16]}\nexecution: {n_cycles: 1}\n'));
    expect(small.usesHeuristic).toBe(true);
    expect(small.perConfig[0]?.source).toBe('heuristic');
    const d = small.totalDurationSeconds;
    expect(d.low).toBeLessThan(d.mid);
    expect(d.high / d.low).toBeGreaterThanOrEqual(5);
    expect(small.breakdown.baseline).toBe(30);
    expect(small.breakdown.thermalFloor).toBe(60);
    expect(big.totalDurationSeconds.mid).toBeGreaterThan(small.totalDurationSeconds.mid);
  });
  it('disabling warmup removes the thermal floor; runs multiply by cycles', () => {
    const r = head('model: gpt2\nwarmup: {enabled: false}\nbaseline: {enabled: false}\nsweep: {n: [5]}\nexecution: {n_cycles: 4}\n');
    const e = estimateCampaign(r);
    expect(e.runs).toBe(4);
    expect(e.breakdown.thermalFloor).toBe(0);
    expect(e.breakdown.baseline).toBe(0);
  });
  it('gaps: experiment gap before every run but the first, cycle gap every n_unique runs (HEAD)', () => {
    const r = head('model: gpt2\nsweep: {n: [1, 2]}\nexecution: {n_cycles: 2, cycle_order: interleaved, experiment_gap_seconds: 10, cycle_gap_seconds: 100}\n');
    expect(gapSecondsBefore(r)).toEqual([0, 10, 110, 10]);
    expect(estimateCampaign(r).breakdown.gaps).toBe(130);
  });
  it('gaps: PyPI cycle boundaries (sequential: between config blocks)', () => {
    const r = resolvePypi070Study(loadYaml11('task: {model: gpt2}\nserving_mode: offline\nsweep: {task.max_output_tokens: [8, 16]}\nstudy_execution: {n_cycles: 2, experiment_order: sequential, experiment_gap_seconds: 5, cycle_gap_seconds: 50}\n'));
    expect(gapSecondsBefore(r)).toEqual([0, 5, 50, 5]);
  });
  it('PyPI 0.7.0: every run measures its baseline, even with the cached strategy (one llem process and output folder per run)', () => {
    const r = resolvePypi070Study(
      loadYaml11('task: {model: gpt2}\nserving_mode: offline\nmeasurement: {baseline: {duration_seconds: 5, strategy: cached}}\nsweep: {task.max_output_tokens: [8, 16]}\nstudy_execution: {n_cycles: 2}\n'),
    );
    expect(r.runs).toHaveLength(4);
    expect(estimateCampaign(r).breakdown.baseline).toBe(4 * 5);
  });
  it('history of the exact config wins; similar configs are scaled by workload', () => {
    const r = head('model: gpt2\nn: 20\nsweep: {precision: [fp16, bf16]}\nexecution: {n_cycles: 1}\n');
    const exactHash = r.valid[0]?.hash;
    const lookup: HistoryLookup = (f) =>
      f.hash === exactHash
        ? { exact: [{ durationSeconds: 100, energyJoules: 5000 }, { durationSeconds: 120, energyJoules: 6000 }, { durationSeconds: 110, energyJoules: 5500 }], similar: [] }
        : { exact: [], similar: [{ durationSeconds: 50, energyJoules: 1000, nPrompts: 10, maxOutputTokens: 128 }] };
    const e = estimateCampaign(r, lookup);
    expect(e.perConfig[0]).toMatchObject({ source: 'history', durationSeconds: { low: 100, mid: 110, high: 120 } });
    expect(e.perConfig[1]?.source).toBe('similar-history');
    expect(e.perConfig[1]?.durationSeconds.mid).toBe(100); // 20 prompts vs 10 → ×2
    expect(e.usesHeuristic).toBe(false);
  });
  it('server mode (PyPI) uses warmup + ramp + window + cooldown', () => {
    const r = resolvePypi070Study(loadYaml11('task: {model: gpt2}\nserving_mode: server\nengine: vllm\nserver: {traffic: {rate: 1, window_seconds: 100}, warmup: {mode: fixed, duration_seconds: 60}, cooldown_seconds: 10}\nsweep: {server.traffic.rate: [1]}\nstudy_execution: {n_cycles: 1}\n'));
    expect(estimateCampaign(r).breakdown.measurement).toBe(60 + 30 + 100 + 10);
  });
});
