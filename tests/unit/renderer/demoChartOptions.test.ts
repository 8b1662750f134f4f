import { describe, expect, it } from 'vitest';
import { demoFontSize, demoGaugeOption, demoPowerOption, demoRaceOption, niceCeiling, powerScaleMax, raceLegendLayout, sharedTimeAxisMax } from '../../../renderer/src/pages/demo/demoChartOptions';
import { demoCaveatLines } from '../../../renderer/src/pages/demo/demoCaveat';

const colours = { text: '#111', subtleText: '#555', axis: '#ccc', grid: '#eee', series: ['#0072B2', '#E69F00'] };

type Series = { data: unknown[]; detail?: { formatter: string }; name?: string };
const seriesOf = (o: Record<string, unknown>) => o.series as Series[];

describe('Demo chart options (pure data)', () => {
  it('grows chart text with the screen: 13 px at 1280, 20 px at 1920, bounded both ways', () => {
    expect(demoFontSize(1280)).toBe(13);
    expect(demoFontSize(1920)).toBe(20);
    expect(demoFontSize(600)).toBe(12);
    expect(demoFontSize(5000)).toBe(24);
  });

  it('shares one time axis: the longer replay, rounded up, on both power charts and the race', () => {
    const xMax = sharedTimeAxisMax([64.4, 4.9, null, undefined]);
    expect(xMax).toBe(65);
    expect(sharedTimeAxisMax([])).toBe(1);
    const left = demoPowerOption({ t: [0, 1, 2], v: [100, 120, 110], at: 10, xMax, maxW: 200, fontSize: 13, colour: '#f00' }, colours);
    const right = demoPowerOption({ t: [0, 1, 2, 3, 4, 5], v: [90, 300, 310, 305, 300, 95], at: 10, xMax, maxW: 200, fontSize: 13, colour: '#0f0' }, colours);
    const race = demoRaceOption([{ name: 'L', t: [0, 64], v: [100, 100], totalEnergyJ: 6400, colour: '#f00' }], 10, xMax, 13, colours);
    for (const o of [left, right, race]) expect(o.xAxis).toMatchObject({ min: 0, max: 65 });
  });

  it('draws power only up to the replay time, skipping missing readings', () => {
    const o = demoPowerOption({ t: [0, 1, 2, 3], v: [100, null, 120, 130], at: 2.5, xMax: 4, maxW: 200, fontSize: 13, colour: '#f00' }, colours);
    expect(seriesOf(o)[0]!.data).toEqual([
      [0, 100],
      [2, 120],
    ]);
    expect(o.yAxis).toMatchObject({ name: 'W', min: 0, max: 200 });
  });

  it('reads 0 W and "finished" on the gauge of a finished side, never its last power', () => {
    const running = demoGaugeOption({ powerW: 117.4, maxW: 400, finished: false, fontSize: 13, colour: '#f00' }, colours);
    expect(seriesOf(running)[0]!.data).toEqual([{ value: 117, name: 'GPU power' }]);
    expect(seriesOf(running)[0]!.detail!.formatter).toBe('{value} W');
    const finished = demoGaugeOption({ powerW: 117.4, maxW: 400, finished: true, fontSize: 13, colour: '#f00' }, colours);
    expect(seriesOf(finished)[0]!.data).toEqual([{ value: 0, name: 'GPU power' }]);
    expect(seriesOf(finished)[0]!.detail!.formatter).toBe('0 W\nfinished');
    expect((seriesOf(finished)[0] as unknown as { pointer: { show: boolean } }).pointer.show).toBe(false);
    expect(seriesOf(demoGaugeOption({ powerW: null, maxW: 400, finished: false, fontSize: 13, colour: '#f00' }, colours))[0]!.data).toEqual([]);
  });

  it('races cumulative energy in joules, each line ending at its measured total, on a fixed y-axis', () => {
    const short = { name: 'Batch size 32', t: [0, 1, 2], v: [300, 300, 300], totalEnergyJ: 550, colour: '#0f0' };
    const long = { name: 'Batch size 1', t: [0, 2, 4, 6], v: [100, 100, 100, 100], totalEnergyJ: 7000, colour: '#f00' };
    const o = demoRaceOption([long, short], 3, 6, 13, colours);
    const [l, s] = seriesOf(o);
    expect(s!.data).toEqual([
      [0, 0],
      [1, 275],
      [2, 550],
    ]);
    // The long run is half-way through its timeline's energy at t = 3 of 6 and ends at 7,000 J.
    expect(l!.data).toEqual([
      [0, 0],
      [2, 2333],
      [3, 3500],
    ]);
    expect(o.yAxis).toMatchObject({ min: 0, max: 8000 });
    expect((o.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter(4000)).toBe('4,000 J');
    expect((o.legend as { data: string[] }).data).toEqual(['Batch size 1', 'Batch size 32']);
    expect(seriesOf(demoRaceOption([long, short], 6, 6, 13, colours))[0]!.data.at(-1)).toEqual([6, 7000]);
  });

  // The page sweep found the legend cut off at the canvas's right edge and drawn over the "J" axis name.
  it('gives the race legend its own band above the plot, with both names fitting side by side at 1280 and 1920', () => {
    const long = 'gpt2-shape-92m-random-weights · transformers · bf16 · batch 32';
    const sides = [
      { name: long, t: [0, 1], v: [100, 100], totalEnergyJ: 100, colour: '#f00' },
      { name: long.replace('32', '1'), t: [0, 1], v: [100, 100], totalEnergyJ: 100, colour: '#0f0' },
    ];
    // The race chart spans the page less its margins and the card's padding (~80 px) at each screen width.
    for (const viewport of [1280, 1920]) {
      const fontSize = demoFontSize(viewport);
      const o = demoRaceOption(sides, 0, 1, fontSize, colours) as { legend: Record<string, unknown> & { textStyle: { width: number; overflow: string } }; grid: { top: number } };
      expect(o.legend).toMatchObject({ top: 0, type: 'scroll', textStyle: { overflow: 'truncate' } });
      const layout = raceLegendLayout(fontSize);
      // The plot starts below the legend row and half a y-axis label more (the top label is centred on the edge).
      expect(o.grid.top).toBeGreaterThanOrEqual(layout.rowHeight + fontSize / 2);
      expect(layout.rowHeight).toBeGreaterThanOrEqual(layout.itemHeight);
      expect(layout.rowHeight).toBeGreaterThanOrEqual(fontSize * 1.2);
      // Two items (symbol + gap + name) and the gap between them fit in the chart's width.
      const symbol = 25 + 5;
      const twoItems = 2 * (symbol + o.legend.textStyle.width) + (o.legend.itemGap as number);
      expect(twoItems).toBeLessThanOrEqual(viewport - 80);
    }
  });

  it('rounds scales up to readable tops', () => {
    expect(niceCeiling(7482)).toBe(8000);
    expect(niceCeiling(552)).toBe(600);
    expect(niceCeiling(1)).toBe(1);
    expect(powerScaleMax([117, null, 350])).toBe(450);
    expect(powerScaleMax([])).toBe(100);
  });
});

describe('Demo caveat line', () => {
  it('says what is measured, then each side’s stored caveats, then the sample’s', () => {
    const lines = demoCaveatLines(
      [
        { name: 'Batch size 1', gpuName: 'NVIDIA H100 80GB HBM3', caveats: [], failed: false },
        { name: 'Batch size 32', gpuName: 'NVIDIA H100 80GB HBM3', caveats: ['measured over 4.9 s only'], failed: true },
      ],
      { gpu: 'NVIDIA H100 80GB HBM3', measuredOn: '2026-11-26', caveats: ['Random weights.'] },
      false,
    );
    expect(lines[0]).toMatch(/^Measured: GPU energy only \(NVML\), on one NVIDIA H100 80GB HBM3, with the same prompt set on both sides\./);
    expect(lines.slice(1)).toEqual(['Batch size 32 (failed a quality check): measured over 4.9 s only.', 'Sample runs (NVIDIA H100 80GB HBM3, 2026-11-26): Random weights.']);
    expect(demoCaveatLines([], null, true)[0]).toContain('The live side is this machine');
  });
});
