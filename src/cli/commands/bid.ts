/** `wattshift bid FILE --day D`: the day-ahead bid curves (and reserve offers) of one market day. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runBid } from '../../market/use-cases.ts';
import { makeSolver } from '../../plan/planner.ts';
import { writeOutputs } from '../../report/write-outputs.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';

export function registerBid(program: Command, io: Io): void {
  program
    .command('bid')
    .description('make the day-ahead bid of one market day: monotone price–quantity curves per hour from a stochastic programme over price scenarios, and reserve offers')
    .argument('<file>', 'scenario file with a markets section')
    .requiredOption('--day <date>', 'market day, YYYY-MM-DD in the market\'s time zone')
    .option('--market <id>', 'market to bid in (default: the scenario\'s only market)')
    .option('--per-site', 'one bid per site instead of one for the portfolio')
    .option('--no-reserves', 'bid energy only')
    .option('--solver <name>', 'highs (built in) or native, native-highs, native-cbc, native-glpsol', 'highs')
    .option('--out <dir>', 'write bid.json, bid.csv and bid.html here')
    .option('--json', 'print only the bid as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift bid examples/ercot-2021.yaml --day 2021-02-16 --out out/uri-bid
  $ wattshift bid examples/denmark-dk2-2021.yaml --day 2021-09-15 --json | jq '.products[0].points'`,
    )
    .action(async (file: string, opts: { day: string; market?: string; perSite?: boolean; reserves: boolean; solver: string; out?: string; json?: boolean }) => {
      const bar = progressBar('bid', !opts.json);
      const r = await runBid({ file, day: opts.day, market: opts.market, perSite: opts.perSite, noReserves: !opts.reserves }, { solverFactory: () => makeSolver(opts.solver), progress: (f, p) => bar.update(f, p) });
      bar.done();
      let written: string[] = [];
      if (opts.out) written = await writeOutputs(opts.out, await r.files());
      if (opts.json) {
        io.out(`${JSON.stringify(r.json, null, 2)}\n`);
        return;
      }
      io.out(r.text);
      if (opts.out) io.out(`\nwrote ${written.map((w) => resolve(opts.out!, w)).join('\n      ')}\n`);
    });
}
