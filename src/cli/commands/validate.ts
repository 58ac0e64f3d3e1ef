/** `wattshift validate FILE`: checks a scenario and its series files without running it. */
import type { Command } from 'commander';
import { runValidate } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { finish } from '../run.ts';

export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check a scenario file and the series it names; report alignment (gaps, duplicates, units)')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ wattshift validate examples/china-fleet.yaml\n  $ wattshift validate my-site.yaml --json')
    .action(async (file: string, opts: { json?: boolean }) => {
      await finish(io, await runValidate({ scenario: { file } }), { json: opts.json });
    });
}
