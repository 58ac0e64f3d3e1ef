/**
 * Monthly electricity bills with line items, per site, the way a utility would issue them:
 * energy (spot with adders, time-of-use by named period, blocks of monthly consumption), demand
 * charges (time-of-use windows, monthly rates, blocks, ratchets, coincident peaks, peaks carried
 * in), contracted capacity or China's two-part basic charge, fixed and minimum charges, export
 * credits (priced, net metering, net billing), PUE-linked adjustments, green certificates, the
 * price of direct renewable supply and the cost of backup generation. Amounts are in the scenario
 * currency. Every rule reads the compiled tariff the optimiser prices (src/tariff/compile.ts).
 */
import type { SiteModel } from '../model/fleet-model.ts';
import { generatorCost, generatorFuel } from '../physics/generator.ts';
import type { SiteLedger } from '../simulate/ledger.ts';
import { lookbackMonthKeys, prorationNote, twoPartBreakevenKW, type CompiledDemandCharge, type CompiledTariff } from '../tariff/compile.ts';
import { stepHours, type Calendar, type TimeGrid } from '../time/grid.ts';

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
  /** Customer charges per month and per day. */
  fixed: number;
  /** Top-up to the monthly minimum charge. */
  minimum: number;
  exportCredit: number;
  pueAdjustment: number;
  certificates: number;
  renewableSupply: number;
  carbon: number;
  /** Fuel and operation of backup generators. */
  generation: number;
}

/** The kinds of charge, in bill order. */
export const BILL_COMPONENTS: ReadonlyArray<keyof BillBreakdown> = ['energy', 'demand', 'capacity', 'fixed', 'minimum', 'exportCredit', 'pueAdjustment', 'certificates', 'renewableSupply', 'carbon', 'generation'];

/** A breakdown with every kind at zero. */
export function emptyBreakdown(): BillBreakdown {
  return { energy: 0, demand: 0, capacity: 0, fixed: 0, minimum: 0, exportCredit: 0, pueAdjustment: 0, certificates: 0, renewableSupply: 0, carbon: 0, generation: 0 };
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
  /** Demand billed per charge and month, kW (after ratchets), for reports and checks. */
  demandKW?: Array<{ charge: string; month: string; measuredKW: number; billedKW: number }>;
  /** Two-part tariff: the basis billed in each month and what the other would have cost. */
  twoPart?: Array<{ month: string; basis: 'capacity' | 'demand'; capacityCost: number; demandCost: number }>;
  /** Fuel burnt by backup generators, fuel units per generator. */
  generatorFuel?: Array<{ id: string; unit: string; quantity: number; co2Tonnes: number }>;
}

/** PUE comparisons ignore float noise below this (a PUE of exactly the limit is not above it). */
const PUE_TOLERANCE = 1e-9;

const round = (x: number, d = 6) => Math.round(x * 10 ** d) / 10 ** d;

/** Average import (kW) of every demand interval starting at a step where `counts` is 1, with its month. */
function intervalDemands(importKW: Float64Array, per: number, counts: Uint8Array | undefined): Array<{ t: number; kW: number }> {
  const out: Array<{ t: number; kW: number }> = [];
  for (let i = 0; i < importKW.length; i += per) {
    if (counts && !counts[i]) continue;
    let sum = 0;
    let k = 0;
    for (; k < per && i + k < importKW.length; k++) sum += importKW[i + k]!;
    out.push({ t: i, kW: sum / k });
  }
  return out;
}

/** Maximum demand (kW) per month index, averaged over the tariff's demand interval. */
export function monthlyMaxDemandKW(importKW: Float64Array, monthIndex: Int32Array, months: number, grid: TimeGrid, intervalMinutes: number): Float64Array {
  const max = new Float64Array(months);
  for (const x of intervalDemands(importKW, Math.max(1, Math.round(intervalMinutes / grid.stepMinutes)), undefined)) {
    const m = monthIndex[x.t]!;
    if (x.kW > max[m]!) max[m] = x.kW;
  }
  return max;
}

/** Measured demand of a charge per horizon month, kW: the highest (or average) counted interval, with the peak so far carried in. */
export function measuredDemandKW(d: CompiledDemandCharge, importKW: Float64Array, cal: Calendar): Float64Array {
  const months = cal.monthKeys.length;
  const out = new Float64Array(months);
  const count = new Float64Array(months);
  for (const x of intervalDemands(importKW, d.intervalSteps, d.counts)) {
    const m = cal.monthIndex[x.t]!;
    if (d.measure === 'max') out[m] = Math.max(out[m]!, x.kW);
    else {
      out[m]! += x.kW;
      count[m]! += 1;
    }
  }
  for (let m = 0; m < months; m++) {
    if (d.measure === 'average') out[m] = count[m]! > 0 ? out[m]! / count[m]! : 0;
    else out[m] = Math.max(out[m]!, d.history.get(cal.monthKeys[m]!) ?? 0);
  }
  return out;
}

/**
 * The ratchet floor of a charge in horizon month m, kW: fraction × the highest peak of the
 * look-back months (horizon months as measured, earlier months from the history), with the month
 * that set it; 0 without a ratchet.
 */
export function ratchetFloorKW(d: CompiledDemandCharge, measured: Float64Array, cal: Calendar, m: number): { kW: number; from: string } {
  const r = d.ratchet;
  if (!r) return { kW: 0, from: '' };
  let best = 0;
  let from = '';
  for (const key of lookbackMonthKeys(cal.monthKeys[m]!, r.lookbackMonths, r.monthsOfYear)) {
    const idx = cal.monthKeys.indexOf(key);
    const v = idx >= 0 && idx < m ? measured[idx]! : (d.history.get(key) ?? 0);
    if (v > best) {
      best = v;
      from = key;
    }
  }
  return { kW: r.fraction[m]! * best, from };
}

/** Splits a quantity into blocks of the given sizes (the last may be Infinity). */
export function splitIntoBlocks(q: number, sizes: readonly number[]): number[] {
  let left = Math.max(0, q);
  return sizes.map((s) => {
    const x = Math.min(left, s);
    left -= x;
    return x;
  });
}

const fmt = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/** Bills one site from its ledger. */
export function billSite(site: SiteModel, L: SiteLedger, grid: TimeGrid): SiteBill {
  const cal = site.calendar;
  const h = stepHours(grid);
  const tariff = site.tariff;
  const c: CompiledTariff = site.compiledTariff;
  const months = cal.monthKeys.length;
  const lines: BillLine[] = [];
  const b = emptyBreakdown();
  // the utility's own lines per month (for the minimum charge)
  const utility = new Float64Array(months);
  const add = (line: BillLine, kind: keyof BillBreakdown, m?: number) => {
    if (line.quantity === 0 && line.amount === 0) return;
    lines.push({ ...line, quantity: round(line.quantity), amount: round(line.amount, 2), rate: round(line.rate, 4) });
    b[kind] += line.amount;
    if (m !== undefined) utility[m]! += line.amount;
  };

  // per-month sums
  const importMWh = new Float64Array(months);
  const exportMWh = new Float64Array(months);
  const facilityMWh = new Float64Array(months);
  const co2Tonnes = new Float64Array(months);
  const itMWh = new Float64Array(months);
  const greenMWh = new Float64Array(months);
  const energyAmt = new Float64Array(months);
  const P = Math.max(1, c.periods.length);
  const byPeriod = Array.from({ length: months }, () => new Float64Array(P));
  const byPeriodAmt = Array.from({ length: months }, () => new Float64Array(P));
  for (let t = 0; t < grid.steps; t++) {
    const m = cal.monthIndex[t]!;
    const imp = (L.gridImportKW[t]! * h) / 1000;
    importMWh[m]! += imp;
    energyAmt[m]! += imp * c.energyPrice[t]!;
    exportMWh[m]! += (L.gridExportKW[t]! * h) / 1000;
    facilityMWh[m]! += (L.facilityKW[t]! * h) / 1000;
    if (tariff.carbonPricePerTonne > 0) co2Tonnes[m]! += (imp * L.carbonIntensity[t]!) / 1000; // MWh × g/kWh = kg; /1000 → t
    itMWh[m]! += (L.itKW[t]! * h) / 1000;
    greenMWh[m]! += (L.directGreenKW[t]! * h) / 1000;
    if (c.period) {
      const p = c.period[t]!;
      byPeriod[m]![p]! += imp;
      byPeriodAmt[m]![p]! += imp * c.energyPrice[t]!;
    }
  }

  // demand charges: measured per month, then the ratchet floor, then the blocks
  const demandKW: NonNullable<SiteBill['demandKW']> = [];
  const demandLines = new Map<number, BillLine[]>();
  for (const d of c.demand) {
    const measured = measuredDemandKW(d, L.gridImportKW, cal);
    for (let m = 0; m < months; m++) {
      const month = cal.monthKeys[m]!;
      const floor = ratchetFloorKW(d, measured, cal, m);
      const billed = Math.max(measured[m]!, floor.kW);
      demandKW.push({ charge: d.name, month, measuredKW: measured[m]!, billedKW: billed });
      const note = prorationNote(c, m);
      const ratchetNote = floor.kW > measured[m]! + 1e-9 ? `, ratchet: ${fmt(d.ratchet!.fraction[m]! * 100)} % of ${fmt(round(floor.kW / d.ratchet!.fraction[m]!, 3))} kW set in ${floor.from}` : '';
      const blocks = splitIntoBlocks(billed, d.tierKW);
      const list: BillLine[] = [];
      blocks.forEach((q, k) => {
        const rate = d.rates[k]![m]! * c.share[m]!;
        if (q === 0 && k > 0) return;
        const block = d.tierKW.length > 1 ? `, block ${k + 1}${Number.isFinite(d.tierKW[k]!) ? ` (${fmt(d.tierKW[k]!)} kW)` : ''}` : '';
        list.push({ month, item: `${d.item}${block}${ratchetNote}${note}`, quantity: q, unit: 'kW', rate, rateUnit: 'per kW-month', amount: q * rate });
      });
      demandLines.set(m, [...(demandLines.get(m) ?? []), ...list]);
    }
  }

  // two-part basic charge: capacity or demand, or the cheaper over each choice period
  const twoPartRows: NonNullable<SiteBill['twoPart']> = [];
  const twoPartLines = new Map<number, BillLine>();
  const tp = c.twoPart;
  if (tp) {
    const peak = monthlyMaxDemandKW(L.gridImportKW, cal.monthIndex, months, grid, tp.intervalMinutes);
    for (const group of tp.choiceGroups) {
      const cost = (m: number) => ({
        capacity: tp.kva * tp.capacityRatePerKVAMonth * c.share[m]!,
        demand: Math.max(peak[m]!, tp.floorKW) * tp.demandRatePerKWMonth * c.share[m]!,
      });
      const capSum = group.reduce((a, m) => a + cost(m).capacity, 0);
      const demSum = group.reduce((a, m) => a + cost(m).demand, 0);
      const basis: 'capacity' | 'demand' = tp.basis === 'cheaper' ? (demSum < capSum ? 'demand' : 'capacity') : tp.basis;
      for (const m of group) {
        const month = cal.monthKeys[m]!;
        const x = cost(m);
        twoPartRows.push({ month, basis, capacityCost: x.capacity, demandCost: x.demand });
        const breakeven = twoPartBreakevenKW(tp);
        const why =
          tp.basis === 'cheaper'
            ? ` (cheaper: capacity ${fmt(round(capSum, 2))} vs demand ${fmt(round(demSum, 2))}${group.length > 1 ? ' over the choice period' : ''}; demand billing is cheaper below ${fmt(round(breakeven, 1))} kW)`
            : '';
        const note = prorationNote(c, m);
        if (basis === 'capacity') {
          const rate = tp.capacityRatePerKVAMonth * c.share[m]!;
          twoPartLines.set(m, { month, item: `basic charge on contracted capacity${why}${note}`, quantity: tp.kva, unit: 'kVA', rate, rateUnit: 'per kVA-month', amount: tp.kva * rate });
        } else {
          const kW = Math.max(peak[m]!, tp.floorKW);
          const floorNote = peak[m]! < tp.floorKW ? `, at least ${fmt(round((tp.floorKW / tp.kva) * 100, 3))} % of ${fmt(tp.kva)} kVA` : '';
          const rate = tp.demandRatePerKWMonth * c.share[m]!;
          twoPartLines.set(m, { month, item: `basic charge on maximum demand (${tp.intervalMinutes}-min average${floorNote})${why}${note}`, quantity: kW, unit: 'kW', rate, rateUnit: 'per kW-month', amount: kW * rate });
        }
      }
    }
  }

  for (let m = 0; m < months; m++) {
    const month = cal.monthKeys[m]!;
    const note = prorationNote(c, m);
    if (c.energyKind === 'tou') {
      for (let p = 0; p < c.periods.length; p++) {
        const q = byPeriod[m]![p]!;
        if (q === 0) continue;
        add({ month, item: `energy, ${c.periods[p]}`, quantity: q, unit: 'MWh', rate: byPeriodAmt[m]![p]! / q, rateUnit: 'per MWh', amount: byPeriodAmt[m]![p]! }, 'energy', m);
      }
    } else {
      const q = importMWh[m]!;
      add({ month, item: c.energyKind === 'spot' ? 'energy, spot' : 'energy, flat rate', quantity: q, unit: 'MWh', rate: q > 0 ? energyAmt[m]! / q : 0, rateUnit: 'per MWh', amount: energyAmt[m]! }, 'energy', m);
    }
    if (c.adderPerMWh !== 0) add({ month, item: 'network and government charges', quantity: importMWh[m]!, unit: 'MWh', rate: c.adderPerMWh, rateUnit: 'per MWh', amount: importMWh[m]! * c.adderPerMWh }, 'energy', m);
    if (c.energyTiers.length) {
      const scale = c.share[m]!;
      const sizes = c.energyTiers.map((x) => x.sizeMWh * scale);
      const blocks = splitIntoBlocks(importMWh[m]!, sizes);
      let lo = 0;
      blocks.forEach((q, k) => {
        const tier = c.energyTiers[k]!;
        const hi = lo + sizes[k]!;
        const range = Number.isFinite(hi) ? `${fmt(round(lo, 3))}–${fmt(round(hi, 3))} MWh` : `above ${fmt(round(lo, 3))} MWh`;
        lo = hi;
        if (tier.adderPerMWh === 0 || q === 0) return;
        add({ month, item: `energy block ${k + 1} (${range} of the month${note ? ', sizes pro rata' : ''})`, quantity: q, unit: 'MWh', rate: tier.adderPerMWh, rateUnit: 'per MWh', amount: q * tier.adderPerMWh }, 'energy', m);
      });
    }
    for (const line of demandLines.get(m) ?? []) add(line, 'demand', m);
    if (c.capacity) {
      const rate = c.capacity.ratePerKVAMonth * c.share[m]!;
      add({ month, item: `contracted capacity${note}`, quantity: c.capacity.kva, unit: 'kVA', rate, rateUnit: 'per kVA-month', amount: c.capacity.kva * rate }, 'capacity', m);
    }
    const tpl = twoPartLines.get(m);
    if (tpl) add(tpl, tpl.unit === 'kVA' ? 'capacity' : 'demand', m);
    if (c.fixedPerMonth > 0) add({ month, item: `customer charge${note}`, quantity: c.share[m]!, unit: 'month', rate: c.fixedPerMonth, rateUnit: 'per month', amount: c.fixedPerMonth * c.share[m]! }, 'fixed', m);
    if (c.fixedPerDay > 0) {
      const days = c.monthDays[m]! * c.share[m]!;
      add({ month, item: `daily customer charge${note}`, quantity: days, unit: 'days', rate: c.fixedPerDay, rateUnit: 'per day', amount: c.fixedPerDay * days }, 'fixed', m);
    }
    if (tariff.carbonPricePerTonne > 0 && co2Tonnes[m]! > 0) {
      add({ month, item: 'carbon price on grid CO2 (location-based)', quantity: co2Tonnes[m]!, unit: 't CO2', rate: tariff.carbonPricePerTonne, rateUnit: 'per t', amount: co2Tonnes[m]! * tariff.carbonPricePerTonne }, 'carbon');
    }
  }

  // export credits
  if (c.export.kind === 'price') {
    const amt = new Float64Array(months);
    for (let t = 0; t < grid.steps; t++) amt[cal.monthIndex[t]!]! += ((L.gridExportKW[t]! * h) / 1000) * c.export.price[t]!;
    for (let m = 0; m < months; m++) {
      if (exportMWh[m]! > 0) add({ month: cal.monthKeys[m]!, item: 'export credit', quantity: exportMWh[m]!, unit: 'MWh', rate: -amt[m]! / exportMWh[m]!, rateUnit: 'per MWh', amount: -amt[m]! }, 'exportCredit', m);
    }
  } else if (c.export.kind === 'netMetering') {
    for (let m = 0; m < months; m++) {
      if (!(exportMWh[m]! > 0)) continue;
      const month = cal.monthKeys[m]!;
      const credited = netMeteringCredit(c, L, cal, grid, m, importMWh[m]!);
      const limitText = c.export.limitMWhPerMonth === undefined ? 'up to the month\'s import' : `up to ${fmt(round(c.export.limitMWhPerMonth * c.share[m]!, 6))} MWh`;
      if (credited.mwh > 0) add({ month, item: `export credit, net metering at the retail rate (${limitText})`, quantity: credited.mwh, unit: 'MWh', rate: -credited.amount / credited.mwh, rateUnit: 'per MWh', amount: -credited.amount }, 'exportCredit', m);
      const excess = exportMWh[m]! - credited.mwh;
      if (excess > 1e-12) add({ month, item: 'export beyond the net-metering limit', quantity: excess, unit: 'MWh', rate: -c.export.excessPricePerMWh, rateUnit: 'per MWh', amount: -excess * c.export.excessPricePerMWh }, 'exportCredit', m);
    }
  }

  // minimum charge: the utility's lines of the month are topped up to it
  if (c.minimumPerMonth > 0) {
    for (let m = 0; m < months; m++) {
      const floor = c.minimumPerMonth * c.share[m]!;
      const gap = floor - utility[m]!;
      if (gap > 1e-9) add({ month: cal.monthKeys[m]!, item: `minimum charge top-up (minimum ${fmt(round(floor, 2))}${prorationNote(c, m)})`, quantity: 1, unit: 'month', rate: gap, rateUnit: 'per month', amount: gap }, 'minimum');
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

  // backup generation: fuel and operation, and the carbon price on its CO2
  const fuelRows: NonNullable<SiteBill['generatorFuel']> = [];
  site.generators.forEach((g, k) => {
    const gl = L.generators[k];
    if (!gl) return;
    const fuel = new Float64Array(months);
    const cost = new Float64Array(months);
    const mwh = new Float64Array(months);
    for (let t = 0; t < grid.steps; t++) {
      const kW = gl.kW[t]!;
      if (!(kW > 0)) continue;
      const m = cal.monthIndex[t]!;
      fuel[m]! += generatorFuel(g, kW, gl.running[t]!, h);
      cost[m]! += generatorCost(g, kW, gl.running[t]!, h);
      mwh[m]! += (kW * h) / 1000;
    }
    let totalFuel = 0;
    for (let m = 0; m < months; m++) {
      if (fuel[m]! <= 0) continue;
      const month = cal.monthKeys[m]!;
      totalFuel += fuel[m]!;
      add({ month, item: `generator ${g.id}: fuel and operation (${fmt(round(fuel[m]!, 3))} ${g.fuelUnit} ${g.fuel === 'diesel' ? 'diesel' : 'natural gas'})`, quantity: mwh[m]!, unit: 'MWh', rate: cost[m]! / mwh[m]!, rateUnit: 'per MWh', amount: cost[m]! }, 'generation');
      const t = (fuel[m]! * g.co2KgPerFuelUnit) / 1000;
      if (tariff.carbonPricePerTonne > 0) add({ month, item: `carbon price on generator ${g.id} CO2`, quantity: t, unit: 't CO2', rate: tariff.carbonPricePerTonne, rateUnit: 'per t', amount: t * tariff.carbonPricePerTonne }, 'carbon');
    }
    fuelRows.push({ id: g.id, unit: g.fuelUnit, quantity: totalFuel, co2Tonnes: (totalFuel * g.co2KgPerFuelUnit) / 1000 });
  });

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
  const bill: SiteBill = { site: site.id, lines, months: monthTotals, breakdown: b, total, certificatesMWh, puePeriods };
  if (demandKW.length) bill.demandKW = demandKW;
  if (twoPartRows.length) bill.twoPart = twoPartRows;
  if (fuelRows.length) bill.generatorFuel = fuelRows;
  return bill;
}

/**
 * Net metering in month m: export credited at the retail rate of its step, up to the limit
 * (a fixed monthly amount pro rata, or the month's import). When the limit binds, the credit goes
 * to the exported MWh with the highest retail rate first (the order that is best for the customer,
 * and the one the optimiser reaches); with one retail rate the order does not matter. Steps whose
 * retail rate is not above the excess price are left to the excess price.
 */
export function netMeteringCredit(c: CompiledTariff, L: SiteLedger, cal: Calendar, grid: TimeGrid, m: number, importMWh: number): { mwh: number; amount: number } {
  const h = stepHours(grid);
  const limit = c.export.limitMWhPerMonth === undefined ? importMWh : c.export.limitMWhPerMonth * c.share[m]!;
  const steps: Array<{ mwh: number; rate: number }> = [];
  for (let t = 0; t < grid.steps; t++) {
    if (cal.monthIndex[t] !== m) continue;
    const mwh = (L.gridExportKW[t]! * h) / 1000;
    if (mwh > 0) steps.push({ mwh, rate: c.export.price[t]! });
  }
  steps.sort((a, b) => b.rate - a.rate);
  let left = limit;
  let mwh = 0;
  let amount = 0;
  for (const s of steps) {
    if (s.rate <= c.export.excessPricePerMWh) break; // export beyond the limit earns more: not credited at retail
    const q = Math.min(s.mwh, left);
    if (q <= 0) break;
    mwh += q;
    amount += q * s.rate;
    left -= q;
  }
  return { mwh, amount };
}
