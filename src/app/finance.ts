/**
 * Use case `finance`: simulate (or plan) the scenario's year and value it as an investment:
 * NPV, IRR, paybacks overall and per AI production line with break-evens, a tornado, DR
 * revenue from the scenario's grid programs, and optionally a design sweep. The scenario is
 * loaded once for the base year and the sweep.
 */
import { cashflowsCsv, sweepCsv } from '../finance/csv.ts';
import { gridProgramRevenue, type GridProgramRevenue } from '../finance/grid-revenue.ts';
import type { SweepResult } from '../finance/sweep.ts';
import { valueInvestment, type FinanceResult } from '../finance/value.ts';
import { lineVerdict } from '../finance/verdict.ts';
import { csvFile, htmlFile, jsonFile, loadReport, siteTimeZones } from './files.ts';
import { policyOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy, type PolicyRun } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { evaluatePreparedSweep, prepareSweepRun, sweepText, workersOption, type PreparedSweep } from './sweep.ts';
import { num, pct, table } from './text-format.ts';
import type { Numeric, OutputFile, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `finance`. */
export interface FinanceOptions {
  /** A design sweep to run after the base year (grammar in docs/finance.md §7). */
  sweep?: string;
  /** Policy for the year and every sweep point (default naive). */
  policy?: string;
  /** Worker threads for the sweep, 0–256 (default: available cores; 0 = this thread). */
  workers?: Numeric;
  /** Replay the scenario's grid programs for DR revenue (default true). */
  dr?: boolean;
}

/** Input of {@link runFinance}. */
export interface FinanceInput extends FinanceOptions {
  scenario: ScenarioInput;
}

/** The `finance --json` document (also finance.json): the valuation plus the sweep, if any. Fields are only ever added. */
export type FinanceJson = FinanceResult & { sweep: SweepResult | null };

/** Result of {@link runFinance}: files are finance.json, cashflows.csv, sweep.csv (with a sweep) and report.html. */
export interface FinanceOutput extends UseCaseOutput<FinanceJson> {
  scenario: LoadedScenario;
  /** The simulated base year. */
  base: PolicyRun;
  finance: FinanceResult;
  /** DR revenue from the grid programs (null: none, or not asked). */
  gridPrograms: GridProgramRevenue | null;
  sweep: SweepResult | undefined;
}

/** Values the scenario's year as an investment (and runs its design sweep, when given). */
export async function runFinance(input: FinanceInput, deps: UseCaseDeps): Promise<FinanceOutput> {
  workersOption(input.workers);
  const policy = policyOption(input.policy ?? 'naive');
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const { model } = scenario;
  // a bad sweep fails before the (long) base simulation
  let prepared: PreparedSweep | undefined;
  if (input.sweep !== undefined) prepared = prepareSweepRun(scenario, { sweep: input.sweep, policy, workers: input.workers });
  const share = prepared ? 0.2 : 1;
  const base = await runPolicy(scenario, policy, deps, { plan: [0, 0.5 * share, 'base year'], simulate: [0.5 * share, share, 'base year'] });
  checkpoint(deps, 'before valuing the base year');
  // DR revenue from the scenario's grid programs, settled on the base year (when it has any)
  const gridPrograms = input.dr === false ? null : gridProgramRevenue(model, base.dispatch, base.ledger);
  const finance = valueInvestment(model, base.summary, base.ledger, gridPrograms ? { gridProgramRevenuePerYear: gridPrograms.perYear } : {});
  if (gridPrograms) finance.notes.push(...gridPrograms.notes);
  const sweep = prepared ? await evaluatePreparedSweep(scenario, prepared, deps, share) : undefined;
  deps.progress?.(1, 'done');
  const json: FinanceJson = { ...finance, sweep: sweep ?? null };
  return {
    scenario,
    base,
    finance,
    gridPrograms,
    sweep,
    json,
    text: financeText(finance, sweep),
    files: async (): Promise<OutputFile[]> => {
      const { renderReportHtml } = await loadReport();
      const { financeSection } = await import('../finance/report-section.ts');
      return [
        jsonFile('finance.json', json),
        csvFile('cashflows.csv', cashflowsCsv(finance)),
        ...(sweep ? [csvFile('sweep.csv', sweepCsv(sweep, finance.currency))] : []),
        htmlFile('report.html', renderReportHtml({ summary: base.summary, ledger: base.ledger, bills: base.bills, siteTimeZones: siteTimeZones(model), extraSections: [financeSection(finance, sweep)] })),
      ];
    },
  };
}

const money = (x: number | null, cur: string) => (x === null ? '–' : Math.abs(x) >= 1e6 ? `${num(x / 1e6, 1)} M ${cur}` : `${num(x, 2)} ${cur}`);

/** The text summary of a valuation (and its sweep). */
export function financeText(f: FinanceResult, sweep?: SweepResult): string {
  const cur = f.currency;
  const irr = f.irr !== null ? pct(f.irr) : f.irrStatus === 'multiple' ? `several: ${f.irrs.map((r) => pct(r)).join(', ')}` : 'none (cash flows never break even at any rate)';
  const out: string[] = [];
  out.push(`${f.scenario}: investment case (${f.policy} policy, ${f.horizonYears} operating years after construction, ${cur})\n`);
  out.push(
    table(
      [
        ['figure', 'value'],
        [`NPV at ${pct(f.discountRate)}`, money(f.npv, cur)],
        ['IRR', irr],
        ['payback (after tax)', f.paybackYears === null ? 'not within the horizon' : `${num(f.paybackYears, 2)} years`],
        ['discounted payback', f.discountedPaybackYears === null ? 'not within the horizon' : `${num(f.discountedPaybackYears, 2)} years`],
        ['capex over the horizon', money(f.capexTotal, cur)],
        ['levelised cost of compute', f.lcocPerGpuHour === null ? '–' : `${num(f.lcocPerGpuHour, 3)} ${cur}/GPU-h`],
        ['all-in cost per million tokens', f.costPerMillionTokens === null ? '–' : `${num(f.costPerMillionTokens, 3)} ${cur}`],
        ['tokens per kWh (facility)', num(f.tokensPerKWh, 0)],
        ['GPU utilisation (simulated year)', pct(f.operatingYear.utilisation)],
        ['contracted share of revenue', pct(f.contractedRevenueShare)],
        ['take-or-pay floor / fixed opex (year 1)', f.takeOrPayCoverage === null ? '–' : pct(f.takeOrPayCoverage, 0)],
      ],
      1,
    ),
    '\n',
  );
  const target = num(f.paybackTargetMonths, 0);
  const be = (l: FinanceResult['lines'][number], k: 'energyPrice' | 'utilisation' | 'pue' | 'price', d: number, asPct = false) => {
    const b = l.breakEven?.[k];
    if (!b || b.value === null) return 'none in range';
    return asPct ? pct(b.value) : num(b.value, d);
  };
  out.push(`\nAI production lines (pre-tax payback of each line's capex share; target < ${target} months)\n`);
  out.push(
    table(
      [
        ['line', 'kind', 'payback (months)', `< ${target} months`, `electricity ${cur}/MWh now → break-even`, 'utilisation now → break-even', 'PUE now → break-even', 'price now → break-even'],
        ...f.lines.map((l) => [
          l.id,
          l.kind,
          l.paybackMonths === null ? 'never' : num(l.paybackMonths, 1),
          l.paysBackWithinTarget ? 'yes' : 'no',
          `${num(l.energyPricePerMWh, 1)} → ${be(l, 'energyPrice', 1)}`,
          `${pct(l.utilisation)} → ${be(l, 'utilisation', 1, true)}`,
          `${num(l.pue, 3)} → ${be(l, 'pue', 3)}`,
          l.price === null ? '–' : `${num(l.price, 3)} → ${be(l, 'price', 3)} (${cur} ${l.priceUnit ?? ''})`,
        ]),
      ],
      2,
    ),
    '\n',
  );
  out.push(`"none in range": no electricity price from 0 to 10× today, utilisation from 1 % to 100 %, PUE from 1.0 to 3.0 or price from 0 to 10× today flips the answer.\n`);
  out.push('Lines bear capex and fixed opex by their share of GPU-hours at each site (idle GPUs included), energy by their IT energy (docs/finance.md §6).\n\n');
  out.push(f.lines.map((l) => `  ${lineVerdict(l, cur, f.paybackTargetMonths)}`).join('\n'), '\n');
  if (f.tornado.length > 0) {
    out.push(`\nNPV sensitivity (${cur} M; base ${num(f.npv / 1e6, 1)})\n`);
    out.push(table([['input', 'low', 'NPV low', 'high', 'NPV high'], ...f.tornado.map((t) => [t.label, t.lowText, num(t.npvLow / 1e6, 1), t.highText, num(t.npvHigh / 1e6, 1)])], 1), '\n');
  }
  if (sweep) out.push(sweepText(sweep, cur));
  if (f.notes.length > 0) out.push(`\nnotes:\n${f.notes.map((n) => `  - ${n}`).join('\n')}\n`);
  return out.join('');
}
