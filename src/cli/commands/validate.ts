/** `wattshift validate FILE`: checks a scenario and its series files without running it. */
import type { Command } from 'commander';
import { InputError, runValidate, validateErrorJson } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { finish } from '../run.ts';

export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check a scenario file and the series it names; report alignment (gaps, duplicates, units)')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--json', 'print the result as JSON (a scenario that is not valid: {"ok": false, "errors": [...]} on stdout, exit code 2)')
    .addHelpText('after', '\nExamples:\n  $ wattshift validate examples/china-fleet.yaml\n  $ wattshift validate my-site.yaml --json')
    .action(async (file: string, opts: { json?: boolean }) => {
      try {
        await finish(io, await runValidate({ scenario: { file } }), { json: opts.json });
      } catch (e) {
        // scripts read the problems from stdout; the message still goes to stderr (exit code 2)
        if (opts.json && e instanceof InputError) io.out(`${JSON.stringify(validateErrorJson(e), null, 2)}\n`);
        throw e;
      }
    });
}
