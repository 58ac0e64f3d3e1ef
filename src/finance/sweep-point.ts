/**
 * One sweep point: apply the point's values to the scenario, resolve (reusing the series read
 * once when the changed fields do not touch them), build the model, run the policy, simulate,
 * summarise and value. Used inside each worker thread, and in-process when no workers are asked.
 */
import { InputError } from '../errors/index.ts';
import { buildFleetModel } from '../model/fleet-model.ts';
import { summarise } from '../metrics/summary.ts';
import { getPolicy } from '../plan/policies.ts';
import { resolveScenario, type ResolvedScenario } from '../scenario/resolve.ts';
import { Scenario } from '../scenario/schema/index.ts';
import { locateError, readScenarioFile } from '../scenario/source.ts';
import { describeIssue, validateScenario } from '../scenario/validate.ts';
import { formatPath } from '../scenario/source.ts';
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

/** Loads a scenario once and evaluates points of a sweep against it. */
export class PointEvaluator {
  private readonly data: unknown;
  private readonly base: ResolvedScenario;
  private readonly reuse: boolean;

  constructor(
    private readonly file: string,
    private readonly spec: SweepSpec,
    private readonly policy: string,
  ) {
    const source = readScenarioFile(file);
    const scenario = validateScenario(source);
    try {
      this.base = resolveScenario(scenario, file, undefined, source.locate);
    } catch (e) {
      throw locateError(e, source);
    }
    this.data = source.data;
    this.reuse = spec.dimensions.every(reusesResolution);
    getPolicy(policy); // fail early on an unknown policy
  }

  /** Simulates and values one point. */
  async evaluate(values: SweepValue[]): Promise<PointMetrics> {
    const data = applyPoint(this.data, this.spec, values);
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
      : resolveScenario(scenario, this.file);
    const model = buildFleetModel(resolved);
    const dispatch = await getPolicy(this.policy).dispatch(model);
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
