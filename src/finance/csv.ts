/** CSV outputs of the finance stage: yearly cash flows and sweep points, units in the headers. */
import { csvField, csvNumber, currencyTag } from '../report/format.ts';
import type { SweepResult } from './sweep.ts';
import type { YearRow } from './cashflows.ts';
import type { FinanceResult } from './value.ts';

const money = csvNumber(2);
const qty = csvNumber(3);
const ratio = csvNumber(4);

/** Columns of cashflows.csv: key, header stem (currency appended for money), formatter. */
const CASH_COLUMNS: Array<[keyof YearRow, string, 'money' | 'qty' | 'ratio' | 'int']> = [
  ['year', 'year', 'int'],
  ['revenueContracted', 'revenue_contracted', 'money'],
  ['revenueTakeOrPayShortfall', 'of_which_take_or_pay_shortfall', 'money'],
  ['revenueUncontracted', 'revenue_uncontracted', 'money'],
  ['revenueSpotIdle', 'revenue_spot_idle_capacity', 'money'],
  ['revenueDemandResponse', 'revenue_demand_response', 'money'],
  ['revenueWasteHeat', 'revenue_waste_heat', 'money'],
  ['revenue', 'revenue_total', 'money'],
  ['opexEnergy', 'opex_electricity', 'money'],
  ['opexMaintenance', 'opex_maintenance', 'money'],
  ['opexInsurance', 'opex_insurance', 'money'],
  ['opexStaff', 'opex_staff', 'money'],
  ['opexWater', 'opex_water', 'money'],
  ['opexNetwork', 'opex_network', 'money'],
  ['opexCertificates', 'opex_green_certificates', 'money'],
  ['opexOther', 'opex_other', 'money'],
  ['opex', 'opex_total', 'money'],
  ['ebitda', 'ebitda', 'money'],
  ['depreciation', 'depreciation', 'money'],
  ['taxableIncome', 'taxable_income', 'money'],
  ['tax', 'tax', 'money'],
  ['capex', 'capex', 'money'],
  ['residualValue', 'residual_value', 'money'],
  ['cashFlow', 'cash_flow', 'money'],
  ['cumulativeCashFlow', 'cumulative_cash_flow', 'money'],
  ['discountFactor', 'discount_factor', 'ratio'],
  ['discountedCashFlow', 'discounted_cash_flow', 'money'],
  ['cumulativeDiscountedCashFlow', 'cumulative_discounted_cash_flow', 'money'],
  ['contractFloorRevenue', 'take_or_pay_floor_revenue', 'money'],
  ['gpuHoursSold', 'gpu_hours_sold', 'qty'],
  ['tokens', 'tokens', 'int'],
  ['facilityMWh', 'facility_energy_MWh', 'qty'],
  ['itMWh', 'it_energy_MWh', 'qty'],
];

/** cashflows.csv: one row per year (0 = construction). */
export function cashflowsCsv(f: FinanceResult): string {
  const cur = currencyTag(f.currency);
  const head = CASH_COLUMNS.map(([, h, k]) => (k === 'money' ? `${h}_${cur}` : h));
  const fmt = { money, qty, ratio, int: csvNumber(0) };
  const rows = f.years.map((y) => CASH_COLUMNS.map(([key, , k]) => fmt[k](y[key])).join(','));
  return `${head.join(',')}\n${rows.join('\n')}\n`;
}

/** sweep.csv: one row per point, dimension values first, then the point's results. */
export function sweepCsv(s: SweepResult, currency: string): string {
  const cur = currencyTag(currency);
  const head = [
    'point', 'rank', ...s.dimensions.map((d) => d.key),
    `npv_${cur}`, 'irr', 'payback_years', 'discounted_payback_years', `lcoc_${cur}_per_gpu_hour`, `cost_${cur}_per_million_tokens`,
    `capex_${cur}`, 'pue', 'direct_green_ratio', `electricity_cost_simulated_year_${cur}`, 'co2_tonnes_simulated_year', 'slo_attainment', 'lines_within_payback_target', 'lines', 'error',
  ];
  const rank = new Map(s.ranking.map((idx, i) => [idx, i + 1]));
  const opt = (x: number | null, f: (v: number) => string) => (x === null ? '' : f(x));
  const rows = s.points.map((p) => {
    const m = p.metrics;
    const vals = p.values.map((v) => csvField(String(v)));
    const res = m
      ? [money(m.npv), opt(m.irr, ratio), opt(m.paybackYears, qty), opt(m.discountedPaybackYears, qty), opt(m.lcocPerGpuHour, ratio), opt(m.costPerMillionTokens, ratio), money(m.capexTotal), opt(m.pue, ratio), ratio(m.directGreenRatio), money(m.energyCost), qty(m.co2Tonnes), ratio(m.sloAttainment), String(m.linesWithinTarget), String(m.lines), '']
      : [...new Array<string>(14).fill(''), csvField(p.error ?? '')];
    return [String(p.index + 1), String(rank.get(p.index) ?? ''), ...vals, ...res].join(',');
  });
  return `${head.join(',')}\n${rows.join('\n')}\n`;
}
