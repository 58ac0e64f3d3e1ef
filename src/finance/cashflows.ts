/**
 * The projection: the operating year repeated over the horizon, month by month, with prices
 * and costs escalated, take-or-pay applied, capex bought and refreshed, tax with loss
 * carry-forward, and a residual value at the end. Yearly project cash flows (after tax) and
 * monthly pre-tax cash flows per production line come out of the same loop, so lines always
 * add up to the project before tax.
 *
 * Levers (sensitivity, break-even) re-value without re-simulating. Approximations, stated in
 * docs/finance.md §5: electricity cost scales with IT energy and PUE at the site's average cost
 * per MWh; utilisation scales every workload's GPU-hours, tokens and IT energy alike, idle GPUs
 * take up the rest.
 */
import type { Finance } from '../scenario/schema/finance.ts';
import { depreciationOf, purchases, type CapexLine, type Purchase } from './capex.ts';
import { contractActive, contractPrice, takeOrPay } from './contracts.ts';
import type { ResolvedDefaults } from './defaults.ts';
import { DEFAULT_WUE } from './defaults.ts';
import type { LineDef } from './lines.ts';
import type { OperatingYear } from './operating-year.ts';

/** What the valuation varies without re-simulating. Neutral values: factors 1, deltas 0. */
export interface Levers {
  /** Multiplies the electricity cost. */
  energyPrice: number;
  /** Multiplies GPU server capex (first purchase and refreshes). */
  gpuPrice: number;
  /** Multiplies the GPU-hours, tokens and IT energy of every workload (capped at capacity). */
  utilisation: number;
  /** Added to every site's PUE (PUE stays ≥ 1). */
  pueDelta: number;
  /** Multiplies contract prices. */
  contractPrice: number;
  /** Multiplies spot prices and the workloads' own values (uncontracted revenue). */
  spotPrice: number;
  /** Discount rate (default: the scenario's). */
  discountRate?: number;
}

/** Levers that change nothing. */
export const NEUTRAL_LEVERS: Levers = { energyPrice: 1, gpuPrice: 1, utilisation: 1, pueDelta: 0, contractPrice: 1, spotPrice: 1 };

/** Everything the projection reads. */
export interface ValuationInput {
  year: OperatingYear;
  finance: Finance;
  defaults: ResolvedDefaults;
  capex: CapexLine[];
  lines: LineDef[];
  /** `shares[line][site]`: capex and fixed-opex shares. */
  shares: number[][];
  /** Grid-program revenue per year (fleet). */
  demandResponsePerYear: number;
}

/** One year of the project (year 0 = construction). */
export interface YearRow {
  year: number;
  revenueContracted: number;
  /** Part of revenueContracted paid for unused take-or-pay minimum volume. */
  revenueTakeOrPayShortfall: number;
  revenueUncontracted: number;
  revenueSpotIdle: number;
  revenueDemandResponse: number;
  revenueWasteHeat: number;
  revenue: number;
  opexEnergy: number;
  opexMaintenance: number;
  opexInsurance: number;
  opexStaff: number;
  opexWater: number;
  opexNetwork: number;
  opexCertificates: number;
  opexOther: number;
  opex: number;
  ebitda: number;
  depreciation: number;
  taxableIncome: number;
  tax: number;
  capex: number;
  residualValue: number;
  cashFlow: number;
  cumulativeCashFlow: number;
  discountFactor: number;
  discountedCashFlow: number;
  cumulativeDiscountedCashFlow: number;
  /** Revenue the take-or-pay minimums guarantee. */
  contractFloorRevenue: number;
  gpuHoursSold: number;
  tokens: number;
  facilityMWh: number;
  itMWh: number;
}

/** Per line: monthly pre-tax cash and yearly costs. */
export interface LineProjection {
  /** Index 0: capex at time 0; index j ≥ 1: month j's net cash (capex of year k at index 12k). */
  monthlyCash: Float64Array;
  revenueByYear: number[];
  /** Capex + opex (no revenue) by year, index 0..N. */
  costByYear: number[];
  /** Opex alone by year. */
  opexByYear: number[];
  residualValue: number;
  /** Capex share, nominal, over the horizon. */
  capex: number;
  gpuHoursByYear: number[];
  tokensByYear: number[];
  capacityGpuHoursByYear: number[];
  itMWhByYear: number[];
  facilityMWhByYear: number[];
  energyCostByYear: number[];
}

/** The projection's result. */
export interface Projection {
  years: YearRow[];
  lines: LineProjection[];
  discountRate: number;
}

/** Runs the projection under `levers`. */
export function project(input: ValuationInput, levers: Levers = NEUTRAL_LEVERS): Projection {
  const { year, finance, defaults, lines, shares } = input;
  const N = finance.horizonYears;
  const S = year.sites.length;
  const rate = levers.discountRate ?? finance.discountRate;
  const spot = finance.spotCompute;
  const idleUtil = spot?.idleUtilisation ?? 0;
  const energyEsc = finance.energyPriceEscalation ?? finance.inflation;
  const opex = finance.opex;

  const { capexAt, inService, dep, bookBySite } = capexSchedule(input, levers.gpuPrice);
  const residual = finance.residualValue === 'book-value' ? dep.bookValueAtEnd : 0;

  const fleetMW = year.sites.reduce((a, s) => a + s.installedItMW, 0);
  const baseIt = year.sites.map((s) => s.itMWh.reduce((a, b) => a + b, 0));
  const fleetBaseIt = baseIt.reduce((a, b) => a + b, 0);
  const sitePue = year.sites.map((s, i) => (baseIt[i]! > 0 ? s.facilityMWh.reduce((a, b) => a + b, 0) / baseIt[i]! : 1));
  const heatSites = new Set(finance.wasteHeat?.sites ?? year.sites.map((s) => s.id));

  const L = lines.length;
  const lp: LineProjection[] = lines.map(() => ({
    monthlyCash: new Float64Array(12 * N + 1),
    revenueByYear: new Array<number>(N + 1).fill(0),
    costByYear: new Array<number>(N + 1).fill(0),
    opexByYear: new Array<number>(N + 1).fill(0),
    residualValue: 0,
    capex: 0,
    gpuHoursByYear: new Array<number>(N + 1).fill(0),
    tokensByYear: new Array<number>(N + 1).fill(0),
    capacityGpuHoursByYear: new Array<number>(N + 1).fill(0),
    itMWhByYear: new Array<number>(N + 1).fill(0),
    facilityMWhByYear: new Array<number>(N + 1).fill(0),
    energyCostByYear: new Array<number>(N + 1).fill(0),
  }));
  for (let l = 0; l < L; l++) {
    for (let s = 0; s < S; s++) {
      const sh = shares[l]![s]!;
      if (sh === 0) continue;
      for (let t = 0; t <= N; t++) {
        const c = capexAt[t]![s]! * sh;
        lp[l]!.monthlyCash[12 * t]! -= c;
        lp[l]!.costByYear[t]! += c;
        lp[l]!.capex += c;
      }
      lp[l]!.residualValue += finance.residualValue === 'book-value' ? bookBySite[s]! * sh : 0;
    }
  }
  // which lines own which workload, for fast lookup
  const lineOfWorkload = new Map<number, number>();
  lines.forEach((ln, l) => ln.workloads.forEach((w) => lineOfWorkload.set(w, l)));
  const spotLine = lines.findIndex((l) => l.kind === 'spot');

  const years: YearRow[] = [];
  years.push(emptyRow(0));
  years[0]!.capex = capexAt[0]!.reduce((a, b) => a + b, 0);

  // scratch per month
  const lineIt = new Float64Array(L);
  const lineGpu = new Float64Array(L);
  const lineTokens = new Float64Array(L);
  const lineWork = new Float64Array(L);
  const lineVolGpu = new Float64Array(L);

  for (let y = 1; y <= N; y++) {
    const row = emptyRow(y);
    const inf = (1 + finance.inflation) ** (y - 1);
    const eEsc = (1 + energyEsc) ** (y - 1);
    const sEsc = (1 + (spot?.escalation ?? 0)) ** (y - 1) * levers.spotPrice;
    for (let m = 0; m < 12; m++) {
      const j = 12 * (y - 1) + m + 1;
      lineGpu.fill(0);
      lineTokens.fill(0);
      lineWork.fill(0);
      lineVolGpu.fill(0);
      for (let s = 0; s < S; s++) {
        const site = year.sites[s]!;
        lineIt.fill(0);
        const cap = site.capacityGpuHours[m]!;
        let busy = 0;
        for (const w of site.workloads) busy += w.gpuHours[m]!;
        const used = Math.min(cap, busy * levers.utilisation);
        const fU = busy > 0 ? used / busy : 0;
        const idleBase = Math.max(0, cap - busy);
        const idle = Math.max(0, cap - used);
        const spotGpu = spotLine >= 0 ? idle * idleUtil : 0;
        let busyIt = 0;
        for (const w of site.workloads) {
          const l = lineOfWorkload.get(w.workload);
          const it = w.itMWh[m]! * fU;
          busyIt += it;
          if (l === undefined) continue;
          lineIt[l]! += it;
          lineGpu[l]! += w.gpuHours[m]! * fU;
          lineTokens[l]! += w.tokens[m]! * fU;
          lineWork[l]! += w.workGpuHours[m]! * fU;
        }
        const idleIt = idleBase > 0 ? (site.idleItMWh[m]! * idle) / idleBase : (site.idleKWPerGpu * idle) / 1000;
        const spotExtraIt = (spotGpu * (site.fullKWPerGpu - site.idleKWPerGpu)) / 1000;
        if (spotLine >= 0) {
          lineIt[spotLine]! += (spotGpu * site.fullKWPerGpu) / 1000;
          lineGpu[spotLine]! += spotGpu;
        }
        const it = busyIt + idleIt + spotExtraIt;
        const baseItM = site.itMWh[m]!;
        const ratio = baseItM > 0 ? it / baseItM : 0;
        const pue = sitePue[s]!;
        const pueF = pue > 0 ? Math.max(1, pue + levers.pueDelta) / pue : 1;
        const energy = site.energyCost[m]! * levers.energyPrice * ratio * pueF * eEsc;
        const facility = site.facilityMWh[m]! * ratio * pueF;
        const gridImport = site.gridImportMWh[m]! * ratio * pueF;
        const wue = opex.wueLPerKWh ?? DEFAULT_WUE[site.heatRejection];
        const water = wue * it * defaults.waterPricePerM3 * inf; // MWh × L/kWh = m³
        const certs = opex.greenCertificates ? opex.greenCertificates.shareOfGridImport * gridImport * opex.greenCertificates.pricePerMWh * inf : 0;
        const heat = finance.wasteHeat && heatSites.has(site.id) ? finance.wasteHeat.recoveredShareOfIt * it * finance.wasteHeat.pricePerMWh * inf : 0;
        const dr = fleetBaseIt > 0 ? ((input.demandResponsePerYear / 12) * baseIt[s]!) / fleetBaseIt * inf : 0;
        const maint = (opex.maintenanceShareOfCapex * inService[y]![s]!) / 12 * inf;
        const insur = (opex.insuranceShareOfCapex * inService[y]![s]!) / 12 * inf;
        const staff = (opex.staffFtePerMW * site.installedItMW * defaults.costPerFtePerYear) / 12 * inf;
        const network = (opex.networkPerGpuPerYear * site.installedGpus) / 12 * inf;
        const other = fleetMW > 0 ? ((opex.otherFixedPerYear * site.installedItMW) / fleetMW / 12) * inf : 0;
        row.opexEnergy += energy;
        row.opexWater += water;
        row.opexCertificates += certs;
        row.opexMaintenance += maint;
        row.opexInsurance += insur;
        row.opexStaff += staff;
        row.opexNetwork += network;
        row.opexOther += other;
        row.revenueWasteHeat += heat;
        row.revenueDemandResponse += dr;
        row.facilityMWh += facility;
        row.itMWh += it;
        row.gpuHoursSold += used + spotGpu;
        const variable = energy + water + certs;
        const fixed = maint + insur + staff + network + other;
        // variable costs follow IT energy this month; fixed costs the frozen shares
        let itSum = 0;
        for (let l = 0; l < L; l++) itSum += lineIt[l]!;
        for (let l = 0; l < L; l++) {
          const vShare = itSum > 0 ? lineIt[l]! / itSum : shares[l]![s]!;
          const fShare = shares[l]![s]!;
          if (vShare === 0 && fShare === 0) continue;
          const cost = vShare * variable + fShare * fixed;
          const lpl = lp[l]!;
          lpl.monthlyCash[j]! += vShare * (heat + dr) - cost;
          lpl.revenueByYear[y]! += vShare * (heat + dr);
          lpl.costByYear[y]! += cost;
          lpl.opexByYear[y]! += cost;
          lpl.itMWhByYear[y]! += vShare * it;
          lpl.facilityMWhByYear[y]! += vShare * facility;
          lpl.energyCostByYear[y]! += vShare * energy;
          lpl.capacityGpuHoursByYear[y]! += fShare * cap;
        }
      }
      // revenue per line (fleet level: a contract spans its workloads' sites)
      for (let l = 0; l < L; l++) {
        const ln = lines[l]!;
        let rev = 0;
        if (ln.kind === 'contract') {
          const c = ln.contract!;
          const vol = c.priceBasis === 'gpu-hour' ? lineGpu[l]! : lineTokens[l]! / 1e6;
          if (contractActive(c, y)) {
            const price = contractPrice(c, y) * levers.contractPrice;
            const b = takeOrPay(vol, c.minimumMonthlyVolume, price);
            rev = b.revenue;
            row.revenueContracted += rev;
            row.revenueTakeOrPayShortfall += b.shortfallRevenue;
            row.contractFloorRevenue += c.minimumMonthlyVolume * price;
          } else {
            const sp = c.priceBasis === 'gpu-hour' ? spot?.pricePerGpuHour : spot?.pricePerMillionTokens;
            rev = vol * (sp !== undefined ? sp * sEsc : contractPrice(c, y) * levers.contractPrice);
            row.revenueUncontracted += rev;
          }
        } else if (ln.kind === 'workload') {
          const w = year.workloads[ln.workloads[0]!]!;
          if (w.value > 0) rev = (w.valueBasis === 'work-gpu-hour' ? lineWork[l]! : lineTokens[l]! / 1e6) * w.value * sEsc;
          else if (spot?.pricePerGpuHour !== undefined) rev = lineGpu[l]! * spot.pricePerGpuHour * sEsc;
          else if (spot?.pricePerMillionTokens !== undefined) rev = (lineTokens[l]! / 1e6) * spot.pricePerMillionTokens * sEsc;
          row.revenueUncontracted += rev;
        } else if (ln.kind === 'spot') {
          rev = lineGpu[l]! * (spot?.pricePerGpuHour ?? 0) * sEsc;
          row.revenueSpotIdle += rev;
        }
        const lpl = lp[l]!;
        lpl.monthlyCash[j]! += rev;
        lpl.revenueByYear[y]! += rev;
        lpl.gpuHoursByYear[y]! += lineGpu[l]!;
        lpl.tokensByYear[y]! += lineTokens[l]!;
        row.tokens += lineTokens[l]!;
      }
    }
    row.revenue = row.revenueContracted + row.revenueUncontracted + row.revenueSpotIdle + row.revenueDemandResponse + row.revenueWasteHeat;
    row.opex = row.opexEnergy + row.opexMaintenance + row.opexInsurance + row.opexStaff + row.opexWater + row.opexNetwork + row.opexCertificates + row.opexOther;
    row.ebitda = row.revenue - row.opex;
    row.depreciation = dep.byYear[y]!;
    row.capex = capexAt[y]!.reduce((a, b) => a + b, 0);
    if (y === N) row.residualValue = residual;
    years.push(row);
  }
  // tax with loss carry-forward
  let losses = 0;
  for (let y = 1; y <= N; y++) {
    const row = years[y]!;
    row.taxableIncome = row.ebitda - row.depreciation;
    let base = row.taxableIncome;
    if (finance.taxLossCarryForward) {
      if (base < 0) {
        losses += -base;
        base = 0;
      } else {
        const used = Math.min(losses, base);
        losses -= used;
        base -= used;
      }
    }
    row.tax = Math.max(0, base) * finance.taxRate;
  }
  let cum = 0;
  let cumD = 0;
  for (const row of years) {
    row.cashFlow = row.year === 0 ? -row.capex : row.ebitda - row.tax - row.capex + row.residualValue;
    row.discountFactor = 1 / (1 + rate) ** row.year;
    row.discountedCashFlow = row.cashFlow * row.discountFactor;
    cum += row.cashFlow;
    cumD += row.discountedCashFlow;
    row.cumulativeCashFlow = cum;
    row.cumulativeDiscountedCashFlow = cumD;
  }
  return { years, lines: lp, discountRate: rate };
}

interface CapexSchedule {
  /** `capexAt[time][site]`. */
  capexAt: number[][];
  /** Capex in service per operating year and site (maintenance and insurance base). */
  inService: number[][];
  dep: { byYear: number[]; bookValueAtEnd: number };
  bookBySite: number[];
}

// Levers other than the GPU price leave the purchase schedule alone: cache it per input and factor.
const scheduleCache = new WeakMap<ValuationInput, Map<number, CapexSchedule>>();

function capexSchedule(input: ValuationInput, gpuPrice: number): CapexSchedule {
  let byFactor = scheduleCache.get(input);
  if (!byFactor) scheduleCache.set(input, (byFactor = new Map()));
  const hit = byFactor.get(gpuPrice);
  if (hit) return hit;
  const { finance } = input;
  const N = finance.horizonYears;
  const S = input.year.sites.length;
  const gpuFactor = (p: Purchase) => (p.category === 'gpu-servers' ? gpuPrice : 1);
  const ps = purchases(input.capex, N, finance.capex.refreshAtEndOfLife, finance.capex.priceEscalation);
  const capexAt: number[][] = Array.from({ length: N + 1 }, () => new Array<number>(S).fill(0));
  const inService: number[][] = Array.from({ length: N + 1 }, () => new Array<number>(S).fill(0));
  for (const p of ps) {
    const cost = p.cost * gpuFactor(p);
    capexAt[p.time]![p.site]! += cost;
    for (let y = p.time + 1; y <= Math.min(N, p.time + p.lifeYears); y++) inService[y]![p.site]! += cost;
  }
  const dep = depreciationOf(ps, N, finance.depreciation.decliningBalanceFactor, gpuFactor);
  const bookBySite = new Array<number>(S).fill(0);
  for (let s = 0; s < S; s++) bookBySite[s] = depreciationOf(ps.filter((p) => p.site === s), N, finance.depreciation.decliningBalanceFactor, gpuFactor).bookValueAtEnd;
  const out = { capexAt, inService, dep, bookBySite };
  if (byFactor.size < 16) byFactor.set(gpuPrice, out);
  return out;
}

function emptyRow(year: number): YearRow {
  return {
    year,
    revenueContracted: 0, revenueTakeOrPayShortfall: 0, revenueUncontracted: 0, revenueSpotIdle: 0, revenueDemandResponse: 0, revenueWasteHeat: 0, revenue: 0,
    opexEnergy: 0, opexMaintenance: 0, opexInsurance: 0, opexStaff: 0, opexWater: 0, opexNetwork: 0, opexCertificates: 0, opexOther: 0, opex: 0,
    ebitda: 0, depreciation: 0, taxableIncome: 0, tax: 0, capex: 0, residualValue: 0,
    cashFlow: 0, cumulativeCashFlow: 0, discountFactor: 1, discountedCashFlow: 0, cumulativeDiscountedCashFlow: 0,
    contractFloorRevenue: 0, gpuHoursSold: 0, tokens: 0, facilityMWh: 0, itMWh: 0,
  };
}
