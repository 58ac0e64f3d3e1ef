/** `wattshift compare FILE --policies a,b,c`: runs several policies and puts them side by side. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { comparePolicies, comparisonCsv } from '../../metrics/comparison.ts';
import { buildModel, loadScenario, plan, simulate, summarise } from '../../pipeline.ts';
import { policyNames } from '../../plan/policies.ts';
import { num, pct, table } from '../format.ts';
import type { Io } from '../io.ts';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.ts';
import { progressBar } from '../progress.ts';

export function registerCompare(program: Command, io: Io): void {
  addPlanOptions(
    program
      .command('compare')
      .description('run several policies on one scenario and compare cost, green share, PUE, peak, QoS and unserved work')
      .argument('<file>', 'scenario file (YAML or JSON)')
      .option('--policies <list>', `comma-separated policies (${policyNames().join(', ')})`, 'naive,rolling,optimal'),
  )
    .option('--out <dir>', 'write compare.csv, compare.json and report.html (with the best policy\'s details) here')
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nExamples:\n  $ wattshift compare examples/texas-single-site.yaml --policies naive,rolling,optimal --out out/compare\n  $ wattshift compare examples/global-fleet.yaml --policies naive,rolling --forecast persistence --json')
    .action(async (file: string, opts: PlanFlags & { policies: string; out?: string; json?: boolean }) => {
      const names = opts.policies.split(',').map((p) => p.trim()).filter(Boolean);
      const valid = policyNames();
      const bad = names.find((n) => !valid.includes(n));
      if (bad !== undefined || names.length === 0) {
        throw new InputError('OPTION_INVALID', `unknown policy "${bad ?? ''}" in --policies; valid: ${valid.join(', ')}`, { path: '--policies' });
      }
      const planOpts = planOptionsFrom(opts);
      const model = buildModel(loadScenario(file));
      const bar = progressBar('compare', !opts.json);
      const runs: Array<{ summary: ReturnType<typeof summarise>['summary']; runSeconds: number; ledger: ReturnType<typeof simulate>; bills: ReturnType<typeof summarise>['bills'] }> = [];
      for (const [i, name] of names.entries()) {
        const t0 = performance.now();
        const dispatch = await plan(model, name, (f) => bar.update((i + f) / names.length, name), planOpts);
        const ledger = simulate(model, dispatch);
        const { summary, bills } = summarise(model, ledger);
        runs.push({ summary, runSeconds: (performance.now() - t0) / 1000, ledger, bills });
        bar.update((i + 1) / names.length, name);
      }
      bar.done();
      const rows = comparePolicies(runs);
      let written: string[] = [];
      if (opts.out) {
        const { comparisonSectionHtml, renderReportHtml, ledgerCsv, writeOutputs } = await import('../../report/index.ts');
        const best = runs.reduce((a, b) => (b.summary.fleet.energyCost + b.summary.fleet.storageDegradationCost < a.summary.fleet.energyCost + a.summary.fleet.storageDegradationCost ? b : a));
        const tz = model.sites.map((s) => s.timeZone);
        const files = [
          { name: 'compare.csv', content: comparisonCsv(rows, model.currency) },
          { name: 'compare.json', content: `${JSON.stringify({ scenario: model.name, currency: model.currency, policies: rows }, null, 2)}\n` },
          { name: `ledger-${best.summary.policy.split(' ')[0]}.csv`, content: ledgerCsv(best.ledger, tz, model.currency) },
          {
            name: 'report.html',
            content: renderReportHtml({
              summary: best.summary,
              ledger: best.ledger,
              bills: best.bills,
              siteTimeZones: tz,
              extraSections: [{ id: 'policy-comparison', title: 'Policy comparison', html: comparisonSectionHtml(rows, model.currency) }],
            }),
          },
        ];
        written = await writeOutputs(opts.out, files);
      }
      if (opts.json) {
        io.out(`${JSON.stringify({ scenario: model.name, currency: model.currency, policies: rows }, null, 2)}\n`);
        return;
      }
      const cur = model.currency;
      io.out(
        `${model.name}: ${names.length} policies, same simulator and bill\n\n${table([
          ['policy', `operating cost ${cur}`, 'saving', 'CO2 t', 'direct green', 'PUE', 'peak MW', 'QoS', 'unserved GPU-h', 'late', 'run s'],
          ...rows.map((r) => [r.policy, num(r.operatingCost, 0), `${num(r.savingVsFirstPercent, 1)} %`, num(r.co2Tonnes, 0), pct(r.directGreenRatio), num(r.pue, 3), num(r.peakImportMW, 1), num(r.qosWeighted, 3), num(r.unservedWork, 0), String(r.lateJobs), num(r.runSeconds, 1)]),
        ])}\n`,
      );
      if (opts.out) io.out(`\nwrote ${written.map((w) => resolve(w)).join('\n      ')}\n`);
    });
}
