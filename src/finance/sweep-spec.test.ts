import { describe, expect, it } from 'vitest';
import { applyPoint, checkSweep, parseSweepSpec, reusesResolution, sweepPoints } from './sweep-spec.ts';
import { thrown } from '../../test/helpers/input-error.ts';

const scenario = {
  name: 't',
  horizon: { start: '2023-01-01T00:00', hours: 24 },
  sites: [
    {
      id: 'a', latitude: 30, longitude: -97, grid: { importLimitMW: 10 }, it: [{ accelerator: 'H100', gpus: 8 }],
      facility: { cooling: { archetype: 'cold-plate', designPUE: 1.2 } },
      renewables: [{ id: 'pv', type: 'solar', capacityMW: 1 }, { id: 'w1', type: 'wind', capacityMW: 2 }],
      tariff: { energy: { type: 'flat', pricePerMWh: 50 } },
    },
    { id: 'b', latitude: 30, longitude: -97, grid: { importLimitMW: 10 }, it: [{ accelerator: 'H100', gpus: 8 }], facility: { cooling: { archetype: 'air' } }, storage: { energyMWh: 4, powerMW: 1 }, tariff: { energy: { type: 'flat', pricePerMWh: 50 } } },
  ],
};

const inputError = thrown;

describe('sweep grammar', () => {
  it('refuses __proto__, constructor and prototype anywhere in a path or as a site, and leaves Object.prototype alone', () => {
    for (const spec of ['finance.__proto__.x=1,2', 'finance.constructor.prototype.x=1', 'storage.__proto__=1', 'it.prototype.gpus=8', '__proto__:storage.energyMWh=1', 'constructor:grid.importLimitMW=5']) {
      const e = inputError(() => parseSweepSpec(spec));
      expect(e.code).toBe('OPTION_INVALID');
      expect(e.message).toMatch(/is not a scenario field or site/);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('parses lists, ranges and the cooling alias into a Cartesian product', () => {
    const s = parseSweepSpec('storage.energyMWh=0,50,100;renewables.solar.capacityMW=0..60:30;cooling.archetype=air,cold-plate,immersion');
    expect(s.points).toBe(27);
    expect(s.dimensions[1]!.values).toEqual([0, 30, 60]);
    expect(s.dimensions[2]!.path).toEqual(['facility', 'cooling', 'archetype']);
    const pts = sweepPoints(s);
    expect(pts).toHaveLength(27);
    expect(pts[0]).toEqual([0, 0, 'air']);
    expect(pts[1]).toEqual([0, 0, 'cold-plate']);
    expect(pts[26]).toEqual([100, 60, 'immersion']);
  });

  it('takes a site prefix and scenario-level finance paths', () => {
    const s = parseSweepSpec('b:storage.powerMW=1,2; finance.discountRate=0.08,0.1');
    expect(s.dimensions[0]).toMatchObject({ site: 'b', path: ['storage', 'powerMW'] });
    expect(s.dimensions[1]).toMatchObject({ site: null, path: ['finance', 'discountRate'], values: [0.08, 0.1] });
  });

  it.each([
    ['', 'empty'],
    ['storage.energyMWh', 'no "PATH=" part'],
    ['power.x=1', 'unknown path start "power"'],
    ['storage.energyMWh=0..10:0', 'step must be > 0'],
    ['storage.energyMWh=1,,2', 'empty value'],
    ['storage.energyMWh=1,1', 'repeats a value'],
    ['a:finance.taxRate=0.2', 'take no site'],
    ['storage.energyMWh=0..100000:1', 'at most'],
  ])('rejects %j with a message saying what is valid (%s)', (spec, why) => {
    const e = inputError(() => parseSweepSpec(spec));
    expect(e.code).toBe('OPTION_INVALID');
    expect(e.location.path).toBe('--sweep');
    expect(e.message).toContain(why);
    expect(e.message).toContain('[SITE:]PATH=');
  });
});

describe('applying a point', () => {
  it('picks array elements by id or type, creates a 4-hour battery where none exists, and drops designPUE when the archetype changes', () => {
    const s = parseSweepSpec('renewables.wind.capacityMW=5;storage.energyMWh=40;cooling.archetype=immersion');
    const out = applyPoint(scenario, s, [5, 40, 'immersion']) as unknown as { sites: Array<{ renewables: Array<{ capacityMW: number }>; storage: unknown; facility: { cooling: unknown } }> };
    expect(out.sites[0]!.renewables[1]!.capacityMW).toBe(5);
    expect(out.sites[0]!.renewables[0]!.capacityMW).toBe(1);
    expect(out.sites[0]!.storage).toEqual({ energyMWh: 40, powerMW: 10 });
    expect(out.sites[1]!.storage).toEqual({ energyMWh: 40, powerMW: 1 });
    expect(out.sites[0]!.facility.cooling).toEqual({ archetype: 'immersion' });
    // the input is not changed
    expect(scenario.sites[0]!.facility.cooling.designPUE).toBe(1.2);
  });

  it('fails on an unknown site or an element no site has', () => {
    expect(inputError(() => applyPoint(scenario, parseSweepSpec('zz:storage.energyMWh=1'), [1])).message).toContain('unknown site "zz"');
    expect(inputError(() => applyPoint(scenario, parseSweepSpec('renewables.hydro.capacityMW=1'), [1])).message).toContain('matches nothing');
  });

  it('checks every value against the schema before running, naming the path', () => {
    const e = inputError(() => checkSweep(scenario, parseSweepSpec('storage.energyMWh=10,-5')));
    expect(e.code).toBe('OPTION_INVALID');
    expect(e.message).toContain('"storage.energyMWh=-5"');
    expect(e.message).toContain('storage.energyMWh');
    const bad = inputError(() => checkSweep(scenario, parseSweepSpec('cooling.archetype=air,water')));
    expect(bad.message).toContain('valid values');
    expect(() => checkSweep(scenario, parseSweepSpec('cooling.archetype=air,immersion;finance.discountRate=0.05,0.1'))).not.toThrow();
  });

  it('reuses resolved series only for fields that do not touch them', () => {
    const dims = parseSweepSpec('storage.energyMWh=1;renewables.pv.capacityMW=1;cooling.archetype=air;finance.taxRate=0.2;it.H100.gpus=8;grid.importLimitMW=5').dimensions;
    expect(dims.map(reusesResolution)).toEqual([true, true, true, true, false, false]);
  });
});
