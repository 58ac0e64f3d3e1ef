/**
 * `wattshift finance FILE`: simulates (or plans) the scenario's year and values it as an
 * investment — NPV, IRR, paybacks overall and per AI production line with break-evens, a
 * tornado, and optionally a design sweep run in worker threads.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { cashflowsCsv, financeSection, lineVerdict, sweepCsv, valueInvestment, type FinanceResult, type SweepResult } from '../../finance/index.ts';
import { gridProgramRevenue } from '../../finance/grid-revenue.ts';
import { prepareSweep, runSweep } from '../../finance/sweep.ts';
import { run } from '../../pipeline.ts';
import { policyNames } from '../../plan/policies.ts';
import { renderReportHtml, writeOutputs } from '../../report/index.ts';
import { num, pct, table } from '../format.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';

const SWEEP_HELP = `
Sweep grammar (--sweep):
  DIM;DIM;…   with DIM = [SITE:]PATH=V1,V2,…  or  [SITE:]PATH=FROM..TO:STEP
  PATH is site-relative (storage.*, renewables.<id|type>.*, cooling.*, facility.*, it.<accelerator>.gpus,
  grid.*, tariff.*) or finance.* for the whole scenario. Without SITE: every site. Each point is
  simulated with the chosen policy and valued; points run in parallel worker threads.`;

/** Registers `wattshift finance`. */
export function registerFinance(program: Command, io: Io): void {
  program
    .command('finance')
    .description('value the simulated year as an investment: NPV, IRR, payback per AI production line, break-evens, tornado, sweeps')
    .argument('<file>', 'scenario file (YAML or JSON) with an optional finance section')
    .option('--sweep <spec>', 'design sweep, e.g. "storage.energyMWh=0,50,100;cooling.archetype=air,immersion"')
    .option('--policy <name>', `policy for the year and every sweep point (${policyNames().join(', ')})`, 'naive')
    .option('--workers <n>', 'worker threads for the sweep (default: available cores; 0 = this thread)')
    .option('--out <dir>', 'write finance.json, cashflows.csv, sweep.csv (with --sweep) and report.html here')
    .option('--no-dr', "do not replay the scenario's grid programs for DR revenue")
    .option('--json', 'print only the result as JSON (no progress, no tables)')
    .addHelpText(
      'after',
      `${SWEEP_HELP}

Examples:
  $ wattshift finance examples/texas-single-site.yaml
  $ wattshift finance examples/china-fleet.yaml --out out/china-finance
  $ wattshift finance examples/texas-single-site.yaml --json | jq '.lines[] | {id, paybackMonths}'
  $ wattshift finance examples/texas-single-site.yaml --out out/texas-sweep \\
      --sweep "storage.energyMWh=0,50,100;renewables.solar.capacityMW=0,30,60;cooling.archetype=air,cold-plate,immersion"`,
    )
    .action(async (file: string, opts: { sweep?: string; policy: string; workers?: string; out?: string; json?: boolean; dr?: boolean }) => {
      let workers: number | undefined;
      if (opts.workers !== undefined) {
        workers = Number(opts.workers);
        if (!Number.isInteger(workers) || workers < 0 || workers > 256) throw new InputError('OPTION_INVALID', `--workers must be a whole number from 0 to 256, found "${opts.workers}"`, { path: '--workers' });
      }
      // a bad sweep fails before the (long) base simulation
      if (opts.sweep !== undefined) prepareSweep(file, opts.sweep);
      const bar = progressBar('finance', !opts.json);
      const share = opts.sweep !== undefined ? 0.2 : 1;
      const result = await run(file, opts.policy, (f) => bar.update(f * share, 'base year'));
      // DR revenue from the scenario's grid programs, settled on the base year (when it has any)
      const dr = opts.dr === false ? null : gridProgramRevenue(result.model, result.dispatch, result.ledger);
      const fin = valueInvestment(result.model, result.summary, result.ledger, dr ? { gridProgramRevenuePerYear: dr.perYear } : {});
      if (dr) fin.notes.push(...dr.notes);
      let sweep: SweepResult | undefined;
      if (opts.sweep !== undefined) {
        sweep = await runSweep(file, opts.sweep, { policy: opts.policy, workers, onProgress: (d, n) => bar.update(share + (1 - share) * (d / n), `point ${d}/${n}`) });
      }
      bar.done();
      let written: string[] = [];
      if (opts.out) {
        const tz = result.model.sites.map((s) => s.timeZone);
        const files = [
          { name: 'finance.json', content: `${JSON.stringify(jsonOf(fin, sweep), null, 2)}\n` },
          { name: 'cashflows.csv', content: cashflowsCsv(fin) },
          ...(sweep ? [{ name: 'sweep.csv', content: sweepCsv(sweep, fin.currency) }] : []),
          { name: 'report.html', content: renderReportHtml({ summary: result.summary, ledger: result.ledger, bills: result.bills, siteTimeZones: tz, extraSections: [financeSection(fin, sweep)] }) },
        ];
        await writeOutputs(opts.out, files);
        written = files.map((f) => f.name);
      }
      if (opts.json) {
        io.out(`${JSON.stringify(jsonOf(fin, sweep), null, 2)}\n`);
        return;
      }
      io.out(financeText(fin, sweep));
      if (opts.out) io.out(`\nwrote ${written.map((w) => resolve(opts.out!, w)).join('\n      ')}\n`);
    });
}

/** The JSON contract: the finance result plus the sweep, if any. Fields are only ever added. */
function jsonOf(f: FinanceResult, sweep?: SweepResult): Record<string, unknown> {
  return { ...f, sweep: sweep ?? null };
}

const money = (x: number | null, cur: string) => (x === null ? '–' : Math.abs(x) >= 1e6 ? `${num(x / 1e6, 1)} M ${cur}` : `${num(x, 2)} ${cur}`);

/** The text summary printed by `wattshift finance`. */
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
  if (sweep) {
    const best = sweep.ranking.slice(0, 5).map((i) => sweep.points[i]!);
    out.push(`\nSweep: ${sweep.points.length} points, ${sweep.workers} worker threads, ${num(sweep.elapsedMs / 1000, 1)} s; best by NPV\n`);
    out.push(
      table(
        [
          ['rank', ...sweep.dimensions.map((d) => d.key), `NPV (${cur} M)`, 'IRR', 'payback (y)', 'PUE'],
          ...best.map((p, i) => [String(i + 1), ...p.values.map(String), num(p.metrics!.npv / 1e6, 1), p.metrics!.irr === null ? '–' : pct(p.metrics!.irr), num(p.metrics!.paybackYears, 2), num(p.metrics!.pue, 3)]),
        ],
        sweep.dimensions.length + 1,
      ),
    );
    const failed = sweep.points.filter((p) => p.error).length;
    if (failed > 0) out.push(`\n${failed} points could not be evaluated (see sweep.csv)`);
    out.push('\n');
  }
  if (f.notes.length > 0) out.push(`\nnotes:\n${f.notes.map((n) => `  - ${n}`).join('\n')}\n`);
  return out.join('');
}
