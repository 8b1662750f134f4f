import { describe, expect, it } from 'vitest';
import type { AdaptivePoint, AdaptiveView } from '../../../contract/apiAdaptive';
import { adaptiveFrontOption, frontChartData } from '../../../renderer/src/pages/runs/adaptiveFrontOption';

const colours = { text: '#111', subtleText: '#555', axis: '#ccc', grid: '#eee', series: ['#000', '#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2'] };
const energy = { name: 'energy' as const, label: 'energy per output token', unit: 'J/token', direction: 'minimize' as const };
const throughput = { name: 'throughput' as const, label: 'throughput', unit: 'tokens/s', direction: 'maximize' as const };

function point(runIndex: number, outcome: AdaptivePoint['outcome'], values: number[] | null, onFront = false, label = `cfg ${runIndex}`): AdaptivePoint {
  return { runIndex, runId: runIndex + 1, resultId: null, configKey: `k${runIndex}`, label, status: 'succeeded', outcome, values, onFront, outcomeWords: null, reason: null };
}

function view(points: AdaptivePoint[], objectives = [energy, throughput]): AdaptiveView {
  return { campaignId: 'adaptive-1', gridCampaignId: 'g', objectives, constraints: [], budget: 10, patience: null, seed: 0, sampler: 'tpe', gridSize: 20, stoppedBecause: null, points, neverRun: [] };
}

describe('Runs: the adaptive front chart (option as data)', () => {
  const points = [
    point(0, 'feasible', [0.9, 300], true),
    point(1, 'failed', null),
    point(2, 'feasible', [0.5, 100], true),
    point(3, 'feasible', [0.8, 90]),
    point(4, 'violates', [0.2, 900]),
    point(5, null, null),
  ];

  it('places feasible runs, joins the front in order of energy, marks runs over a constraint, counts the unplaced', () => {
    const d = frontChartData(view(points));
    expect(d.xName).toBe('Energy per output token (J/token)');
    expect(d.yName).toBe('Throughput (tokens/s)');
    expect(d.front.map((p) => p.runIndex)).toEqual([2, 0]);
    expect(d.front[0]!.value).toEqual([0.5, 100]);
    expect(d.measured.map((p) => p.runIndex)).toEqual([3]);
    expect(d.infeasible.map((p) => p.runIndex)).toEqual([4]);
    expect(d.failed).toBe(1);
    expect(d.pending).toBe(1);
  });

  it('one objective: its value against the run number', () => {
    const d = frontChartData(view([point(0, 'feasible', [0.9], false), point(1, 'feasible', [0.4], true)], [energy]));
    expect(d.xName).toBe('Run');
    expect(d.yName).toBe('Energy per output token (J/token)');
    expect(d.front).toEqual([{ value: [2, 0.4], runIndex: 1, label: 'cfg 1' }]);
  });

  it('the option: a front line with symbols and two scatters; the tooltip escapes labels from data', () => {
    const option = adaptiveFrontOption(view([...points, point(6, 'feasible', [1, 1], false, '<img src=x onerror=alert(1)>')]), colours) as {
      series: { id: string; type: string; data: unknown[] }[];
      xAxis: { name: string };
      tooltip: { formatter: (p: unknown) => string };
    };
    expect(option.series.map((s) => [s.id, s.type, s.data.length])).toEqual([
      ['front', 'line', 2],
      ['measured', 'scatter', 2],
      ['infeasible', 'scatter', 1],
    ]);
    expect(option.xAxis.name).toBe('Energy per output token (J/token)');
    const text = option.tooltip.formatter({ seriesName: 'Measured', data: { value: [1, 1], runIndex: 6, label: '<img src=x onerror=alert(1)>' } });
    expect(text).toContain('Run 7: &lt;img src=x onerror=alert(1)&gt;');
    expect(text).not.toContain('<img');
  });
});
