import { describe, expect, it } from 'vitest';
import { adaptiveSaving, adaptiveSettingsOf, defaultAdaptiveForm } from '../../../renderer/src/pages/design/adaptivePlan';

describe('Design: adaptive campaign settings and saving (pure)', () => {
  it('defaults to energy vs throughput with 30 % of the configurations as budget', () => {
    const form = defaultAdaptiveForm(240);
    expect(form.budget).toBe('72');
    expect(adaptiveSettingsOf(form, 240)).toEqual({
      ok: true,
      settings: { objectives: ['energy', 'throughput'], constraints: [], budget: 72, patience: null, seed: 0, sampler: 'tpe' },
    });
    expect(defaultAdaptiveForm(2).budget).toBe('1');
  });

  it('constraints, patience and a single objective become settings; every bad field is named', () => {
    const form = { ...defaultAdaptiveForm(24), second: 'latency' as const, latencyLimitOn: true, latencyLimitMs: '300', memoryLimitOn: true, memoryLimitMb: '40000', patienceOn: true, patience: '4', seed: '17' };
    expect(adaptiveSettingsOf(form, 24)).toEqual({
      ok: true,
      settings: {
        objectives: ['energy', 'latency'],
        constraints: [
          { metric: 'ttft_p95', max: 300 },
          { metric: 'peak_memory', max: 40000 },
        ],
        budget: 8,
        patience: 4,
        seed: 17,
        sampler: 'tpe',
      },
    });
    const one = adaptiveSettingsOf({ ...defaultAdaptiveForm(24), second: 'none' }, 24);
    expect(one.ok && one.settings.objectives).toEqual(['energy']);
    const bad = adaptiveSettingsOf({ ...form, budget: '25', seed: '-1', patience: '0', latencyLimitMs: 'fast', memoryLimitMb: '0' }, 24);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => p.field)).toEqual(['budget', 'seed', 'patience', 'latencyLimitMs', 'memoryLimitMb']);
      expect(bad.problems[0]!.message).toBe('Budget: at most 24 runs (the grid has 24 configurations).');
    }
    const empty = adaptiveSettingsOf({ ...form, budget: '' }, 24);
    expect(!empty.ok && empty.problems[0]!.field).toBe('budget');
  });

  it('the saving scales the plan estimate to the search runs, never more runs than configurations', () => {
    const plan = { runCount: 240, configCount: 80, estimate: { totalDurationSeconds: { low: 2400, mid: 3600, high: 4800 } } };
    expect(adaptiveSaving(plan, 40)).toEqual({ runs: 40, gridRuns: 240, percent: 17, seconds: { low: 400, mid: 600, high: 800 } });
    // A budget above the configurations: each configuration runs once at most.
    expect(adaptiveSaving(plan, 500)?.runs).toBe(80);
    expect(adaptiveSaving({ ...plan, runCount: 0 }, 10)).toBeNull();
    expect(adaptiveSaving(plan, Number.NaN)).toBeNull();
  });
});
