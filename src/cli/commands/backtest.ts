/** `wattshift backtest FILE`: a period of daily bids, awards, real-time settlement and reserves against the price-taker plans. */
import type { Command } from 'commander';
import { runMarketBacktest } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';

interface BacktestFlags {
  market?: string;
  year?: string;
  from?: string;
  days?: string;
  solver: string;
  out?: string;
  json?: boolean;
}

/** Registers `backtest`. */
export function registerBacktest(program: Command, io: Io): void {
  program
    .command('backtest')
    .description('back-test daily bidding on real prices against naive, price-taker and perfect-foresight plans: cost, reserve revenue, penalties, QoS and the share of the perfect-knowledge value captured')
    .argument('<file>', 'scenario file with a markets section')
    .option('--market <id>', 'market to back-test (default: the scenario\'s only market)')
    .option('--year <yyyy>', 'every market day of this year (market time zone)')
    .option('--from <date>', 'first market day, YYYY-MM-DD')
    .option('--days <n>', 'with --from: number of days', undefined)
    .option('--solver <name>', 'highs (built in) or native, native-highs, native-cbc, native-glpsol', 'highs')
    .option('--out <dir>', 'write summary.json, days.csv and report.html here')
    .option('--json', 'print only the summary as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift backtest examples/ercot-2021.yaml --from 2021-02-10 --days 14 --out out/uri-fortnight
  $ wattshift backtest examples/ercot-2021.yaml --year 2021 --json | jq '.capturedShare'
  $ wattshift backtest examples/denmark-dk2-2021.yaml --market nordpool-dk2 --year 2021 --out out/dk2`,
    )
    .action(async (file: string, opts: BacktestFlags) => {
      const bar = progressBar('backtest', !opts.json);
      const r = await runMarketBacktest({ scenario: { file }, market: opts.market, year: opts.year, from: opts.from, days: opts.days, solver: opts.solver }, cliDeps(io, bar));
      bar.done();
      await finish(io, r, opts);
    });
}
