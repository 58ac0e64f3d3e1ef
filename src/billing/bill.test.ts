import { describe, expect, it } from 'vitest';
import type { SiteModel } from '../model/fleet-model.ts';
import { Tariff } from '../scenario/schema/tariff.ts';
import type { SiteLedger } from '../simulate/ledger.ts';
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import { billSite } from './bill.ts';
import { compileTariff } from '../tariff/compile.ts';

// Two local days, 2014-07-01 (Tuesday) and 2014-07-02, hourly, in China Standard Time.
const grid: TimeGrid = { startMs: Date.UTC(2014, 5, 30, 16), stepMinutes: 60, steps: 48, timeZone: 'Asia/Shanghai' };

/** Guangdong 2021 TOU shape: peak 10–12 and 14–19, valley 0–8, 1.7 : 1 : 0.38, critical peak +25 %. */
const guangdong = Tariff.parse({
  energy: {
    type: 'tou',
    pricesPerMWh: { flat: 650, peak: 1105, valley: 247 },
    bands: [
      { period: 'peak', from: '10:00', to: '12:00' },
      { period: 'peak', from: '14:00', to: '19:00' },
      { period: 'valley', from: '00:00', to: '08:00' },
    ],
    criticalPeak: { months: [7, 8, 9], bands: [{ from: '11:00', to: '12:00' }, { from: '15:00', to: '17:00' }], upliftOverPeak: 0.25, minDailyMaxTemperatureC: 35 },
  },
  demandChargePerKWMonth: 40,
  capacityChargePerKVAMonth: 25,
});

function fixture(tariff: Tariff, itKW: number, facilityKW: number, importKW: number, temperatureC: Float64Array) {
  const cal = calendarOf(grid, 'Asia/Shanghai');
  const compiledTariff = compileTariff(tariff, { grid, calendar: cal, temperatureC, contractedCapacityKVA: 1250, path: 'tariff' });
  const n = grid.steps;
  const full = (v: number) => new Float64Array(n).fill(v);
  const site = {
    index: 0, id: 'gd', name: 'gd', timeZone: 'Asia/Shanghai', calendar: cal, tariff, compiledTariff,
    spec: { grid: { contractedCapacityKVA: 1250 } }, renewables: [], generators: [],
  } as unknown as SiteModel;
  const L = {
    site: 0, id: 'gd', itKW: full(itKW), facilityKW: full(facilityKW), gridImportKW: full(importKW), gridExportKW: full(0),
    directGreenKW: full(0), renewableAvailableKW: full(0), renewableUsedKW: full(0), generators: [],
  } as unknown as SiteLedger;
  return { site, L };
}

describe('time-of-use bill (worked by hand)', () => {
  it('bills a constant 1 MW over a hot and a mild July day in Guangdong', () => {
    const temp = new Float64Array(48);
    for (let i = 0; i < 48; i++) temp[i] = i < 24 ? (i === 14 ? 36 : 30) : 31; // day 1 reaches 36 °C
    const { site, L } = fixture(guangdong, 800, 1000, 1000, temp);
    const bill = billSite(site, L, grid);
    // Day 1 (hot): critical peak 11–12 and 15–17 = 3 h at 1105 × 1.25 = 1381.25; remaining peak 4 h at 1105;
    // flat 9 h at 650; valley 8 h at 247 → 4143.75 + 4420 + 5850 + 1976 = 16389.75
    // Day 2 (mild): peak 7 h → 7735 + 5850 + 1976 = 15561
    expect(bill.breakdown.energy).toBeCloseTo(16389.75 + 15561, 6);
    const cp = bill.lines.find((l) => l.item === 'energy, criticalPeak')!;
    expect(cp.quantity).toBeCloseTo(3, 9);
    expect(cp.rate).toBeCloseTo(1381.25, 6);
    expect(bill.lines.find((l) => l.item === 'energy, peak')!.quantity).toBeCloseTo(11, 9);
    expect(bill.lines.find((l) => l.item === 'energy, valley')!.quantity).toBeCloseTo(16, 9);
    // Demand and capacity are monthly charges prorated by the 48 h of July's 744 h covered.
    expect(bill.breakdown.demand).toBeCloseTo((1000 * 40 * 48) / 744, 6);
    expect(bill.breakdown.capacity).toBeCloseTo((1250 * 25 * 48) / 744, 6);
    expect(bill.total).toBeCloseTo(31950.75 + 2580.645161 + 2016.129032, 3);
  });

  it('has no critical peak when no day is hot enough', () => {
    const { site, L } = fixture(guangdong, 800, 1000, 1000, new Float64Array(48).fill(30));
    const bill = billSite(site, L, grid);
    expect(bill.lines.some((l) => l.item === 'energy, criticalPeak')).toBe(false);
    expect(bill.breakdown.energy).toBeCloseTo(2 * 15561, 6);
  });

  it('treats a listed holiday as a non-workday for workday-only bands', () => {
    const t = Tariff.parse({
      energy: {
        type: 'tou', pricesPerMWh: { flat: 100, peak: 300 },
        bands: [{ period: 'peak', from: '08:00', to: '20:00', days: 'workdays' }],
        holidays: ['2014-07-01'],
      },
    });
    const { site, L } = fixture(t, 1000, 1000, 1000, new Float64Array(48));
    const bill = billSite(site, L, grid);
    // 2014-07-01 is a holiday: 24 h flat; 2014-07-02 (Wednesday): 12 h peak + 12 h flat
    expect(bill.breakdown.energy).toBeCloseTo(24 * 100 + 12 * 300 + 12 * 100, 6);
  });
});

describe('PUE-linked surcharge (Beijing 2024 rule, worked by hand)', () => {
  const rule = (basis: 'allEnergy' | 'excessEnergy') =>
    Tariff.parse({
      energy: { type: 'flat', pricePerMWh: 800 },
      pueAdjustment: { period: 'month', limit: 1.35, basis, tiers: [{ aboveLimitByFraction: 0, surchargePerMWh: 200 }, { aboveLimitByFraction: 1, surchargePerMWh: 500 }] },
    });

  it('charges +200 per MWh on the energy above PUE 1.35 when PUE is 1.5', () => {
    const { site, L } = fixture(rule('excessEnergy'), 1000, 1500, 1500, new Float64Array(48));
    const bill = billSite(site, L, grid);
    // excess = (1500 − 1.35 × 1000) kW × 48 h = 7.2 MWh → 1440
    expect(bill.breakdown.pueAdjustment).toBeCloseTo(1440, 6);
    expect(bill.puePeriods[0]!.pue).toBeCloseTo(1.5, 9);
  });

  it('charges +500 on all energy when PUE is more than twice the limit', () => {
    const { site, L } = fixture(rule('allEnergy'), 1000, 3000, 3000, new Float64Array(48));
    const bill = billSite(site, L, grid);
    expect(bill.breakdown.pueAdjustment).toBeCloseTo(3 * 48 * 500, 6);
  });

  it('charges nothing at or below the limit', () => {
    const { site, L } = fixture(rule('allEnergy'), 1000, 1350, 1350, new Float64Array(48));
    expect(billSite(site, L, grid).breakdown.pueAdjustment).toBe(0);
  });
});

describe('carbon price (worked by hand)', () => {
  it('charges the location-based CO2 of grid imports at the carbon price', () => {
    const t = Tariff.parse({ energy: { type: 'flat', pricePerMWh: 800 }, carbonPricePerTonne: 60 });
    const { site, L } = fixture(t, 1000, 1000, 1000, new Float64Array(48));
    (L as { carbonIntensity: Float64Array }).carbonIntensity = new Float64Array(48).fill(500);
    // 48 MWh at 500 g/kWh = 24 t; × 60 per t = 1440
    expect(billSite(site, L, grid).breakdown.carbon).toBeCloseTo(1440, 6);
  });
});
