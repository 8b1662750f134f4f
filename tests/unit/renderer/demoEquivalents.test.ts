import { describe, expect, it } from 'vitest';
import { EQUIVALENTS, energyUntil, powerAt } from '../../../renderer/src/pages/demo/equivalents';

describe('demo energy arithmetic', () => {
  const t = [0, 1, 2, 3];
  const w = [100, 200, 200, null];
  it('integrates power with the trapezoid rule, up to any moment', () => {
    expect(energyUntil(t, w, 1)).toBeCloseTo(150);
    expect(energyUntil(t, w, 2)).toBeCloseTo(350);
    expect(energyUntil(t, w, 0.5)).toBeCloseTo(((100 + 150) / 2) * 0.5);
    expect(energyUntil(t, w, 10)).toBeCloseTo(350); // the missing last reading adds nothing
  });
  it('interpolates power between samples', () => {
    expect(powerAt(t, w, 0.5)).toBeCloseTo(150);
    expect(powerAt(t, w, 5)).toBeNull();
  });
  it('states each equivalent in a unit that reads well', () => {
    const [phone, kettle, led] = EQUIVALENTS;
    expect(phone!.label(54_000 / phone!.joulesPerUnit)).toBe('1 smartphone charge');
    expect(phone!.label(540 / phone!.joulesPerUnit)).toBe('1% of a smartphone charge');
    expect(kettle!.label(1000 / kettle!.joulesPerUnit)).toBe('500 ms of an electric kettle');
    expect(led!.label(600 / led!.joulesPerUnit)).toBe('1 minute of a 10 W LED bulb');
    expect(led!.label(90 / led!.joulesPerUnit)).toBe('9 seconds of a 10 W LED bulb');
    for (const e of EQUIVALENTS) expect(e.source.length).toBeGreaterThan(20);
  });
});
