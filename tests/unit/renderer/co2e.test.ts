import { describe, expect, it } from 'vitest';
import { GridIntensitySchema } from '../../../contract/apiGrid';
import { co2eGrams, formatCo2e, intensityLine } from '../../../renderer/src/pages/runs/campaignTotals';

describe('campaign CO₂e from energy and a grid intensity', () => {
  it('converts joules to kWh and multiplies by gCO₂e/kWh', () => {
    // 3.6 MJ = 1 kWh; at 400 g/kWh that is 400 g.
    expect(co2eGrams(3_600_000, { gramsPerKwh: 400, source: 'x' })).toBeCloseTo(400, 9);
    // 18 kJ = 0.005 kWh; at 56 g/kWh (a low-carbon grid) 0.28 g.
    expect(co2eGrams(18_000, { gramsPerKwh: 56, source: 'x' })).toBeCloseTo(0.28, 9);
  });

  it('shows nothing without an intensity or an energy', () => {
    expect(co2eGrams(1000, null)).toBeNull();
    expect(co2eGrams(null, { gramsPerKwh: 300, source: 'x' })).toBeNull();
    expect(co2eGrams(Number.NaN, { gramsPerKwh: 300, source: 'x' })).toBeNull();
  });

  it('formats with a unit at every scale', () => {
    expect(formatCo2e(0.2834)).toBe('0.28 g CO₂e');
    expect(formatCo2e(4.5)).toBe('4.5 g CO₂e');
    expect(formatCo2e(123.44)).toBe('123.4 g CO₂e');
    expect(formatCo2e(12_345)).toBe('12.35 kg CO₂e');
    expect(formatCo2e(2_500_000)).toBe('2.50 t CO₂e');
    expect(intensityLine({ gramsPerKwh: 350, source: 'Ember 2024, DE' })).toBe('at 350 gCO₂e/kWh (Ember 2024, DE), GPU energy only');
  });

  it('the setting refuses a figure without a source or in the wrong unit, naming the problem', () => {
    expect(GridIntensitySchema.safeParse({ gramsPerKwh: 350, source: 'Ember' }).success).toBe(true);
    const noSource = GridIntensitySchema.safeParse({ gramsPerKwh: 350, source: '  ' });
    expect(noSource.success).toBe(false);
    expect(noSource.error?.issues[0]?.message).toBe('say where the figure comes from');
    const kg = GridIntensitySchema.safeParse({ gramsPerKwh: 350_000, source: 'x' });
    expect(kg.error?.issues[0]?.message).toMatch(/check the unit/);
    expect(GridIntensitySchema.safeParse({ gramsPerKwh: 0, source: 'x' }).success).toBe(false);
  });
});
