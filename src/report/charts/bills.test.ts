import { describe, expect, it } from 'vitest';
import { monthlyBillsData, monthlyBillsOption } from './bills.ts';
import { COLORS } from './theme.ts';

const bill = {
  lines: [
    { month: '2023-07', item: 'energy, spot', amount: 410_822.74 },
    { month: '2023-07', item: 'maximum demand (60-min average)', amount: 198_504.75 },
    { month: '2023-08', item: 'energy, spot', amount: 8_663.07 },
    { month: '2023-08', item: 'export credit', amount: -1_200.5 },
    { month: '2023-07', item: 'export credit', amount: -300.25 },
    // two lines of one item in a month add up
    { month: '2023-08', item: 'maximum demand (60-min average)', amount: 8_000 },
    { month: '2023-08', item: 'maximum demand (60-min average)', amount: 647.12 },
  ],
  months: [{ month: '2023-07', total: 609_027.24 }, { month: '2023-08', total: 16_109.69 }],
};

describe('monthly bills chart', () => {
  it('sums each item per month, keeps credits negative, and colours items by what they charge for', () => {
    const d = monthlyBillsData(bill, 'USD', 'dallas: monthly bill');
    expect(d.months).toEqual(['2023-07', '2023-08']);
    expect(d.items.map((i) => i.name)).toEqual(['energy, spot', 'maximum demand (60-min average)', 'export credit']);
    expect(d.items[1]!.values).toEqual([198_504.75, 8_647.12]);
    expect(d.items[2]!.values).toEqual([-300.25, -1_200.5]);
    expect(d.items.map((i) => i.color)).toEqual([COLORS.blue, COLORS.vermillion, COLORS.yellow]);
    // the items add up to the bill's totals
    for (let m = 0; m < 2; m++) expect(d.items.reduce((a, i) => a + i.values[m]!, 0)).toBeCloseTo(d.total[m]!, 6);
  });

  it('stacks items on a money axis with its unit, and its tooltip gives the amounts in the currency', () => {
    const d = monthlyBillsData(bill, 'USD', 'dallas: monthly bill');
    const o = monthlyBillsOption(d, { interactive: true });
    expect((o.yAxis as { name: string }).name).toBe('Bill (USD thousand)');
    const series = o.series as Array<{ name: string; stack?: string; data: number[] }>;
    expect(series.map((s) => s.stack)).toEqual(['bill', 'bill', 'bill', undefined]);
    expect(series[0]!.data).toEqual([410.8227, 8.6631]);
    const f = (o.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = f(series.map((s, i) => ({ seriesName: s.name, seriesIndex: i, dataIndex: 1, axisValue: '2023-08', marker: '' })));
    expect(html).toContain('2023-08');
    expect(html).toContain('8,663.07 USD');
    expect(html).toContain('-1,200.50 USD');
    expect(html).toContain('16,109.69 USD');
    expect(monthlyBillsOption(d).tooltip).toBeUndefined();
  });
});
