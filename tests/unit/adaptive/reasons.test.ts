import { describe, expect, it } from 'vitest';
import { frontOf, outcomeOf, outcomeWords, type ToldPoint } from '../../../core/adaptive/reasons';

describe('adaptive reasons (pure)', () => {
  it('an outcome is feasible, over a constraint (with the value and limit), or failed with its reason', () => {
    const c = [{ metric: 'ttft_p95' as const, max: 250 }];
    expect(outcomeOf({ status: 'ok', values: [0.5, 900], violations: [-50] }, c)).toEqual({
      kind: 'feasible',
      detail: { values: [0.5, 900], constraints: [{ metric: 'ttft_p95', max: 250, value: 200, satisfied: true }], reason: null },
    });
    const over = outcomeOf({ status: 'ok', values: [0.5, 900], violations: [60] }, c);
    expect(over.kind).toBe('violates');
    expect(over.detail.constraints[0]).toEqual({ metric: 'ttft_p95', max: 250, value: 310, satisfied: false });
    expect(outcomeWords(over.kind, over.detail, ['energy', 'throughput'])).toBe(
      'energy per output token 0.500 J/token, output throughput 900 tok/s; infeasible: p95 time to first token 310 ms > 250 ms',
    );
    const failed = outcomeOf({ status: 'failed', reason: 'out_of_memory' }, c);
    expect(failed).toEqual({ kind: 'failed', detail: { values: null, constraints: [], reason: 'out_of_memory' } });
    expect(outcomeWords(failed.kind, failed.detail, ['energy'])).toBe('failed (out_of_memory): told to the optimizer as infeasible');
    // A constraint without a violation (not measured) is not satisfied.
    expect(outcomeOf({ status: 'ok', values: [1] }, c).kind).toBe('violates');
  });

  it('the front holds feasible runs only: non-dominated for two objectives, the best for one', () => {
    const told: ToldPoint[] = [
      { runIndex: 0, outcome: 'feasible', values: [1.0, 100] }, // dominated by 2 (more J/token, less throughput)
      { runIndex: 1, outcome: 'feasible', values: [0.5, 50] },
      { runIndex: 2, outcome: 'feasible', values: [0.8, 300] },
      { runIndex: 3, outcome: 'violates', values: [0.1, 1000] }, // would dominate all, but breaks a constraint
      { runIndex: 4, outcome: 'failed', values: null },
      { runIndex: 5, outcome: 'feasible', values: [0.3, 20] },
    ];
    // energy minimised, throughput maximised
    expect(frontOf(told, ['energy', 'throughput'])).toEqual([5, 1, 2]);
    // energy and latency both minimised: (0.3, 20) dominates everything feasible
    expect(frontOf(told, ['energy', 'latency'])).toEqual([5]);
    // one objective: each run told its one value (here the throughputs above)
    const throughputs = told.map((p) => ({ ...p, values: p.values && [p.values[1]!] }));
    expect(frontOf(throughputs, ['throughput'])).toEqual([2]);
    expect(frontOf(told, ['energy'])).toEqual([5]);
    expect(frontOf([], ['energy', 'throughput'])).toEqual([]);
    expect(frontOf([{ runIndex: 0, outcome: 'failed', values: null }], ['energy'])).toEqual([]);
  });
});
