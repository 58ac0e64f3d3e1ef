/**
 * runPlan and runPlanEvent plan with the solver factory they are given (counted around the real
 * HiGHS solver), stop when cancelled, and export the model a plan would solve.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedHighs } from '../../test/helpers/shared-solver.ts';
import { countingFactory } from '../../test/helpers/counting-solver.ts';
import { CancelledError, InputError } from '../errors/index.ts';
import { fileText } from './files.ts';
import { exportPlanModel, runPlan } from './plan.ts';
import { parseEventWindow, runPlanEvent } from './plan-event.ts';
import { runDr } from './dr.ts';
import { loadScenarioInput } from './scenario-input.ts';
import { runSimulate } from './simulate.ts';
import { DEFAULT_POWER_MEASURE } from '../simulate/measure.ts';
import { thrown } from '../../test/helpers/input-error.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));
// tests that do not count solvers share one HiGHS worker
const highs = sharedHighs();
afterAll(() => highs.close());

describe('runPlan', () => {
  it('solves with the injected factory, never costs more than naive, and closes its solvers', async () => {
    const c = countingFactory();
    const r = await runPlan({ scenario: { file: PHOENIX }, policy: 'optimal', workers: 1 }, { solverFactory: c.factory });
    expect(c.made).toEqual(['highs']);
    expect(c.solves).toBeGreaterThanOrEqual(1);
    expect(c.closed).toBe(c.made.length);
    expect(r.summary.solver?.solves).toBe(c.solves);
    expect(r.json.savingsVsNaive!.totalCost).toBeGreaterThanOrEqual(-1e-6);
    expect(r.comparison.map((x) => x.policy)).toEqual(['naive', 'greedy', 'optimal']);
    expect(r.naive.policy).toBe('naive');
    expect(r.greedy.policy).toBe('greedy');
    expect(r.text).toContain('saving against naive');
    // savings against naive and greedy, side by side, whose causes add up to the total
    const sv = r.json.savings!;
    expect(sv.vsNaive.base).toBe('naive');
    expect(sv.vsGreedy.base).toBe('greedy');
    for (const x of [sv.vsNaive, sv.vsGreedy]) {
      const sum = Object.values(x.byCause).reduce((a, v) => a + v, 0);
      expect(Math.abs(sum - x.total)).toBeLessThanOrEqual(0.1);
      expect(x.operatingCost).toBeCloseTo(r.json.fleet.energyCost + r.json.fleet.storageDegradationCost, 1);
    }
    expect(sv.vsNaive.total).toBeCloseTo(r.json.savingsVsNaive!.totalCost, 1);
    expect(r.text).toMatch(/saving by cause +vs naive USD +vs greedy USD/);
    expect(r.text).toContain('throttling (same work at lower GPU power)');
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
  });

  it('writes the event ledger, summary and report (--out), the event echoed in local time', async () => {
    const r = await runPlanEvent({ scenario: { file: PHOENIX }, event: '16:00/3', measure: 'gpu' }, { solverFactory: highs.factory });
    expect(r.json.event).toEqual({ start: '2025-05-03T16:00:00-07:00', end: '2025-05-03T19:00:00-07:00', timeZone: 'America/Phoenix' });
    expect(r.text).toContain('from 2025-05-03 16:00 to 19:00 (America/Phoenix)');
    const files = await r.files();
    expect(files.map((f) => f.name)).toEqual(['event.json', 'summary.json', 'ledger.csv', 'bills.csv', 'report.html']);
    expect(JSON.parse(fileText(files[0]!))).toEqual(r.json);
    const summary = JSON.parse(fileText(files[1]!)) as { policy: string; notes: string[]; horizon: { steps: number } };
    expect(summary.horizon.steps).toBe(26);
    expect(summary.notes.at(-1)).toContain('gpu power held 25 % below normal');
    // the ledger is the replayed run: GPU power in the event at most the limit
    const ledger = fileText(files[2]!).trim().split('\n');
    expect(ledger).toHaveLength(1 + 26);
    expect(fileText(files[4]!)).toContain('Event replay');
    // summary.json is the replay's, not a naive run's: less IT energy than naive
    expect(r.summary.fleet.itEnergyMWh).toBeLessThan((await runSimulate({ scenario: { loaded: r.scenario } }, { solverFactory: highs.factory })).summary.fleet.itEnergyMWh);
  });

  it('reads the event in the dr grammar: bare hours, units, ISO 8601 durations and START..END agree', async () => {
    const model = loadScenarioInput({ file: PHOENIX }).model;
    const want = parseEventWindow(model, '2025-05-03T16:00/3');
    for (const spec of ['16:00/3', '16:00/3h', '16:00/180m', '16:00/PT3H', '2025-05-03T16:00/pt3h', '2025-05-03T16:00..19:00', '2025-05-03T16:00-07:00/3']) {
      expect(parseEventWindow(model, spec), spec).toEqual(want);
    }
    expect(want[1] - want[0]).toBe(12);
  });

  it('refuses an event off the grid or outside the horizon, naming the horizon in local time', () => {
    const scenario = loadScenarioInput({ file: PHOENIX });
    const outside = thrown(() => parseEventWindow(scenario.model, '2025-05-03T20:00/3'));
    expect(outside.code).toBe('EVENT_INVALID');
    expect(outside.message).toContain('2025-05-03 20:00 to 2025-05-03 23:00');
    expect(outside.message).toContain('2025-05-03 14:45 to 2025-05-03 21:15 (America/Phoenix)');
    expect(outside.message).not.toMatch(/\d{2}Z/);
    const off = thrown(() => parseEventWindow(scenario.model, '16:10/3'));
    expect(off.message).toContain('starts at 2025-05-03 16:10, which is not on the 15-minute grid');
    expect(thrown(() => parseEventWindow(scenario.model, '16:00/soon')).message).toContain('or write hours (3, 1.5), 3h or 90m');
  });

  it('measures the reduction on the grid meter by default, as dr does, and says so', async () => {
    const r = await runPlanEvent({ scenario: { file: PHOENIX }, event: '16:00/3' }, { solverFactory: highs.factory });
    expect(r.json.measure).toBe(DEFAULT_POWER_MEASURE);
    expect(DEFAULT_POWER_MEASURE).toBe('grid');
    expect(r.text).toContain('(--measure grid)');
    const dr = await runDr({ scenario: { loaded: r.scenario } }, { solverFactory: highs.factory });
    expect(dr.json.measure).toBe(DEFAULT_POWER_MEASURE);
    expect(dr.text).toContain('(--measure grid)');
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

describe('runPlan progress during one long solve', () => {
  // HiGHS's iteration reports and every percent of the estimate reach the caller whatever the
  // machine's speed (see src/optimize/solve-progress.ts): no retry on a busy machine
  it('reports the solve\'s phase and estimate while it runs, not a jump at the end', async () => {
    const TEXAS = fileURLToPath(new URL('../../examples/texas-single-site.yaml', import.meta.url));
    const text = readFileSync(TEXAS, 'utf8').replace('end: 2024-01-01T00:00', 'end: 2023-03-15T00:00').replace(/ {2}- id: embeddings-backfill[\s\S]*?(?=\n\n)/, '');
    const seen: Array<[number, string]> = [];
    const r = await runPlan({ scenario: { text, baseDir: dirname(TEXAS), name: 'texas-10-weeks.yaml' }, lpMethod: 'simplex' }, { solverFactory: highs.factory, progress: (f, phase) => seen.push([f, phase ?? '']) });
    expect(r.summary.solver!.largestColumns).toBeGreaterThan(20_000);
    const solving = seen.filter(([, p]) => p.startsWith('solving: dual simplex'));
    expect(solving.length).toBeGreaterThan(0);
    expect(solving.some(([f]) => f > 0.1 && f < 0.9)).toBe(true);
    expect(solving.some(([, p]) => /\d iterations/.test(p))).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0] - 1e-12);
  });
});
