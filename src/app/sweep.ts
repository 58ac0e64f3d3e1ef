/**
 * Use case `sweep` (`finance --sweep`): every point of a design sweep simulated (or planned)
 * and valued, in worker threads. Points that are impossible designs are recorded and the sweep
 * goes on.
 */
import { InputError } from '../errors/index.ts';
import { sweepCsv } from '../finance/csv.ts';
import { prepareSweep, sweepDesigns, type SweepResult } from '../finance/sweep.ts';
import type { SweepSpec } from '../finance/sweep-spec.ts';
import { csvFile } from './files.ts';
import { policyOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { loadScenarioInput, sweepScenarioOf, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, pct, table } from './text-format.ts';
import type { Numeric, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of a sweep. */
export interface SweepUseCaseOptions {
  /** The sweep, e.g. `storage.energyMWh=0,50,100;cooling.archetype=air,immersion` (grammar in docs/finance.md §7). */
  sweep: string;
  /** Policy of every point (default naive). */
  policy?: string;
  /**
   * Worker threads, 0–256 (default: available cores); 0 evaluates in this thread with the
   * caller's solver factory. Worker threads use the default solver factory (a function cannot
   * cross threads).
   */
  workers?: Numeric;
}

/** Input of {@link runSweep}. */
export interface SweepInput extends SweepUseCaseOptions {
  scenario: ScenarioInput;
}

/** Result of {@link runSweep}: json is the sweep; files are sweep.csv. */
export interface SweepOutput extends UseCaseOutput<SweepResult> {
  scenario: LoadedScenario;
  sweep: SweepResult;
}

/** Checks a worker count: a whole number from 0 to 256 (undefined: available cores). */
export function workersOption(v: Numeric | undefined): number | undefined {
  if (v === undefined) return undefined;
  const workers = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) {
    throw new InputError('OPTION_INVALID', `--workers must be a whole number from 0 to 256, found "${String(v)}"`, { path: '--workers' });
  }
  return workers;
}

/** A checked sweep, ready to run on a loaded scenario. */
export interface PreparedSweep {
  spec: SweepSpec;
  text: string;
  policy: string;
  workers: number | undefined;
}

/** Checks the sweep's options and spec against the scenario (fast: nothing is simulated). */
export function prepareSweepRun(scenario: LoadedScenario, o: SweepUseCaseOptions): PreparedSweep {
  const workers = workersOption(o.workers);
  const policy = policyOption(o.policy ?? 'naive');
  const spec = prepareSweep(sweepScenarioOf(scenario), o.sweep);
  return { spec, text: o.sweep, policy, workers };
}

/** Runs a prepared sweep; progress goes to [from, 1] of the caller's run. */
export async function evaluatePreparedSweep(scenario: LoadedScenario, p: PreparedSweep, deps: UseCaseDeps, from = 0): Promise<SweepResult> {
  checkpoint(deps, 'before the sweep');
  return sweepDesigns(sweepScenarioOf(scenario), p.text, {
    policy: p.policy,
    workers: p.workers,
    base: scenario.resolved,
    solverFactory: deps.solverFactory,
    signal: deps.signal,
    ...(deps.sweepPool ? { pool: deps.sweepPool } : {}),
    onProgress: (d, n) => deps.progress?.(from + (1 - from) * (d / n), `point ${d}/${n}`),
  });
}

/** Evaluates every point of a design sweep over the scenario. */
export async function runSweep(input: SweepInput, deps: UseCaseDeps): Promise<SweepOutput> {
  workersOption(input.workers);
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const prepared = prepareSweepRun(scenario, input);
  const sweep = await evaluatePreparedSweep(scenario, prepared, deps);
  const currency = scenario.model.currency;
  return {
    scenario,
    sweep,
    json: sweep,
    text: sweepText(sweep, currency),
    files: () => Promise.resolve([csvFile('sweep.csv', sweepCsv(sweep, currency))]),
  };
}

/** The best points of a sweep by NPV, as text. */
export function sweepText(sweep: SweepResult, cur: string): string {
  const out: string[] = [];
  const best = sweep.ranking.slice(0, 5).map((i) => sweep.points[i]!);
  out.push(`\nSweep: ${sweep.points.length} points, ${sweep.workers} workers, ${num(sweep.elapsedMs / 1000, 1)} s; best by NPV\n`);
  out.push(
    table(
      [
        ['rank', ...sweep.dimensions.map((d) => d.key), `NPV (${cur} M)`, 'IRR', 'payback (y)', 'PUE'],
        ...best.map((p, i) => [String(i + 1), ...p.values.map(String), num(p.metrics!.npv / 1e6, 1), p.metrics!.irr === null ? '–' : pct(p.metrics!.irr), num(p.metrics!.paybackYears, 2), num(p.metrics!.pue, 3)]),
      ],
      sweep.dimensions.length + 1,
    ),
  );
  const failed = sweep.points.filter((p) => p.error).length;
  if (failed > 0) out.push(`\n${failed} points could not be evaluated (see sweep.csv)`);
  out.push('\n');
  return out.join('');
}
