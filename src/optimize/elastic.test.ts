import { afterAll, describe, expect, it } from 'vitest';
import { buildElasticModel, explainInfeasibility, summarizeSlacks, type SoftRowGroup } from './elastic.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { LinearModel, type CompiledModel } from './model-builder.ts';

/**
 * One site, two hours. Grid import g_t ≤ 5 MW per hour (rows, so they can be made soft), the job
 * runs on grid power only (f_t ≤ g_t), and job llm-pretrain needs 12 MWh over the two hours.
 * At most 10 MWh can arrive, so the job is 2 MWh short, or the grid limit is exceeded by 2 MWh.
 */
function tinyInfeasible(jobEnergyMWh = 12): { model: CompiledModel; importRows: number[]; jobRow: number; balanceRows: number[] } {
  const m = new LinearModel();
  const g = m.addVariables(2, { cost: [50, 80], nameFn: (t) => `g[ulanqab,t${t}]` });
  const f = m.addVariables(2, { nameFn: (t) => `f[llm-pretrain,t${t}]` });
  const importRows = [0, 1].map((t) => m.addConstraint({ name: `importLimit[t${t}]`, upper: 5, terms: { indices: [g + t], coefficients: [1] } }));
  const balanceRows = [0, 1].map((t) => m.addConstraint({ name: `balance[t${t}]`, upper: 0, terms: { indices: [f + t, g + t], coefficients: [1, -1] } }));
  const jobRow = m.addConstraint({ name: 'jobEnergy[llm-pretrain]', lower: jobEnergyMWh, terms: { indices: [f, f + 1], coefficients: [1, 1] } });
  return { model: m.compile(), importRows, jobRow, balanceRows };
}

const hours = ['2023-07-14 19:00', '2023-07-14 20:00'];

describe('explainInfeasibility', () => {
  const solver = new HighsWasmSolver();
  afterAll(() => solver.close());

  it('the tiny model really is infeasible', async () => {
    expect((await solver.solve(tinyInfeasible().model)).status).toBe('infeasible');
  });

  it('reports the job that cannot get its energy, and by how much', async () => {
    const { model, jobRow } = tinyInfeasible();
    const groups: SoftRowGroup[] = [{ group: 'job energy', rows: [jobRow], label: () => 'job llm-pretrain', unit: 'MWh' }];
    const report = await explainInfeasibility(model, groups, solver);
    expect(report.status).toBe('optimal');
    expect(report.violations).toHaveLength(1);
    const [v] = report.violations;
    expect(v).toMatchObject({ group: 'job energy', label: 'job llm-pretrain', unit: 'MWh', direction: 'below-lower', rows: 1 });
    expect(v?.amount).toBeCloseTo(2, 6);
  });

  it('sums hourly grid-limit violations per site when the grid is the cheaper limit to relax', async () => {
    const { model, importRows, jobRow } = tinyInfeasible();
    const groups: SoftRowGroup[] = [
      { group: 'grid import limit', rows: importRows, label: () => 'site ulanqab', unit: 'GWh', scale: 0.001, penalty: 1e4 },
      { group: 'job energy', rows: [jobRow], label: () => 'job llm-pretrain', unit: 'MWh', penalty: 1e6 },
    ];
    const report = await explainInfeasibility(model, groups, solver);
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({ group: 'grid import limit', label: 'site ulanqab', unit: 'GWh', direction: 'above-upper' });
    expect(report.violations[0]?.amount).toBeCloseTo(0.002, 9);
  });

  it('puts the excess in the cheaper hour, labelled per hour', async () => {
    const { model, importRows } = tinyInfeasible(13);
    const groups: SoftRowGroup[] = [
      { group: 'grid import limit', rows: importRows, label: (row) => `site ulanqab, ${hours[importRows.indexOf(row)]}`, unit: 'MWh' },
    ];
    const report = await explainInfeasibility(model, groups, solver);
    expect(report.status).toBe('optimal');
    // 13 MWh needed, 10 allowed; hour 0 costs 50 and hour 1 costs 80, so all 3 MWh go to hour 0
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]?.label).toBe('site ulanqab, 2023-07-14 19:00');
    expect(report.violations[0]?.amount).toBeCloseTo(3, 6);
  });

  it('keeps rows apart when their labels differ, largest first', () => {
    const { model, importRows } = tinyInfeasible();
    const groups: SoftRowGroup[] = [{ group: 'grid import limit', rows: importRows, label: (row) => `hour ${importRows.indexOf(row)}`, unit: 'MWh' }];
    const e = buildElasticModel(model, groups);
    const x = new Float64Array(e.model.numColumns);
    x[e.slacks[0]?.column as number] = 0.5;
    x[e.slacks[1]?.column as number] = 1.5;
    expect(summarizeSlacks(e, groups, x)).toEqual([
      { group: 'grid import limit', label: 'hour 1', amount: 1.5, unit: 'MWh', direction: 'above-upper', rows: 1 },
      { group: 'grid import limit', label: 'hour 0', amount: 0.5, unit: 'MWh', direction: 'above-upper', rows: 1 },
    ]);
  });

  it('reports nothing for a feasible model, and infeasible when the conflict is in hard rows', async () => {
    const feasible = tinyInfeasible(8);
    const ok = await explainInfeasibility(feasible.model, [{ group: 'job energy', rows: [feasible.jobRow], label: () => 'job', unit: 'MWh' }], solver);
    expect(ok.status).toBe('optimal');
    expect(ok.violations).toEqual([]);
    const hard = tinyInfeasible();
    const none = await explainInfeasibility(hard.model, [{ group: 'balance', rows: hard.balanceRows.slice(0, 0), label: () => 'x', unit: 'MW' }], solver);
    expect(none.status).toBe('infeasible');
    expect(none.violations).toEqual([]);
  });

  it('adds one slack per finite side of each soft row, named after the row', () => {
    const { model, jobRow, importRows } = tinyInfeasible();
    const eq = new LinearModel();
    const x = eq.addVariable();
    eq.addConstraint({ name: 'fixed', lower: 1, upper: 1, terms: { indices: [x], coefficients: [1] } });
    const e = buildElasticModel(eq.compile(), [{ group: 'g', rows: [0], label: () => 'x', unit: 'u' }]);
    expect(e.slacks.map((s) => s.direction)).toEqual(['below-lower', 'above-upper']);
    expect(e.model.numColumns).toBe(3);
    expect(e.model.columnName(1)).toBe('slack_below[fixed]');
    const e2 = buildElasticModel(model, [{ group: 'g', rows: [jobRow, ...importRows], label: () => 'x', unit: 'u' }]);
    expect(e2.slacks).toHaveLength(3);
    expect(e2.model.numNonzeros).toBe(model.numNonzeros + 3);
  });
});
