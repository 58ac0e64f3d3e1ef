import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { Finance } from '../scenario/schema/finance.ts';
import { buildCapex, depreciationOf, purchases } from './capex.ts';
import { CNY_PER_USD, resolveDefaults, USD_UNIT_COSTS } from './defaults.ts';
import { flatSite, flatWorkload, yearOf } from '../../test/helpers/finance-fixtures.ts';

function year() {
  const s = flatSite({ gpus: 8192, itMW: 10, facilityMWh: 1, energyCost: 1, workloads: [flatWorkload(0, 1, 1)] });
  s.storage = { energyMWh: 20, powerMW: 5 };
  s.renewables = [{ id: 'pv', type: 'solar', capacityMW: 4, owned: true }, { id: 'ppa', type: 'wind', capacityMW: 50, owned: false }];
  return yearOf([s], ['job']);
}

describe('default capex', () => {
  it('sizes items from GPUs, MW of IT, storage and owned renewables (PPAs carry no capex)', () => {
    const f = Finance.parse({});
    const items = buildCapex(year(), f, resolveDefaults('USD', f), []);
    const cost = (cat: string) => items.filter((i) => i.category === cat).reduce((a, i) => a + i.cost, 0);
    expect(cost('gpu-servers')).toBeCloseTo(8192 * (317_000 / 8), 3);
    expect(cost('network')).toBeCloseTo(8192 * (50_000 - 317_000 / 8), 3);
    // 10 MW × 11.7 M$/MW × (53 % critical + 47 % building), cold-plate +10 % on the cooling half
    expect(cost('power') + cost('building')).toBeCloseTo(10 * 11.7e6 * (0.53 / 2 + 0.47), 0);
    expect(cost('cooling')).toBeCloseTo(10 * 11.7e6 * 0.265 * 1.1, 0);
    expect(cost('land-and-soft')).toBeCloseTo(0.1 * (cost('power') + cost('building') + cost('cooling')), 3);
    expect(cost('storage')).toBeCloseTo(20_000 * 165, 6);
    expect(cost('renewables')).toBeCloseTo(4 * USD_UNIT_COSTS.solarPerMW, 6);
    expect(items.every((i) => i.yearSpent === 0 && i.source === 'default')).toBe(true);
    expect(items.find((i) => i.category === 'gpu-servers')!.lifeYears).toBe(5);
  });

  it('explicit items of a category replace the defaults of that category at that site', () => {
    const f = Finance.parse({ capex: { sites: [{ site: 'a', items: [{ category: 'gpu-servers', quantity: 8192, unit: 'gpu', unitCost: 30_000, lifeYears: 6 }] }] } });
    const items = buildCapex(year(), f, resolveDefaults('USD', f), []);
    const servers = items.filter((i) => i.category === 'gpu-servers');
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ source: 'scenario', cost: 8192 * 30_000, lifeYears: 6 });
    expect(items.some((i) => i.category === 'network' && i.source === 'default')).toBe(true);
  });

  it('converts USD defaults at 7.2 CNY/USD and uses the CNY figures the reference gives', () => {
    const f = Finance.parse({});
    const d = resolveDefaults('CNY', f);
    expect(d.unitCosts.gpuServerPerGpu.H100!).toBeCloseTo((317_000 / 8) * CNY_PER_USD, 6);
    expect(d.unitCosts.gpuServerPerGpu['Ascend-910B']).toBe(250_000);
    expect(d.unitCosts.storagePerKWh).toBe(500);
  });

  it('asks for an exchange rate in other currencies', () => {
    expect(() => resolveDefaults('EUR', Finance.parse({}))).toThrow(InputError);
    expect(resolveDefaults('EUR', Finance.parse({ exchangeRatePerUSD: 0.9 })).unitCosts.powerPerMW).toBeCloseTo(0.9 * USD_UNIT_COSTS.powerPerMW, 6);
  });

  it('names the path of a capex site that does not exist', () => {
    const f = Finance.parse({ capex: { sites: [{ site: 'nowhere', items: [] }] } });
    try {
      buildCapex(year(), f, resolveDefaults('USD', f), []);
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).location.path).toBe('finance.capex.sites[0].site');
    }
  });
});

describe('purchases, refresh and book value', () => {
  const f = Finance.parse({ capex: { useDefaults: false, sites: [{ site: 'a', items: [{ category: 'gpu-servers', unitCost: 1000, lifeYears: 2 }, { category: 'building', unitCost: 3000, lifeYears: 30 }] }] } });
  const items = buildCapex(year(), f, resolveDefaults('USD', f), []);

  it('buys items again at the end of their life within the horizon, at escalated prices', () => {
    const ps = purchases(items, 5, true, -0.1);
    expect(ps.filter((p) => p.category === 'gpu-servers').map((p) => [p.time, +p.cost.toFixed(6)])).toEqual([[0, 1000], [2, 810], [4, 656.1]]);
    expect(purchases(items, 5, false, 0).filter((p) => p.category === 'gpu-servers')).toHaveLength(1);
  });

  it('depreciates each purchase from the year after it and leaves the rest as book value', () => {
    const d = depreciationOf(purchases(items, 5, true, 0), 5, 2);
    // servers 500 a year every year; building 100 a year
    expect(d.byYear.slice(1)).toEqual([600, 600, 600, 600, 600]);
    // book: last server bought at 4, half depreciated (500); building 3000 − 500
    expect(d.bookValueAtEnd).toBeCloseTo(500 + 2500, 9);
  });
});
