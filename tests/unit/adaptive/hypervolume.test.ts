import { describe, expect, it } from 'vitest';
import { front2, hypervolume2, normaliserOf } from '../../../core/adaptive/hypervolume';

const p = (a: number, b: number) => ({ values: [a, b] as const });

describe('two-objective front and hypervolume', () => {
  it('keeps the non-dominated points, honouring each direction', () => {
    const pts = [p(1, 5), p(2, 3), p(3, 4), p(4, 1), p(2, 3.5)];
    expect(front2(pts, ['minimize', 'minimize'])).toEqual([p(1, 5), p(2, 3), p(4, 1)]);
    // Maximising the second objective turns the order around: (1,5) dominates everything with more of the first.
    expect(front2(pts, ['minimize', 'maximize'])).toEqual([p(1, 5)]);
    expect(front2([p(NaN, 1), p(1, Infinity)], ['minimize', 'minimize'])).toEqual([]);
  });

  it('computes the area up to the 1.1 reference on axes scaled to the reference set', () => {
    const grid = [p(0, 10), p(10, 0), p(10, 10)];
    const norm = normaliserOf(grid, ['minimize', 'minimize']);
    // One point at the best corner dominates 1.1 × 1.1.
    expect(hypervolume2([p(0, 0)], ['minimize', 'minimize'], norm)).toBeCloseTo(1.21, 12);
    // Two extreme points: 1.1×0.1 + 0.1×1.1 − 0.1×0.1 overlap... as slabs: (1.1−0)(1.1−1) + (1.1−1)(1−0).
    expect(hypervolume2([p(0, 10), p(10, 0)], ['minimize', 'minimize'], norm)).toBeCloseTo(0.11 + 0.1, 12);
    // Dominated points add nothing; the empty set has none.
    expect(hypervolume2([p(0, 10), p(10, 0), p(10, 10)], ['minimize', 'minimize'], norm)).toBeCloseTo(0.21, 12);
    expect(hypervolume2([], ['minimize', 'minimize'], norm)).toBe(0);
  });

  it('a subset never has more hypervolume than the whole set', () => {
    const pts = Array.from({ length: 40 }, (_, i) => p(Math.sin(i) + 2, Math.cos(i * 1.7) + 2));
    const norm = normaliserOf(pts, ['minimize', 'maximize']);
    const full = hypervolume2(pts, ['minimize', 'maximize'], norm);
    for (let k = 1; k < pts.length; k += 7) expect(hypervolume2(pts.slice(0, k), ['minimize', 'maximize'], norm)).toBeLessThanOrEqual(full + 1e-12);
  });
});
