/** Use case `simulate`: run a policy over the horizon and report where every kWh went. */
import type { SiteBill } from '../billing/bill.ts';
import type { Summary } from '../metrics/summary.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { runFiles } from './files.ts';
import { policyOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { summaryText } from './summary-text.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `simulate`. */
export interface SimulateOptions {
  /** Policy to run (default naive); see policyNames(). */
  policy?: string;
}

/** Input of {@link runSimulate}. */
export interface SimulateInput extends SimulateOptions {
  scenario: ScenarioInput;
}

/** Result of {@link runSimulate}: json is the summary; files are summary.json, ledger.csv, bills.csv, report.html. */
export interface SimulateOutput extends UseCaseOutput<Summary> {
  scenario: LoadedScenario;
  dispatch: Dispatch;
  ledger: Ledger;
  summary: Summary;
  bills: SiteBill[];
}

/** Runs a policy over the scenario's horizon: plan, simulate, bill and summarise. */
export async function runSimulate(input: SimulateInput, deps: UseCaseDeps): Promise<SimulateOutput> {
  const policy = policyOption(input.policy ?? 'naive');
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const run = await runPolicy(scenario, policy, deps, { plan: [0, 0.5, 'plan'], simulate: [0.5, 1, 'simulate'] });
  return {
    scenario,
    ...run,
    json: run.summary,
    text: summaryText(run.summary),
    files: () => runFiles({ model: scenario.model, ...run }),
  };
}
