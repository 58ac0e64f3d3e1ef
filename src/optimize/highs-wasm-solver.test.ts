import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { LinearModel } from './model-builder.ts';
import { checkFeasibility, objectiveValue } from './solution-check.ts';
import { runSolverCases } from './solver.case.ts';
import { seededRandom } from '../random/seeded.ts';

runSolverCases(() => new HighsWasmSolver(), 'HiGHS WebAssembly in a worker');

describe('HighsWasmSolver', () => {
  const solver = new HighsWasmSolver();
  afterAll(() => solver.close());

  it('keeps the main thread ticking during a solve and reuses one worker', async () => {
    await solver.warmUp();
    const model = buildBatteryFlexModel({ hours: 2190, sites: 1, seed: 3 }).model.compile();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    const r = await solver.solve(model);
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    expect(r.status).toBe('optimal');
    expect(checkFeasibility(model, r.columnValues).maxRowViolation).toBeLessThan(1e-6);
    // a solve on the main thread would let no 5 ms timer fire at all
    expect(ticks).toBeGreaterThan(Math.min(10, elapsed / 20));
    const again = await solver.solve(model);
    expect(again.objective).toBeCloseTo(r.objective, 6);
    expect(solver.workersStarted).toBe(1);
  });

  it('keeps a model by name and re-solves it at other costs from its last basis, to the same optimum', async () => {
    const s = new HighsWasmSolver();
    try {
      const model = buildBatteryFlexModel({ hours: 96, sites: 1, seed: 5 }).model.compile();
      const first = await s.solve(model, { keepBasis: true, keepAs: 'site' });
      expect(first.status).toBe('optimal');
      // other costs: the prices of the evening hours rise
      const colCost = Float64Array.from(model.colCost, (c, j) => (j % 24 >= 17 && j % 24 < 21 ? c * 1.5 + 0.01 : c));
      const repriced = { ...model, colCost, columnName: model.columnName, rowName: model.rowName };
      const fresh = await s.solve(repriced, { keepBasis: true });
      // no basis given: only the kept model can start it anywhere but from scratch
      const hot = await s.solve(repriced, { keepBasis: true, reprice: 'site', simplex: 'primal' });
      expect(hot.status).toBe('optimal');
      expect(hot.objective).toBeCloseTo(fresh.objective, 6);
      expect(checkFeasibility(repriced, hot.columnValues).maxRowViolation).toBeLessThan(1e-6);
      // from where the kept model stopped: far fewer iterations than from scratch
      expect(hot.iterations!.simplex).toBeLessThan(fresh.iterations!.simplex / 2);
      // forgotten, the name re-solves the model as given
      s.forget(['site']);
      const again = await s.solve(repriced, { reprice: 'site' });
      expect(again.objective).toBeCloseTo(fresh.objective, 6);
      expect(again.iterations!.simplex).toBe(fresh.iterations!.simplex);
    } finally {
      await s.close();
    }
  });

  it('refuses a model above its budget with too-large and advice, without starting a solve', async () => {
    const small = new HighsWasmSolver({ maxColumns: 100 });
    const model = buildBatteryFlexModel({ hours: 168, sites: 1 }).model.compile();
    const r = await small.solve(model);
    expect(r.status).toBe('too-large');
    expect(r.message).toContain('840 columns');
    expect(r.message).toMatch(/rolling horizon/);
    expect(r.message).toMatch(/native solver/);
    expect(small.workersStarted).toBe(0);
    const nnz = await new HighsWasmSolver({ maxNonzeros: 1000 }).solve(model);
    expect(nnz.status).toBe('too-large');
    expect(nnz.message).toContain('1,511 non-zeros');
  });

  it('turns a WebAssembly abort into too-large and solves the next model in a fresh worker', async () => {
    const s = new HighsWasmSolver();
    try {
      const model = buildBatteryFlexModel({ hours: 48, sites: 1 }).model.compile();
      s.simulateAbortOnNextSolve();
      const crashed = await s.solve(model);
      expect(crashed.status).toBe('too-large');
      expect(crashed.message).toMatch(/Aborted\(\)/);
      expect(crashed.message).toMatch(/240 columns/);
      const next = await s.solve(model);
      expect(next.status).toBe('optimal');
      expect(s.workersStarted).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('stops a running solve on abort and recovers', async () => {
    const s = new HighsWasmSolver();
    try {
      await s.warmUp();
      const big = buildBatteryFlexModel({ hours: 8760, sites: 1 }).model.compile();
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      const r = await s.solve(big, { signal: ac.signal });
      expect(r.status).toBe('error');
      expect(r.message).toBe('aborted');
      const small = buildBatteryFlexModel({ hours: 24, sites: 1 }).model.compile();
      expect((await s.solve(small)).status).toBe('optimal');
      expect(s.workersStarted).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('runs solves asked for at once in order, each with its own answer; an abort or a crash costs only its own solve', async () => {
    const s = new HighsWasmSolver();
    try {
      await s.warmUp();
      // knapsack-free LPs with known optima: maximise x with x ≤ k
      const lp = (k: number) => {
        const m = new LinearModel('maximize');
        m.addVariable({ upper: k, cost: 1 });
        return m.compile({ shared: false });
      };
      const done: number[] = [];
      const all = await Promise.all(Array.from({ length: 40 }, (_, k) => s.solve(lp(k + 1)).then((r) => (done.push(k), r))));
      expect(all.map((r) => r.objective)).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
      expect(done).toEqual(Array.from({ length: 40 }, (_, k) => k));
      expect(s.workersStarted).toBe(1);
      // a running solve aborted, a queued one aborted, and the rest behind them still answered
      const big = buildBatteryFlexModel({ hours: 8760, sites: 1 }).model.compile();
      const running = new AbortController();
      const queued = new AbortController();
      const a = s.solve(big, { signal: running.signal });
      const b = s.solve(lp(7), { signal: queued.signal });
      const rest = [s.solve(lp(8)), s.solve(lp(9))];
      queued.abort();
      setTimeout(() => running.abort(), 30);
      expect((await a).message).toBe('aborted');
      expect((await b).message).toBe('aborted');
      expect((await Promise.all(rest)).map((r) => r.objective)).toEqual([8, 9]);
      expect(s.workersStarted).toBe(2);
      // a WebAssembly abort: the solves queued behind it go to a fresh worker
      s.simulateAbortOnNextSolve();
      const crashed = s.solve(lp(1));
      const after = [s.solve(lp(2)), s.solve(lp(3))];
      expect((await crashed).message).toMatch(/Aborted\(\)/);
      expect((await Promise.all(after)).map((r) => r.objective)).toEqual([2, 3]);
      expect(s.workersStarted).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('reports time-limit when HiGHS runs out of time, and the MIP gap of a MILP', async () => {
    const model = buildBatteryFlexModel({ hours: 8760, sites: 1 }).model.compile();
    const r = await solver.solve(model, { timeLimitSeconds: 0.01 });
    expect(r.status).toBe('time-limit');
    expect(r.message).toMatch(/time limit/);
    const m = new LinearModel('maximize');
    const first = m.addVariables(3, { upper: 1, cost: [5, 4, 3], integer: true });
    m.addRow(-Infinity, 2, [first, first + 1, first + 2], [1, 1, 1]);
    const milp = await solver.solve(m.compile(), { mipRelGap: 0 });
    expect(milp.objective).toBeCloseTo(9, 9);
    expect(milp.mipGap).toBeLessThanOrEqual(1e-9);
  });

  it('leaves the caller’s model usable: inputs are shared, not transferred', async () => {
    const model = buildBatteryFlexModel({ hours: 24, sites: 1 }).model.compile();
    expect(model.colCost.buffer).toBeInstanceOf(SharedArrayBuffer);
    await solver.solve(model);
    expect(model.colCost.length).toBe(model.numColumns);
    expect(model.csc.values.length).toBe(model.numNonzeros);
  });

  it('property: on random feasible LPs every row and bound holds within 1e-6', async () => {
    // rows are built around a known point x0, so each generated LP is feasible; finite bounds on
    // every costed column keep it bounded
    const lp = fc
      .record({
        n: fc.integer({ min: 1, max: 12 }),
        m: fc.integer({ min: 1, max: 10 }),
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      })
      .map(({ n, m, seed }) => ({ n, m, seed }));
    await fc.assert(
      fc.asyncProperty(lp, async ({ n, m, seed }) => {
        const rnd = seededRandom(seed);
        const pick = (lo: number, hi: number): number => Math.round((lo + (hi - lo) * rnd()) * 100) / 100;
        const model = new LinearModel(rnd() < 0.5 ? 'minimize' : 'maximize');
        const x0: number[] = [];
        for (let j = 0; j < n; j++) {
          const v = pick(-10, 10);
          x0.push(v);
          if (rnd() < 0.15) model.addVariable({ lower: -Infinity, upper: Infinity });
          else model.addVariable({ lower: v - pick(0, 5), upper: v + pick(0, 5), cost: pick(-5, 5), integer: false });
        }
        for (let i = 0; i < m; i++) {
          const idx: number[] = [];
          const coef: number[] = [];
          for (let j = 0; j < n; j++) {
            if (rnd() < 0.5) {
              idx.push(j);
              coef.push(pick(-5, 5));
            }
          }
          const act = idx.reduce((s, j, k) => s + (coef[k] as number) * (x0[j] as number), 0);
          const kind = rnd();
          if (kind < 0.25) model.addRow(act, act, idx, coef);
          else if (kind < 0.5) model.addRow(-Infinity, act + pick(0, 3), idx, coef);
          else if (kind < 0.75) model.addRow(act - pick(0, 3), Infinity, idx, coef);
          else model.addRow(act - pick(0, 3), act + pick(0, 3), idx, coef);
        }
        model.objectiveConstant = pick(-100, 100);
        const compiled = model.compile();
        const r = await solver.solve(compiled);
        expect(r.status, r.message).toBe('optimal');
        const f = checkFeasibility(compiled, r.columnValues);
        expect(f.maxRowViolation).toBeLessThanOrEqual(1e-6);
        expect(f.maxBoundViolation).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(objectiveValue(compiled, r.columnValues) - r.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(r.objective)));
      }),
      { numRuns: 60 },
    );
  });
});
