/**
 * runPlan and runPlanEvent plan with the solver factory they are given (counted around the real
 * HiGHS solver), stop when cancelled, and export the model a plan would solve.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countingFactory } from '../../test/helpers/counting-solver.ts';
import { CancelledError, InputError } from '../errors/index.ts';
import { fileText } from './files.ts';
import { exportPlanModel, runPlan } from './plan.ts';
import { runPlanEvent } from './plan-event.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));

describe('runPlan', () => {
  it('solves with the injected factory, never costs more than naive, and closes its solvers', async () => {
    const c = countingFactory();
    const r = await runPlan({ scenario: { file: PHOENIX }, policy: 'optimal', workers: 1 }, { solverFactory: c.factory });
    expect(c.made).toEqual(['highs']);
    expect(c.solves).toBeGreaterThanOrEqual(1);
    expect(c.closed).toBe(c.made.length);
    expect(r.summary.solver?.solves).toBe(c.solves);
    expect(r.json.savingsVsNaive!.totalCost).toBeGreaterThanOrEqual(-1e-6);
    expect(r.comparison.map((x) => x.policy)).toEqual(['naive', 'optimal']);
    expect(r.naive.policy).toBe('naive');
    expect(r.text).toContain('saving against naive');
  });

  it('passes the solver name to the factory (an unknown one is bad input naming --solver)', async () => {
    const e = await runPlan({ scenario: { file: PHOENIX }, solver: 'native-foo' }, { solverFactory: countingFactory().factory }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).location.path).toBe('--solver');
  });

  it('stops between rolling windows when cancelled, closing its solvers', async () => {
    const c = countingFactory();
    const controller = new AbortController();
    const run = runPlan(
      { scenario: { file: PHOENIX }, policy: 'rolling', lookahead: 1, commit: 0.25 },
      { solverFactory: c.factory, signal: controller.signal, progress: (f, phase) => phase === 'solving' && f > 0.05 && controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(c.solves).toBeGreaterThan(0);
    // 26 quarter-hour steps make 26 windows; it stopped long before the last
    expect(c.solves).toBeLessThan(26);
    expect(c.closed).toBe(c.made.length);
  });

  it('checks planning options with the option named', async () => {
    const e = (await runPlan({ scenario: { file: PHOENIX }, policy: 'rolling', lookahead: 24, commit: 48 }, { solverFactory: countingFactory().factory }).catch((x: unknown) => x)) as InputError;
    expect(e.code).toBe('OPTION_INVALID');
    expect(e.location.path).toBe('--commit');
  });
});

describe('exportPlanModel', () => {
  it('gives the first window model as CPLEX LP or MPS, solving nothing', async () => {
    const lp = fileText(await exportPlanModel({ scenario: { file: PHOENIX }, name: 'phoenix.lp' }));
    expect(lp).toMatch(/^\\?.*\n?(Minimize|Maximize|minimize|maximize)/m);
    expect(lp).toMatch(/^End$/m);
    const mps = await exportPlanModel({ scenario: { file: PHOENIX }, name: 'phoenix.MPS' });
    expect(mps.name).toBe('phoenix.MPS');
    expect(fileText(mps)).toMatch(/^ROWS$/m);
  });
});

describe('runPlanEvent', () => {
  it('replays the event and finds the deepest reduction with the injected factory', async () => {
    const c = countingFactory();
    const r = await runPlanEvent({ scenario: { file: PHOENIX }, event: '2025-05-03T16:00/3', reduce: '25%', maxReduction: true }, { solverFactory: c.factory });
    // one solver for the replay, one for the bisection, both closed
    expect(c.made).toEqual(['highs', 'highs']);
    expect(c.closed).toBe(2);
    // the bisection from [0, 1] to 0.001 takes 10 solves, plus the replay's
    expect(c.solves).toBe(11);
    expect(r.json.reductionPercent).toBe(25);
    expect(r.json.achievedKW).toBeLessThanOrEqual(r.json.limitKW * (1 + 1e-6));
    expect(r.json.maxReductionPercent).toBeGreaterThan(0);
    expect(r.json.maxReductionPercent).toBeLessThan(100);
    expect(r.maxReduction! * 100).toBeCloseTo(r.json.maxReductionPercent!, 0);
    expect(await r.files()).toEqual([]);
  });

  it('rejects a reduction outside (0, 100) % naming --reduce, before loading', async () => {
    const e = (await runPlanEvent({ scenario: { file: '/nowhere.yaml' }, event: '2025-05-03T16:00/3', reduce: 150 }, { solverFactory: countingFactory().factory }).catch((x: unknown) => x)) as InputError;
    expect(e.location.path).toBe('--reduce');
  });
});

describe('runPlanEvent on a cap nothing can hold', () => {
  it('is a PLAN_INFEASIBLE input error naming --reduce, not an internal error', async () => {
    const e = (await runPlanEvent({ scenario: { file: PHOENIX }, event: '2025-05-03T16:00/3', reduce: 99, measure: 'facility' }, { solverFactory: countingFactory().factory }).catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('PLAN_INFEASIBLE');
    expect(e.location.path).toBe('--reduce');
    expect(e.message).toMatch(/facility power cannot be held 99\.0 % below normal/);
  });
});
