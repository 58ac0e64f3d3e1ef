import { describe, expect, it } from 'vitest';
import { shareRow, titleAndLegendBoxes } from '../../test/helpers/chart-layout.ts';
import { workedCase } from '../../test/helpers/finance-fixtures.ts';
import { cashFlowOption, cumulativeOption, financeSection, tornadoOption } from './report-section.ts';
import { valueFromInput } from './value.ts';

describe('finance section of the report', () => {
  const f = valueFromInput(workedCase(), []);

  it('puts every chart legend on its own row below the title', () => {
    expect(f.tornado.length).toBeGreaterThan(0);
    for (const [o, h] of [[cashFlowOption(f), 360], [cumulativeOption(f), 340], [tornadoOption(f), 80 + 44 * f.tornado.length + 60]] as const) {
      const { title, legends } = titleAndLegendBoxes(o, 960, h);
      expect(legends.length).toBe(1);
      expect(shareRow(title, legends[0]!)).toBe(false);
      expect(legends[0]!.y).toBeGreaterThanOrEqual(title.y + title.height - 0.5);
    }
  });

  it('splits the production lines into a payback table and a break-even table', () => {
    const html = financeSection(f).html;
    const tables = [...html.matchAll(/<table class="data lines">[\s\S]*?<\/table>/g)].map((m) => m[0]);
    expect(tables).toHaveLength(2);
    const heads = tables.map((t) => (t.match(/<th scope="col"/g) ?? []).length);
    expect(heads).toEqual([9, 9]);
    expect(tables[0]).toContain('Within 18 months');
    expect(tables[1]).toContain('Break-even electricity');
    for (const t of tables) expect(t).toContain('<td>c1</td>');
  });
});
