import { describe, expect, it } from 'vitest';
import { project, NEUTRAL_LEVERS } from './cashflows.ts';
import { paybackPeriods } from './payback.ts';
import { lineVerdict } from './report-section.ts';
import { flatSite, flatWorkload, inputOf, WORKED_FINANCE as finance, workedCase as worked, yearOf } from '../../test/helpers/finance-fixtures.ts';
import { valueFromInput } from './value.ts';

/**
 * The worked case (workedCase in the finance fixtures). One site, 10 GPUs (7,300 GPU-h a month),
 * one job using 5,000 GPU-h a month, electricity 1,000 a month, other fixed cost 12,000 a year;
 * one 120,000 server bought in year 0 with a 4-year life; a 2-year contract at 2.00/GPU-h (+10 %
 * a year) with a 6,000 GPU-h monthly take-or-pay minimum; afterwards spot at 1.50; tax 25 %;
 * 3 years at 10 %.
 *
 * Revenue:  y1 max(5,000, 6,000) × 2.00 × 12 = 144,000 (of which 24,000 for unused minimum)
 *           y2 6,000 × 2.20 × 12 = 158,400;  y3 (spot) 5,000 × 1.50 × 12 = 90,000
 * Opex:     12,000 electricity + 12,000 fixed = 24,000 a year
 * EBITDA:   120,000; 134,400; 66,000.  Depreciation 30,000 a year; book value after y3 30,000.
 * Tax:      25 % × (90,000; 104,400; 36,000) = 22,500; 26,100; 9,000
 * Cash:     −120,000; 97,500; 108,300; 57,000 + 30,000 residual = 87,000
 * NPV 10 %: −120,000 + 88,636.36 + 89,504.13 + 65,364.39 = 123,504.88
 * Payback:  cumulative −22,500 after y1 → 1 + 22,500 / 108,300 = 1.2078 years
 * Line:     12,000 − 1,000 − 1,000 = 10,000 a month → recovers 120,000 in exactly 12 months
 */
describe('projection: the worked case', () => {
  const input = worked();
  const p = project(input);
  const y = p.years;

  it('bills the take-or-pay minimum when the volume falls short, then escalates, then sells at spot', () => {
    expect(y[1]!.revenueContracted).toBeCloseTo(144_000, 6);
    expect(y[1]!.revenueTakeOrPayShortfall).toBeCloseTo(24_000, 6);
    expect(y[2]!.revenueContracted).toBeCloseTo(158_400, 6);
    expect(y[3]!.revenueContracted).toBe(0);
    expect(y[3]!.revenueUncontracted).toBeCloseTo(90_000, 6);
    expect(y[1]!.contractFloorRevenue).toBeCloseTo(144_000, 6);
  });

  it('depreciates, taxes and adds the residual book value', () => {
    expect(y.slice(1).map((r) => r.depreciation)).toEqual([30_000, 30_000, 30_000]);
    expect(y.map((r) => r.tax)).toEqual([0, 22_500, 26_100, 9_000].map((t) => expect.closeTo(t, 6)));
    expect(y[3]!.residualValue).toBeCloseTo(30_000, 6);
    expect(y.map((r) => r.cashFlow)).toEqual([-120_000, 97_500, 108_300, 87_000].map((c) => expect.closeTo(c, 6)));
  });

  it('gives the hand-worked NPV, payback, IRR and line payback', () => {
    const f = valueFromInput(input, []);
    expect(f.npv).toBeCloseTo(123_504.88, 2);
    expect(f.paybackYears!).toBeCloseTo(1 + 22_500 / 108_300, 9);
    // discounted: −120,000 + 88,636.36 = −31,363.64 after y1; y2 adds 89,504.13
    expect(f.discountedPaybackYears!).toBeCloseTo(1 + 31_363.636 / 89_504.132, 5);
    expect(f.irrStatus).toBe('unique');
    const flows = y.map((r) => r.cashFlow);
    expect(flows.reduce((a, c, t) => a + c / (1 + f.irr!) ** t, 0)).toBeCloseTo(0, 4);
    expect(f.contractedRevenueShare).toBeCloseTo(302_400 / 392_400, 9);
    expect(f.takeOrPayCoverage!).toBeCloseTo(144_000 / 12_000, 9);
    expect(f.lines).toHaveLength(1);
    expect(f.lines[0]!.paybackMonths!).toBeCloseTo(12, 9);
    expect(f.lines[0]!.paysBackWithinTarget).toBe(true);
    // LCOC = PV(capex + opex − residual) / PV(GPU-hours sold)
    const pvCost = 120_000 + 24_000 / 1.1 + 24_000 / 1.21 + (24_000 - 30_000) / 1.331;
    const pvGpu = 60_000 / 1.1 + 60_000 / 1.21 + 60_000 / 1.331;
    expect(f.lcocPerGpuHour!).toBeCloseTo(pvCost / pvGpu, 9);
  });

  it('a line that pays back in 12 months breaks even at the electricity price that stretches it to 18', () => {
    const f = valueFromInput(input, []);
    const be = f.lines[0]!.breakEven!;
    // 18 months = 12 at 12,000 revenue + 6 at 13,200 (year-2 price), each less electricity E and 1,000 fixed:
    // 12 (11,000 − E) + 6 (12,200 − E) = 120,000 → E = 85,200 / 18 = 4,733.33 a month, at 12 MWh → 394.44 per MWh
    expect(be.energyPrice.base!).toBeCloseTo(1000 / 12, 9);
    expect(be.energyPrice.value!).toBeCloseTo(85_200 / 18 / 12, 3);
    // contract price p: 12 (6,000 p − 2,000) + 6 (6,600 p − 2,000) = 120,000 → p = 156,000 / 111,600
    expect(be.price.value!).toBeCloseTo(156_000 / 111_600, 5);
    // the minimum binds at any utilisation below 6,000 / 7,300 = 82 %, and above it more work only adds margin: no flip
    expect(be.utilisation.value).toBeNull();
    expect(lineVerdict(f.lines[0]!, 'USD', 18)).toMatch(/^c1: pays back in 12 months, within 18 months\. It would miss the target with electricity above 394\.4 USD\/MWh .* or a price below 1\.398 USD per GPU-hour .*\. 1 % utilisation or PUE 3\.0 alone would not stop it\.$/);
    // PUE 3.0 raises electricity to 1,000 × 3 / 1.2 = 2,500 a month: margin 8,500, payback 14.1 months
    expect(be.pue.value).toBeNull();
  });
});

describe('projection: take-or-pay', () => {
  it('pays for the minimum when volume is below it and for the volume when above', () => {
    const site = flatSite({ gpus: 10, facilityMWh: 12, energyCost: 0, workloads: [flatWorkload(0, 7000, 10)] });
    const p = project(inputOf(yearOf([site], ['job']), { ...finance, horizonYears: 1 }));
    expect(p.years[1]!.revenueContracted).toBeCloseTo(7000 * 2 * 12, 6);
    expect(p.years[1]!.revenueTakeOrPayShortfall).toBe(0);
  });
});

describe('projection: lines add up to the project', () => {
  it('pre-tax line cash sums to revenue − opex − capex every year, with idle capacity sold at spot', () => {
    const site = flatSite({ gpus: 20, idleItMWh: 1, facilityMWh: 30, energyCost: 2500, workloads: [flatWorkload(0, 5000, 10, 1e9), flatWorkload(1, 3000, 6)] });
    const input = inputOf(yearOf([site], ['job', 'other']), {
      ...finance,
      horizonYears: 4,
      inflation: 0.03,
      capex: { useDefaults: false, sites: [{ site: 'a', items: [{ category: 'gpu-servers', quantity: 20, unitCost: 10_000, lifeYears: 2 }, { category: 'building', quantity: 1, unitCost: 50_000, lifeYears: 20 }] }] },
      opex: { maintenanceShareOfCapex: 0.02, staffFtePerMW: 1, costPerFtePerYear: 100_000, wueLPerKWh: 1.8, waterPricePerM3: 2, otherFixedPerYear: 5000 },
      spotCompute: { pricePerGpuHour: 1.5, idleUtilisation: 0.5 },
      wasteHeat: { recoveredShareOfIt: 0.3, pricePerMWh: 10 },
      demandResponse: { revenuePerYear: 1200 },
    }, 1200);
    const p = project(input);
    expect(input.lines.map((l) => l.id)).toEqual(['c1', 'other', 'spot']);
    for (let t = 0; t <= 4; t++) {
      const r = p.years[t]!;
      const lineNet = p.lines.reduce((a, l) => a + l.revenueByYear[t]! - l.costByYear[t]!, 0);
      expect(lineNet).toBeCloseTo(r.revenue - r.opex - r.capex, 4);
    }
    // refresh: the 2-year servers are bought again at the end of year 2
    expect(p.years[2]!.capex).toBeCloseTo(200_000, 6);
    expect(p.years[0]!.capex).toBeCloseTo(250_000, 6);
    // spot sells half the idle hours: (14,600 − 8,000) × 0.5 × 1.5 × 12
    expect(p.years[1]!.revenueSpotIdle).toBeCloseTo(6600 * 0.5 * 1.5 * 12, 6);
  });

  it('levers: electricity price scales the electricity bill, PUE shifts it by (PUE + Δ) / PUE', () => {
    const input = worked();
    const base = project(input).years[1]!.opexEnergy;
    expect(project(input, { ...NEUTRAL_LEVERS, energyPrice: 1.5 }).years[1]!.opexEnergy).toBeCloseTo(1.5 * base, 6);
    // PUE 12 / 10 = 1.2 → 1.5 multiplies facility energy and cost by 1.25
    expect(project(input, { ...NEUTRAL_LEVERS, pueDelta: 0.3 }).years[1]!.opexEnergy).toBeCloseTo(1.25 * base, 6);
    // utilisation +10 %: 5,500 GPU-h still under the 6,000 minimum, revenue unchanged, energy +10 %
    const u = project(input, { ...NEUTRAL_LEVERS, utilisation: 1.1 });
    expect(u.years[1]!.revenueContracted).toBeCloseTo(144_000, 6);
    expect(u.years[1]!.opexEnergy).toBeCloseTo(1.1 * base, 6);
  });

  it('line payback is computed from monthly cash', () => {
    const p = project(worked());
    expect(paybackPeriods(p.lines[0]!.monthlyCash)).toBeCloseTo(12, 9);
  });
});
