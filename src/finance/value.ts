/**
 * The finance stage: `valueInvestment(model, summary, ledger?, options)` turns a simulated (or
 * planned) year into an investment case — yearly cash flows, NPV, IRR, paybacks, levelised
 * cost of compute, contract coverage, per-line paybacks with break-evens, and a tornado.
 * Pure: plain values in, plain values out.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Summary } from '../metrics/summary.ts';
import { Finance, type Finance as FinanceSpec, type FinanceInput } from '../scenario/schema/finance.ts';
import { locateError } from '../scenario/source.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { breakEven, type BreakEven, type LineBase } from './breakeven.ts';
import { buildCapex, type CapexLine } from './capex.ts';
import { project, NEUTRAL_LEVERS, type Projection, type ValuationInput, type YearRow } from './cashflows.ts';
import { resolveDefaults } from './defaults.ts';
import { allocationShares, defineLines, type LineDef } from './lines.ts';
import { irr as findIrr } from './npv-irr.ts';
import { operatingYear, type OperatingYear } from './operating-year.ts';
import { discountedPaybackPeriods, paybackPeriods } from './payback.ts';
import { tornado, type TornadoBar } from './sensitivity.ts';

/** Options of the finance stage. */
export interface ValueOptions {
  /** Grid-program revenue per year from the grid-programs stage; overrides finance.demandResponse. */
  gridProgramRevenuePerYear?: number;
  /** Finance inputs to use instead of the scenario's `finance` section. */
  finance?: FinanceInput;
  /** Compute break-evens per line (default true; sweeps turn it off). */
  breakEvens?: boolean;
  /** Compute the tornado (default true). */
  sensitivity?: boolean;
}

/** One AI production line's result. */
export interface LineResult {
  id: string;
  kind: LineDef['kind'];
  label: string;
  workloads: string[];
  sites: string[];
  /** Capex borne by the line over the horizon (nominal, incl. refreshes). */
  capex: number;
  revenueYear1: number;
  /** Opex borne by the line in year 1 (energy, water, maintenance, staff, …). */
  opexYear1: number;
  gpuHoursYear1: number;
  tokensYear1: number;
  /** GPU-hours used / GPU-hours of the capacity the line bears. */
  utilisation: number | null;
  energyPricePerMWh: number | null;
  pue: number | null;
  /** Selling price in year 1 per unit (contract, spot or the workload's own value); null for idle lines. */
  price: number | null;
  priceUnit: string | null;
  /** Pre-tax payback of the line's capex share from its monthly cash, months; null if not within the horizon. */
  paybackMonths: number | null;
  paysBackWithinTarget: boolean;
  /** Pre-tax NPV of the line (with its share of the residual value). */
  npvPreTax: number;
  lcocPerGpuHour: number | null;
  costPerMillionTokens: number | null;
  breakEven: { energyPrice: BreakEven; utilisation: BreakEven; pue: BreakEven; price: BreakEven } | null;
}

/** The investment case. */
export interface FinanceResult {
  scenario: string;
  policy: string;
  currency: string;
  horizonYears: number;
  discountRate: number;
  npv: number;
  /** The IRR when there is exactly one, else null (see irrs and irrStatus). */
  irr: number | null;
  irrs: number[];
  irrStatus: 'unique' | 'none' | 'multiple';
  /** After-tax simple payback, years from the start of construction; null if not within the horizon. */
  paybackYears: number | null;
  discountedPaybackYears: number | null;
  /** Levelised cost of compute: PV(capex + opex − residual) / PV(GPU-hours sold). */
  lcocPerGpuHour: number | null;
  /** All-in cost per million tokens: PV cost of token-producing lines / PV tokens. */
  costPerMillionTokens: number | null;
  /** Tokens per kWh of facility energy in the simulated year (spot sales of idle GPUs excluded). */
  tokensPerKWh: number | null;
  /** Contract revenue (incl. take-or-pay shortfall payments) / all revenue, over the horizon. */
  contractedRevenueShare: number;
  /** Year-1 take-or-pay minimum revenue / year-1 fixed opex (maintenance, insurance, staff, network, other). */
  takeOrPayCoverage: number | null;
  contractFloorRevenueYear1: number;
  fixedOpexYear1: number;
  capexTotal: number;
  paybackTargetMonths: number;
  operatingYear: { gpuHoursUsed: number; gpuHoursCapacity: number; utilisation: number; tokens: number; itMWh: number; facilityMWh: number; pue: number | null; energyCost: number; annualised: boolean };
  capexItems: CapexLine[];
  years: YearRow[];
  lines: LineResult[];
  tornado: TornadoBar[];
  notes: string[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Everything needed to re-value: built once per scenario and reused by levers and sweeps. */
export function valuationInput(model: FleetModel, summary: Summary, ledger: Ledger | undefined, options: ValueOptions = {}): { input: ValuationInput; notes: string[] } {
  const finance: FinanceSpec = options.finance ? Finance.parse(options.finance) : (model.resolved.scenario.finance ?? Finance.parse({}));
  const year: OperatingYear = operatingYear(model, summary, ledger);
  const notes = [...year.notes];
  if (!model.resolved.scenario.finance && !options.finance) notes.push('the scenario has no finance section: every input is a default');
  const defaults = resolveDefaults(model.currency, finance);
  const capex = buildCapex(year, finance, defaults, notes);
  const lines = defineLines(year, finance);
  const shares = allocationShares(year, lines, finance.spotCompute?.idleUtilisation ?? 0);
  for (const l of lines) {
    if (l.kind !== 'workload') continue;
    const w = year.workloads[l.workloads[0]!]!;
    if (w.value <= 0 && finance.spotCompute?.pricePerGpuHour === undefined && finance.spotCompute?.pricePerMillionTokens === undefined) {
      notes.push(`workload "${w.id}" has no contract, no value and no spot price: it earns no revenue`);
    }
  }
  for (const c of finance.contracts) {
    if (c.startYear + c.tenorYears - 1 < finance.horizonYears) {
      const sp = c.priceBasis === 'gpu-hour' ? finance.spotCompute?.pricePerGpuHour : finance.spotCompute?.pricePerMillionTokens;
      notes.push(sp !== undefined ? `contract "${c.id}" ends in year ${c.startYear + c.tenorYears - 1}; its volume is then sold at the spot price` : `contract "${c.id}" ends in year ${c.startYear + c.tenorYears - 1} and no spot price is given: renewal at the escalated contract price is assumed (counted as uncontracted)`);
    }
  }
  const demandResponsePerYear = options.gridProgramRevenuePerYear ?? finance.demandResponse?.revenuePerYear ?? 0;
  return { input: { year, finance, defaults, capex, lines, shares, demandResponsePerYear }, notes };
}

/** Values the investment: the finance stage's entry point. */
export function valueInvestment(model: FleetModel, summary: Summary, ledger?: Ledger, options: ValueOptions = {}): FinanceResult {
  try {
    const { input, notes } = valuationInput(model, summary, ledger, options);
    return valueFromInput(input, notes, options);
  } catch (e) {
    // finance errors know a JSON path; give them the scenario file's line and column
    throw locateError(e, model.resolved);
  }
}

/** Values a prepared input (used by valueInvestment and by callers that re-value). */
export function valueFromInput(input: ValuationInput, notes: string[], options: Pick<ValueOptions, 'breakEvens' | 'sensitivity'> = {}): FinanceResult {
  const { finance, year } = input;
  const base = project(input, NEUTRAL_LEVERS);
  const N = finance.horizonYears;
  const r = finance.discountRate;
  const flows = base.years.map((y) => y.cashFlow);
  const npv = sum(base.years.map((y) => y.discountedCashFlow));
  const irr = findIrr(flows);
  // payback measures recovery from operations: the residual value is left out
  const noResidual = base.years.map((y) => y.cashFlow - y.residualValue);
  const df = base.years.map((y) => y.discountFactor);
  const pvCost = sum(base.years.map((y, t) => (y.capex + y.opex - y.residualValue) * df[t]!));
  const pvGpu = sum(base.years.map((y, t) => y.gpuHoursSold * df[t]!));
  const y1 = base.years[1]!;
  const fixedY1 = y1.opexMaintenance + y1.opexInsurance + y1.opexStaff + y1.opexNetwork + y1.opexOther;
  const totalRevenue = sum(base.years.map((y) => y.revenue));
  const contracted = sum(base.years.map((y) => y.revenueContracted));
  const lines = lineResults(input, base, options.breakEvens !== false);
  const tokenLines = lines.map((l, i) => ({ l, p: base.lines[i]! })).filter(({ p }) => sum(p.tokensByYear) > 0);
  const pvTokenCost = sum(tokenLines.map(({ p }) => sum(p.costByYear.map((c, t) => c * df[t]!)) - p.residualValue * df[N]!));
  const pvTokens = sum(base.years.map((y, t) => (y.tokens / 1e6) * df[t]!));
  const siteIt = sum(year.sites.map((s) => sum(s.itMWh)));
  const siteFac = sum(year.sites.map((s) => sum(s.facilityMWh)));
  const used = sum(year.sites.map((s) => sum(s.workloads.map((w) => sum(w.gpuHours)))));
  const simTokens = sum(year.sites.map((s) => sum(s.workloads.map((w) => sum(w.tokens)))));
  const capacity = sum(year.sites.map((s) => sum(s.capacityGpuHours)));
  return {
    scenario: year.scenario,
    policy: year.policy,
    currency: year.currency,
    horizonYears: N,
    discountRate: r,
    npv,
    irr: irr.irr,
    irrs: irr.irrs,
    irrStatus: irr.status,
    paybackYears: paybackPeriods(noResidual),
    discountedPaybackYears: discountedPaybackPeriods(noResidual, r),
    lcocPerGpuHour: pvGpu > 0 ? pvCost / pvGpu : null,
    costPerMillionTokens: pvTokens > 0 ? pvTokenCost / pvTokens : null,
    tokensPerKWh: siteFac > 0 ? simTokens / (siteFac * 1000) : null,
    contractedRevenueShare: totalRevenue > 0 ? contracted / totalRevenue : 0,
    takeOrPayCoverage: fixedY1 > 0 ? y1.contractFloorRevenue / fixedY1 : null,
    contractFloorRevenueYear1: y1.contractFloorRevenue,
    fixedOpexYear1: fixedY1,
    capexTotal: sum(base.years.map((y) => y.capex)),
    paybackTargetMonths: finance.paybackTargetMonths,
    operatingYear: {
      gpuHoursUsed: used,
      gpuHoursCapacity: capacity,
      utilisation: capacity > 0 ? used / capacity : 0,
      tokens: simTokens,
      itMWh: siteIt,
      facilityMWh: siteFac,
      pue: siteIt > 0 ? siteFac / siteIt : null,
      energyCost: sum(year.sites.map((s) => sum(s.energyCost))),
      annualised: year.annualised,
    },
    capexItems: input.capex,
    years: base.years,
    lines,
    tornado: options.sensitivity === false ? [] : tornado(input, finance.sensitivity),
    notes,
  };
}

function lineResults(input: ValuationInput, base: Projection, withBreakEvens: boolean): LineResult[] {
  const { year, finance, lines, shares } = input;
  const N = finance.horizonYears;
  const df = base.years.map((y) => y.discountFactor);
  return lines.map((ln, i) => {
    const p = base.lines[i]!;
    const payback = paybackPeriods(p.monthlyCash);
    const sitesOf = year.sites.filter((s) => shares[i]![s.index]! > 0).map((s) => s.id);
    const utilisation = p.capacityGpuHoursByYear[1]! > 0 ? p.gpuHoursByYear[1]! / p.capacityGpuHoursByYear[1]! : null;
    const energyPrice = p.facilityMWhByYear[1]! > 0 ? p.energyCostByYear[1]! / p.facilityMWhByYear[1]! : null;
    const pue = p.itMWhByYear[1]! > 0 ? p.facilityMWhByYear[1]! / p.itMWhByYear[1]! : null;
    const pvCost = sum(p.costByYear.map((c, t) => c * df[t]!)) - p.residualValue * df[N]!;
    const pvGpu = sum(p.gpuHoursByYear.map((g, t) => g * df[t]!));
    const pvTok = sum(p.tokensByYear.map((g, t) => (g / 1e6) * df[t]!));
    const npvPreTax = sum(p.revenueByYear.map((rv, t) => (rv - p.costByYear[t]!) * df[t]!)) + p.residualValue * df[N]!;
    const pr = linePrice(input, ln);
    const lb: LineBase = { energyPricePerMWh: energyPrice, utilisation, pue, price: pr.price, priceLever: pr.lever };
    const target = finance.paybackTargetMonths;
    return {
      id: ln.id,
      kind: ln.kind,
      label: ln.label,
      workloads: ln.workloads.map((w) => year.workloads[w]!.id),
      sites: sitesOf,
      capex: p.capex,
      revenueYear1: p.revenueByYear[1]!,
      opexYear1: p.opexByYear[1]!,
      gpuHoursYear1: p.gpuHoursByYear[1]!,
      tokensYear1: p.tokensByYear[1]!,
      utilisation,
      energyPricePerMWh: energyPrice,
      pue,
      price: pr.price,
      priceUnit: pr.unit,
      paybackMonths: payback,
      paysBackWithinTarget: payback !== null && payback < target,
      npvPreTax,
      lcocPerGpuHour: pvGpu > 0 ? pvCost / pvGpu : null,
      costPerMillionTokens: pvTok > 0 ? pvCost / pvTok : null,
      breakEven: withBreakEvens
        ? {
            energyPrice: breakEven(input, i, 'energyPrice', lb, target),
            utilisation: breakEven(input, i, 'utilisation', lb, target),
            pue: breakEven(input, i, 'pue', lb, target),
            price: breakEven(input, i, 'price', lb, target),
          }
        : null,
    };
  });
}

/** A line's selling price in year 1, its unit, and the lever that moves it. */
function linePrice(input: ValuationInput, ln: LineDef): { price: number | null; unit: string | null; lever: LineBase['priceLever'] } {
  const spot = input.finance.spotCompute;
  if (ln.kind === 'contract') {
    const c = ln.contract!;
    return { price: c.price, unit: c.priceBasis === 'gpu-hour' ? 'per GPU-hour' : 'per million tokens', lever: 'contractPrice' };
  }
  if (ln.kind === 'workload') {
    const w = input.year.workloads[ln.workloads[0]!]!;
    if (w.value > 0) return { price: w.value, unit: w.valueBasis === 'work-gpu-hour' ? 'per GPU-hour of work' : 'per million tokens', lever: 'spotPrice' };
    if (spot?.pricePerGpuHour !== undefined) return { price: spot.pricePerGpuHour, unit: 'per GPU-hour', lever: 'spotPrice' };
    if (spot?.pricePerMillionTokens !== undefined) return { price: spot.pricePerMillionTokens, unit: 'per million tokens', lever: 'spotPrice' };
    return { price: null, unit: null, lever: null };
  }
  if (ln.kind === 'spot' && spot?.pricePerGpuHour !== undefined) return { price: spot.pricePerGpuHour, unit: 'per GPU-hour', lever: 'spotPrice' };
  return { price: null, unit: null, lever: null };
}
