/**
 * A sweep point in a queue worker's thread: like the in-process sweep's job module, but jobs of
 * different sweeps (scenario, spec, policy) may come to one thread, so it keeps the last few
 * evaluators by sweep key rather than one from the pool's data.
 */
import { InputError } from '../errors/index.ts';
import type { SweepJobResult } from '../finance/sweep-job.ts';
import { PointEvaluator, type SweepScenario } from '../finance/sweep-point.ts';
import { parseSweepSpec, type SweepValue } from '../finance/sweep-spec.ts';

/** One point with the sweep it belongs to. */
export interface SweepPointThreadJob {
  /** Identifies the sweep: bundle id, spec and policy. */
  key: string;
  scenario: SweepScenario;
  spec: string;
  policy: string;
  index: number;
  values: SweepValue[];
}

/** Evaluators kept per thread (a worker usually serves one or two sweeps at a time). */
const KEEP = 4;
const evaluators = new Map<string, PointEvaluator | { loadError: string }>();

function evaluatorFor(job: SweepPointThreadJob): PointEvaluator | { loadError: string } {
  let ev = evaluators.get(job.key);
  if (!ev) {
    try {
      // a function cannot cross threads: points planned here use the default solver factory
      ev = new PointEvaluator(job.scenario, parseSweepSpec(job.spec), job.policy);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      ev = { loadError: e.format() };
    }
    evaluators.set(job.key, ev);
    if (evaluators.size > KEEP) evaluators.delete(evaluators.keys().next().value!);
  }
  return ev;
}

/** Evaluates one point (the thread pool's job function). */
export default async function evaluateQueuedPoint(job: SweepPointThreadJob): Promise<SweepJobResult> {
  const ev = evaluatorFor(job);
  if (!(ev instanceof PointEvaluator)) return { index: job.index, inputError: ev.loadError, scenario: true };
  try {
    return { index: job.index, metrics: await ev.evaluate(job.values) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { index: job.index, inputError: e.format(), scenario: false };
  }
}
