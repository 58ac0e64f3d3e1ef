/** One policy run on a loaded scenario: plan, simulate, summarise (bills and KPIs). */
import type { SiteBill } from '../billing/bill.ts';
import { summarise, type Summary } from '../metrics/summary.ts';
import type { PlanOptions } from '../plan/planner.ts';
import { getPolicy } from '../plan/policies.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import { simulate } from '../simulate/engine.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { checkpoint, stageProgress } from './progress.ts';
import type { LoadedScenario } from './scenario-input.ts';
import type { UseCaseDeps } from './types.ts';

/** What one policy run produced. */
export interface PolicyRun {
  dispatch: Dispatch;
  ledger: Ledger;
  summary: Summary;
  bills: SiteBill[];
}

/** Where a run's progress goes: the plan and the simulation as slices of the whole use case. */
export interface RunSlices {
  plan?: [number, number, string];
  simulate?: [number, number, string];
  planOptions?: Partial<PlanOptions>;
}

/** Plans `policy` with the caller's solver factory and signal, simulates and summarises it. */
export async function runPolicy(loaded: LoadedScenario, policy: string, deps: UseCaseDeps, slices: RunSlices = {}): Promise<PolicyRun> {
  const { model } = loaded;
  checkpoint(deps, `before the ${policy} plan`);
  const planProgress = slices.plan ? stageProgress(deps, ...slices.plan) : undefined;
  const dispatch = await getPolicy(policy).dispatch(model, planProgress, { ...slices.planOptions, solverFactory: deps.solverFactory, signal: deps.signal });
  checkpoint(deps, `before simulating the ${policy} plan`);
  const ledger = simulate(model, dispatch, slices.simulate ? stageProgress(deps, ...slices.simulate) : undefined);
  const { summary, bills } = summarise(model, ledger);
  return { dispatch, ledger, summary, bills };
}
