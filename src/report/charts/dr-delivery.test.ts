import { describe, expect, it } from 'vitest';
import { drDeliveryData, drDeliveryOption, drIntervalRows } from './dr-delivery.ts';

// two intervals of the Phoenix event as settlement-intervals.csv gives them, and one of another site
const csv = [
  { event: 'srp', site: 'phoenix', interval_start_local: '2025-05-03T16:00:00-07:00', baseline_kW: '231.507', actual_kW: '173.631', target_kW: '57.877' },
  { event: 'srp', site: 'phoenix', interval_start_local: '2025-05-03T16:15:00-07:00', baseline_kW: '231.507', actual_kW: '180', target_kW: '57.877' },
  { event: 'srp', site: 'mesa', interval_start_local: '2025-05-03T16:00:00-07:00', baseline_kW: '2000', actual_kW: '1500', target_kW: '400' },
];

describe('DR delivery chart', () => {
  it('draws one event at one site: baseline, committed level (baseline − target) and metered power, by local interval', () => {
    const d = drDeliveryData(drIntervalRows(csv), 'srp', 'phoenix');
    expect(d.unit).toBe('kW');
    expect(d.labels).toEqual(['16:00', '16:15']);
    expect(d.baseline).toEqual([231.507, 231.507]);
    expect(d.actual).toEqual([173.631, 180]);
    expect(d.committed).toEqual([173.63, 173.63]);
    const up = drDeliveryData(drIntervalRows(csv), 'srp', 'mesa', 'increase');
    expect(up.unit).toBe('MW');
    expect(up.committed).toEqual([2.4]);
  });

  it('gives each interval\'s delivery in the tooltip, with units on the axes', () => {
    const o = drDeliveryOption(drDeliveryData(drIntervalRows(csv), 'srp', 'phoenix'), { interactive: true });
    expect((o.yAxis as { name: string }).name).toBe('Power (kW)');
    expect((o.xAxis as { name: string }).name).toBe('Interval start (site local time)');
    const html = (o.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 1, axisValue: '16:15' }]);
    expect(html).toContain('Delivered</td><td style="text-align:right;padding-left:12px">51.507 kW');
  });
});
