/** `wattshift plan FILE`: optimises the fleet, simulates the plan and reports savings against naive. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { comparePolicies } from '../../metrics/comparison.ts';
import { buildModel, loadScenario, plan, simulate, summarise } from '../../pipeline.ts';
import type { Io } from '../io.ts';
import { writeRunOutputs } from '../outputs.ts';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.ts';
import { progressBar } from '../progress.ts';
import { summaryText } from '../summary-text.ts';
import { num } from '../format.ts';
import { runEventReplay, type EventFlags } from './plan-event.ts';

export function registerPlan(program: Command, io: Io): void {
  addPlanOptions(
    program
      .command('plan')
      .description('optimise where and when work runs (HiGHS), simulate the plan, and report the saving against naive')
      .argument('<file>', 'scenario file (YAML or JSON)')
      .option('--policy <name>', 'optimal (one model over the horizon) or rolling (look-ahead windows on forecasts)', 'optimal'),
  )
    .option('--out <dir>', 'write summary.json, ledger.csv, bills.csv and report.html here')
    .option('--json', 'print only the summary as JSON')
    .option('--event <start/hours>', 'replay a power-reduction event instead: maximise QoS-weighted job performance under the cap')
    .option('--reduce <percent>', 'with --event: required reduction below normal power', '25')
    .option('--measure <what>', 'with --event: gpu, it, facility or grid power', 'gpu')
    .option('--qos-window <w>', 'with --event: measure job performance over the event or the whole horizon', 'horizon')
    .option('--max-reduction', 'with --event: also find the deepest reduction holdable with every QoS floor met')
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift plan examples/texas-single-site.yaml --out out/texas-plan
  $ wattshift plan examples/global-fleet.yaml --policy rolling --lookahead 48 --commit 24 --forecast persistence
  $ wattshift plan examples/texas-single-site.yaml --export-lp texas.lp     # check it with glpsol, cbc or highs
  $ wattshift plan examples/phoenix-2025.yaml --event 2025-05-03T16:00/3 --reduce 25 --max-reduction`,
    )
    .action(async (file: string, opts: PlanFlags & EventFlags & { policy: string; out?: string; event?: string }) => {
      if (opts.event !== undefined) {
        await runEventReplay(buildModel(loadScenario(file)), opts as EventFlags, io);
        return;
      }
      if (!['optimal', 'rolling'].includes(opts.policy)) {
        throw new InputError('OPTION_INVALID', `plan --policy must be optimal or rolling (use simulate for naive), got "${opts.policy}"`, { path: '--policy' });
      }
      const planOpts = planOptionsFrom(opts);
      const bar = progressBar(`plan (${opts.policy})`, !opts.json);
      const resolved = loadScenario(file);
      const model = buildModel(resolved);
      const t0 = performance.now();
      const naiveLedger = simulate(model, await plan(model, 'naive'));
      const naive = summarise(model, naiveLedger);
      const t1 = performance.now();
      const dispatch = await plan(model, opts.policy, (f, label) => bar.update(0.05 + 0.9 * f, label ?? 'solving'), planOpts);
      const ledger = simulate(model, dispatch);
      const result = summarise(model, ledger);
      const t2 = performance.now();
      bar.done();
      const s = result.summary;
      const op = (x: typeof s) => x.fleet.energyCost + x.fleet.storageDegradationCost;
      s.savingsVsNaive = {
        energyCost: Math.round((naive.summary.fleet.energyCost - s.fleet.energyCost) * 100) / 100,
        co2Tonnes: Math.round((naive.summary.fleet.co2Tonnes - s.fleet.co2Tonnes) * 1e6) / 1e6,
        totalCost: Math.round((op(naive.summary) - op(s)) * 100) / 100,
      };
      let written: string[] = [];
      if (opts.out) {
        const { comparisonSectionHtml } = await import('../../report/index.ts');
        const rows = comparePolicies([
          { summary: naive.summary, runSeconds: (t1 - t0) / 1000 },
          { summary: s, runSeconds: (t2 - t1) / 1000 },
        ]);
        written = await writeRunOutputs(opts.out, { model, ledger, summary: s, bills: result.bills }, [
          { id: 'plan-vs-naive', title: 'Plan against naive', html: comparisonSectionHtml(rows, model.currency) },
        ]);
      }
      if (opts.json) {
        io.out(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      io.out(summaryText(s));
      const st = s.solver;
      if (st) {
        io.out(
          `\nsolver: ${st.backend}, ${st.status}, ${st.solves} model${st.solves > 1 ? 's' : ''} (largest ${num(st.largestColumns, 0)} columns; ${num(st.columns, 0)} columns, ${num(st.rows, 0)} rows, ${num(st.nonzeros, 0)} non-zeros in all), build ${st.buildSeconds.toFixed(1)} s, solve ${st.solveSeconds.toFixed(1)} s\n`,
        );
      }
      const dc = st?.decomposition;
      if (dc) {
        const gap = (dc.upperBound - dc.lowerBound) / Math.max(1, Math.abs(dc.upperBound));
        io.out(
          `decomposition: Dantzig–Wolfe over ${num(dc.groups, 0)} site groups, ${dc.bindingWindows} of ${dc.windows} windows priced, ${dc.rounds} rounds (at most ${dc.maxRounds} in a window); gap ${(gap * 100).toFixed(3)} % over all windows, at most ${(dc.maxGap * 100).toFixed(3)} % in one\n`,
        );
      }
      const sv = s.savingsVsNaive;
      io.out(`saving against naive: ${num(sv.totalCost, 0)} ${s.currency} operating cost (${num(sv.energyCost, 0)} on the bill), ${num(sv.co2Tonnes, 0)} t CO2\n`);
      if (opts.out) io.out(`\nwrote ${written.map((w) => resolve(opts.out!, w)).join('\n      ')}\n`);
    });
}
