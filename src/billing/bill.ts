/**
 * Monthly electricity bills with line items, per site, the way a utility would issue them:
 * energy (spot with adders, or time-of-use by period), maximum-demand and contracted-capacity
 * charges, export credits, PUE-linked adjustments, green certificates and the price of direct
 * renewable supply. Amounts are in the scenario currency.
 */
import type { SiteModel } from '../model/fleet-model.ts';
import type { SiteLedger } from '../simulate/ledger.ts';
import { stepHours, type TimeGrid } from '../time/grid.ts';
import { TOU_PERIODS } from '../tariff/tou.ts';

/** One line of a bill. */
export interface BillLine {
  /** Local month, YYYY-MM. */
  month: string;
  item: string;
  quantity: number;
  unit: string;
  rate: number;
  rateUnit: string;
  amount: number;
}

/** Totals by kind of charge. */
export interface BillBreakdown {
  energy: number;
  demand: number;
  capacity: number;
  exportCredit: number;
  pueAdjustment: number;
  certificates: number;
  renewableSupply: number;
  carbon: number;
}

/** A site's bill over the horizon. */
export interface SiteBill {
  site: string;
  lines: BillLine[];
  months: Array<{ month: string; total: number }>;
  breakdown: BillBreakdown;
  total: number;
  /** Certificates bought to reach the green-share target (1 certificate = 1 MWh). */
  certificatesMWh: number;
  /** PUE of each period the PUE rule evaluated. */
  puePeriods: Array<{ period: string; pue: number; tier: string }>;
}

/** PUE comparisons ignore float noise below this (a PUE of exactly the limit is not above it). */
const PUE_TOLERANCE = 1e-9;

const round = (x: number, d = 6) => Math.round(x * 10 ** d) / 10 ** d;

/** Maximum demand (kW) per month index, averaged over the tariff's demand interval. */
export function monthlyMaxDemandKW(importKW: Float64Array, monthIndex: Int32Array, months: number, grid: TimeGrid, intervalMinutes: number): Float64Array {
  const max = new Float64Array(months);
  const per = Math.max(1, Math.round(intervalMinutes / grid.stepMinutes));
  for (let i = 0; i < importKW.length; i += per) {
    let sum = 0;
    let k = 0;
    for (; k < per && i + k < importKW.length; k++) sum += importKW[i + k]!;
    const avg = sum / k;
    const m = monthIndex[i]!;
    if (avg > max[m]!) max[m] = avg;
  }
  return max;
}

function daysInMonth(key: string): number {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Bills one site from its ledger. */
export function billSite(site: SiteModel, L: SiteLedger, grid: TimeGrid): SiteBill {
  const cal = site.calendar;
  const h = stepHours(grid);
  const tariff = site.tariff;
  const months = cal.monthKeys.length;
  const lines: BillLine[] = [];
  const b: BillBreakdown = { energy: 0, demand: 0, capacity: 0, exportCredit: 0, pueAdjustment: 0, certificates: 0, renewableSupply: 0, carbon: 0 };
  const add = (line: BillLine, kind: keyof BillBreakdown) => {
    if (line.quantity === 0 && line.amount === 0) return;
    lines.push({ ...line, quantity: round(line.quantity), amount: round(line.amount, 2), rate: round(line.rate, 4) });
    b[kind] += line.amount;
  };

  // per-month sums
  const importMWh = new Float64Array(months);
  const exportMWh = new Float64Array(months);
  const exportAmt = new Float64Array(months);
  const facilityMWh = new Float64Array(months);
  const co2Tonnes = new Float64Array(months);
  const itMWh = new Float64Array(months);
  const greenMWh = new Float64Array(months);
  const stepsIn = new Float64Array(months);
  const e = tariff.energy;
  const energyAmt = new Float64Array(months);
  const byPeriod = Array.from({ length: months }, () => new Float64Array(TOU_PERIODS.length));
  const byPeriodAmt = Array.from({ length: months }, () => new Float64Array(TOU_PERIODS.length));
  const adderPerMWh = e.type === 'flat' ? 0 : e.adderPerMWh;
  for (let t = 0; t < grid.steps; t++) {
    const m = cal.monthIndex[t]!;
    const imp = (L.gridImportKW[t]! * h) / 1000;
    importMWh[m]! += imp;
    stepsIn[m]! += 1;
    energyAmt[m]! += imp * (L.importPrice[t]! - adderPerMWh);
    const ex = (L.gridExportKW[t]! * h) / 1000;
    exportMWh[m]! += ex;
    exportAmt[m]! += ex * L.exportPrice[t]!;
    facilityMWh[m]! += (L.facilityKW[t]! * h) / 1000;
    if (tariff.carbonPricePerTonne > 0) co2Tonnes[m]! += (imp * L.carbonIntensity[t]!) / 1000; // MWh × g/kWh = kg; /1000 → t
    itMWh[m]! += (L.itKW[t]! * h) / 1000;
    greenMWh[m]! += (L.directGreenKW[t]! * h) / 1000;
    if (site.touPeriod) {
      const p = site.touPeriod[t]!;
      byPeriod[m]![p]! += imp;
      byPeriodAmt[m]![p]! += imp * (L.importPrice[t]! - adderPerMWh);
    }
  }

  const demandKW = monthlyMaxDemandKW(L.gridImportKW, cal.monthIndex, months, grid, tariff.demandIntervalMinutes);
  for (let m = 0; m < months; m++) {
    const month = cal.monthKeys[m]!;
    if (e.type === 'tou') {
      for (let p = 0; p < TOU_PERIODS.length; p++) {
        const q = byPeriod[m]![p]!;
        if (q === 0) continue;
        add({ month, item: `energy, ${TOU_PERIODS[p]}`, quantity: q, unit: 'MWh', rate: byPeriodAmt[m]![p]! / q, rateUnit: 'per MWh', amount: byPeriodAmt[m]![p]! }, 'energy');
      }
    } else {
      const q = importMWh[m]!;
      add({ month, item: e.type === 'spot' ? 'energy, spot' : 'energy, flat rate', quantity: q, unit: 'MWh', rate: q > 0 ? energyAmt[m]! / q : 0, rateUnit: 'per MWh', amount: energyAmt[m]! }, 'energy');
    }
    if (adderPerMWh !== 0) add({ month, item: 'network and government charges', quantity: importMWh[m]!, unit: 'MWh', rate: adderPerMWh, rateUnit: 'per MWh', amount: importMWh[m]! * adderPerMWh }, 'energy');
    // fixed monthly charges are prorated when the horizon covers part of a month
    const share = Math.min(1, (stepsIn[m]! * h) / (24 * daysInMonth(month)));
    if (tariff.demandChargePerKWMonth > 0) {
      add({ month, item: `maximum demand (${tariff.demandIntervalMinutes}-min average)`, quantity: demandKW[m]!, unit: 'kW', rate: tariff.demandChargePerKWMonth * share, rateUnit: 'per kW-month', amount: demandKW[m]! * tariff.demandChargePerKWMonth * share }, 'demand');
    }
    const kva = site.spec.grid.contractedCapacityKVA ?? 0;
    if (tariff.capacityChargePerKVAMonth > 0 && kva > 0) {
      add({ month, item: 'contracted capacity', quantity: kva, unit: 'kVA', rate: tariff.capacityChargePerKVAMonth * share, rateUnit: 'per kVA-month', amount: kva * tariff.capacityChargePerKVAMonth * share }, 'capacity');
    }
    if (tariff.carbonPricePerTonne > 0 && co2Tonnes[m]! > 0) {
      add({ month, item: 'carbon price on grid CO2 (location-based)', quantity: co2Tonnes[m]!, unit: 't CO2', rate: tariff.carbonPricePerTonne, rateUnit: 'per t', amount: co2Tonnes[m]! * tariff.carbonPricePerTonne }, 'carbon');
    }
    if (exportMWh[m]! > 0) {
      add({ month, item: 'export credit', quantity: exportMWh[m]!, unit: 'MWh', rate: -exportAmt[m]! / exportMWh[m]!, rateUnit: 'per MWh', amount: -exportAmt[m]! }, 'exportCredit');
    }
  }

  // direct renewable supply priced per MWh taken (used on site or exported), as a dedicated-line PPA bills it
  for (const re of site.renewables) {
    if (re.pricePerMWh === 0) continue;
    const usedByMonth = new Float64Array(months);
    for (let t = 0; t < grid.steps; t++) {
      const avail = L.renewableAvailableKW[t]!;
      if (avail <= 0) continue;
      usedByMonth[cal.monthIndex[t]!]! += (((L.renewableUsedKW[t]! + L.renewableExportKW[t]!) * re.availableKW[t]!) / avail) * h / 1000;
    }
    for (let m = 0; m < months; m++) {
      add({ month: cal.monthKeys[m]!, item: `renewable supply taken, ${re.id}`, quantity: usedByMonth[m]!, unit: 'MWh', rate: re.pricePerMWh, rateUnit: 'per MWh', amount: usedByMonth[m]! * re.pricePerMWh }, 'renewableSupply');
    }
  }

  // periods for annual rules: calendar years within the horizon, billed in their last month
  const groups = (period: 'month' | 'year'): Array<{ key: string; months: number[] }> => {
    const out = new Map<string, number[]>();
    for (let m = 0; m < months; m++) {
      const key = period === 'month' ? cal.monthKeys[m]! : cal.monthKeys[m]!.slice(0, 4);
      out.set(key, [...(out.get(key) ?? []), m]);
    }
    return [...out].map(([key, ms]) => ({ key, months: ms }));
  };
  const sum = (a: Float64Array, ms: number[]) => ms.reduce((s, m) => s + a[m]!, 0);

  const puePeriods: SiteBill['puePeriods'] = [];
  const rule = tariff.pueAdjustment;
  if (rule) {
    for (const g of groups(rule.period)) {
      const it = sum(itMWh, g.months);
      const fac = sum(facilityMWh, g.months);
      const imp = sum(importMWh, g.months);
      if (it <= 0) continue;
      const pue = fac / it;
      const month = cal.monthKeys[g.months[g.months.length - 1]!]!;
      let tier: { aboveLimitByFraction: number; surchargePerMWh: number } | undefined;
      for (const t of [...rule.tiers].sort((a, b2) => a.aboveLimitByFraction - b2.aboveLimitByFraction)) {
        if (pue > rule.limit * (1 + t.aboveLimitByFraction) + PUE_TOLERANCE) tier = t;
      }
      let label = 'none';
      if (tier) {
        const basis = rule.basis === 'allEnergy' ? imp : Math.min(imp, Math.max(0, fac - rule.limit * it));
        label = `+${tier.surchargePerMWh}/MWh`;
        add({ month, item: `PUE surcharge (PUE ${pue.toFixed(3)} > ${rule.limit}${tier.aboveLimitByFraction > 0 ? ` × ${1 + tier.aboveLimitByFraction}` : ''}, ${g.key})`, quantity: basis, unit: 'MWh', rate: tier.surchargePerMWh, rateUnit: 'per MWh', amount: basis * tier.surchargePerMWh }, 'pueAdjustment');
      } else if (rule.discount && pue <= rule.discount.atOrBelow + PUE_TOLERANCE) {
        label = `-${rule.discount.discountPerMWh}/MWh`;
        add({ month, item: `PUE discount (PUE ${pue.toFixed(3)} ≤ ${rule.discount.atOrBelow}, ${g.key})`, quantity: imp, unit: 'MWh', rate: -rule.discount.discountPerMWh, rateUnit: 'per MWh', amount: -imp * rule.discount.discountPerMWh }, 'pueAdjustment');
      }
      puePeriods.push({ period: g.key, pue, tier: label });
    }
  }

  let certificatesMWh = 0;
  const gc = tariff.greenCertificates;
  if (gc) {
    for (const g of groups('year')) {
      const need = Math.max(0, gc.targetGreenShare * sum(facilityMWh, g.months) - sum(greenMWh, g.months));
      certificatesMWh += need;
      const month = cal.monthKeys[g.months[g.months.length - 1]!]!;
      add({ month, item: `green certificates to reach ${(gc.targetGreenShare * 100).toFixed(0)} % (${g.key})`, quantity: need, unit: 'MWh', rate: gc.pricePerMWh, rateUnit: 'per certificate', amount: need * gc.pricePerMWh }, 'certificates');
    }
  }

  const monthTotals = cal.monthKeys.map((month) => ({ month, total: round(lines.filter((l) => l.month === month).reduce((s, l) => s + l.amount, 0), 2) }));
  const total = Object.values(b).reduce((s, x) => s + x, 0);
  return { site: site.id, lines, months: monthTotals, breakdown: b, total, certificatesMWh, puePeriods };
}
