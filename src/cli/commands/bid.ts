/** `wattshift bid FILE --day D`: the day-ahead bid curves (and reserve offers) of one market day. */
import type { Command } from 'commander';
import { runBid } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';

interface BidFlags {
  day: string;
  market?: string;
  perSite?: boolean;
  reserves: boolean;
  solver: string;
  out?: string;
  json?: boolean;
}

/** Registers `bid`. */
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
  $ wattshift bid examples/ercot-2021.yaml --day 2021-02-12 --out out/bid
  $ wattshift bid examples/denmark-dk2-2021.yaml --day 2021-09-15 --json | jq '.products[0].points'`,
    )
    .action(async (file: string, opts: BidFlags) => {
      const bar = progressBar('bid', !opts.json);
      const r = await runBid({ scenario: { file }, day: opts.day, market: opts.market, perSite: opts.perSite, reserves: opts.reserves, solver: opts.solver }, cliDeps(io, bar));
      bar.done();
      await finish(io, r, opts);
    });
}
