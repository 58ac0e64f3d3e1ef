import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { coupledFleet } from '../../test/helpers/coupled-fleet.ts';
import { sharedHighs } from '../../test/helpers/shared-solver.ts';
import { InputError } from '../errors/index.ts';
import { summarise } from '../metrics/summary.ts';
import { HighsWasmSolver, type Solver } from '../optimize/index.ts';
import { planFleet } from '../plan/planner.ts';
import { actualSignals } from '../plan/signals.ts';
import { simulate } from '../simulate/engine.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { LocalExecutor, type SubproblemExecutor } from './executor.ts';
import { solveSubproblem, type SubproblemResult, type SubproblemTask } from './subproblem.ts';
import { decodeResult, decodeTask, encodeResult, encodeTask } from './wire.ts';

// every plan's solvers are one HiGHS worker, started once (each plan would start two of its own)
const highs = sharedHighs();
afterAll(highs.close);

/** Net grid import of the whole fleet per step in the simulated ledger, kW. */
function fleetNetImport(model: FleetModel, d: Awaited<ReturnType<typeof planFleet>>): Float64Array {
  const ledger = simulate(model, d);
  const out = new Float64Array(model.grid.steps);
  for (const L of ledger.sites) for (let t = 0; t < out.length; t++) out[t]! += L.gridImportKW[t]! - L.gridExportKW[t]!;
  return out;
}

async function both(model: FleetModel, mode: 'optimal' | 'rolling' = 'optimal') {
  const mono = await planFleet(model, { mode, decompose: 'off', solverFactory: highs.factory });
  const dec = await planFleet(model, { mode, decompose: 'on', solverFactory: highs.factory });
  return { mono, dec };
}

/** The decomposed optimum is within `tol` of the monolithic one, and the bounds bracket it. */
function expectClose(mono: number, dec: Awaited<ReturnType<typeof planFleet>>, tol = 0.005) {
  const st = dec.solver!;
  const d = st.decomposition!;
  expect(d.method).toBe('dantzig-wolfe');
  expect(Math.abs(st.objective - mono) / Math.abs(mono)).toBeLessThan(tol);
  // no plan beats the Lagrangian bound, and the recovered plan is a plan
  expect(d.lowerBound).toBeLessThanOrEqual(mono + 1e-6 * Math.abs(mono));
  expect(d.upperBound).toBeGreaterThanOrEqual(mono - 1e-6 * Math.abs(mono));
  expect(d.maxGap).toBeGreaterThanOrEqual(0);
  expect(d.maxGap).toBeLessThan(tol);
}

describe('decomposition of fleet-wide limits (Dantzig–Wolfe by site group)', () => {
  // uncoupled optimum of the default fleet: 17.36 MW peak net import, 210.6 t CO2, 35.7 % direct green
  it('meets a binding fleet import cap at every step within 0.5 % of the one-model optimum', async () => {
    const capMW = 14.76;
    const model = coupledFleet({ capMW });
    const { mono, dec } = await both(model);
    expectClose(mono.solver!.objective, dec);
    expect(dec.solver!.decomposition!.bindingWindows).toBe(1);
    const net = fleetNetImport(model, dec);
    expect(Math.max(...net)).toBeGreaterThan(capMW * 1000 * 0.99); // the cap binds
    for (const v of net) expect(v).toBeLessThanOrEqual(capMW * 1000 * (1 + 1e-6));
  });

  it('keeps a fleet CO2 budget and a fleet direct-green minimum', async () => {
    const model = coupledFleet({ co2BudgetTonnes: 204, greenShareMin: 0.365 });
    const { mono, dec } = await both(model);
    expectClose(mono.solver!.objective, dec);
    const s = summarise(model, simulate(model, dec)).summary.fleet;
    expect(s.co2Tonnes).toBeLessThanOrEqual(204 * (1 + 1e-6));
    expect(s.directGreenRatio).toBeGreaterThanOrEqual(0.365 - 1e-4);
  });

  it('solves a window whose limits do not bind in one round, with no gap', async () => {
    const model = coupledFleet({ capMW: 40 });
    const { mono, dec } = await both(model);
    const d = dec.solver!.decomposition!;
    expect(d.rounds).toBe(1);
    expect(d.maxGap).toBe(0);
    expect(dec.solver!.objective).toBeCloseTo(mono.solver!.objective, 4);
  });

  it('reports a fleet cap below what the sites must draw as bad input, naming the cap', async () => {
    const model = coupledFleet({ capMW: 2, hours: 24 });
    const e = await planFleet(model, { mode: 'optimal', decompose: 'on', solverFactory: highs.factory }).then(
      () => undefined,
      (x: unknown) => x,
    );
    if (!(e instanceof InputError)) throw new Error(`expected an InputError, got ${String(e)}`);
    expect(e.code).toBe('PLAN_INFEASIBLE');
    expect(e.message).toMatch(/fleet import cap/);
    expect(e.details.join('\n')).toMatch(/limit 2,000 kW, short by/);
  });

  it('plans rolling windows within the cap, as cheaply as one model per window (within 0.5 %)', async () => {
    const capMW = 15;
    const model = coupledFleet({ capMW, hours: 96 });
    const { mono, dec } = await both(model, 'rolling');
    const cost = (d: typeof mono) => summarise(model, simulate(model, d)).summary.fleet.energyCost;
    expect(Math.abs(cost(dec) - cost(mono)) / cost(mono)).toBeLessThan(0.005);
    for (const v of fleetNetImport(model, dec)) expect(v).toBeLessThanOrEqual(capMW * 1000 * (1 + 1e-6));
    expect(dec.solver!.decomposition!.windows).toBe(4);
  });

  it('stays within 0.5 % of the one-model optimum on random small fleets (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 3, max: 4 }), fc.double({ min: 0.75, max: 0.95, noNaN: true }), async (seed, sites, share) => {
        const free = coupledFleet({ seed, sites, hours: 48 });
        const net = fleetNetImport(free, await planFleet(free, { mode: 'optimal', decompose: 'off', solverFactory: highs.factory }));
        const capMW = Math.round(Math.max(...net) * share) / 1000;
        const model = coupledFleet({ seed, sites, hours: 48, capMW });
        const { mono, dec } = await both(model);
        expectClose(mono.solver!.objective, dec);
        for (const v of fleetNetImport(model, dec)) expect(v).toBeLessThanOrEqual(capMW * 1000 * (1 + 1e-6));
      }),
      { numRuns: 3, seed: 42 },
    );
  });
});

describe('a unit of work', () => {
  it('is plain data: solved from its JSON, it gives the same result', async () => {
    const { ctx, task } = unitOfWork();
    const solver = new HighsWasmSolver();
    try {
      const direct = await solveSubproblem(ctx, task, solver);
      const wired = decodeResult(encodeResult(await solveSubproblem(ctx, decodeTask(encodeTask(task)), solver)));
      expect(direct.status).toBe('optimal');
      expect(wired.objective).toBeCloseTo(direct.objective, 6);
      expect(wired.usage).toHaveLength(24);
      wired.usage.forEach((u, t) => expect(u).toBeCloseTo(direct.usage[t]!, 4));
      expect(wired.plan!.sites[0]!.importKW).toBeInstanceOf(Float64Array);
      // the price on the evening cap rows moves import out of them
      const free = await solveSubproblem(ctx, { ...task, prices: task.prices.map(() => 0) }, solver);
      const evening = (r: typeof free) => r.usage.slice(16, 21).reduce((a, b) => a + b, 0);
      expect(evening(direct)).toBeLessThan(evening(free));
    } finally {
      await solver.close();
    }
  });

  it('re-solves warm from an earlier basis of its model, with or without share limits, to the same optimum', async () => {
    const { ctx, task } = unitOfWork();
    const solver = new HighsWasmSolver();
    try {
      const free = await solveSubproblem(ctx, { ...task, prices: task.prices.map(() => 0) }, solver);
      expect(free.basis).toBeDefined();
      // new prices: the last optimum stays primal feasible and the primal simplex goes on from it
      const cold = await solveSubproblem(ctx, task, solver);
      const repriced = await solveSubproblem(ctx, { ...task, basis: free.basis!, repriced: true }, solver);
      expect(repriced.objective).toBeCloseTo(cold.objective, 6);
      expect(repriced.iterations!).toBeLessThan(cold.iterations! / 2);
      // shares of the evening cap rows: new bounds and slack columns, the same warm start
      const limits = task.rows.map((_, t) => (t >= 16 && t < 21 ? { value: 0.9 * free.usage[t]!, penalty: 1 } : null));
      const shareCold = await solveSubproblem(ctx, { ...task, limits }, solver);
      const shareWarm = await solveSubproblem(ctx, { ...task, limits, basis: free.basis! }, solver);
      expect(shareWarm.status).toBe('optimal');
      expect(shareWarm.objective).toBeCloseTo(shareCold.objective, 6);
      expect(shareWarm.iterations!).toBeLessThan(shareCold.iterations!);
    } finally {
      await solver.close();
    }
  });
});

describe('a warm start that ends without an optimum', () => {
  /** HiGHS, except that every warm-started solve (a basis or a kept model) answers `status`: a simplex gone wrong. */
  function faultyWarmStarts(inner: HighsWasmSolver, status: 'infeasible' | 'error' | 'optimal at zero') {
    const calls: string[] = [];
    const solver: Solver = {
      name: inner.name,
      solve: async (model, options = {}) => {
        const warm = options.basis !== undefined || options.reprice !== undefined;
        calls.push(warm ? 'warm' : 'cold');
        // 'optimal at zero': an optimum claimed at a point (all zeros) that breaks the model's rows
        if (warm && status === 'optimal at zero') return { status: 'optimal', objective: 0, columnValues: new Float64Array(model.numColumns), solveSeconds: 0 };
        if (warm) return { status: status === 'infeasible' ? 'infeasible' : 'error', objective: Number.NaN, columnValues: new Float64Array(0), solveSeconds: 0 };
        return inner.solve(model, options);
      },
      forget: (names) => inner.forget(names),
      close: async () => undefined,
    };
    return { solver, calls };
  }

  it('(infeasible, an error, or an optimum at a point that breaks the model) is solved again from scratch, and the cold optimum is the result', async () => {
    const { ctx, task } = unitOfWork();
    const inner = new HighsWasmSolver();
    try {
      const free = await solveSubproblem(ctx, { ...task, prices: task.prices.map(() => 0) }, inner);
      const cold = await solveSubproblem(ctx, task, inner);
      for (const status of ['infeasible', 'error', 'optimal at zero'] as const) {
        const { solver, calls } = faultyWarmStarts(inner, status);
        const r = await solveSubproblem(ctx, { ...task, basis: free.basis!, repriced: true }, solver);
        expect(calls).toEqual(['warm', 'cold']);
        expect(r.status).toBe('optimal');
        expect(r.coldRetry).toBe(true);
        expect(r.objective).toBeCloseTo(cold.objective, 6);
      }
      // a cold solve is believed as it is: no second try
      const { solver, calls } = faultyWarmStarts(inner, 'infeasible');
      const plain = await solveSubproblem(ctx, task, solver);
      expect(calls).toEqual(['cold']);
      expect(plain.coldRetry).toBeUndefined();
    } finally {
      await inner.close();
    }
  });

  it('does not stop a rolling plan whose warm starts fail: the plan keeps the cap and costs what it costs without faults', async () => {
    const model = coupledFleet({ capMW: 15, hours: 72 });
    const inner = new HighsWasmSolver();
    try {
      const { solver, calls } = faultyWarmStarts(inner, 'infeasible');
      const planned = await planFleet(model, { mode: 'rolling', decompose: 'on', solverFactory: () => solver });
      const kept: Solver = { name: inner.name, solve: (m, o) => inner.solve(m, o), forget: (n) => inner.forget(n), close: async () => undefined };
      const clean = await planFleet(model, { mode: 'rolling', decompose: 'on', solverFactory: () => kept });
      const retries = planned.solver!.decomposition!.coldRetries;
      expect(retries).toBe(calls.filter((c) => c === 'warm').length);
      expect(retries).toBeGreaterThan(0);
      expect(planned.notes.join('\n')).toMatch(/solved again from scratch/);
      const cost = (d: typeof clean) => summarise(model, simulate(model, d)).summary.fleet.energyCost;
      expect(cost(planned)).toBeGreaterThan(0);
      // cold and warm solves may end at other optimal vertices of a degenerate window, and the
      // rounds then go another way: the same plan within the decomposition's tolerance
      expect(Math.abs(cost(planned) - cost(clean))).toBeLessThan(0.005 * cost(clean));
      for (const v of fleetNetImport(model, planned)) expect(v).toBeLessThanOrEqual(15_000 * (1 + 1e-6));
      expect(clean.solver!.decomposition!.coldRetries).toBe(0);
    } finally {
      await inner.close();
    }
  });
});

describe('a rolling decomposed plan', () => {
  it("starts each window's first round from its groups' bases of the window before, to the same optima", async () => {
    // windows start at 0, 24, 48, 72 and 96; those at 24 and 48 have the shape of the one before
    // (the last two end the horizon: other rows for the storage's end and the jobs' remaining work)
    const model = coupledFleet({ capMW: 15, hours: 120 });
    const signals = actualSignals(model);
    const solver = new HighsWasmSolver();
    const rounds: Array<{ tasks: SubproblemTask[]; results: SubproblemResult[] }> = [];
    const local = new LocalExecutor({ model, signals: () => signals }, [solver]);
    const executor: SubproblemExecutor = {
      parallelism: 1,
      run: async (tasks) => {
        const results = await local.run(tasks);
        rounds.push({ tasks, results });
        return results;
      },
      close: () => local.close(),
    };
    try {
      await planFleet(model, { mode: 'rolling', decompose: 'on', executor });
      const firsts = rounds.filter((r, i) => i > 0 && r.tasks[0]!.windowKey !== rounds[i - 1]!.tasks[0]!.windowKey);
      expect(firsts.map((r) => r.tasks[0]!.from)).toEqual([24, 48, 72, 96]);
      let warm = 0;
      let cold = 0;
      for (const r of firsts) {
        expect(r.tasks.every((t) => t.basis !== undefined && !t.repriced)).toBe(true);
        // the same tasks from scratch (a fresh executor keeps no models)
        const fresh = new LocalExecutor({ model, signals: () => signals }, [solver]);
        const again = await fresh.run(r.tasks.map(({ basis: _b, ...t }) => t));
        again.forEach((a, k) => expect(r.results[k]!.objective).toBeCloseTo(a.objective, 4));
        if (r.tasks[0]!.from >= 72) continue;
        warm += r.results.reduce((a, x) => a + x.iterations!, 0);
        cold += again.reduce((a, x) => a + x.iterations!, 0);
      }
      expect(warm).toBeLessThan(cold / 3);
    } finally {
      await solver.close();
    }
  });
});

/** One site's unit of work of a two-site fleet under a fleet import cap, priced on the evening cap rows. */
function unitOfWork() {
  const model = coupledFleet({ sites: 2, hours: 24, capMW: 8 });
  const signals = actualSignals(model);
  const ctx = { model, signals: () => signals };
  const task: SubproblemTask = {
    windowKey: 'w',
    from: 0,
    to: 24,
    commitTo: 24,
    sites: [1],
    workloads: [2, 3],
    settings: { objective: 'cost', rolling: false, maxPoints: 4, holdStorageEnd: true },
    caps: [{ label: 'fleet import cap', sites: [1], from: 0, to: 24, maxKW: 8000, measure: 'grid', open: true }],
    budgets: [],
    state: { socKWh: [model.sites[1]!.storage?.socInitialKWh ?? 0], tariff: [{ peaks: [], importMWh: [], creditedMWh: [] }], runHours: [[]], doneGpuHours: [0, 0] },
    rows: Array.from({ length: 24 }, (_, t) => ({ source: 'cap' as const, index: 0, step: t })),
    prices: Array.from({ length: 24 }, (_, t) => (t >= 16 && t < 21 ? 0.08 : 0)),
  };
  return { ctx, task };
}
