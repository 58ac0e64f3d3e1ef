/**
 * Every solver outcome other than an optimum becomes a typed error: real HiGHS solves of small
 * models that end infeasible, unbounded, over a time limit, over a size budget or aborted, a
 * solver process that dies, and an internal failure as HiGHS would report it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError, InputError, SolverError } from '../errors/index.ts';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { LinearModel } from './model-builder.ts';
import { NativeSolver } from './native-solver.ts';
import { solveOutcomeError } from './solve-outcome.ts';
import { resultWithoutPoint } from './solver.ts';

const solver = new HighsWasmSolver();
afterAll(() => solver.close());

describe('solveOutcomeError', () => {
  it('PLAN_INFEASIBLE: x + y ≤ 1 and x + y ≥ 3 (input error)', async () => {
    const m = new LinearModel();
    const x = m.addVariable({ name: 'x', cost: 1 });
    const y = m.addVariable({ name: 'y', cost: 1 });
    m.addConstraint({ name: 'atMost1', upper: 1, terms: { indices: [x, y], coefficients: [1, 1] } });
    m.addConstraint({ name: 'atLeast3', lower: 3, terms: { indices: [x, y], coefficients: [1, 1] } });
    const r = await solver.solve(m.compile());
    const e = solveOutcomeError(r, { what: 'the test model' });
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('PLAN_INFEASIBLE');
    expect(e.message).toContain('the test model');
  });

  it('PLAN_UNBOUNDED: max x + y with only x − y ≤ 1 (input error)', async () => {
    const m = new LinearModel('maximize');
    const x = m.addVariable({ name: 'x', cost: 1 });
    const y = m.addVariable({ name: 'y', cost: 1 });
    m.addConstraint({ name: 'gap', upper: 1, terms: { indices: [x, y], coefficients: [1, -1] } });
    const r = await solver.solve(m.compile());
    expect(r.status).toBe('unbounded');
    const e = solveOutcomeError(r, { what: 'the test model' });
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('PLAN_UNBOUNDED');
    expect(e.message).toMatch(/no finite optimum/);
  });

  it('SOLVER_TIME_LIMIT: a year of battery dispatch with 10 ms to solve it names --time-limit', async () => {
    const model = buildBatteryFlexModel({ hours: 8760, sites: 1 }).model.compile();
    const r = await solver.solve(model, { timeLimitSeconds: 0.01 });
    expect(r.status).toBe('time-limit');
    const e = solveOutcomeError(r, { what: 'the plan' }) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('SOLVER_TIME_LIMIT');
    expect(e.location.path).toBe('--time-limit');
  });

  it('SOLVER_LIMIT: a model over the solver budget', async () => {
    const small = new HighsWasmSolver({ maxColumns: 10 });
    const r = await small.solve(buildBatteryFlexModel({ hours: 24, sites: 1 }).model.compile());
    await small.close();
    expect(r.status).toBe('too-large');
    const e = solveOutcomeError(r, { what: 'the plan' }) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('SOLVER_LIMIT');
    expect(e.message).toMatch(/rolling horizon/);
  });

  it('CANCELLED: a solve whose signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await solver.solve(buildBatteryFlexModel({ hours: 24, sites: 1 }).model.compile(), { signal: controller.signal });
    expect(r.status).toBe('error');
    const e = solveOutcomeError(r, { what: 'the plan', signal: controller.signal });
    expect(e).toBeInstanceOf(CancelledError);
    expect(e.code).toBe('CANCELLED');
  });

  it('SOLVER_FAILED: a solver binary that dies without a solution', async () => {
    const broken = new NativeSolver({ binary: 'cbc', command: '/bin/false' });
    const r = await broken.solve(buildBatteryFlexModel({ hours: 24, sites: 1 }).model.compile());
    expect(r.status).toBe('error');
    const e = solveOutcomeError(r, { what: 'the plan' });
    expect(e).toBeInstanceOf(SolverError);
    expect(e.code).toBe('SOLVER_FAILED');
    expect(e.message).toMatch(/^the solver failed on the plan \(native-cbc\)/);
  });

  it('SOLVER_FAILED: any other error is internal, not the input’s fault', () => {
    const e = solveOutcomeError(resultWithoutPoint('error', 'numerical difficulties', 1.5, 'native-cbc'), { what: 'window 0–48' });
    expect(e).toBeInstanceOf(SolverError);
    expect(e).not.toBeInstanceOf(InputError);
    expect(e.code).toBe('SOLVER_FAILED');
    expect(e.message).toBe('the solver failed on window 0–48 (native-cbc): numerical difficulties');
    expect((e as SolverError).solver).toBe('native-cbc');
  });
});
