import { readFileSync } from 'node:fs';
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
    // IPX builds a basis for its preconditioner mid-solve: still the interior point
    e.log(' Constructing starting basis...');
    e.log('10    1.62941188e+06   1.62380730e+06   2.34e-06   2.62e-11  5.00e-05       0.9');
    tick();
    expect(e.report()).toMatchObject({ phase: 'ipm', iterations: 10 });
    e.log('Running crossover as requested');
    tick();
    const cross = e.report();
    expect(cross.phase).toBe('crossover');
    expect(cross.fraction).toBeGreaterThanOrEqual(0.85);
    expect(describeSolveProgress(cross)).toMatch(/^crossover(, about \d+ s left)?$/);
    expect(describeSolveProgress({ phase: 'simplex', iterations: 14620, fraction: 0.4, elapsedSeconds: 20, remainingSeconds: 30 })).toBe('dual simplex, 14,620 iterations, about 30 s left');
  });
});

/** A log HiGHS wrote for the progress options (scripts/record-highs-log.ts), with its final counts. */
interface RecordedLog {
  rows: number;
  columns: number;
  method: 'simplex' | 'ipm';
  info: { simplex: number; ipm: number; crossover: number };
  messages: string[];
}

function recorded(method: 'simplex' | 'ipm'): RecordedLog {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/highs-log/battery-flex-720h-${method}.json`, import.meta.url), 'utf8')) as RecordedLog;
}

/** Feeds a recorded log to an estimator, 10 ms per message, and collects a report after each. */
function replay(log: RecordedLog): { seen: SolveProgress[]; last: SolveProgress } {
  const { e, tick } = clocked(log.rows);
  const seen: SolveProgress[] = [];
  for (const message of log.messages) {
    e.log(message);
    tick(0.01);
    seen.push(e.report());
  }
  return { seen, last: e.finish(log.info) };
}

function phases(seen: SolveProgress[]): string[] {
  return seen.map((p) => p.phase).filter((p, i, all) => i === 0 || p !== all[i - 1]);
}

describe('SolveProgressEstimator on recorded HiGHS logs', () => {
  it('follows a dual simplex solve by its rebuild reports, from presolve to the final count', () => {
    const log = recorded('simplex');
    const { seen, last } = replay(log);
    expect(phases(seen)).toEqual(['presolve', 'simplex', 'postsolve']);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    const simplex = seen.filter((p) => p.phase === 'simplex');
    // one report per basis rebuild: the iterations climb to HiGHS's own final count
    const counts = [...new Set(simplex.map((p) => p.iterations))];
    expect(counts.length).toBeGreaterThan(20);
    expect(counts.at(-1)).toBe(log.info.simplex);
    // 2,481 of the 4,888.5 expected (1.5 per presolved row, 3,259 rows): 0.05 + 0.92 × 0.9 × 2481 / 4888.5
    const mid = simplex.find((p) => p.iterations === 2481)!;
    expect(mid.fraction).toBeCloseTo(0.05 + 0.92 * ((0.9 * 2481) / (1.5 * 3259)), 9);
    // the estimate is spread over the solve, not a jump at the end
    expect(simplex.filter((p) => p.fraction > 0.1 && p.fraction < 0.95).length).toBeGreaterThan(15);
    expect(last).toMatchObject({ phase: 'simplex', iterations: log.info.simplex, fraction: 1 });
    expect(describeSolveProgress(last)).toBe(`dual simplex, ${log.info.simplex.toLocaleString('en-US')} iterations`);
  });

  it('follows an interior point solve by its gap through the preconditioner\'s basis, then crossover', () => {
    const log = recorded('ipm');
    const { seen, last } = replay(log);
    // the summary's "Crossover iterations: 77" after postsolve does not send the phase back
    expect(phases(seen)).toEqual(['presolve', 'ipm', 'crossover', 'postsolve']);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    const ipm = seen.filter((p) => p.phase === 'ipm');
    // every interior point iteration is logged, "26*" included
    expect(Math.max(...ipm.map((p) => p.iterations))).toBe(log.info.ipm);
    expect(ipm.filter((p) => p.fraction > 0.1 && p.fraction < 0.85).length).toBeGreaterThan(10);
    expect(last).toMatchObject({ phase: 'crossover', iterations: log.info.crossover, fraction: 1 });
  });

  it('ends a solve that presolve alone finished in postsolve, with no iterations', () => {
    const { e } = clocked(100);
    e.log('Presolving model');
    e.log('Presolve: Optimal');
    expect(e.finish({ simplex: 0, ipm: 0, crossover: 0 })).toMatchObject({ phase: 'postsolve', iterations: 0, fraction: 1 });
  });
});

describe('HiGHS progress while a model solves', () => {
  const solver = new HighsWasmSolver();
  afterAll(() => solver.close());

  // HiGHS logs every simplex rebuild and every interior point iteration with the options a solve
  // with progress sets, and every percent of the estimate is reported: what is seen does not
  // depend on the machine's speed, so a one-second model shows it
  it('reports phase, iterations and a growing estimate, ends at HiGHS\'s counts, and returns the same optimum', async () => {
    const model = buildBatteryFlexModel({ hours: 720, sites: 2, seed: 1 }).model.compile();
    const plain = await solver.solve(model, { method: 'simplex' });
    const seen: SolveProgress[] = [];
    const r = await solver.solve(model, { method: 'simplex', onProgress: (p) => seen.push(p) });
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(plain.objective, 6);
    // the recorded log of the unit tests above is this HiGHS's log (re-record with scripts/record-highs-log.ts)
    expect(r.iterations!.simplex).toBe(recorded('simplex').info.simplex);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    const simplex = seen.filter((p) => p.phase === 'simplex' && p.fraction < 1);
    expect(simplex.filter((p) => p.iterations > 0 && p.fraction > 0.1 && p.fraction < 0.95).length).toBeGreaterThan(15);
    expect(seen.at(-1)).toMatchObject({ phase: 'simplex', iterations: r.iterations!.simplex, fraction: 1 });
    const ipm: SolveProgress[] = [];
    const r2 = await solver.solve(model, { method: 'ipm', onProgress: (p) => ipm.push(p) });
    expect(r2.objective).toBeCloseTo(plain.objective, 4);
    expect(ipm.filter((p) => p.phase === 'ipm' && p.fraction > 0.1).length).toBeGreaterThan(5);
    expect(ipm.at(-1)).toMatchObject({ phase: 'crossover', iterations: r2.iterations!.crossover, fraction: 1 });
  });
});
