import { describe, expect, it } from 'vitest';
import type { AdaptivePoint, AdaptiveView } from '../../../contract/apiAdaptive';
import { adaptiveCampaignIdsOf, adaptiveResultsSummary } from '../../../renderer/src/pages/results/adaptiveResults';

const p = (runIndex: number, outcome: AdaptivePoint['outcome'], values: number[] | null, onFront: boolean): AdaptivePoint => ({
  runIndex,
  runId: runIndex,
  resultId: outcome === 'failed' ? null : 100 + runIndex,
  configKey: `k${runIndex}`,
  label: `cfg ${runIndex}`,
  status: outcome === 'failed' ? 'failed' : 'succeeded',
  outcome,
  values,
  onFront,
  outcomeWords: `words ${runIndex}`,
  reason: null,
});

describe('Results: adaptive campaigns (pure)', () => {
  it('lists the front by energy, the infeasible runs, and the grid configurations never run', () => {
    const view: AdaptiveView = {
      campaignId: 'adaptive-1',
      gridCampaignId: 'g',
      objectives: [],
      constraints: [],
      budget: 4,
      patience: null,
      seed: 0,
      sampler: 'tpe',
      gridSize: 6,
      stoppedBecause: 'budget',
      points: [p(0, 'feasible', [0.9, 10], true), p(1, 'failed', null, false), p(2, 'feasible', [0.4, 5], true), p(3, 'violates', [0.1, 50], false)],
      neverRun: [
        { key: 'x', label: 'n=10 · fp32' },
        { key: 'y', label: 'n=2 · bf16' },
      ],
    };
    const s = adaptiveResultsSummary(view);
    expect(s.front).toEqual([
      { run: 3, label: 'cfg 2', words: 'words 2', resultId: 102 },
      { run: 1, label: 'cfg 0', words: 'words 0', resultId: 100 },
    ]);
    expect(s.infeasible.map((i) => i.run)).toEqual([2, 4]);
    expect(s.neverRun).toEqual(['n=2 · bf16', 'n=10 · fp32']); // numbers in their order
    expect(s.measured).toBe(4);
  });

  it('summarises the campaign Results was opened for, then adaptive campaigns among the rows, each once', () => {
    expect(adaptiveCampaignIdsOf(null, ['c-1', 'adaptive-b', null, 'adaptive-a', 'adaptive-b'])).toEqual(['adaptive-b', 'adaptive-a']);
    expect(adaptiveCampaignIdsOf('adaptive-a', ['adaptive-b', 'adaptive-a'])).toEqual(['adaptive-a', 'adaptive-b']);
    expect(adaptiveCampaignIdsOf(null, ['grid-1'])).toEqual([]);
  });
});
