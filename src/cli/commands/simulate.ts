/** `wattshift simulate FILE`: runs a policy over the horizon and reports where every kWh went. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { run } from '../../pipeline.ts';
import { policyNames } from '../../plan/policies.ts';
import { writeRunOutputs } from '../outputs.ts';
import { summaryText } from '../summary-text.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';

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
      const result = await run(file, opts.policy, (f) => bar.update(f));
      bar.done();
      let written: string[] = [];
      if (opts.out) written = await writeRunOutputs(opts.out, result);
      if (opts.json) {
        io.out(`${JSON.stringify(result.summary, null, 2)}\n`);
        return;
      }
      io.out(summaryText(result.summary));
      if (opts.out) io.out(`\nwrote ${written.map((w) => resolve(opts.out!, w)).join('\n      ')}\n`);
    });
}
