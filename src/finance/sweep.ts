/**
 * Design sweeps: every point of a `--sweep` spec simulated (or planned) and valued, in a pool of
 * worker threads (one per available core by default), each of which loads the scenario once.
 * Points that turn out to be impossible designs (bad input) are recorded and the sweep goes on;
 * an internal error stops it.
 */
import { availableParallelism } from 'node:os';
import { CancelledError, InputError, throwIfCancelled } from '../errors/index.ts';
import type { SolverFactory } from '../optimize/solver-factory.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import { ThreadWorkPool, type WorkPool } from '../workers/pool.ts';
import type { SweepJob, SweepJobResult, SweepPoolData } from './sweep-job.ts';
import { PointEvaluator, sweepScenarioFromFile, type PointMetrics, type SweepScenario } from './sweep-point.ts';
import { checkSweep, parseSweepSpec, sweepPoints, type SweepSpec, type SweepValue } from './sweep-spec.ts';

/** One evaluated point. */
export interface SweepPointResult {
  index: number;
  values: SweepValue[];
  metrics: PointMetrics | null;
  /** Why the point could not be evaluated (bad input for this design). */
  error: string | null;
}

/** A finished sweep. */
export interface SweepResult {
  spec: string;
  dimensions: Array<{ key: string; values: SweepValue[] }>;
  policy: string;
  points: SweepPointResult[];
  /** Indices of evaluated points by NPV, best first. */
  ranking: number[];
  workers: number;
  elapsedMs: number;
}

/** Options of a sweep run. */
export interface SweepOptions {
  policy?: string;
  /**
   * Worker threads (default: available cores); 0 evaluates in this thread. Points planned in
   * worker threads use the default solver factory (a function cannot cross threads).
   */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Makes solvers for points evaluated in this thread (workers: 0). */
  solverFactory?: SolverFactory;
  /** The scenario already resolved, for points evaluated in this thread. */
  base?: ResolvedScenario;
  /** Stops the sweep between points and terminates its workers (a CancelledError). */
  signal?: AbortSignal;
}

/** Parses and checks a spec against the scenario (fails fast on bad specs). */
export function prepareSweep(scenario: string | SweepScenario, specText: string): SweepSpec {
  const spec = parseSweepSpec(specText);
  checkSweep(typeof scenario === 'string' ? sweepScenarioFromFile(scenario).data : scenario.data, spec);
  return spec;
}

/** Evaluates every point of a sweep over a scenario (a file, or its data). */
export async function sweepDesigns(scenario: string | SweepScenario, specText: string, options: SweepOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const source = typeof scenario === 'string' ? sweepScenarioFromFile(scenario) : scenario;
  const spec = prepareSweep(source, specText);
  const policy = options.policy ?? 'naive';
  const points = sweepPoints(spec);
  const results: SweepPointResult[] = points.map((values, index) => ({ index, values, metrics: null, error: null }));
  const n = Math.max(0, Math.min(options.workers ?? availableParallelism(), points.length));
  let done = 0;
  const progress = () => options.onProgress?.(++done, points.length);
  throwIfCancelled(options.signal, 'before the sweep');
  if (n === 0) {
    const ev = new PointEvaluator(source, spec, policy, { base: options.base, solverFactory: options.solverFactory, signal: options.signal });
    for (const r of results) {
      try {
        r.metrics = await ev.evaluate(r.values);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        r.error = e.format();
      }
      progress();
    }
  } else {
    await runPool(n, { scenario: source, spec: specText, policy }, results, progress, options.signal);
  }
  const ranking = results.filter((r) => r.metrics).sort((a, b) => b.metrics!.npv - a.metrics!.npv).map((r) => r.index);
  return {
    spec: specText,
    dimensions: spec.dimensions.map((d) => ({ key: d.key, values: d.values })),
    policy,
    points: results,
    ranking,
    workers: n,
    elapsedMs: performance.now() - t0,
  };
}

/** Evaluates the points in a pool of worker threads; the first internal error (or a cancel) stops the rest. */
async function runPool(n: number, data: SweepPoolData, results: SweepPointResult[], progress: () => void, signal?: AbortSignal): Promise<void> {
  const pool: WorkPool<SweepJob, SweepJobResult> = new ThreadWorkPool<SweepJob, SweepJobResult, SweepPoolData>({ entry: new URL('./sweep-job.ts', import.meta.url), size: n, data });
  const stop = () => pool.cancel();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(results.map(async (r) => {
      const out = await pool.submit({ index: r.index, values: r.values });
      if ('metrics' in out) r.metrics = out.metrics;
      else if (out.scenario) throw new InputError('OPTION_INVALID', `sweep worker could not load the scenario: ${out.inputError}`, { path: '--sweep' });
      else r.error = out.inputError;
      progress();
    }).map((p) => p.catch((e: unknown) => {
      // one failure stops every other point
      pool.cancel();
      throw e;
    })));
  } catch (e) {
    if (signal?.aborted) throw new CancelledError('the run was cancelled during the sweep');
    // the first error is the cause; the others are the points it cancelled
    throw e;
  } finally {
    signal?.removeEventListener('abort', stop);
    await pool.close();
  }
}
