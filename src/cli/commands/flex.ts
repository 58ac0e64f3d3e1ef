/**
 * `wattshift flex FILE`: the flexibility envelope of every site and of the fleet for one local
 * day: the largest reduction (and increase) of grid import each can hold from each hour for
 * each duration without breaking SLOs or QoS floors, and what it costs.
 */
import type { Command } from 'commander';
import { policyNames, runFlex } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';

interface FlexFlags {
  day?: string;
  durations: string;
  policy: string;
  out?: string;
  json?: boolean;
}

/** Registers `flex`. */
export function registerFlex(program: Command, io: Io): void {
  program
    .command('flex')
    .description('flexibility envelope: how much each site and the fleet can reduce or raise load, for how long, at what cost')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--day <YYYY-MM-DD>', 'local day (horizon time zone) to evaluate (default: the first day)')
    .option('--durations <hours>', 'hold durations, hours, comma-separated', '1,2,3,4')
    .option('--policy <name>', `base policy the flexibility is measured from (${policyNames().join(', ')})`, 'naive')
    .option('--out <dir>', 'write envelope.csv, envelope.json and report.html here')
    .option('--json', 'print only the envelope as JSON')
    .addHelpText('after', '\nExamples:\n  $ wattshift flex examples/phoenix-2025.yaml\n  $ wattshift flex examples/china-fleet.yaml --day 2014-07-23 --out out/flex\n  $ wattshift flex examples/china-fleet.yaml --day 2014-07-23 --durations 1,4 --json | jq .fleet')
    .action(async (file: string, opts: FlexFlags) => {
      const bar = progressBar('flex', !opts.json);
      const result = await runFlex({ scenario: { file }, day: opts.day, durations: opts.durations, policy: opts.policy }, cliDeps(io, bar));
      bar.done();
      await finish(io, result, opts);
    });
}
