/**
 * One sweep point in a pool worker: the worker loads the scenario once (the pool's data), then
 * simulates and values each point it is given. Bad input (an impossible design) is returned as
 * such, so the sweep records it and goes on; anything else rejects and stops the sweep.
 */
import { InputError } from '../errors/index.ts';
import { poolData } from '../workers/pool.ts';
import { PointEvaluator, type PointMetrics, type SweepScenario } from './sweep-point.ts';
import { parseSweepSpec, type SweepValue } from './sweep-spec.ts';

/** What every worker of a sweep is given once. */
export interface SweepPoolData {
  scenario: SweepScenario;
  spec: string;
  policy: string;
}

/** One point to evaluate. */
export interface SweepJob {
  index: number;
  values: SweepValue[];
}

/** A point's outcome: its metrics, or why it is bad input (`scenario`: the scenario itself could not be loaded). */
export type SweepJobResult = { index: number; metrics: PointMetrics } | { index: number; inputError: string; scenario: boolean };

let evaluator: PointEvaluator | undefined;
let loadError: string | undefined;

/** Evaluates one point (the pool's job function). */
export default async function evaluatePoint(job: SweepJob): Promise<SweepJobResult> {
  if (!evaluator && loadError === undefined) {
    const d = poolData<SweepPoolData>();
    try {
      // a function cannot cross threads: points planned here use the default solver factory
      evaluator = new PointEvaluator(d.scenario, parseSweepSpec(d.spec), d.policy);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      loadError = e.format();
    }
  }
  if (!evaluator) return { index: job.index, inputError: loadError!, scenario: true };
  try {
    return { index: job.index, metrics: await evaluator.evaluate(job.values) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { index: job.index, inputError: e.format(), scenario: false };
  }
}
