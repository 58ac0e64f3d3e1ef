/** Use case `compare`: run several policies on one scenario and put them side by side. */
import { InputError } from '../errors/index.ts';
import { comparePolicies, comparisonCsv, type ComparisonRow } from '../metrics/comparison.ts';
import { policyNames } from '../plan/policies.ts';
import { csvFile, htmlFile, jsonFile, loadReport, siteTimeZones } from './files.ts';
import { planOptionsFrom, withSubproblemExecutor, type PlanningOptions } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy, type PolicyRun } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, pct, table } from './text-format.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** Default policies of `compare`. */
export const DEFAULT_COMPARE_POLICIES = 'naive,rolling,optimal';

/** Options of `compare`. */
export interface CompareOptions extends PlanningOptions {
  /** Policies to run, in order: a list, or names separated by commas (default naive,rolling,optimal). */
  policies?: string | string[];
}

/** Input of {@link runCompare}. */
export interface CompareInput extends CompareOptions {
  scenario: ScenarioInput;
}

/** The `compare --json` document (also compare.json). */
export interface CompareJson {
  scenario: string;
  currency: string;
  policies: ComparisonRow[];
}

/** Result of {@link runCompare}: files are compare.csv, compare.json, ledger-<best>.csv and report.html. */
export interface CompareOutput extends UseCaseOutput<CompareJson> {
  scenario: LoadedScenario;
  /** Each policy's run, in the order asked, with the seconds it took. */
  runs: Array<PolicyRun & { policy: string; runSeconds: number }>;
  rows: ComparisonRow[];
}

/** The policy names of a `policies` option, checked. */
export function comparePolicyList(policies: string | string[] = DEFAULT_COMPARE_POLICIES): string[] {
  const names = (Array.isArray(policies) ? policies : policies.split(',')).map((p) => p.trim()).filter(Boolean);
  const valid = policyNames();
  const bad = names.find((n) => !valid.includes(n));
  if (bad !== undefined || names.length === 0) {
    throw new InputError('OPTION_INVALID', `unknown policy "${bad ?? ''}" in --policies; valid: ${valid.join(', ')}`, { path: '--policies' });
  }
  return names;
}

/** Runs every policy on the same scenario, simulator and bill, and compares them. */
export async function runCompare(input: CompareInput, deps: UseCaseDeps): Promise<CompareOutput> {
  const names = comparePolicyList(input.policies);
  const checkedOptions = planOptionsFrom(input);
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const planOptions = withSubproblemExecutor(checkedOptions, scenario, deps);
  const { model } = scenario;
  const runs: CompareOutput['runs'] = [];
  for (const [i, name] of names.entries()) {
    const t0 = performance.now();
    const run = await runPolicy(scenario, name, deps, { plan: [i / names.length, (i + 1) / names.length, name], planOptions });
    runs.push({ ...run, policy: name, runSeconds: (performance.now() - t0) / 1000 });
    deps.progress?.((i + 1) / names.length, name);
  }
  const rows = comparePolicies(runs);
  const json: CompareJson = { scenario: model.name, currency: model.currency, policies: rows };
  const cur = model.currency;
  const text = `${model.name}: ${names.length} policies, same simulator and bill\n\n${table([
    ['policy', `operating cost ${cur}`, 'saving', 'CO2 t', 'direct green', 'PUE', 'peak MW', 'QoS', 'unserved GPU-h', 'late', 'run s'],
    ...rows.map((r) => [r.policy, num(r.operatingCost, 0), `${num(r.savingVsFirstPercent, 1)} %`, num(r.co2Tonnes, 0), pct(r.directGreenRatio), num(r.pue, 3), num(r.peakImportMW, 1), num(r.qosWeighted, 3), num(r.unservedWork, 0), String(r.lateJobs), num(r.runSeconds, 1)]),
  ])}\n`;
  return {
    scenario,
    runs,
    rows,
    json,
    text,
    files: async () => {
      const { comparisonSectionHtml, renderReportHtml, ledgerCsv } = await loadReport();
      const op = (r: PolicyRun) => r.summary.fleet.energyCost + r.summary.fleet.storageDegradationCost;
      const best = runs.reduce((a, b) => (op(b) < op(a) ? b : a));
      const tz = siteTimeZones(model);
      return [
        csvFile('compare.csv', comparisonCsv(rows, cur)),
        jsonFile('compare.json', json),
        csvFile(`ledger-${best.summary.policy.split(' ')[0]}.csv`, ledgerCsv(best.ledger, tz, cur)),
        htmlFile(
          'report.html',
          renderReportHtml({
            summary: best.summary,
            ledger: best.ledger,
            bills: best.bills,
            siteTimeZones: tz,
            extraSections: [{ id: 'policy-comparison', title: 'Policy comparison', html: comparisonSectionHtml(rows, cur) }],
          }),
        ),
      ];
    },
  };
}
