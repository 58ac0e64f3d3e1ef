import { describe, expect, it } from 'vitest';
import type { TimeGrid } from '../time/grid.ts';
import { rangeChoices, rangePickerHtml, scriptJson } from './interactive.ts';

describe('page data blocks', () => {
  it('write JSON that no string can break out of', () => {
    const value = { name: '</script><script>alert(1)</script> <!-- & \u2028' };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('month and week picker', () => {
  // 2023-07-09 19:00 in Chicago (00:00 UTC on the 10th) for 21 days
  const grid: TimeGrid = { startMs: Date.parse('2023-07-10T00:00:00Z'), stepMinutes: 60, steps: 21 * 24, timeZone: 'America/Chicago' };
  const wall = (iso: string) => Date.parse(`${iso}Z`);

  it('lists local months and Monday-to-Sunday weeks as wall-clock ranges, marking cut ones', () => {
    const { months, weeks } = rangeChoices(grid, 'America/Chicago');
    expect(months).toEqual([{ label: 'July 2023 (part)', from: wall('2023-07-09T19:00'), to: wall('2023-07-30T19:00') }]);
    expect(weeks.map((w) => w.label)).toEqual(['2023-07-09 (part)', '2023-07-10 to 07-16', '2023-07-17 to 07-23', '2023-07-24 to 07-30 (part)']);
    expect(weeks[1]).toMatchObject({ from: wall('2023-07-10T00:00'), to: wall('2023-07-17T00:00') });
    expect(weeks[3]!.to).toBe(wall('2023-07-30T19:00'));
  });

  it('has no picker for a horizon of a few days, only the status line', () => {
    const short: TimeGrid = { ...grid, steps: 48 };
    const html = rangePickerHtml(short, 'America/Chicago', null);
    expect(html).not.toContain('<select');
    expect(html).toContain('class="chart-status"');
    expect(rangePickerHtml(grid, 'America/Chicago', { label: 'peak', from: 1, to: 2 })).toContain('<option value="1:2">Highest-demand week (peak)</option>');
  });
});
