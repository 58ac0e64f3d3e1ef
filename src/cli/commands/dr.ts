/**
 * `wattshift dr FILE`: replays grid events on the fleet as its aggregator would (baseline,
 * target, merit-order split across sites, event-response dispatch, simulation, settlement)
 * and prints or writes the settlement, the per-site OpenADR 3.1 dispatch and a report.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BASELINE_METHODS, DEFAULT_POWER_MEASURE, POWER_MEASURES, policyNames, runDr } from '../../app/index.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';
import { registerFlex } from './flex.ts';

interface DrFlags {
  event?: string[];
  targetMw?: string;
  targetPercent?: string;
  baseline?: string;
  program?: string;
  annual?: boolean;
  policy: string;
  measure: string;
  out?: string;
  json?: boolean;
}

const HELP = `
Event grammar (--event, repeatable; the same as plan --event):
  FILE                     CSV, YAML or JSON schedule, or an OpenADR 3.1 event object (JSON)
  START/DURATION           2025-05-03T16:00/3, 2025-05-03T16:00/3h, 2025-05-03T16:00/PT3H, 16:00/90m
  START..END               2025-05-03T16:00..19:00, 2025-05-03T16:00..2025-05-03T19:00
  Times are local wall clock in the horizon time zone unless they carry an offset; HH:MM
  alone means the horizon's first day; a bare duration is in hours. Without --event, the
  program's own events are used (its schedule, schedule file and generated events).

Examples:
  $ wattshift dr examples/phoenix-2025.yaml --json
  $ wattshift dr examples/phoenix-2025.yaml --event 2025-05-03T16:00/3h --target-percent 25 --out out/dr
  $ wattshift dr examples/phoenix-2025.yaml --event examples/events/phoenix-2025-05-03.openadr.json
  $ wattshift dr examples/china-fleet.yaml --annual --out out/china-dr
Baselines: ${BASELINE_METHODS.join(', ')}.
Exit codes: 0 ok, 1 internal error, 2 bad input.`;

/** Registers `dr`. */
export function registerDr(program: Command, io: Io): void {
  program
    .command('dr')
    .description('replay grid events: dispatch them across sites, simulate, and settle against baselines')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--event <file|spec>', 'event file or START/DURATION or START..END (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--target-mw <mw>', 'fleet change against the baseline, MW (events without their own target)')
    .option('--target-percent <p>', 'change as a percentage of the baseline (events without their own target)')
    .option('--baseline <method>', `baseline for every site (${BASELINE_METHODS.join(', ')})`)
    .option('--program <id>', 'program of the scenario to settle under (default: the first)')
    .option('--annual', 'settle every event of the program over the horizon, with capacity pay')
    .option('--policy <name>', `base policy the events are answered from (${policyNames().join(', ')})`, 'naive')
    .option('--measure <what>', `the power a --target-percent is a share of: ${POWER_MEASURES.join(', ')} (as in plan --event); delivery is settled on the meter`, DEFAULT_POWER_MEASURE)
    .option('--out <dir>', 'write settlement.json, settlement.csv, settlement-intervals.csv, openadr/*.json and report.html here')
    .option('--json', 'print only the settlement as JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, opts: DrFlags) => {
      const bar = progressBar('dr', !opts.json);
      const result = await runDr({ ...opts, scenario: { file } }, cliDeps(io, bar));
      bar.done();
      await finish(io, result, opts, (dir, written) => {
        const main = written.filter((w) => !w.startsWith('openadr/'));
        return `\nwrote ${main.map((w) => resolve(dir, w)).join('\n      ')}\n      ${resolve(dir, 'openadr')}/ (${written.length - main.length} OpenADR 3.1 events, one per site and event)\n`;
      });
    });
}

/** Registers the grid-program commands, `flex` and `dr`, in that order. */
export function registerGridProgramCommands(program: Command, io: Io): void {
  registerFlex(program, io);
  registerDr(program, io);
}
