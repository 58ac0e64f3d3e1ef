import { describe, expect, it } from 'vitest';
import { axisLabels } from '../../../test/helpers/chart-layout.ts';
import { POWER_CHART_SIZE, powerAxis, powerChartHeight, powerFlowOption, stackPeak, wallClockLabel, type PowerFlowData } from './power-flow.ts';

const X = [Date.UTC(2023, 6, 10, 0), Date.UTC(2023, 6, 10, 1), Date.UTC(2023, 6, 10, 2)];

function data(over: Partial<PowerFlowData> = {}): PowerFlowData {
  return {
    title: 'Site A: power flows',
    unit: 'MW',
    currency: 'USD',
    zoneLabel: 'America/Chicago, UTC−05:00 at start',
    resolution: 'hourly values',
    pointMinutes: 60,
    x: X,
    uses: [{ name: 'IT · <b>chat</b>', color: '#332288', values: [1, 2, 1.5] }, { name: 'Cooling', color: '#56B4E9', values: [0.1, 0.3, 0.2] }],
    sources: [{ name: 'Grid import', color: '#0072B2', values: [1.1, 2.3, 1.7] }],
    prices: [{ name: 'Import price', color: '#000000', values: [30, 95.5, 40] }],
    ...over,
  };
}

describe('power-flow chart option', () => {
  it('finds the largest stack and a symmetric axis of nice steps above it', () => {
    expect(stackPeak(data())).toBeCloseTo(2.3, 12);
    // about four steps up to the peak, each 1, 2, 2.5 or 5 × 10^k: 2.3 / 4 = 0.575 → 1, up to 3
    expect(powerAxis(2.3)).toEqual({ max: 3, interval: 1, decimals: 0 });
    // 47,300 / 4 = 11,825 → 20,000, up to 60,000; 1 / 4 = 0.25 → 0.25, two decimals
    expect(powerAxis(47_300)).toEqual({ max: 60_000, interval: 20_000, decimals: 0 });
    expect(powerAxis(1)).toEqual({ max: 1, interval: 0.25, decimals: 2 });
    expect(powerAxis(0.18)).toEqual({ max: 0.2, interval: 0.05, decimals: 2 });
    expect(powerAxis(0)).toEqual({ max: 1, interval: 1, decimals: 0 });
  });

  it('mirrors sources below zero and labels the power axis with magnitudes in its unit', () => {
    const o = powerFlowOption(data());
    const series = o.series as Array<{ name: string; data: Array<[number, number]>; stack?: string }>;
    expect(series.map((s) => s.name)).toEqual(['IT · <b>chat</b>', 'Cooling', 'Grid import', 'Import price']);
    expect(series[2]!.data).toEqual([[X[0], -1.1], [X[1], -2.3], [X[2], -1.7]]);
    expect(series[0]!.stack).toBe('uses');
    expect(series[2]!.stack).toBe('sources');
    const labels = axisLabels(o, 960, 520, 'yAxis', 0);
    expect(labels).toEqual(['3', '2', '1', '0', '1', '2', '3']);
    const y = o.yAxis as Array<{ name: string }>;
    expect(y[0]!.name).toBe('Power (MW)');
    expect(y[1]!.name).toBe('USD/MWh');
    expect((o.xAxis as Array<{ name?: string }>)[1]!.name).toBe('Local time (America/Chicago, UTC−05:00 at start)');
  });

  it('is static by default and interactive on request: tooltip, linked zoom of both panels, clickable legend', () => {
    const s = powerFlowOption(data());
    expect(s.tooltip).toBeUndefined();
    expect(s.dataZoom).toBeUndefined();
    const i = powerFlowOption(data(), { interactive: true });
    const zoom = i.dataZoom as Array<{ type: string; xAxisIndex: number[]; filterMode: string }>;
    expect(zoom.map((z) => z.type)).toEqual(['inside', 'slider']);
    for (const z of zoom) {
      expect(z.xAxisIndex).toEqual([0, 1]);
      expect(z.filterMode).toBe('none');
    }
    expect((i.legend as Array<{ selectedMode: boolean }>).every((l) => l.selectedMode)).toBe(true);
  });

  it('writes a tooltip with the local time, every non-zero flow with its unit, totals, and escaped names', () => {
    const o = powerFlowOption(data(), { interactive: true });
    const f = (o.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = f([
      { seriesIndex: 0, seriesName: 'IT · <b>chat</b>', value: [X[1], 2], marker: '' },
      { seriesIndex: 1, seriesName: 'Cooling', value: [X[1], 0.3], marker: '' },
      { seriesIndex: 2, seriesName: 'Grid import', value: [X[1], -2.3], marker: '' },
      { seriesIndex: 3, seriesName: 'Import price', value: [X[1], 95.5], marker: '' },
    ]);
    expect(html).toContain('2023-07-10 01:00');
    expect(html).toContain('IT · &lt;b&gt;chat&lt;/b&gt;');
    expect(html).not.toContain('<b>chat');
    expect(html).toContain('Uses · 2.3 MW');
    expect(html).toContain('Sources · 2.3 MW');
    expect(html).toContain('95.5 USD/MWh');
  });

  it('labels daily points by date and hourly points by time', () => {
    expect(wallClockLabel(Date.UTC(2023, 0, 5, 13, 0), 60)).toBe('2023-01-05 13:00');
    expect(wallClockLabel(Date.UTC(2023, 0, 5), 1440)).toBe('2023-01-05');
  });
});

describe('power-flow chart with stored energy', () => {
  const soc = { name: 'State of charge', color: '#E69F00', unit: 'MWh' as const, values: [10, 40, 25], capacity: 50 };

  it('draws the state of charge in a third panel on the same time axis, zoomed with the others, and grows by its height', () => {
    const o = powerFlowOption(data({ soc }), { interactive: true });
    const grids = o.grid as Array<{ top: number; height: number }>;
    expect(grids).toHaveLength(3);
    // power above storage above price, none overlapping
    expect(grids[0]!.top + grids[0]!.height).toBeLessThan(grids[2]!.top);
    expect(grids[2]!.top + grids[2]!.height).toBeLessThan(grids[1]!.top);
    const series = o.series as Array<{ name: string; data: Array<[number, number]>; xAxisIndex: number; yAxisIndex: number }>;
    const line = series.at(-1)!;
    expect(line.name).toBe('State of charge');
    expect(line.data).toEqual([[X[0], 10], [X[1], 40], [X[2], 25]]);
    expect([line.xAxisIndex, line.yAxisIndex]).toEqual([2, 2]);
    const y = o.yAxis as Array<{ name: string; max?: number; min?: number }>;
    expect(y[2]).toMatchObject({ name: 'SoC (MWh)', min: 0, max: 50 });
    for (const z of o.dataZoom as Array<{ xAxisIndex: number[] }>) expect(z.xAxisIndex).toEqual([0, 1, 2]);
    expect(powerChartHeight({ soc }, true) - powerChartHeight({}, true)).toBe(POWER_CHART_SIZE.socHeight);
    // without stored energy the chart is what it was: two panels
    expect(powerFlowOption(data()).grid).toHaveLength(2);
  });

  it('lists the stored energy in the tooltip with its unit, not in the power totals', () => {
    const o = powerFlowOption(data({ soc }), { interactive: true });
    const f = (o.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = f([
      { seriesIndex: 0, seriesName: 'IT · <b>chat</b>', value: [X[1], 2], marker: '' },
      { seriesIndex: 2, seriesName: 'Grid import', value: [X[1], -2.3], marker: '' },
      { seriesIndex: 3, seriesName: 'Import price', value: [X[1], 95.5], marker: '' },
      { seriesIndex: 4, seriesName: 'State of charge', value: [X[1], 40], marker: '' },
    ]);
    expect(html).toContain('Uses · 2 MW');
    expect(html).toContain('Sources · 2.3 MW');
    expect(html).toContain('State of charge</td><td style="text-align:right;padding-left:12px">40 MWh');
  });
});
