import { describe, expect, it } from 'vitest';
import { makeFleet } from '../../test/browser/fixtures.ts';
import { powerFlowData } from './power-chart.ts';

describe('power-flow chart data', () => {
  const fleet = makeFleet({ sites: 1, days: 14 });
  const L = fleet.ledger.sites[0]!;
  const grid = fleet.ledger.grid;
  const zone = fleet.siteTimeZones[0]!;

  it('adds the stored energy on request: bucket means of the ledger\'s state of charge, in MWh past 1 MWh', () => {
    // a known ramp: 1,000 kWh + 1 kWh per step
    const ramp = { ...L, socKWh: L.socKWh.map((_v, t) => 1000 + t) };
    const d = powerFlowData(ramp, grid, zone, { title: 't', currency: 'USD', soc: true, maxPoints: 100 });
    // 336 hourly steps into at most 100 points: 6-hour means (America/Chicago has no DST change in July)
    expect(d.resolution).toBe('6-hour means');
    expect(d.soc!.unit).toBe('MWh');
    expect(d.soc!.values).toHaveLength(d.x.length);
    // the mean of steps 6j … 6j + 5 is 1,000 + 6j + 2.5 kWh
    for (let j = 0; j < d.x.length; j++) expect(d.soc!.values[j]).toBeCloseTo((1002.5 + 6 * j) / 1000, 4);
    // not asked for, or nothing stored: no panel
    expect(powerFlowData(L, grid, zone, { title: 't', currency: 'USD' }).soc).toBeUndefined();
    const empty = { ...L, socKWh: new Float64Array(L.socKWh.length) };
    expect(powerFlowData(empty, grid, zone, { title: 't', currency: 'USD', soc: true }).soc).toBeUndefined();
  });

  it('keeps kWh for small batteries', () => {
    const small = { ...L, socKWh: L.socKWh.map((v) => v / 10_000) };
    const d = powerFlowData(small, grid, zone, { title: 't', currency: 'USD', soc: true });
    expect(d.soc!.unit).toBe('kWh');
    expect(Math.max(...Array.from(d.soc!.values))).toBeCloseTo(Math.max(...small.socKWh), 3);
  });
});
