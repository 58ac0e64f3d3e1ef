/** `wattshift simulate FILE`: runs a policy over the horizon and reports where every kWh went. */
import type { Command } from 'commander';
import { policyNames, runSimulate } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';

export function registerSimulate(program: Command, io: Io): void {
  program
    .command('simulate')
    .description('run a policy over the horizon; print KPIs per site and for the fleet')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--policy <name>', `policy to run (${policyNames().join(', ')})`, 'naive')
    .option('--out <dir>', 'write summary.json, ledger.csv, bills.csv and report.html here')
    .option('--json', 'print only the summary as JSON (no progress, no tables)')
    .addHelpText('after', '\nExamples:\n  $ wattshift simulate examples/texas-single-site.yaml --out out/texas\n  $ wattshift simulate examples/global-fleet.yaml --json | jq .fleet.pue')
    .action(async (file: string, opts: { policy: string; out?: string; json?: boolean }) => {
      const bar = progressBar('simulate', !opts.json);
      const result = await runSimulate({ scenario: { file }, policy: opts.policy }, cliDeps(io, bar));
      bar.done();
      await finish(io, result, opts);
    });
}
