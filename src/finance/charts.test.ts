import { describe, expect, it } from 'vitest';
import { cashFlowOption, cumulativeOption, moneyScale, sweepOption, tornadoOption, type FinanceChartData } from './charts.ts';

let cumulative = 0;
const year = (y: number, revenue: number, opex: number, capex: number, residual = 0) => {
  const cashFlow = revenue + residual - opex - capex;
  cumulative += cashFlow;
  return { year: y, revenue, residualValue: residual, opex, tax: 0, capex, cashFlow, cumulativeCashFlow: cumulative, cumulativeDiscountedCashFlow: 0, discountFactor: 1 / 1.1 ** y };
};

// capex of 12 M in year 0; 10 M revenue and 4 M opex a year: pays back in exactly 2 years
const f: FinanceChartData = {
  currency: 'USD',
  npv: 3_000_000,
  horizonYears: 3,
  paybackYears: 2,
  discountedPaybackYears: 2.6,
  years: [year(0, 0, 0, 12e6), year(1, 10e6, 4e6, 0), year(2, 10e6, 4e6, 0), year(3, 10e6, 4e6, 0, 1e6)],
  tornado: [{ label: 'GPU server price', lowText: '−20 %', highText: '+20 %', npvLow: 5_400_000, npvHigh: 600_000 }],
};

describe('finance charts', () => {
  it('scales money to millions and stacks costs below zero', () => {
    expect(moneyScale(12e6)).toEqual({ factor: 1e6, word: 'million' });
    const o = cashFlowOption(f);
    expect((o.yAxis as { name: string }).name).toBe('USD million');
    const s = o.series as Array<{ name: string; data: number[] }>;
    expect(s.find((x) => x.name === 'Capex')!.data).toEqual([-12, -0, -0, -0]);
    expect(s.find((x) => x.name === 'Net cash flow')!.data).toEqual([-12, 6, 6, 7]);
  });

  it('accumulates cash before the residual value and marks both paybacks', () => {
    const o = cumulativeOption(f);
    const s = o.series as Array<{ data: Array<[number, number]>; markLine?: { data: Array<{ xAxis?: number }> } }>;
    expect(s[0]!.data).toEqual([[0, -12], [1, -6], [2, 0], [3, 6]]);
    expect(s[0]!.markLine!.data.map((m) => m.xAxis).filter((x) => x !== undefined)).toEqual([2, 2.6]);
  });

  it('draws the tornado as changes from the base NPV, in thousands for swings of millions', () => {
    const o = tornadoOption(f);
    const s = o.series as Array<{ data: Array<{ value: number }> }>;
    expect(s.map((x) => x.data[0]!.value)).toEqual([2400, -2400]);
    expect((o.xAxis as { name: string }).name).toBe('Change of NPV, USD thousand');
  });

  it('has tooltips with full amounts and units only when interactive', () => {
    for (const build of [cashFlowOption, cumulativeOption, tornadoOption]) expect(build(f).tooltip).toBeUndefined();
    const cash = cashFlowOption(f, { interactive: true });
    const html = (cash.tooltip as { formatter: (p: unknown) => string }).formatter([{ seriesName: 'Revenue', value: 10, axisValue: 'Year 1', marker: '' }]);
    expect(html).toContain('Year 1');
    expect(html).toContain('10,000,000 USD');
    const t = tornadoOption(f, { interactive: true });
    const th = (t.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 0 }]);
    expect(th).toContain('GPU server price');
    expect(th).toContain('low (−20 %)');
    expect(th).toContain('NPV 5,400 thousand USD');
    expect(th).toContain('+2,400');
    const sw = sweepOption({ dimensions: [{ key: 'storage.energyMWh', values: [0, 50] }], points: [{ values: [0], metrics: { npv: 1e6 } }, { values: [50], metrics: null }] }, 'USD', { interactive: true });
    expect((sw.series as Array<{ data: Array<number | null> }>)[0]!.data).toEqual([1000, null]);
  });
});
