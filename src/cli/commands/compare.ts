/** `wattshift compare FILE --policies a,b,c`: runs several policies and puts them side by side. */
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { comparePolicyList, DEFAULT_COMPARE_POLICIES, exportPlanModel, loadScenarioInput, PLAN_POLICIES, policyNames, runCompare, type ScenarioInput } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { addPlanOptions, type PlanFlags } from '../plan-options.ts';
import { addPlanQueueOptions, withoutQueueFlags, withPlanQueue, type PlanQueueFlags } from '../plan-queue.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish, writeFiles } from '../run.ts';

export function registerCompare(program: Command, io: Io): void {
  addPlanQueueOptions(addPlanOptions(
    program
      .command('compare')
      .description('run several policies on one scenario and compare cost, green share, PUE, peak, QoS and unserved work')
      .argument('<file>', 'scenario file (YAML or JSON)')
      .option('--policies <list>', `comma-separated policies (${policyNames().join(', ')})`, DEFAULT_COMPARE_POLICIES),
  )
    .option('--out <dir>', 'write compare.csv, compare.json and report.html (with the best policy\'s details) here')
    .option('--json', 'print the comparison as JSON'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift compare examples/texas-single-site.yaml --policies naive,rolling,optimal --out out/compare
  $ wattshift compare examples/global-fleet.yaml --policies naive,rolling --forecast persistence --json
  $ wattshift compare fleet-300.yaml --policies naive,rolling --decompose on \\
      --queue redis://127.0.0.1:6390 --db plans.db     # site subproblems run by \`wattshift worker\` (docs/scale-out.md)`,
    )
    .action(async (file: string, opts: PlanFlags & PlanQueueFlags & { policies: string; out?: string; json?: boolean }) => {
      let scenario: ScenarioInput = { file };
      // --export-lp: every optimising policy wrote the same file, so the last one's model is what remains
      const lastLp = opts.exportLp !== undefined ? comparePolicyList(opts.policies).filter((p) => (PLAN_POLICIES as readonly string[]).includes(p)).pop() : undefined;
      if (opts.exportLp !== undefined && lastLp !== undefined) {
        scenario = { loaded: loadScenarioInput(scenario) };
        const model = await exportPlanModel({ ...opts, policy: lastLp, scenario, name: basename(opts.exportLp) });
        await writeFiles(dirname(opts.exportLp), [model]);
      }
      await withPlanQueue(io, opts, async (queueDeps) => {
        const bar = progressBar('compare', !opts.json);
        const result = await runCompare({ ...withoutQueueFlags(opts), scenario }, { ...cliDeps(io, bar), ...queueDeps });
        bar.done();
        await finish(io, result, opts);
      });
    });
}
