/**
 * A zoomed window's data laid onto the overview's series: same names, order and unit; nothing
 * lost when the window ranks workloads differently (they join "other workloads"); the stored
 * energy converted to the overview's unit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PowerChartView } from '../types.ts';
import { alignWindow } from './power.ts';

const WINDOW = { fromStep: 0, toStep: 4, steps: 8760, startMs: 0, stepMinutes: 60 };

function view(unit: 'kW' | 'MW', uses: Array<[string, number[]]>, sources: Array<[string, number[]]>, soc?: { unit: 'kWh' | 'MWh'; values: number[] }): PowerChartView {
  const n = uses[0]?.[1].length ?? 0;
  return {
    title: 't',
    unit,
    currency: 'USD',
    zoneLabel: 'UTC',
    resolution: unit === 'MW' ? 'daily means' : 'hourly values',
    pointMinutes: unit === 'MW' ? 1440 : 60,
    x: Array.from({ length: n }, (_, i) => i * 3_600_000),
    xRange: [0, 365 * 86_400_000],
    uses: uses.map(([name, values]) => ({ name, color: '#000', values })),
    sources: sources.map(([name, values]) => ({ name, color: '#000', values })),
    prices: [{ name: 'Import price', color: '#000', values: Array.from({ length: n }, () => 50) }],
    ...(soc ? { soc: { name: 'State of charge', color: '#000', ...soc } } : {}),
    window: WINDOW,
    pointSteps: Array.from({ length: n }, (_, i) => i),
  };
}

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);

describe('a zoomed window on the power chart', () => {
  it('keeps the overview\'s series and unit, converting the window\'s (worked by hand)', () => {
    const base = view('MW', [['IT · chat', [1]], ['Cooling', [0.1]]], [['Grid import', [1.1]]], { unit: 'MWh', values: [5] });
    const win = view('kW', [['Cooling', [100, 120]], ['IT · chat', [900, 1000]]], [['Grid import', [1000, 1120]]], { unit: 'kWh', values: [4000, 4500] });
    const out = alignWindow(base, win);
    expect(out.unit).toBe('MW');
    expect(out.resolution).toBe('hourly values');
    expect(out.xRange).toEqual(base.xRange);
    expect(out.x).toEqual(win.x);
    expect(out.uses.map((s) => s.name)).toEqual(['IT · chat', 'Cooling']);
    expect(Array.from(out.uses[0]!.values)).toEqual([0.9, 1]);
    expect(Array.from(out.uses[1]!.values)).toEqual([0.1, 0.12]);
    expect(Array.from(out.sources[0]!.values)).toEqual([1, 1.12]);
    expect(out.soc!.unit).toBe('MWh');
    expect(Array.from(out.soc!.values)).toEqual([4, 4.5]);
  });

  it('draws a series the window lacks as zeros', () => {
    const base = view('kW', [['IT · chat', [1]], ['Storage charge', [2]]], [['Grid import', [3]]]);
    const win = view('kW', [['IT · chat', [5, 6]]], [['Grid import', [5, 6]]]);
    expect(Array.from(alignWindow(base, win).uses[1]!.values)).toEqual([0, 0]);
  });

  it('loses no energy when the window ranks workloads differently (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }),
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
        (workloads, order) => {
          // the overview shows workloads 0 and 1 and groups the rest; the window ranks them by `order`
          const name = (i: number) => `IT · w${i}`;
          const base = view('kW', [[name(0), [0]], [name(1), [0]], ['IT · 2 other workloads', [0]]], [['Grid import', [0]]]);
          const shown = order.slice(0, 2);
          const grouped = order.slice(2);
          const other = [0, 1, 2].map((j) => grouped.reduce((a, i) => a + workloads[i]![j]!, 0));
          const win = view('kW', [...shown.map((i): [string, number[]] => [name(i), workloads[i]!]), ['IT · 2 other workloads', other]], [['Grid import', [0, 0, 0]]]);
          const out = alignWindow(base, win);
          expect(out.uses.map((s) => s.name)).toEqual(base.uses.map((s) => s.name));
          for (let j = 0; j < 3; j++) {
            const total = workloads.reduce((a, w) => a + w[j]!, 0);
            expect(out.uses.reduce((a, s) => a + s.values[j]!, 0)).toBeCloseTo(total, 6);
          }
          expect(sum(out.uses.flatMap((s) => Array.from(s.values)))).toBeCloseTo(sum(workloads.flat()), 4);
        },
      ),
      { numRuns: 100 },
    );
  });
});
