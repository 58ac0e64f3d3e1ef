/**
 * The stage-level library API: each stage of scenario → physics → plan → simulate → settle as
 * a plain function, for callers that compose their own flow. Most callers want the use cases
 * (src/app), which run whole commands; both are exported from the package entry (src/index.ts).
 */
import type { PathPolicy } from './files/input-file.ts';
import { buildFleetModel, type FleetModel } from './model/fleet-model.ts';
import { summarise } from './metrics/summary.ts';
import { getPolicy } from './plan/policies.ts';
import { resolveScenario, type ResolvedScenario } from './scenario/resolve.ts';
import { locateError, readScenarioFile, parseScenarioText } from './scenario/source.ts';
import { validateScenario } from './scenario/validate.ts';
import type { Dispatch } from './simulate/dispatch.ts';
import { simulate, type Progress } from './simulate/engine.ts';
import type { Ledger } from './simulate/ledger.ts';
import type { PlanOptions } from './plan/planner.ts';

/**
 * Reads, validates and resolves a scenario file (series aligned, references checked). A path
 * policy with a root keeps the scenario and every file it names inside that folder.
 */
export function loadScenario(file: string, policy?: PathPolicy): ResolvedScenario {
  const source = readScenarioFile(file, policy);
  const scenario = validateScenario(source);
  try {
    return resolveScenario(scenario, file, undefined, source.locate, policy);
  } catch (e) {
    throw locateError(e, source);
  }
}

/**
 * Same as loadScenario, from text (YAML or JSON); series paths are relative to `baseDir`. A server
 * passes `{ root }` so that the files a scenario names stay inside that folder.
 */
export function loadScenarioText(text: string, baseDir: string, name = '<inline>', policy?: PathPolicy): ResolvedScenario {
  const source = parseScenarioText(text, name);
  try {
    return resolveScenario(validateScenario(source), name, baseDir, source.locate, policy);
  } catch (e) {
    throw locateError(e, source);
  }
}

/** Physics stage: per-step coefficients of every site and workload. */
export function buildModel(resolved: ResolvedScenario): FleetModel {
  try {
    return buildFleetModel(resolved);
  } catch (e) {
    throw locateError(e, resolved);
  }
}

/** Plan stage: runs a named policy (LP policies take `solverFactory` and `signal` in `options`). */
export async function plan(model: FleetModel, policy: string, progress?: Progress, options?: Partial<PlanOptions>): Promise<Dispatch> {
  return getPolicy(policy).dispatch(model, progress, options);
}

export { simulate, summarise };
export type { FleetModel, Ledger, Dispatch, ResolvedScenario };

/** Runs a scenario file end to end with one policy. */
export async function run(file: string, policy = 'naive', progress?: Progress, options?: Partial<PlanOptions>) {
  const resolved = loadScenario(file);
  const model = buildModel(resolved);
  const dispatch = await plan(model, policy, progress ? (f) => progress(0.5 * f) : undefined, options);
  const ledger = simulate(model, dispatch, progress ? (f) => progress(0.5 + 0.5 * f) : undefined);
  const { summary, bills } = summarise(model, ledger);
  return { resolved, model, dispatch, ledger, summary, bills };
}
