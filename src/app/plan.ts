/**
 * Use case `plan`: optimise where and when work runs (HiGHS through the caller's solver
 * factory), simulate the plan, and report the saving against the naive policy. Also the
 * model export behind `--export-lp`.
 */
import type { SiteBill } from '../billing/bill.ts';
import { InputError } from '../errors/index.ts';
import { comparePolicies, type ComparisonRow } from '../metrics/comparison.ts';
import type { Summary } from '../metrics/summary.ts';
import { exportLp, exportMps } from '../optimize/index.ts';
import { firstWindowModel } from '../plan/planner.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { loadReport, MEDIA_TYPES, runFiles } from './files.ts';
import { planOptionsFrom, withSubproblemExecutor, type PlanningOptions } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { summaryText } from './summary-text.ts';
import { num, table } from './text-format.ts';
import { SAVING_CAUSES, savingsAgainst, type SavingsAgainst } from '../metrics/savings.ts';
import type { dataTable as DataTable } from '../report/html.ts';
import type { OutputFile, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Policies `plan` optimises with. */
export const PLAN_POLICIES = ['optimal', 'rolling'] as const;

/** Options of `plan`. */
export interface PlanUseCaseOptions extends PlanningOptions {
  /** optimal (one model over the horizon, default) or rolling (look-ahead windows on forecasts). */
  policy?: string;
}

/** Input of {@link runPlan}. */
export interface PlanInput extends PlanUseCaseOptions {
  scenario: ScenarioInput;
}

/** Result of {@link runPlan}: json is the plan's summary with `savingsVsNaive`; files as `simulate`'s, the report with a plan-against-naive section. */
export interface PlanOutput extends UseCaseOutput<Summary> {
  scenario: LoadedScenario;
  dispatch: Dispatch;
  ledger: Ledger;
  summary: Summary;
  bills: SiteBill[];
  /** The naive policy's summary, the baseline of the saving. */
  naive: Summary;
  /** The greedy rule policy's summary, the second baseline. */
  greedy: Summary;
  /** Naive and the plan side by side (with the time each took). */
  comparison: ComparisonRow[];
}

function checkPolicy(policy: string): string {
  if (!(PLAN_POLICIES as readonly string[]).includes(policy)) {
    throw new InputError('OPTION_INVALID', `plan --policy must be optimal or rolling (use simulate for naive), got "${policy}"`, { path: '--policy' });
  }
  return policy;
}

/** Optimises the fleet, simulates the plan and measures it against naive. */
export async function runPlan(input: PlanInput, deps: UseCaseDeps): Promise<PlanOutput> {
  const policy = checkPolicy(input.policy ?? 'optimal');
  const planOptions = planOptionsFrom(input);
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const t0 = performance.now();
  const naive = await runPolicy(scenario, 'naive', deps);
  const t1 = performance.now();
  const greedy = await runPolicy(scenario, 'greedy', deps);
  const tg = performance.now();
  const run = await runPolicy(scenario, policy, deps, { plan: [0.05, 0.95, 'solving'], planOptions: withSubproblemExecutor(planOptions, scenario, deps) });
  const t2 = performance.now();
  deps.progress?.(1, 'done');
  const s = run.summary;
  s.savings = { vsNaive: savingsAgainst(scenario.model, naive, run), vsGreedy: savingsAgainst(scenario.model, greedy, run) };
  const op = (x: Summary) => x.fleet.energyCost + x.fleet.storageDegradationCost;
  s.savingsVsNaive = {
    energyCost: Math.round((naive.summary.fleet.energyCost - s.fleet.energyCost) * 100) / 100,
    co2Tonnes: Math.round((naive.summary.fleet.co2Tonnes - s.fleet.co2Tonnes) * 1e6) / 1e6,
    totalCost: Math.round((op(naive.summary) - op(s)) * 100) / 100,
  };
  const comparison = comparePolicies([
    { summary: naive.summary, runSeconds: (t1 - t0) / 1000 },
    { summary: greedy.summary, runSeconds: (tg - t1) / 1000 },
    { summary: s, runSeconds: (t2 - tg) / 1000 },
  ]);
  return {
    scenario,
    ...run,
    naive: naive.summary,
    greedy: greedy.summary,
    comparison,
    json: s,
    text: planText(s),
    files: async () => {
      const { comparisonSectionHtml, dataTable } = await loadReport();
      return runFiles({ model: scenario.model, ...run }, [{ id: 'plan-vs-naive', title: 'Plan against naive and greedy', html: comparisonSectionHtml(comparison, scenario.model.currency) + savingsSectionHtml(s, dataTable) }]);
    },
  };
}

/** The summary, the solver's statistics and the saving against naive, as text. */
function planText(s: Summary): string {
  let out = summaryText(s);
  const st = s.solver;
  if (st) {
    out += `\nsolver: ${st.backend}, ${st.status}, ${st.solves} model${st.solves > 1 ? 's' : ''} (largest ${num(st.largestColumns, 0)} columns; ${num(st.columns, 0)} columns, ${num(st.rows, 0)} rows, ${num(st.nonzeros, 0)} non-zeros in all), build ${st.buildSeconds.toFixed(1)} s, solve ${st.solveSeconds.toFixed(1)} s\n`;
    const dc = st.decomposition;
    if (dc) {
      const gap = (dc.upperBound - dc.lowerBound) / Math.max(1, Math.abs(dc.upperBound));
      out += `decomposition: Dantzig–Wolfe over ${num(dc.groups, 0)} site groups, ${dc.bindingWindows} of ${dc.windows} windows priced, ${dc.rounds} rounds (median ${dc.medianRounds}, at most ${dc.maxRounds} in a window); gap ${(gap * 100).toFixed(3)} % over all windows, at most ${(dc.maxGap * 100).toFixed(3)} % in one\n`;
    }
  }
  const sv = s.savingsVsNaive;
  if (sv) out += `saving against naive: ${num(sv.totalCost, 0)} ${s.currency} operating cost (${num(sv.energyCost, 0)} on the bill), ${num(sv.co2Tonnes, 0)} t CO2\n`;
  if (s.savings) out += `\n${savingsText(s.savings.vsNaive, s.savings.vsGreedy, s.currency)}`;
  return out;
}

/** The saving against naive and greedy side by side, by cause, with jobs that ran slower but on time. */
function savingsText(n: SavingsAgainst, g: SavingsAgainst, cur: string): string {
  const rows = [
    ['saving by cause', `vs naive ${cur}`, `vs greedy ${cur}`],
    ...SAVING_CAUSES.map(([k, words]) => [words, num(n.byCause[k], 0), num(g.byCause[k], 0)]),
    ['total (operating cost: bill + storage wear)', `${num(n.total, 0)} (${num(n.totalPercent, 1)} %)`, `${num(g.total, 0)} (${num(g.totalPercent, 1)} %)`],
    ['CO2, t', num(n.co2Tonnes, 0), num(g.co2Tonnes, 0)],
  ];
  const lines = [table(rows, 1)];
  if (Math.abs(n.doneGpuHours - n.doneGpuHoursBase) > 1e-6 * Math.max(1, n.doneGpuHoursBase)) {
    lines.push(`work done differs from naive: ${num(n.doneGpuHours, 0)} GPU-h against ${num(n.doneGpuHoursBase, 0)}; part of the saving is work not done`);
  }
  const slower = n.slowerOnTime;
  if (slower.length > 0) {
    lines.push(`ran slower but on time (QoS as throughput fraction fell, work done unchanged) against naive: ${slower.map((j) => `${j.id} ${num(j.performanceBase, 3)} → ${num(j.performance, 3)}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The savings table of the report (the same figures as the text). */
function savingsSectionHtml(s: Summary, dataTable: typeof DataTable): string {
  const sv = s.savings;
  if (!sv) return '';
  const cur = s.currency;
  return dataTable(
    [{ label: 'Saving by cause' }, { label: `Against naive (${cur})`, numeric: true, decimals: 0 }, { label: `Against greedy (${cur})`, numeric: true, decimals: 0 }],
    [...SAVING_CAUSES.map(([k, words]) => [words, sv.vsNaive.byCause[k], sv.vsGreedy.byCause[k]]), ['total (operating cost)', sv.vsNaive.total, sv.vsGreedy.total]],
    { caption: 'The causes add up to the total; see docs/optimisation.md, "Savings by cause". Jobs that ran slower but on time: ' + (sv.vsNaive.slowerOnTime.map((j) => j.id).join(', ') || 'none') + '.' },
  );
}

/** Input of {@link exportPlanModel}. */
export interface ExportModelInput extends PlanningOptions {
  scenario: ScenarioInput;
  /** optimal or rolling (default optimal); rolling exports its first window. */
  policy?: string;
  /** File name of the export: CPLEX LP, or free MPS when it ends in `.mps`. */
  name: string;
}

/**
 * The whole-fleet model of a plan's first window as an LP or MPS file, for an independent
 * solver to check (`--export-lp`). Nothing is solved, so it is written even when the plan
 * itself would fail.
 */
export async function exportPlanModel(input: ExportModelInput): Promise<OutputFile> {
  const policy = checkPolicy(input.policy ?? 'optimal');
  const planOptions = planOptionsFrom(input);
  const scenario = loadScenarioInput(input.scenario);
  const compiled = firstWindowModel(scenario.model, { ...planOptions, mode: policy === 'rolling' ? 'rolling' : 'optimal' });
  const mps = input.name.toLowerCase().endsWith('.mps');
  return { name: input.name, mediaType: MEDIA_TYPES.lp, content: (mps ? exportMps(compiled) : exportLp(compiled)).chunks() };
}
