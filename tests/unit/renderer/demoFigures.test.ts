import { describe, expect, it } from 'vitest';
import { compareDemoPair, demoSentence, replayEnergyJ, replayTokens } from '../../../renderer/src/pages/demo/demoFigures';
import { energyUntil } from '../../../renderer/src/pages/demo/equivalents';

const row = (p: Partial<Parameters<typeof compareDemoPair>[0]> = {}): Parameters<typeof compareDemoPair>[0] => ({
  id: 1, total_energy_j: 600, output_tokens: 100, output_tokens_bounded: 100, avg_energy_per_token_j: 6, llem_energy_per_token_j: 6,
  quality_grade: 'A', caveats: [], ...p,
});

describe('Demo figures', () => {
  const t = [0, 1, 2, 3, 4];
  const w = [100, 120, 120, 120, 100];
  it('energy so far follows the timeline and ends exactly at the measured total', () => {
    const whole = energyUntil(t, w, Infinity);
    expect(whole).toBeGreaterThan(0);
    expect(replayEnergyJ(t, w, 4, 552)).toBeCloseTo(552, 12);
    expect(replayEnergyJ(t, w, 2, 552)).toBeCloseTo((552 * energyUntil(t, w, 2)) / whole, 12);
    expect(replayEnergyJ(t, w, 0, 552)).toBe(0);
    // Without a measured total the timeline's own integral is all there is.
    expect(replayEnergyJ(t, w, 4, null)).toBeCloseTo(whole, 12);
  });

  it('tokens are the bounded count, spread over the replay', () => {
    const r = row({ output_tokens: 6686, output_tokens_bounded: 4096 });
    expect(replayTokens(r, 4, 4)).toBe(4096);
    expect(replayTokens(r, 2, 4)).toBe(2048);
    expect(replayTokens(r, 9, 4)).toBe(4096);
    expect(replayTokens(row({ output_tokens_bounded: null }), 2, 4)).toBeNull();
  });

  it('the pair: bounded factor, both sides\u2019 caveats, a failing side named, llem\u2019s factor only when it differs', () => {
    const left = row({ avg_energy_per_token_j: 1.8267, llem_energy_per_token_j: 1.8267 });
    const right = row({ avg_energy_per_token_j: 0.13469, llem_energy_per_token_j: 0.08251, quality_grade: 'C', caveats: ['at most 4,096 tokens were generated; llem reported 6,686'] });
    const c = compareDemoPair(left, right)!;
    expect(c.ratio).toBeCloseTo(1.8267 / 0.13469, 12);
    expect(c.rawRatio).toBeCloseTo(1.8267 / 0.08251, 12);
    expect(c.caveats).toEqual(['Right: at most 4,096 tokens were generated; llem reported 6,686']);
    expect(c.failing).toEqual(['right']);
    expect(demoSentence(c)).toBe('The right-hand configuration uses 13.6× less energy per token than the left.');
    expect(demoSentence(compareDemoPair(right, left)!)).toBe('The left-hand configuration uses 13.6× less energy per token than the right.');
    expect(compareDemoPair(row(), row())!.rawRatio).toBeNull();
    expect(compareDemoPair(row({ avg_energy_per_token_j: null }), row())).toBeNull();
  });
});
