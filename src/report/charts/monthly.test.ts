import { describe, expect, it } from 'vitest';
import { axisLabels, overlaps, shareRow, titleAndLegendBoxes } from '../../../test/helpers/chart-layout.ts';
import type { MonthKpis } from '../../metrics/summary.ts';
import { monthlyEnergyCostChart, monthlyPueChart, monthlyEnergyData, monthlyPueData } from '../monthly-charts.ts';
import { drawMonthlyCharts, monthlyEnergyCostOption, monthlyPueOption, MONTHLY_CHART_SIZE } from './monthly.ts';
import type { ChartOption } from './theme.ts';

const { width: W, height: H } = MONTHLY_CHART_SIZE;

function month(key: string, facilityMWh: number, cost: number, green = 0.3): MonthKpis {
  return { month: key, itEnergyMWh: facilityMWh / 1.2, facilityEnergyMWh: facilityMWh, pue: 1.2, directGreenRatio: green, gridImportMWh: facilityMWh * (1 - green), co2Tonnes: 0, energyCost: cost };
}

const YEAR = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m, i) => month(`2023-${m}`, 1000 + 50 * i, 60_000 + 1000 * i));
const LONG = 'Ulanqab wind-solar-storage computing base (Inner Mongolia): monthly PUE and direct green ratio';

describe('monthly charts', () => {
  it('draw no direct-green reference line for a site without a target', () => {
    const option = monthlyPueOption(monthlyPueData(YEAR, 1.15, 'Texas', null));
    const green = (option.series as Array<{ name: string; markLine?: unknown }>).find((s) => s.name === 'Direct green ratio')!;
    expect(green.markLine).toBeUndefined();
    const svg = monthlyPueChart(YEAR, 1.15, 'Texas: monthly PUE and direct green ratio');
    expect(svg).not.toMatch(/60 % reference|site target/);
  });

  it("draw the site's own direct-green target where it has one", () => {
    const option = monthlyPueOption(monthlyPueData(YEAR, 1.2, 'Ulanqab', 0.6));
    const green = (option.series as Array<{ name: string; markLine?: { data: Array<{ yAxis: number }> } }>).find((s) => s.name === 'Direct green ratio')!;
    expect(green.markLine?.data).toEqual([{ yAxis: 60 }]);
    expect(monthlyPueChart(YEAR, 1.2, 'Ulanqab', W, H, 0.65)).toContain('site target 65 %');
  });

  it('label a small energy axis with distinct ticks (not "0, 0, 1, 1, 1, 2")', () => {
    // one short month of a small site: ticks at 0, 0.2, 0.4, … MWh
    const small = [month('2025-05', 1.8, 120)];
    const labels = axisLabels(monthlyEnergyCostOption(monthlyEnergyData(small, 'USD', 'Fleet')), W, H, 'yAxis', 0);
    expect(labels.length).toBeGreaterThan(3);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('0');
    // the same through the SVG: the left axis labels (anchored at their end) differ
    const svg = monthlyEnergyCostChart(small, 'USD', 'Fleet');
    const left = [...svg.matchAll(/text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(left.length).toBeGreaterThan(3);
    expect(new Set(left).size).toBe(left.length);
  });

  it('keep large energy and cost axes readable (thousands separators, no decimals)', () => {
    const labels = axisLabels(monthlyEnergyCostOption(monthlyEnergyData(YEAR, 'USD', 'Fleet')), W, H, 'yAxis', 1);
    expect(labels).toContain('20,000');
    for (const l of labels) expect(l).toMatch(/^[\d,]+$/);
  });

  it('put the legend below the title, never on it, even for a long title', () => {
    const options: ChartOption[] = [
      monthlyPueOption(monthlyPueData(YEAR, 1.2, LONG, 0.6)),
      monthlyEnergyCostOption(monthlyEnergyData(YEAR, 'CNY', `${LONG} and electricity cost`)),
      monthlyPueOption(monthlyPueData(YEAR, 1.2, LONG, 0.6), { interactive: true, width: 640 }),
    ];
    for (const o of options) {
      const { title, legends } = titleAndLegendBoxes(o, W, H);
      expect(legends).toHaveLength(1);
      // on separate rows, so no title width (or wider browser font) can reach the legend
      expect(shareRow(title, legends[0]!)).toBe(false);
      expect(overlaps(title, legends[0]!)).toBe(false);
      expect(title.x + title.width).toBeLessThanOrEqual(W);
    }
  });

  it('the row check catches the old layout (legend top right, on the title row)', () => {
    const old = { ...monthlyPueOption(monthlyPueData(YEAR, 1.2, LONG, 0.6)), title: { text: LONG, left: 64, top: 4, textStyle: { fontSize: 14 } }, legend: { top: 6, right: 24, itemGap: 16, textStyle: { fontSize: 11 } } };
    const { title, legends } = titleAndLegendBoxes(old, W, H);
    expect(shareRow(title, legends[0]!)).toBe(true);
    // with a 25 % wider font than ECharts measures on the server (as in browsers), they collide
    expect(overlaps({ ...title, width: title.width * 1.25 }, legends[0]!)).toBe(true);
  });

  it('are drawn for horizons of 28 days or more only', () => {
    expect(drawMonthlyCharts(8 / 24)).toBe(false);
    expect(drawMonthlyCharts(21)).toBe(false);
    expect(drawMonthlyCharts(27.99)).toBe(false);
    expect(drawMonthlyCharts(28)).toBe(true);
    expect(drawMonthlyCharts(365)).toBe(true);
  });

  it('have tooltips with units when interactive', () => {
    const o = monthlyEnergyCostOption(monthlyEnergyData(YEAR, 'USD', 'Fleet'), { interactive: true });
    const tip = o.tooltip as { formatter: (p: unknown) => string };
    const html = tip.formatter([
      { seriesName: 'Facility energy', value: 1234.56, axisValue: '2023-03', marker: '' },
      { seriesName: 'Electricity cost', value: 61000, axisValue: '2023-03', marker: '' },
    ]);
    expect(html).toContain('2023-03');
    expect(html).toContain('1,234.6 MWh');
    expect(html).toContain('61,000 USD');
    expect(monthlyEnergyCostOption(monthlyEnergyData(YEAR, 'USD', 'Fleet')).tooltip).toBeUndefined();
  });
});
