import { describe, expect, it } from 'vitest';
import { lnGamma, regularizedIncompleteBeta, studentTCdf, summarise, tQuantile } from '../../../core/results/stats';

describe('Student t quantile', () => {
  // Two-sided 95 % critical values, from published t tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
  const table: [number, number][] = [
    [1, 12.706204736],
    [2, 4.302652730],
    [3, 3.182446305],
    [4, 2.776445105],
    [5, 2.570581836],
    [7, 2.364624252],
    [9, 2.262157163],
    [10, 2.228138852],
    [20, 2.085963447],
    [30, 2.042272456],
    [100, 1.983971519],
  ];
  it.each(table)('t(0.975, df=%i) = %f', (df, expected) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(expected, 8);
  });

  it('matches other tabulated quantiles and tends to the normal 1.959964 for large df', () => {
    expect(tQuantile(0.95, 1)).toBeCloseTo(6.313751515, 8);
    expect(tQuantile(0.995, 2)).toBeCloseTo(9.924843201, 7);
    expect(tQuantile(0.9, 15)).toBeCloseTo(1.340605608, 8);
    expect(tQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });

  it('is symmetric and inverts the CDF', () => {
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.776445105, 8);
    expect(tQuantile(0.5, 3)).toBe(0);
    for (const df of [1, 2.5, 6, 40]) {
      for (const p of [0.01, 0.3, 0.8, 0.999]) expect(studentTCdf(tQuantile(p, df), df)).toBeCloseTo(p, 10);
    }
  });

  it('rejects impossible arguments', () => {
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.9, 0)).toThrow(RangeError);
  });
});

describe('special functions', () => {
  it('CDF: t with 1 df is the Cauchy distribution, 0.5 at 0', () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12); // 1/2 + atan(1)/π
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-3, 2)).toBeCloseTo(0.5 * (1 - 3 / Math.sqrt(2 + 9)), 12); // closed form for df = 2
  });
  it('lnGamma and the incomplete beta agree with closed forms', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12); // uniform
    expect(regularizedIncompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12); // x^a
  });
});

describe('summarise (values hand-computed)', () => {
  it('three cycles 10, 12, 14 J', () => {
    const s = summarise([10, 12, 14]);
    // mean 12; squared deviations 4 + 0 + 4 = 8; sd = √(8/2) = 2; half-width = t(0.975,2)·2/√3
    expect(s.n).toBe(3);
    expect(s.mean).toBe(12);
    expect(s.sd).toBeCloseTo(2, 12);
    expect(s.ci95HalfWidth).toBeCloseTo((4.30265273 * 2) / Math.sqrt(3), 6); // 4.968275
    expect(s.ci95Low).toBeCloseTo(12 - 4.968275, 5);
    expect(s.ci95High).toBeCloseTo(12 + 4.968275, 5);
    expect(s.cv).toBeCloseTo(2 / 12, 12);
    expect([s.min, s.max]).toEqual([10, 14]);
  });

  it('eight values 2,4,4,4,5,5,7,9', () => {
    const s = summarise([2, 4, 4, 4, 5, 5, 7, 9]);
    // mean 5; Σ(x−5)² = 9+1+1+1+0+0+4+16 = 32; sd = √(32/7) = 2.138090; t(0.975,7) = 2.364624
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(2.13809, 5);
    expect(s.ci95HalfWidth).toBeCloseTo((2.364624 * 2.13809) / Math.sqrt(8), 5); // 1.787503
    expect(s.cv).toBeCloseTo(2.13809 / 5, 5);
  });

  it('skips missing and non-finite values; one value has no spread', () => {
    expect(summarise([null, 3, undefined, NaN, Infinity])).toMatchObject({ n: 1, mean: 3, sd: null, ci95HalfWidth: null, cv: null });
    expect(summarise([])).toMatchObject({ n: 0, mean: null });
    expect(summarise([0, 0]).cv).toBeNull();
  });

  it('stays accurate for large nearly equal energies (Welford)', () => {
    const s = summarise([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(s.mean).toBe(1e9 + 2);
    expect(s.sd).toBeCloseTo(1, 9);
  });
});
