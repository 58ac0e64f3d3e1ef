/**
 * The tariff in the dispatch model, worked by hand: the plan's predicted bill (the objective's
 * bill part, by component) must equal the bill of the simulated plan, and the plan must take the
 * decisions the tariff rewards. One load-only site over two July days in Texas local time
 * (Monday 3 and Tuesday 4 July 2023; proration share 48/744).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadSiteScenario, planAndBill as planWith, profile } from '../../test/helpers/load-site.ts';
import { HighsWasmSolver } from '../optimize/index.ts';
import { BILL_COMPONENTS } from '../billing/bill.ts';

const SHARE = 48 / 744;
const solver = new HighsWasmSolver(); // one HiGHS worker for the whole file
afterAll(() => solver.close());
const planAndBill = (scenario: Record<string, unknown>, options: Parameters<typeof planWith>[1] = {}) => planWith(scenario, { solverInstance: solver, ...options });
const twoDays = (loadKW: number[] | number, site: Record<string, unknown>) => loadSiteScenario({ start: '2023-07-03T00:00', hours: 48, loadKW, site });

/** The plan's predicted bill equals the simulated bill, component by component. */
function expectPredictedEqualsBilled(r: Awaited<ReturnType<typeof planAndBill>>, tol = 1e-4) {
  for (const k of BILL_COMPONENTS) expect(r.predicted[k], k).toBeCloseTo(r.bill.breakdown[k], 3);
  expect(Math.abs(r.predicted.total - r.bill.total)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(r.bill.total)));
}

describe('time-of-use demand: the plan shaves a peak when the rate pays for it, not otherwise', () => {
  // 100 kW, with a 150 kW hour at 15:00; a 100 kWh / 50 kW battery whose wear costs 0.5 per kWh discharged.
  // Shaving 1 kW of the on-peak peak needs 1 kWh from the battery in the spike hour of each of the two
  // days, and 1 kWh discharged costs 0.5 (wear) + 0.1 × (1/0.95² − 1) = 0.5108 (losses bought back at
  // the flat price): 1.0216 per kW. It saves rate × 48/744 per kW: worth it at 30 per kW-month
  // (1.935), not at 5 (0.323). Shaving below 100 kW would need the battery in all four window hours.
  const site = (rate: number) => ({
    storage: { energyKWh: 100, powerKW: 50, socInitialFraction: 0.5, degradationCostPerMWh: 500 },
    tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandCharges: [{ name: 'on-peak demand', ratePerKWMonth: rate, windows: [{ from: '14:00', to: '18:00', days: 'workdays' }] }] },
  });
  const load = profile(100, { 15: 150 });

  it('shaves the 150 kW hour to 100 kW at 30 per kW-month', async () => {
    const r = await planAndBill(twoDays(load, site(30)));
    expect(r.bill.demandKW![0]!.billedKW).toBeCloseTo(100, 4);
    expect(r.bill.breakdown.demand).toBeCloseTo(100 * 30 * SHARE, 4);
    expectPredictedEqualsBilled(r);
  });

  it('leaves the peak at 150 kW at 5 per kW-month', async () => {
    const r = await planAndBill(twoDays(load, site(5)));
    expect(r.bill.demandKW![0]!.billedKW).toBeCloseTo(150, 4);
    expect(r.ledger.sites[0]!.storageDischargeKW.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    expectPredictedEqualsBilled(r);
  });
});

describe('ratchet: shaving below the ratchet floor earns nothing', () => {
  it('shaves to the floor (0.9 × 200 kW = 180 kW) and no further', async () => {
    const r = await planAndBill(
      twoDays(profile(100, { 15: 250 }), {
        storage: { energyKWh: 200, powerKW: 100, socInitialFraction: 0.5, degradationCostPerMWh: 100 },
        tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandCharges: [{ name: 'demand', ratePerKWMonth: 30, ratchet: { fraction: 0.9 }, history: [{ month: '2023-01', peakKW: 200 }] }] },
      }),
    );
    expect(r.bill.demandKW![0]!.billedKW).toBeCloseTo(180, 4);
    expect(r.bill.demandKW![0]!.measuredKW).toBeCloseTo(180, 4);
    expect(r.predicted.demand).toBeCloseTo(180 * 30 * SHARE, 4);
    expectPredictedEqualsBilled(r);
  });
});

describe('demand blocks with a falling rate: exact with binaries, relaxed (and said) without', () => {
  // 100 kW with a 125 kW hour at 15:00; the first 120 kW of demand at 20 per kW-month, the rest at 2 (a
  // concave cost). Shaving a kW costs 2 kWh discharged × (0.1 wear + 0.0108 losses) = 0.22. Below 120 kW
  // each kW saves 20 × 48/744 = 1.29: worth shaving; above it 2 × 48/744 = 0.13: not worth it alone.
  // A relaxation that sees only the 2-per-kW block keeps the 125 kW peak.
  const sc = () =>
    twoDays(profile(100, { 15: 125 }), {
      storage: { energyKWh: 100, powerKW: 50, socInitialFraction: 0.5, degradationCostPerMWh: 100 },
      tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, demandCharges: [{ name: 'demand', tiers: [{ upToKW: 120, ratePerKWMonth: 20 }, { ratePerKWMonth: 2 }] }] },
    });

  it('models the blocks exactly as a mixed-integer program, and shaves into the dear block', async () => {
    const r = await planAndBill(sc());
    expect(r.dispatch.solver!.integerColumns).toBeGreaterThan(0);
    // recharging lifts the other hours a little above 100 kW; the peak ends well below 120 kW
    expect(r.bill.demandKW![0]!.billedKW).toBeLessThan(105);
    expectPredictedEqualsBilled(r);
    expect(r.dispatch.notes.join(' ')).not.toContain('relaxed');
  });

  it('relaxes the blocks when told to, says so, and the bill still charges the blocks', async () => {
    const r = await planAndBill(sc(), { integers: 'relax' });
    expect(r.dispatch.solver!.integerColumns).toBe(0);
    expect(r.dispatch.notes.join(' ')).toContain('demand blocks with falling rates at s are relaxed');
    expect(r.bill.demandKW![0]!.billedKW).toBeCloseTo(125, 4);
    expect(r.bill.breakdown.demand).toBeCloseTo((120 * 20 + 5 * 2) * SHARE, 4);
    expect(r.predicted.demand).toBeCloseTo(125 * 2 * SHARE, 4);
  });
});

describe('China two-part: the plan lowers demand when that makes demand billing the cheaper basis', () => {
  it('shaves a 700 kW hour below 666.7 kW (where demand billing becomes cheaper than 20,000 on capacity) and bills on demand', async () => {
    const r = await planAndBill(
      twoDays(profile(500, { 15: 700 }), {
        grid: { importLimitKW: 2000, contractedCapacityKVA: 1000 },
        storage: { energyKWh: 400, powerKW: 200, socInitialFraction: 0.5 },
        tariff: { energy: { type: 'flat', pricePerKWh: 0.6 }, twoPart: { capacityRatePerKVAMonth: 20, demandRatePerKWMonth: 30 }, proration: 'whole' },
      }),
    );
    // at 700 kW demand costs 21,000 > 20,000; shaving the one hour a day below 666.7 kW makes demand cheaper,
    // and every kW below saves 30 until recharging lifts the other hours (the peak ends a little above 500 kW)
    const row = r.bill.twoPart![0]!;
    expect(row.basis).toBe('demand');
    expect(row.demandCost).toBeLessThan(20_000);
    expect(row.demandCost).toBeGreaterThanOrEqual(500 * 30);
    expect(r.bill.breakdown.demand).toBeCloseTo(row.demandCost, 6);
    expect(r.bill.breakdown.capacity).toBe(0);
    expectPredictedEqualsBilled(r);
  });
});

describe('minimum charge, fixed charges and net metering in the plan', () => {
  it('predicts the minimum top-up', async () => {
    const r = await planAndBill(twoDays(10, { tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, minimumChargePerMonth: 1000, fixedChargePerDay: 1 } }));
    expect(r.predicted.minimum).toBeCloseTo(1000 * SHARE - 48 - 2, 6);
    expectPredictedEqualsBilled(r);
  });

  it('stores solar to use instead of exporting beyond the net-metering limit', async () => {
    const pv = { id: 'pv', type: 'solar', capacityKW: 100, capacityFactor: { dailyProfile: profile(0, { 10: 1, 11: 1, 12: 1, 13: 1 }), unit: 'fraction' } };
    const r = await planAndBill(
      twoDays(50, {
        grid: { importLimitKW: 500, exportLimitKW: 100 },
        renewables: [pv],
        storage: { energyKWh: 400, powerKW: 100, socInitialFraction: 0.1, chargeEfficiency: 1, dischargeEfficiency: 1, endState: { type: 'equalStart' } },
        tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, export: { type: 'netMetering', limitKWhPerMonth: 744, excessPricePerKWh: 0 } },
      }),
    );
    // 200 kWh of surplus a day; credit is worth 0.1 only on the first 48 kWh (744 × 48/744), so the rest is stored and used
    expect(r.bill.breakdown.exportCredit).toBeCloseTo(-4.8, 6);
    expect(r.ledger.sites[0]!.socKWh[47]).toBeCloseTo(40, 6);
    expectPredictedEqualsBilled(r);
  });
});

describe('backup generator in the plan', () => {
  const site = (extra: Record<string, unknown> = {}) => ({
    generators: [{ id: 'diesel', fuel: 'diesel', capacityKW: 50, minLoadFraction: 0.3, fuelPrice: 1.1, fuelNoLoadPerHourPerKW: 0.033, ...extra }],
    tariff: {
      energy: { type: 'tou', pricesPerKWh: { offPeak: 0.05, spike: 1.0 }, defaultPeriod: 'offPeak', bands: [{ period: 'spike', from: '17:00', to: '19:00' }] },
      carbonPricePerTonne: 50,
    },
  });

  it('runs the genset at full output in the 1.00/kWh hours and prices its fuel and CO2', async () => {
    const r = await planAndBill(twoDays(100, site()));
    const L = r.ledger.sites[0]!;
    const on = [...L.generatorKW].map((x, t) => (x > 1e-6 ? t : -1)).filter((t) => t >= 0);
    expect(on).toEqual([17, 18, 41, 42]);
    expect(L.generatorKW[17]).toBeCloseTo(50, 6);
    // fuel per running hour: 0.033 L/h/kW × 50 kW + 0.076 gal/kWh × 3.785 L/gal × 50 kWh = 1.65 + 14.385 = 16.035 L
    const litres = 4 * (0.033 * 50 + 0.076 * 3.785411784 * 50);
    expect(r.bill.generatorFuel![0]!.quantity).toBeCloseTo(litres, 6);
    expect(r.bill.breakdown.generation).toBeCloseTo(litres * 1.1, 6);
    // CO2: EPA 10.21 kg per gallon of diesel = 2.697 kg/L
    expect(r.bill.generatorFuel![0]!.co2Tonnes).toBeCloseTo((litres * 10.21) / 3.785411784 / 1000, 9);
    expectPredictedEqualsBilled(r);
  });

  it('respects a run-hour limit', async () => {
    const r = await planAndBill(twoDays(100, site({ maxRunHours: 2 })));
    expect(r.ledger.sites[0]!.generatorKW.filter((x) => x > 1e-6).length).toBe(2);
    expectPredictedEqualsBilled(r);
  });
});

describe('one-way meter: importing and exporting in the same step', () => {
  // export pays 0.30/kWh in the two evening hours (a net-billing price above the 0.10 retail rate),
  // while 80 kW of wind blows all day against a 100 kW load
  const wind = { id: 'wind', type: 'wind', capacityKW: 80, capacityFactor: { constant: 1, unit: 'fraction' } };
  const sc = (forbid: boolean) =>
    twoDays(100, {
      grid: { importLimitKW: 500, exportLimitKW: 200 },
      renewables: [wind],
      tariff: {
        energy: { type: 'flat', pricePerKWh: 0.1 },
        export: { type: 'netBilling', price: { dailyProfile: profile(0, { 18: 300, 19: 300 }), unit: 'USD/MWh' } },
        forbidSimultaneousImportExport: forbid,
      },
    });

  it('sells the wind and buys the load when the meter allows both at once', async () => {
    const r = await planAndBill(sc(false));
    const L = r.ledger.sites[0]!;
    expect(L.gridExportKW[18]).toBeCloseTo(80, 6);
    expect(L.gridImportKW[18]).toBeCloseTo(100, 6);
    expect(r.bill.breakdown.exportCredit).toBeCloseTo(-4 * 0.08 * 300, 6);
    expectPredictedEqualsBilled(r);
  });

  it('does neither at once when the tariff forbids it', async () => {
    const r = await planAndBill(sc(true));
    const L = r.ledger.sites[0]!;
    for (let t = 0; t < 48; t++) expect(Math.min(L.gridImportKW[t]!, L.gridExportKW[t]!)).toBeLessThan(1e-6);
    expect(r.bill.breakdown.exportCredit).toBeCloseTo(0, 6);
    expectPredictedEqualsBilled(r);
  });
});

describe('storage end state', () => {
  // a 100 kWh battery starting at 50 %: the price is 1.00/kWh in the last two hours, 0.10 before
  const sc = (endState: unknown) =>
    twoDays(100, {
      storage: { energyKWh: 100, powerKW: 50, socInitialFraction: 0.5, socMinFraction: 0, socMaxFraction: 1, chargeEfficiency: 1, dischargeEfficiency: 1, endState },
      tariff: { energy: { type: 'tou', pricesPerKWh: { base: 0.1, last: 1.0 }, defaultPeriod: 'base', bands: [{ period: 'last', from: '22:00', to: '24:00', months: [7] }] } },
    });

  it('free: empties the battery into the dear hours', async () => {
    const r = await planAndBill(sc({ type: 'free' }));
    expect(r.ledger.sites[0]!.socKWh[47]).toBeCloseTo(0, 6);
  });

  it('equal to the start: ends at 50 kWh', async () => {
    const r = await planAndBill(sc({ type: 'equalStart' }));
    expect(r.ledger.sites[0]!.socKWh[47]).toBeCloseTo(50, 6);
  });

  it('at least a value: ends at 80 kWh', async () => {
    const r = await planAndBill(sc({ type: 'atLeast', socFraction: 0.8 }));
    expect(r.ledger.sites[0]!.socKWh[47]).toBeCloseTo(80, 6);
  });
});
