/** `wattshift schema`: prints the JSON Schema of the scenario format. */
import type { Command } from 'commander';
import { scenarioSchemaDocument, summarySchemaDocument } from '../../app/index.ts';
import type { Io } from '../io.ts';

export function registerSchema(program: Command, io: Io): void {
  program
    .command('schema')
    .description('print the JSON Schema of the scenario format (for editor autocompletion), or of summary.json')
    .option('--summary', 'print the JSON Schema of summary.json (what simulate and plan write and print with --json) instead')
    .addHelpText('after', '\nIn a YAML scenario, point editors at it with a first line such as:\n  # yaml-language-server: $schema=../schema/scenario.schema.json\n\nExamples:\n  $ wattshift schema > scenario.schema.json\n  $ wattshift schema --summary > summary.schema.json')
    .action((opts: { summary?: boolean }) => {
      io.out(`${JSON.stringify(opts.summary ? summarySchemaDocument() : scenarioSchemaDocument(), null, 2)}\n`);
    });
}
