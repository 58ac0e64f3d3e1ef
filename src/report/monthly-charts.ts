/**
 * Month-by-month charts from the summary: PUE with the direct green ratio per site, energy
 * with cost for the fleet. The data functions feed the option builders in charts/monthly.ts,
 * drawn as static SVG here and interactively in the page.
 */
import type { MonthKpis } from '../metrics/summary.ts';
import { svgChart } from './chart.ts';
import { MONTHLY_CHART_SIZE, monthlyEnergyCostOption, monthlyPueOption, type MonthlyEnergyData, type MonthlyPueData } from './charts/monthly.ts';

/**
 * Direct green share required of "wind-solar-storage + computing" bases (the usual value of a
 * site's `greenTarget.directGreenRatio`); charts draw a site's own target, never this default.
 */
export const DIRECT_GREEN_REFERENCE = 0.6;

/** Chart data of a site's monthly PUE and direct green ratio; `greenTarget` is a fraction (0–1) or null. */
export function monthlyPueData(months: MonthKpis[], designPue: number | null, title: string, greenTarget: number | null = null): MonthlyPueData {
  return {
    title,
    months: months.map((m) => m.month),
    pue: months.map((m) => (m.pue !== null && m.pue > 0 ? m.pue : null)),
    directGreenPercent: months.map((m) => m.directGreenRatio * 100),
    designPue,
    greenTargetPercent: greenTarget === null ? null : greenTarget * 100,
  };
}

/** Chart data of monthly energy, import and cost. */
export function monthlyEnergyData(months: MonthKpis[], currency: string, title: string): MonthlyEnergyData {
  return { title, currency, months: months.map((m) => m.month), facilityMWh: months.map((m) => m.facilityEnergyMWh), gridImportMWh: months.map((m) => m.gridImportMWh), cost: months.map((m) => m.energyCost) };
}

/** Monthly PUE (bars above 1.0) and direct green ratio (line, %) with design PUE and the site's green target (when it has one), as SVG. */
export function monthlyPueChart(months: MonthKpis[], designPue: number | null, title: string, width: number = MONTHLY_CHART_SIZE.width, height: number = MONTHLY_CHART_SIZE.height, greenTarget: number | null = null): string {
  return svgChart(monthlyPueOption(monthlyPueData(months, designPue, title, greenTarget), { width, height }), width, height, `${title}: monthly PUE and direct green ratio`);
}

/** Monthly facility energy (bars, MWh) and electricity cost (line, currency), as SVG. */
export function monthlyEnergyCostChart(months: MonthKpis[], currency: string, title: string, width: number = MONTHLY_CHART_SIZE.width, height: number = MONTHLY_CHART_SIZE.height): string {
  return svgChart(monthlyEnergyCostOption(monthlyEnergyData(months, currency, title), { width, height }), width, height, `${title}: monthly energy and electricity cost`);
}
