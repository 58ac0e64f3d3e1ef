/** `wattshift backtest FILE`: a period of daily bids, awards, real-time settlement and reserves against the price-taker plans. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { runMarketBacktest } from '../../market/use-cases.ts';
import { makeSolver } from '../../plan/planner.ts';
import { writeOutputs } from '../../report/write-outputs.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';

function whole(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new InputError('OPTION_INVALID', `${name} must be a whole number ≥ 1, got "${v}"`, { path: name });
  return x;
}

export function registerBacktest(program: Command, io: Io): void {
  program
    .command('backtest')
    .description('back-test daily bidding on real prices against naive, price-taker and perfect-foresight plans: cost, reserve revenue, penalties, QoS and the share of the perfect-knowledge value captured')
    .argument('<file>', 'scenario file with a markets section')
    .option('--market <id>', 'market to back-test (default: the scenario\'s only market)')
    .option('--year <yyyy>', 'every market day of this year (market time zone)')
    .option('--from <date>', 'first market day, YYYY-MM-DD')
    .option('--days <n>', 'with --from: number of days')
    .option('--solver <name>', 'highs (built in) or native, native-highs, native-cbc, native-glpsol', 'highs')
    .option('--out <dir>', 'write summary.json, days.csv and report.html here')
    .option('--json', 'print only the summary as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift backtest examples/ercot-2021.yaml --from 2021-02-10 --days 14 --out out/uri-week
  $ wattshift backtest examples/ercot-2021.yaml --year 2021 --json | jq '.capturedShare'
  $ wattshift backtest examples/denmark-dk2-2021.yaml --market nordpool-dk2 --year 2021 --out out/dk2`,
    )
    .action(async (file: string, opts: { market?: string; year?: string; from?: string; days?: string; solver: string; out?: string; json?: boolean }) => {
      const year = whole('--year', opts.year);
      if (year !== undefined && opts.from !== undefined) throw new InputError('OPTION_INVALID', 'give --year or --from (with --days), not both', { path: '--year' });
      const bar = progressBar('backtest', !opts.json);
      const r = await runMarketBacktest(
        { file, market: opts.market, year, from: opts.from, days: whole('--days', opts.days) },
        { solverFactory: () => makeSolver(opts.solver), progress: (f, p) => bar.update(f, p) },
      );
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
