/** `wattshift schema`: prints the JSON Schema of the scenario format. */
import type { Command } from 'commander';
import { scenarioSchemaDocument } from '../../app/index.ts';
import type { Io } from '../io.ts';

export function registerSchema(program: Command, io: Io): void {
  program
    .command('schema')
    .description('print the JSON Schema of the scenario format (for editor autocompletion)')
    .addHelpText('after', '\nIn a YAML scenario, point editors at it with a first line such as:\n  # yaml-language-server: $schema=../schema/scenario.schema.json')
    .action(() => {
      io.out(`${JSON.stringify(scenarioSchemaDocument(), null, 2)}\n`);
    });
}
