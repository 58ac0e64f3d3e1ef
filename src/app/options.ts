/**
 * Checks of use-case options, shared by every adapter (CLI, HTTP, VEN) so all give the same
 * answer to the same bad value. A bad option is an InputError OPTION_INVALID whose path is the
 * option as the command line spells it (`--lookahead`); an option field `fooBar` is `--foo-bar`.
 */
import { InputError } from '../errors/index.ts';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from '../plan/planner.ts';
import { getPolicy, policyNames } from '../plan/policies.ts';
import { sweepScenarioOf, type LoadedScenario } from './scenario-input.ts';
import type { Numeric, UseCaseDeps } from './types.ts';

/** The command-line spelling of an option field: `lpMethod` → `--lp-method`. */
export function optionFlag(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A positive number (or whole number); `flag` names it in the error. */
export function positiveOption(flag: string, v: Numeric, integer = false): number {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
    throw new InputError('OPTION_INVALID', `${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${String(v)}"`, { path: flag });
  }
  return x;
}

/** A number that passes `check`; `valid` says what would be valid. Undefined stays undefined. */
export function numberOption(v: Numeric | undefined, flag: string, check: (x: number) => boolean, valid: string): number | undefined {
  if (v === undefined) return undefined;
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x) || !check(x)) throw new InputError('OPTION_INVALID', `found "${String(v)}"; ${valid}`, { path: flag });
  return x;
}

/** One of `allowed`; `flag` names it in the error. */
export function choiceOption<T extends string>(flag: string, v: string, allowed: readonly T[], what = flag): T {
  if (!(allowed as readonly string[]).includes(v)) {
    const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}` : allowed.join('');
    throw new InputError('OPTION_INVALID', `${what} must be ${list}, got "${v}"`, { path: flag });
  }
  return v as T;
}

/** A policy name known to the planner (an unknown name lists the valid ones). */
export function policyOption(name: string): string {
  getPolicy(name);
  return name;
}

/** Every policy name. */
export { policyNames };

/** Planning options shared by `plan` and `compare` (the fields of the command-line flags). */
export interface PlanningOptions {
  /** Rolling: hours each window looks ahead (default 48). */
  lookahead?: Numeric;
  /** Rolling: hours of each window that are committed (default 24, at most `lookahead`). */
  commit?: Numeric;
  /** Rolling: what the planner knows ahead: perfect, persistence (yesterday) or noise (default perfect). */
  forecast?: string;
  /** With forecast noise: relative standard deviation (default 0.1). */
  noise?: Numeric;
  /** Seed of the forecast noise, a positive whole number (default 1). */
  seed?: Numeric;
  /** Solver name passed to the solver factory (default 'highs'). */
  solver?: string;
  /** Solver time limit per model, seconds (default none). */
  timeLimit?: Numeric;
  /** Operating points per throughput curve in the model, a whole number ≥ 2 (default 4). */
  points?: Numeric;
  /** LP algorithm: auto, simplex or ipm (default auto). */
  lpMethod?: string;
  /** Parallel solver workers, a positive whole number (default 2). */
  workers?: Numeric;
  /** Sites coupled only by fleet-wide limits: auto (when more than 24 sites share them), on or off (default auto). */
  decompose?: string;
  /** Decomposition: a window is solved when its optimality gap is at most this, percent (default 0.1). */
  gap?: Numeric;
  /** Decomposition: most rounds of site solves per window, a positive whole number (default 30). */
  maxRounds?: Numeric;
  /** Binaries for non-convex tariff rules and generator on/off: auto (when the model is small), exact or relax (default auto). */
  integers?: string;
}

/** Defaults of {@link PlanningOptions} (the CLI shows them in `--help`). */
export const PLANNING_DEFAULTS = {
  lookahead: 48,
  commit: 24,
  forecast: 'perfect',
  noise: 0.1,
  seed: 1,
  solver: 'highs',
  points: 4,
  lpMethod: 'auto',
  workers: 2,
  decompose: 'auto',
  gap: 0.1,
  maxRounds: 30,
  integers: 'auto',
} as const;

/** Checks planning options and converts them to the planner's options. */
export function planOptionsFrom(f: PlanningOptions): Partial<PlanOptions> {
  const d = PLANNING_DEFAULTS;
  const forecast = f.forecast ?? d.forecast;
  if (!['perfect', 'persistence', 'noise'].includes(forecast)) {
    throw new InputError('OPTION_INVALID', `--forecast must be perfect, persistence or noise, got "${forecast}"`, { path: '--forecast' });
  }
  const lookaheadHours = positiveOption('--lookahead', f.lookahead ?? d.lookahead);
  const commitHours = positiveOption('--commit', f.commit ?? d.commit);
  if (commitHours > lookaheadHours) throw new InputError('OPTION_INVALID', `--commit (${commitHours} h) cannot exceed --lookahead (${lookaheadHours} h)`, { path: '--commit' });
  const lpMethod = f.lpMethod ?? d.lpMethod;
  if (!['auto', 'simplex', 'ipm'].includes(lpMethod)) {
    throw new InputError('OPTION_INVALID', `--lp-method must be auto, simplex or ipm, got "${lpMethod}"`, { path: '--lp-method' });
  }
  const decompose = f.decompose ?? d.decompose;
  if (!['auto', 'on', 'off'].includes(decompose)) {
    throw new InputError('OPTION_INVALID', `--decompose must be auto, on or off, got "${decompose}"`, { path: '--decompose' });
  }
  const gap = positiveOption('--gap', f.gap ?? d.gap);
  if (gap > 50) throw new InputError('OPTION_INVALID', `--gap is a percentage above 0 and at most 50, got ${gap}`, { path: '--gap' });
  const integers = choiceOption('--integers', f.integers ?? d.integers, ['auto', 'exact', 'relax'] as const);
  const o: Partial<PlanOptions> = {
    decompose: decompose as PlanOptions['decompose'],
    gapTolerance: gap / 100,
    maxRounds: positiveOption('--max-rounds', f.maxRounds ?? d.maxRounds, true),
    lpMethod: lpMethod as PlanOptions['lpMethod'],
    integers,
    lookaheadHours,
    commitHours,
    forecast: { kind: forecast as 'perfect' | 'persistence' | 'noise', noise: positiveOption('--noise', f.noise ?? d.noise), seed: positiveOption('--seed', f.seed ?? d.seed, true) },
    solver: f.solver ?? d.solver,
    maxPoints: Math.max(2, positiveOption('--points', f.points ?? d.points, true)),
    workers: positiveOption('--workers', f.workers ?? d.workers, true),
  };
  if (f.timeLimit !== undefined) o.timeLimitSeconds = positiveOption('--time-limit', f.timeLimit);
  return o;
}

/**
 * The planner's options with a decomposed plan's site subproblems sent to the caller's executor
 * (the work queue), when it has one; the scenario travels by content.
 */
export function withSubproblemExecutor(planOptions: Partial<PlanOptions>, scenario: LoadedScenario, deps: UseCaseDeps): Partial<PlanOptions> {
  const open = deps.subproblemExecutor;
  if (!open) return planOptions;
  const o = { ...DEFAULT_PLAN_OPTIONS, ...planOptions };
  return { ...planOptions, openExecutor: () => open({ scenario: sweepScenarioOf(scenario), forecast: o.forecast, solver: o.solver, ...(deps.signal ? { signal: deps.signal } : {}) }) };
}
