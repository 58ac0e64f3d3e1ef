/**
 * Property: for random tariffs drawn from the utility features (named time-of-use periods and
 * seasons, adders, blocks of monthly energy rising or falling, several demand charges with windows,
 * monthly rates, blocks, ratchets with history, coincident peaks and peaks carried in, China's
 * two-part basic charge, fixed and minimum charges, proration, priced export, net metering and net
 * billing, one-way meters, a carbon price) on a small load-only site with a battery, solar and a
 * genset, the optimal plan's predicted bill equals the bill of the simulated plan within 0.1 %.
 * A day hourly, some crossing a month end (into a leap day's March) or a daylight-saving change.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HighsWasmSolver } from '../optimize/index.ts';
import { loadSiteScenario, planAndBill } from '../../test/helpers/load-site.ts';

/** A day: long enough for daily shapes, short enough for fast mixed-integer solves. */
const HOURS = 24;
const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
const kWhPrice = fc.integer({ min: 3, max: 30 }).map((c) => c / 100); // 0.03–0.30 per kWh
const hourBand = fc.tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 6 })).map(([a, len]) => ({ from: hour(a), to: hour(Math.min(24, a + len)) }));

const energyArb = fc.oneof(
  kWhPrice.map((p) => ({ type: 'flat', pricePerKWh: p })),
  fc.record({ off: kWhPrice, on: kWhPrice, mid: kWhPrice, band: hourBand, band2: hourBand, season: fc.boolean(), adder: fc.integer({ min: 0, max: 20 }), workdays: fc.boolean() }).map((x) => ({
    type: 'tou',
    pricesPerKWh: { offPeak: x.off, onPeak: x.on, midPeak: x.mid },
    defaultPeriod: 'offPeak',
    bands: [{ period: 'midPeak', ...x.band2 }, { period: 'onPeak', ...x.band, days: x.workdays ? 'workdays' : 'all' }],
    seasons: x.season ? [{ months: [7, 8, 3], pricesPerKWh: { onPeak: x.on * 1.5 } }] : [],
    adderPerMWh: x.adder,
  })),
);

const demandChargeArb = (i: number) =>
  fc
    .record({
      rate: fc.integer({ min: 0, max: 30 }),
      tiers: fc.option(fc.tuple(fc.integer({ min: 60, max: 180 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 })), { nil: undefined }),
      window: fc.option(hourBand, { nil: undefined }),
      ratchet: fc.option(fc.tuple(fc.integer({ min: 30, max: 95 }), fc.integer({ min: 50, max: 250 })), { nil: undefined }),
      coincident: fc.option(fc.tuple(fc.integer({ min: 0, max: HOURS - 1 }), fc.integer({ min: 0, max: HOURS - 1 }), fc.boolean()), { nil: undefined }),
      soFar: fc.option(fc.integer({ min: 50, max: 250 }), { nil: undefined }),
    })
    .map((x) => ({
      name: `demand ${i}`,
      ...(x.tiers ? { tiers: [{ upToKW: x.tiers[0], ratePerKWMonth: x.tiers[1] }, { ratePerKWMonth: x.tiers[2] }] } : { ratePerKWMonth: x.rate }),
      windows: x.window ? [x.window] : [],
      ...(x.ratchet ? { ratchet: { fraction: x.ratchet[0] / 100 } } : {}),
      ...(x.coincident ? { coincident: { stepsFromStart: [x.coincident[0], x.coincident[1]], measure: x.coincident[2] ? 'max' : 'average' } } : {}),
      history: [...(x.ratchet ? [{ month: '2023-01', peakKW: x.ratchet[1] }] : []), ...(x.soFar ? [{ month: 'START', peakKW: x.soFar }] : [])],
    }));

const exportArb = fc.oneof(
  fc.constant({ type: 'none' }),
  kWhPrice.map((p) => ({ type: 'flat', pricePerKWh: p / 3 })),
  fc.record({ limit: fc.option(fc.integer({ min: 100, max: 20_000 }), { nil: undefined }), excess: fc.integer({ min: 0, max: 3 }) }).map((x) => ({ type: 'netMetering', ...(x.limit ? { limitKWhPerMonth: x.limit } : {}), excessPricePerKWh: x.excess / 100 })),
  fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 24, maxLength: 24 }).map((p) => ({ type: 'netBilling', price: { dailyProfile: p, unit: 'USD/MWh' } })),
);

const caseArb = fc.record({
  start: fc.constantFrom('2023-07-03T00:00', '2023-07-31T12:00', '2023-03-12T00:00', '2024-02-29T12:00'),
  load: fc.array(fc.integer({ min: 40, max: 200 }), { minLength: 24, maxLength: 24 }),
  energy: energyArb,
  tiers: fc.option(fc.tuple(fc.integer({ min: 500, max: 8000 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 })), { nil: undefined }),
  legacyDemand: fc.integer({ min: 0, max: 10 }),
  charges: fc.integer({ min: 0, max: 2 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => demandChargeArb(i)))),
  twoPart: fc.option(fc.record({ kva: fc.integer({ min: 150, max: 400 }), cap: fc.integer({ min: 5, max: 30 }), dem: fc.integer({ min: 5, max: 40 }), basis: fc.constantFrom('capacity', 'demand', 'cheaper') }), { nil: undefined }),
  fixed: fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5 })),
  minimum: fc.constantFrom(0, 0, 800, 5000),
  proration: fc.constantFrom('prorata', 'whole'),
  exportTariff: exportArb,
  exportLimitKW: fc.integer({ min: 0, max: 100 }),
  oneWay: fc.boolean(),
  carbon: fc.constantFrom(0, 50),
  storage: fc.option(fc.record({ kWh: fc.integer({ min: 20, max: 300 }), kW: fc.integer({ min: 10, max: 100 }), wear: fc.integer({ min: 0, max: 80 }), end: fc.constantFrom('free', 'atLeastStart', 'equalStart') }), { nil: undefined }),
  solarKW: fc.constantFrom(0, 0, 80, 250),
  genset: fc.option(fc.record({ kW: fc.integer({ min: 10, max: 60 }), min: fc.integer({ min: 0, max: 40 }), noLoad: fc.integer({ min: 0, max: 50 }), price: fc.integer({ min: 30, max: 150 }), hours: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }) }), { nil: undefined }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

export function scenarioOf(c: Case): Record<string, unknown> {
  const startMonth = c.start.slice(0, 7);
  const startHour = Date.parse(`${c.start}:00Z`);
  const stamp = (k: number) => new Date(startHour + k * 3_600_000).toISOString().slice(0, 16);
  const charges = (c.charges as Array<Record<string, unknown>>).map((d) => {
    const { coincident, history, ...rest } = d as { coincident?: { stepsFromStart: number[]; measure: string }; history: Array<{ month: string; peakKW: number }> };
    return {
      ...rest,
      history: history.map((x) => ({ ...x, month: x.month === 'START' ? startMonth : x.month })),
      ...(coincident ? { coincident: { times: coincident.stepsFromStart.map(stamp), measure: coincident.measure } } : {}),
    };
  });
  const solar = { id: 'pv', type: 'solar', capacityKW: c.solarKW, capacityFactor: { dailyProfile: [0, 0, 0, 0, 0, 0, 0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1, 0.95, 0.85, 0.7, 0.5, 0.3, 0.1, 0, 0, 0, 0, 0], unit: 'fraction' } };
  return loadSiteScenario({
    start: c.start,
    hours: HOURS,
    loadKW: c.load,
    site: {
      grid: { importLimitKW: 2000, exportLimitKW: c.exportLimitKW, ...(c.twoPart ? { contractedCapacityKVA: c.twoPart.kva } : {}) },
      renewables: c.solarKW > 0 ? [solar] : [],
      ...(c.storage ? { storage: { energyKWh: c.storage.kWh, powerKW: c.storage.kW, degradationCostPerMWh: c.storage.wear, endState: { type: c.storage.end } } } : {}),
      ...(c.genset
        ? { generators: [{ id: 'g', fuel: 'diesel', capacityKW: c.genset.kW, minLoadFraction: c.genset.min / 100, fuelNoLoadPerHourPerKW: c.genset.noLoad / 1000, fuelPrice: c.genset.price / 100, ...(c.genset.hours ? { maxRunHours: c.genset.hours } : {}) }] }
        : {}),
      tariff: {
        energy: c.energy,
        ...(c.tiers ? { energyTiers: [{ upToKWh: c.tiers[0], adderPerMWh: c.tiers[1] }, { adderPerMWh: c.tiers[2] }] } : {}),
        demandChargePerKWMonth: c.legacyDemand,
        demandCharges: charges,
        ...(c.twoPart ? { twoPart: { capacityRatePerKVAMonth: c.twoPart.cap, demandRatePerKWMonth: c.twoPart.dem, basis: c.twoPart.basis } } : {}),
        fixedChargePerMonth: c.fixed[0],
        fixedChargePerDay: c.fixed[1],
        minimumChargePerMonth: c.minimum,
        proration: c.proration,
        export: c.exportTariff,
        forbidSimultaneousImportExport: c.oneWay,
        carbonPricePerTonne: c.carbon,
      },
    },
  });
}

describe('the plan prices the bill it will get (property)', () => {
  const solver = new HighsWasmSolver(); // one worker for every run
  afterAll(() => solver.close());

  it('predicted bill = simulated bill within 0.1 % for random tariffs', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const t0 = performance.now();
        const r = await planAndBill(scenarioOf(c), { solverInstance: solver });
        if (process.env.PROP_LOG) console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s, ${r.dispatch.solver!.integerColumns} binaries, predicted ${r.predicted.total.toFixed(2)}, billed ${r.bill.total.toFixed(2)}${Math.abs(r.predicted.total - r.bill.total) > 0.01 ? ` MISMATCH ${JSON.stringify(c)}` : ''}`);
        const gap = Math.abs(r.predicted.total - r.bill.total);
        expect(gap, `predicted ${JSON.stringify(r.predicted)} vs billed ${JSON.stringify(r.bill.breakdown)}`).toBeLessThanOrEqual(1e-3 * Math.abs(r.bill.total) + 1e-6);
        expect(r.ledger.corrections).toEqual([]);
        expect(r.dispatch.notes.join(' ')).not.toContain('relaxed');
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 24), seed: Number(process.env.PROP_SEED ?? 20260514), endOnFailure: !!process.env.PROP_LOG },
    );
  }, Number(process.env.PROP_TIMEOUT ?? 240_000));
});
