/**
 * Known answers for the utility tariff features, worked by hand. Every case is one load-only site
 * in Texas local time (America/Chicago) over two July days (Monday 3 and Tuesday 4 July 2023,
 * 48 h of the month's 744 h: proration share 48/744), billed as metered.
 */
import { describe, expect, it } from 'vitest';
import { billAsMetered, loadSiteScenario, profile } from '../../test/helpers/load-site.ts';
import { summarise } from '../metrics/summary.ts';
import { thrown } from '../../test/helpers/input-error.ts';
import type { SiteBill } from './bill.ts';
import { cheaperTwoPartBasis, twoPartBreakevenKW } from '../tariff/compile.ts';

const SHARE = 48 / 744;
const twoDays = (loadKW: number[] | number, site: Record<string, unknown>) => loadSiteScenario({ start: '2023-07-03T00:00', hours: 48, loadKW, site });
const line = (bill: SiteBill, start: string) => bill.lines.find((l) => l.item.startsWith(start));

describe('energy: named periods, seasons, blocks, fixed charges, proration', () => {
  const tariff = (proration: 'prorata' | 'whole') => ({
    energy: {
      type: 'tou',
      pricesPerKWh: { offPeak: 0.05, onPeak: 0.15 },
      defaultPeriod: 'offPeak',
      bands: [{ period: 'onPeak', from: '12:00', to: '18:00', days: 'workdays' }],
      seasons: [{ name: 'summer', months: [7, 8], pricesPerKWh: { onPeak: 0.25 } }],
      holidays: ['2023-07-04'],
    },
    energyTiers: [{ upToKWh: 2000, adderPerKWh: 0 }, { adderPerKWh: 0.01 }],
    fixedChargePerMonth: 100,
    fixedChargePerDay: 2,
    proration,
  });

  it('bills 100 kW for two days pro rata', () => {
    const { bill } = billAsMetered(twoDays(100, { tariff: tariff('prorata') }));
    // on-peak: 3 July 12–18 h only (4 July is a holiday): 0.6 MWh × 250 (summer price) = 150
    expect(line(bill, 'energy, onPeak')!).toMatchObject({ quantity: 0.6, amount: 150 });
    // off-peak: the other 42 h, 4.2 MWh × 50 = 210
    expect(line(bill, 'energy, offPeak')!).toMatchObject({ quantity: 4.2, amount: 210 });
    // block 1 is 2 MWh × 48/744 = 0.129032 MWh; the other 4.670968 MWh pay 10 more per MWh
    expect(bill.lines.find((l) => l.item.startsWith('energy block 2'))!.amount).toBeCloseTo((4.8 - 2 * SHARE) * 10, 2);
    // customer charges: 100 × 48/744 and 2 per day × 31 days × 48/744 = 4
    expect(line(bill, 'customer charge (pro rata: 48 of 744 h)')!.amount).toBeCloseTo(100 * SHARE, 2);
    expect(line(bill, 'daily customer charge')!.amount).toBeCloseTo(4, 9);
    expect(bill.breakdown.energy).toBeCloseTo(360 + (4.8 - 2 * SHARE) * 10, 6);
    expect(bill.breakdown.fixed).toBeCloseTo(100 * SHARE + 4, 6);
    expect(bill.total).toBeCloseTo(360 + 46.709677 + 6.451613 + 4, 5);
  });

  it('bills the same days as whole months, and says so on the line', () => {
    const { bill } = billAsMetered(twoDays(100, { tariff: tariff('whole') }));
    // whole: block 1 is the full 2 MWh, so 2.8 MWh × 10 = 28; customer charges 100 + 2 × 31
    expect(bill.lines.find((l) => l.item.startsWith('energy block 2'))!.amount).toBeCloseTo(28, 9);
    expect(line(bill, 'customer charge (whole month billed; 48 of 744 h in horizon)')!.amount).toBe(100);
    expect(bill.breakdown.fixed).toBeCloseTo(162, 9);
    expect(bill.total).toBeCloseTo(360 + 28 + 162, 6);
  });

  it('bills a whole month shortened by daylight saving (March, 743 h) and a leap February (696 h) whole', () => {
    for (const [start, end] of [['2023-03-01T00:00', '2023-04-01T00:00'], ['2024-02-01T00:00', '2024-03-01T00:00']] as const) {
      const sc = loadSiteScenario({ start, hours: 1, loadKW: 10, site: { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandChargePerKWMonth: 10, fixedChargePerMonth: 100 } } });
      (sc.horizon as Record<string, unknown>) = { start, end, timeZone: 'America/Chicago' };
      const { bill, model } = billAsMetered(sc);
      const hours = model.grid.steps;
      expect(hours).toBe(start.startsWith('2023') ? 743 : 696);
      // 10 kW × 10 per kW-month + 100: no proration, no note on the lines
      expect(bill.breakdown.demand).toBe(100);
      expect(bill.breakdown.fixed).toBe(100);
      expect(bill.lines.every((l) => !l.item.includes('pro rata'))).toBe(true);
      expect(bill.breakdown.energy).toBeCloseTo(hours * 10 * 0.1, 9);
    }
  });
});

describe('demand charges (worked by hand)', () => {
  // 100 kW, with 150, 200 and 150 kW in the hours starting 14:00, 15:00 and 16:00 each day
  const load = profile(100, { 14: 150, 15: 200, 16: 150 });
  const bill = (demandCharges: unknown[]) => billAsMetered(twoDays(load, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandCharges } })).bill;

  it('a time-of-use demand charge measures the peak in its window only', () => {
    const b = bill([{ name: 'on-peak demand', ratePerKWMonth: 12, windows: [{ from: '14:00', to: '17:00', days: 'workdays' }] }, { name: 'off-peak demand', ratePerKWMonth: 3, windows: [{ from: '00:00', to: '14:00' }, { from: '17:00', to: '24:00' }] }]);
    expect(line(b, 'on-peak demand')!).toMatchObject({ quantity: 200 });
    expect(line(b, 'on-peak demand')!.amount).toBeCloseTo(200 * 12 * SHARE, 2);
    expect(line(b, 'off-peak demand')!.quantity).toBe(100);
    expect(b.breakdown.demand).toBeCloseTo((200 * 12 + 100 * 3) * SHARE, 6);
  });

  it('blocks: the first 150 kW at 5, the rest at 8', () => {
    const b = bill([{ name: 'facility demand', tiers: [{ upToKW: 150, ratePerKWMonth: 5 }, { ratePerKWMonth: 8 }] }]);
    expect(b.lines.filter((l) => l.item.startsWith('facility demand')).map((l) => l.quantity)).toEqual([150, 50]);
    expect(b.breakdown.demand).toBeCloseTo((150 * 5 + 50 * 8) * SHARE, 6);
  });

  it('a rate per month and a ratchet: at least 90 % of the highest of the previous 11 months', () => {
    const rates = [3, 3, 3, 3, 3, 3, 10, 10, 3, 3, 3, 3];
    const b = bill([{ name: 'summer demand', ratePerKWMonth: rates, ratchet: { fraction: 0.9, lookbackMonths: 11 }, history: [{ month: '2022-08', peakKW: 300 }, { month: '2022-06', peakKW: 400 }] }]);
    // June 2022 is 13 months back: only August 2022 counts; 0.9 × 300 = 270 kW > 200 kW measured, at July's rate 10
    const l = line(b, 'summer demand')!;
    expect(l.quantity).toBe(270);
    expect(l.item).toContain('ratchet: 90 % of 300 kW set in 2022-08');
    expect(b.breakdown.demand).toBeCloseTo(270 * 10 * SHARE, 6);
    expect(b.demandKW![0]).toMatchObject({ measuredKW: 200, billedKW: 270 });
  });

  it('a ratchet on given months of the year only (summer peaks)', () => {
    const b = bill([{ name: 'ratcheted', ratePerKWMonth: 1, ratchet: { fraction: 0.9, months: [6, 7, 8, 9] }, history: [{ month: '2022-10', peakKW: 500 }, { month: '2022-09', peakKW: 250 }] }]);
    // October does not count: 0.9 × 250 = 225 kW
    expect(line(b, 'ratcheted')!.quantity).toBe(225);
    expect(b.breakdown.demand).toBeCloseTo(225 * SHARE, 6);
  });

  it('coincident peak: demand at the announced system-peak hours, highest or average', () => {
    const times = ['2023-07-03T15:00', '2023-07-04T09:00'];
    const avg = bill([{ name: 'transmission (CP)', ratePerKWMonth: 20, coincident: { times, measure: 'average' } }]);
    // (200 + 100) / 2 = 150 kW
    expect(line(avg, 'transmission (CP)')!.quantity).toBe(150);
    expect(avg.breakdown.demand).toBeCloseTo(150 * 20 * SHARE, 6);
    const max = bill([{ name: 'transmission (CP)', ratePerKWMonth: 20, coincident: { times, measure: 'max' } }]);
    expect(line(max, 'transmission (CP)')!.quantity).toBe(200);
  });

  it('the month\'s peak so far carried in (a mid-month start)', () => {
    const b = bill([{ name: 'maximum demand', ratePerKWMonth: 2, history: [{ month: '2023-07', peakKW: 260 }] }]);
    expect(line(b, 'maximum demand')!.quantity).toBe(260);
    expect(b.breakdown.demand).toBeCloseTo(260 * 2 * SHARE, 6);
  });
});

describe('China two-part tariff: capacity or demand, and the cheaper of the two', () => {
  const bill = (kW: number, basis: string) =>
    billAsMetered(twoDays(kW, { grid: { importLimitKW: 2000, contractedCapacityKVA: 1000 }, tariff: { energy: { type: 'flat', pricePerKWh: 0.6 }, twoPart: { capacityRatePerKVAMonth: 20, demandRatePerKWMonth: 30, basis }, proration: 'whole' } })).bill;

  it('bills capacity or demand as asked', () => {
    expect(bill(500, 'capacity').breakdown.capacity).toBe(20_000); // 1000 kVA × 20
    expect(bill(500, 'demand').breakdown.demand).toBe(15_000); // 500 kW × 30
    // demand below 40 % of the contracted capacity is billed at 400 kW
    expect(bill(100, 'demand').breakdown.demand).toBe(12_000);
  });

  it('picks the cheaper: demand at 500 kW (15,000 < 20,000), capacity at 800 kW (24,000 > 20,000)', () => {
    const low = bill(500, 'cheaper');
    expect(low.breakdown).toMatchObject({ demand: 15_000, capacity: 0 });
    expect(low.twoPart![0]).toMatchObject({ basis: 'demand', capacityCost: 20_000, demandCost: 15_000 });
    expect(line(low, 'basic charge on maximum demand')!.item).toContain('cheaper: capacity 20,000 vs demand 15,000; demand billing is cheaper below 666.7 kW');
    const high = bill(800, 'cheaper');
    expect(high.breakdown).toMatchObject({ demand: 0, capacity: 20_000 });
    // the rule: demand billing is cheaper below kVA × capacity rate ÷ demand rate = 1000 × 20 / 30
    const tp = { kva: 1000, capacityRatePerKVAMonth: 20, demandRatePerKWMonth: 30, floorKW: 400 };
    expect(twoPartBreakevenKW(tp)).toBeCloseTo(666.667, 3);
    expect([cheaperTwoPartBasis(tp, 666), cheaperTwoPartBasis(tp, 667), cheaperTwoPartBasis(tp, 100)]).toEqual(['demand', 'capacity', 'demand']);
  });
});

describe('minimum charge', () => {
  it('tops the utility\'s lines up to the minimum', () => {
    // 10 kW × 48 h × 0.1 = 48 of energy
    const sc = (proration: string) => twoDays(10, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, minimumChargePerMonth: 1000, proration } });
    expect(billAsMetered(sc('whole')).bill.breakdown.minimum).toBeCloseTo(952, 9);
    const pro = billAsMetered(sc('prorata')).bill;
    expect(pro.breakdown.minimum).toBeCloseTo(1000 * SHARE - 48, 9);
    expect(pro.total).toBeCloseTo(1000 * SHARE, 9);
  });
});

describe('export: net metering, net billing', () => {
  // 50 kW load; 100 kW of solar output from 06:00 to 18:00: 50 kW exported for 12 h a day, 50 kW imported the other 12 h
  const solar = { id: 'pv', type: 'solar', capacityKW: 100, capacityFactor: { dailyProfile: profile(0, { 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1, 17: 1 }), unit: 'fraction' } };
  const bill = (exp: Record<string, unknown>) => billAsMetered(twoDays(50, { grid: { importLimitKW: 500, exportLimitKW: 100 }, renewables: [solar], tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, export: exp } })).bill;

  it('credits export at the retail rate up to the month\'s import', () => {
    const b = bill({ type: 'netMetering' });
    expect(b.breakdown.energy).toBeCloseTo(120, 9); // 1.2 MWh × 100
    expect(b.breakdown.exportCredit).toBeCloseTo(-120, 9);
    expect(b.total).toBeCloseTo(0, 9);
  });

  it('credits at retail up to a monthly limit (pro rata) and the rest at the excess price', () => {
    const b = bill({ type: 'netMetering', limitKWhPerMonth: 744, excessPricePerKWh: 0.02 });
    // limit 744 kWh × 48/744 = 48 kWh at 100/MWh = 4.8; the other 1.152 MWh at 20/MWh = 23.04
    expect(line(b, 'export credit, net metering')!).toMatchObject({ quantity: 0.048, amount: -4.8 });
    expect(line(b, 'export beyond the net-metering limit')!.amount).toBeCloseTo(-23.04, 9);
  });

  it('a time-varying export limit caps export step by step (the lower of the series and the constant)', () => {
    const sc = twoDays(50, { grid: { importLimitKW: 500, exportLimitKW: 100, exportLimit: { dailyProfile: profile(30, { 12: 200, 13: 200 }), unit: 'kW' } }, renewables: [solar], tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, export: { type: 'flat', pricePerKWh: 0.05 } } });
    const { ledger, bill: b } = billAsMetered(sc);
    const L = ledger.sites[0]!;
    expect(L.gridExportKW[10]).toBe(30);
    expect(L.gridExportKW[12]).toBe(50); // limit 100 (the constant), surplus 50
    // per day: 10 h at 30 kW + 2 h at 50 kW = 0.4 MWh; two days 0.8 MWh × 50
    expect(b.breakdown.exportCredit).toBeCloseTo(-40, 9);
  });

  it('net billing pays the export price series', () => {
    const b = bill({ type: 'netBilling', price: { constant: 30, unit: 'USD/MWh' } });
    expect(b.breakdown.exportCredit).toBeCloseTo(-36, 9); // 1.2 MWh × 30
  });
});

describe('bad tariff input is named where it is', () => {
  it('a two-part tariff without contracted capacity, a coincident time that is not a time, a negative load', () => {
    const kva = thrown(() => billAsMetered(twoDays(100, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, twoPart: { capacityRatePerKVAMonth: 20, demandRatePerKWMonth: 30 } } })));
    expect(kva.location.path).toBe('sites[0].tariff.twoPart');
    expect(kva.message).toContain('contractedCapacityKVA');
    const cp = thrown(() => billAsMetered(twoDays(100, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandCharges: [{ name: 'cp', ratePerKWMonth: 1, coincident: { times: ['3 July at five'] } }] } })));
    expect(cp.location.path).toBe('sites[0].tariff.demandCharges[0].coincident.times[0]');
    const neg = thrown(() => billAsMetered(twoDays(-5, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 } } })));
    expect(neg.location.path).toBe('sites[0].loads[0].power');
    const tiers = thrown(() => billAsMetered(twoDays(100, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandCharges: [{ name: 'd', tiers: [{ ratePerKWMonth: 1 }, { upToKW: 5, ratePerKWMonth: 2 }] }] } })));
    expect(tiers.location.path).toBe('sites[0].tariff.demandCharges[0].tiers[0].upToKW');
  });
});

describe('site loads', () => {
  it('a building load is billed but outside facility energy; PUE is undefined without IT', () => {
    const { model, ledger, bill } = billAsMetered(twoDays(100, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 } } }));
    const { summary } = summarise(model, ledger);
    expect(bill.breakdown.energy).toBeCloseTo(480, 9); // 4.8 MWh × 100
    expect(summary.fleet.pue).toBeNull();
    expect(summary.sites[0]!.pue).toBeNull();
    expect(summary.sites[0]!.designPue).toBeNull();
    expect(summary.fleet.siteLoadEnergyMWh).toBeCloseTo(4.8, 9);
    expect(summary.fleet.facilityEnergyMWh).toBe(0);
  });

  it('a facility load counts in facility energy', () => {
    const sc = twoDays(100, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 } } });
    ((sc.sites as Array<Record<string, unknown>>)[0]!.loads as Array<Record<string, unknown>>)[0]!.kind = 'facility';
    const { model, ledger } = billAsMetered(sc);
    const { summary } = summarise(model, ledger);
    expect(summary.fleet.facilityEnergyMWh).toBeCloseTo(4.8, 9);
    expect(summary.fleet.pue).toBeNull();
  });

  it('keeps a 1.14 kW load exact to the watt in the summary', () => {
    const { model, ledger } = billAsMetered(twoDays(1.14, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 } } }));
    const { summary } = summarise(model, ledger);
    expect(summary.fleet.peakImportMW).toBe(0.00114);
    expect(summary.fleet.gridImportMWh).toBeCloseTo(0.05472, 9);
  });
});
