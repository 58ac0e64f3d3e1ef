/** `wattshift tariff import FILE.json`: converts a downloaded URDB rate into a scenario tariff. */
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { runTariffImport, writeOutputs } from '../../app/index.ts';
import type { Io } from '../io.ts';

export function registerTariff(program: Command, io: Io): void {
  const tariff = program.command('tariff').description('work with utility tariffs');
  tariff
    .command('import')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .description('convert a rate from the OpenEI Utility Rate Database (URDB JSON, downloaded beforehand) into a scenario tariff')
    .argument('<file>', 'URDB JSON: a utility_rates API response ({ "items": [...] }) or one rate object')
    .option('--label <label>', 'the rate to import when the file holds several (its URDB label)')
    .option('--out <file>', 'write the tariff as YAML to this file instead of standard output')
    .option('--json', 'print the tariff, its source and the warnings as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ wattshift tariff import urdb-rate.json --out tariff.yaml\n  $ wattshift tariff import response.json --label 5a5e2d055457a3e16be429d1 --json\n\nNothing is downloaded: fetch the rate from https://openei.org/services/doc/rest/util_rates/ first.',
    )
    .action(async (file: string, opts: { label?: string; out?: string; json?: boolean }) => {
      const r = await runTariffImport({ file, label: opts.label });
      if (opts.json) io.out(`${JSON.stringify(r.json, null, 2)}\n`);
      else if (opts.out) {
        await writeOutputs(dirname(opts.out), [{ name: basename(opts.out), content: r.yaml }]);
        io.err(`wrote ${opts.out}${r.json.warnings.length ? ` (${r.json.warnings.length} warning${r.json.warnings.length > 1 ? 's' : ''}, listed at its top)` : ''}\n`);
      } else io.out(r.text);
    });
}
