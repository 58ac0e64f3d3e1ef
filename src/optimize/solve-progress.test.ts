import { afterAll, describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { describeSolveProgress, SolveProgressEstimator, type SolveProgress } from './solve-progress.ts';

/** An estimator on a fake clock that advances one second per report. */
function clocked(rows: number) {
  let t = 0;
  const e = new SolveProgressEstimator(rows, () => t);
  return { e, tick: (s = 1) => (t += s * 1000) };
}

describe('SolveProgressEstimator', () => {
  it('follows dual simplex iterations against the presolved rows, never going back', () => {
    const { e, tick } = clocked(20_000);
    e.log('Presolving model');
    tick();
    expect(e.report().phase).toBe('presolve');
    e.log('Presolve reductions: rows 10000(-10000); columns 20953(-947); nonzeros 41176(-2622)');
    e.log('Using dual simplex solver');
    const seen: SolveProgress[] = [];
    for (const it of [0, 3000, 7500, 15000, 30000]) {
      e.log(`${it}     1.6272219234e+06 Pr: 12(3.5); Du: 0(1.2e-12) ${it / 1000}s`);
      tick();
      seen.push(e.report());
    }
    expect(seen.every((p) => p.phase === 'simplex')).toBe(true);
    // 7,500 of the 15,000 expected (1.5 per presolved row): half of the simplex span's 90 %
    expect(seen[2]!.fraction).toBeCloseTo(0.05 + 0.92 * 0.45, 6);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    expect(seen[4]!.fraction).toBeLessThan(0.97);
    expect(seen[2]!.remainingSeconds).toBeGreaterThan(0);
    e.log('Performed postsolve');
    tick();
    expect(e.report().phase).toBe('postsolve');
    expect(e.report().fraction).toBeGreaterThanOrEqual(0.97);
  });

  it('follows the interior point by how far the duality gap has closed, then crossover', () => {
    const { e, tick } = clocked(10_000);
    e.log('IPX model has 9823 rows, 20953 columns and 41176 nonzeros');
    e.log('0    1.55263324e+06  -1.50283276e+07   2.00e-01   1.48e+00  1.00e+00       0.1');
    tick();
    const start = e.report();
    expect(start.phase).toBe('ipm');
    // gap 1e0 → 1e-4 is half of the way to 1e-8 on a log scale
    e.log('9    1.62941188e+06   1.62380730e+06   2.34e-06   2.62e-11  1.00e-04       0.8');
    tick();
    expect(e.report().fraction).toBeCloseTo(0.05 + 0.8 * 0.5, 6);
    e.log('Constructing starting basis...');
    tick();
    const cross = e.report();
    expect(cross.phase).toBe('crossover');
    expect(cross.fraction).toBeGreaterThanOrEqual(0.85);
    expect(describeSolveProgress(cross)).toMatch(/^crossover(, about \d+ s left)?$/);
    expect(describeSolveProgress({ phase: 'simplex', iterations: 14620, fraction: 0.4, elapsedSeconds: 20, remainingSeconds: 30 })).toBe('dual simplex, 14,620 iterations, about 30 s left');
  });
});

describe('HiGHS progress while one long model solves', () => {
  const solver = new HighsWasmSolver();
  afterAll(() => solver.close());

  // HiGHS writes its iteration lines by elapsed time: the model is a year of two sites (seconds of
  // simplex), since a sub-second solve may log none before its summary; on a busy machine the
  // check is tried again rather than loosened
  it('reports phase, iterations and a growing estimate, and returns the same optimum', { retry: 3 }, async () => {
    const model = buildBatteryFlexModel({ hours: 8760, sites: 2, seed: 1 }).model.compile();
    const plain = await solver.solve(model, { method: 'simplex' });
    const seen: SolveProgress[] = [];
    const r = await solver.solve(model, { method: 'simplex', onProgress: (p) => seen.push(p) });
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(plain.objective, 6);
    expect(r.iterations!.simplex).toBeGreaterThan(1000);
    const simplex = seen.filter((p) => p.phase === 'simplex' && p.iterations > 0);
    expect(simplex.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    // the estimate is somewhere in the middle while it runs, not a jump at the end
    expect(simplex.some((p) => p.fraction > 0.1 && p.fraction < 0.95)).toBe(true);
    const ipm: SolveProgress[] = [];
    const r2 = await solver.solve(model, { method: 'ipm', onProgress: (p) => ipm.push(p) });
    expect(r2.objective).toBeCloseTo(plain.objective, 4);
    expect(ipm.some((p) => p.phase === 'ipm')).toBe(true);
  });
});
