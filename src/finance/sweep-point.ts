/**
 * One sweep point: apply the point's values to the scenario, resolve (reusing the series read
 * once when the changed fields do not touch them), build the model, run the policy, simulate,
 * summarise and value. Used inside each worker thread, and in-process when no workers are asked.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { InputError, throwIfCancelled } from '../errors/index.ts';
import { buildFleetModel } from '../model/fleet-model.ts';
import { summarise } from '../metrics/summary.ts';
import type { SolverFactory } from '../optimize/solver-factory.ts';
import { getPolicy } from '../plan/policies.ts';
import { resolveScenario, type ResolvedScenario } from '../scenario/resolve.ts';
import { Scenario } from '../scenario/schema/index.ts';
import { formatPath, locateError, readScenarioFile, type ScenarioSource } from '../scenario/source.ts';
import { describeIssue, validateScenario } from '../scenario/validate.ts';
import { simulate } from '../simulate/engine.ts';
import { applyPoint, reusesResolution, type SweepSpec, type SweepValue } from './sweep-spec.ts';
import { valueInvestment } from './value.ts';

/** What a sweep keeps of each point. */
export interface PointMetrics {
  npv: number;
  irr: number | null;
  paybackYears: number | null;
  discountedPaybackYears: number | null;
  lcocPerGpuHour: number | null;
  costPerMillionTokens: number | null;
  capexTotal: number;
  pue: number | null;
  directGreenRatio: number;
  energyCost: number;
  co2Tonnes: number;
  sloAttainment: number;
  /** Lines paying back within the target / all lines. */
  linesWithinTarget: number;
  lines: number;
}

/**
 * The scenario a sweep varies, as plain data (it crosses to worker threads): the parsed file
 * or text before validation, its name for messages, and the folder its series paths are
 * relative to.
 */
export interface SweepScenario {
  file: string;
  baseDir: string;
  data: unknown;
}

/** A sweep scenario read from a file. */
export function sweepScenarioFromFile(file: string): SweepScenario {
  return { file, baseDir: dirname(resolvePath(file)), data: readScenarioFile(file).data };
}

/** Options of a {@link PointEvaluator}. */
export interface PointEvaluatorOptions {
  /** The scenario already resolved (saves reading its series again). */
  base?: ResolvedScenario;
  /** Makes solvers for LP policies (default: the policy's default). */
  solverFactory?: SolverFactory;
  /** Stops a point between stages. */
  signal?: AbortSignal;
}

/** Loads a scenario once and evaluates points of a sweep against it. */
export class PointEvaluator {
  private readonly base: ResolvedScenario;
  private readonly reuse: boolean;

  constructor(
    private readonly scenario: SweepScenario,
    private readonly spec: SweepSpec,
    private readonly policy: string,
    private readonly options: PointEvaluatorOptions = {},
  ) {
    getPolicy(policy); // fail early on an unknown policy
    if (options.base) this.base = options.base;
    else {
      const source: ScenarioSource = { file: scenario.file, data: scenario.data, locate: (path) => ({ file: scenario.file, path: formatPath(path) }) };
      try {
        this.base = resolveScenario(validateScenario(source), scenario.file, scenario.baseDir, source.locate);
      } catch (e) {
        throw locateError(e, source);
      }
    }
    this.reuse = spec.dimensions.every(reusesResolution);
  }

  /** Simulates and values one point. */
  async evaluate(values: SweepValue[]): Promise<PointMetrics> {
    const { signal, solverFactory } = this.options;
    throwIfCancelled(signal, 'between sweep points');
    const data = applyPoint(this.scenario.data, this.spec, values);
    const parsed = Scenario.safeParse(data);
    if (!parsed.success) {
      const issue = describeIssue(parsed.error.issues[0]!, data, Scenario);
      throw new InputError('OPTION_INVALID', `at ${formatPath(issue.path)}: ${issue.text}`, { path: '--sweep' });
    }
    const scenario = parsed.data;
    const resolved: ResolvedScenario = this.reuse
      ? {
          ...this.base,
          scenario,
          warnings: [...this.base.warnings],
          sites: this.base.sites.map((s) => ({ ...s, spec: scenario.sites[s.index]! })),
          workloads: this.base.workloads.map((w) => ({ ...w, spec: scenario.workloads[w.index]! })),
        }
      : resolveScenario(scenario, this.scenario.file, this.scenario.baseDir);
    const model = buildFleetModel(resolved);
    const dispatch = await getPolicy(this.policy).dispatch(model, undefined, { solverFactory, signal });
    const ledger = simulate(model, dispatch);
    const { summary } = summarise(model, ledger);
    const f = valueInvestment(model, summary, ledger, { breakEvens: false, sensitivity: false });
    return {
      npv: f.npv,
      irr: f.irr,
      paybackYears: f.paybackYears,
      discountedPaybackYears: f.discountedPaybackYears,
      lcocPerGpuHour: f.lcocPerGpuHour,
      costPerMillionTokens: f.costPerMillionTokens,
      capexTotal: f.capexTotal,
      pue: summary.fleet.pue,
      directGreenRatio: summary.fleet.directGreenRatio,
      energyCost: summary.fleet.energyCost,
      co2Tonnes: summary.fleet.co2Tonnes,
      sloAttainment: summary.fleet.sloAttainment,
      linesWithinTarget: f.lines.filter((l) => l.paysBackWithinTarget).length,
      lines: f.lines.length,
    };
  }
}
