/**
 * The `wattshift` command line: a thin shell over the use cases (src/app). Known input problems
 * end with exit code 2 and a message naming the file, line or JSON path; a run interrupted with
 * Ctrl-C ends with 130; anything else is an internal error (exit code 1).
 */
import { Command, CommanderError, InvalidArgumentError, type Option } from 'commander';
import { CancelledError, InputError, SolverError } from '../app/index.ts';
import { StoreError } from '../store/errors.ts';
import { processIo, type Io } from './io.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerBid } from './commands/bid.ts';
import { registerFinance } from './commands/finance.ts';
import { registerGridProgramCommands } from './commands/dr.ts';
import { registerCompare } from './commands/compare.ts';
import { registerPlan } from './commands/plan.ts';
import { registerSchema } from './commands/schema.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerTariff } from './commands/tariff.ts';
import { registerToken } from './commands/token.ts';
import { registerValidate } from './commands/validate.ts';
import { registerWorker } from './commands/worker.ts';
import { registerVtn } from './commands/vtn.ts';
import { registerVen } from './commands/ven.ts';


/** File-system errors that mean "this output location cannot be written". */
const OUTPUT_ERRNO = new Set(['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOSPC', 'EEXIST', 'ENOENT', 'ENAMETOOLONG']);

/**
 * An empty path (`--out ""`) is refused: commands read it as "no output folder" and would
 * write nothing without a word.
 */
function refuseEmpty(option: Option): void {
  const inner = option.parseArg;
  option.argParser((value: string, previous: unknown) => {
    if (value.trim() === '') throw new InvalidArgumentError('it is empty; name a folder for the output files');
    return inner ? (inner as (v: string, p: unknown) => unknown)(value, previous) : value;
  });
}

/** Builds the command tree. */
export function buildProgram(io: Io): Command {
  const program = new Command('wattshift')
    .description('Plan, operate and settle fleets of AI data centres as grid-interactive assets.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift validate examples/texas-single-site.yaml
  $ wattshift simulate examples/texas-single-site.yaml --out out/texas
  $ wattshift simulate examples/global-fleet.yaml --json > summary.json
  $ wattshift schema > scenario.schema.json
  $ wattshift bid examples/ercot-2021.yaml --day 2021-02-16
  $ wattshift backtest examples/ercot-2021.yaml --from 2021-02-10 --days 14
  $ wattshift serve --port 8080 --db wattshift.db

Exit codes: 0 ok, 1 internal error, 2 bad input.
Limits (docs/limits.md): input files up to WATTSHIFT_MAX_INPUT_MB (256), scenario files up to
WATTSHIFT_MAX_SCENARIO_MB (8), runs up to WATTSHIFT_MAX_PROBLEM_MCELLS million ledger cells (20).`,
    );
  registerValidate(program, io);
  registerSimulate(program, io);
  registerPlan(program, io);
  registerCompare(program, io);
  registerSchema(program, io);
  registerFinance(program, io);
  registerGridProgramCommands(program, io);
  registerBid(program, io);
  registerBacktest(program, io);
  registerTariff(program, io);
  registerServe(program, io);
  registerToken(program, io);
  registerWorker(program, io);
  registerVtn(program, io);
  registerVen(program, io);
  for (const c of program.commands) {
    c.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    for (const cmd of [c, ...c.commands]) for (const o of cmd.options) if (o.long === '--out') refuseEmpty(o);
  }
  return program;
}

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;

/**
 * Runs the CLI with `argv` (as in process.argv) and returns the exit code. With the process's
 * own output, the first Ctrl-C cancels the run cleanly (no output folder is half-written); a
 * second one ends the process at once.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let release = () => {};
  if (io === processIo) {
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    release = () => process.removeListener('SIGINT', onInterrupt);
    io = { ...io, signal: controller.signal };
  }
  try {
    return await runProgram(argv, io);
  } finally {
    release();
  }
}

async function runProgram(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // commander has already printed the message
    }
    if (e instanceof InputError) {
      io.err(`error [${e.code}]: ${e.format()}\n`);
      return 2;
    }
    if (e instanceof StoreError) {
      // a database the user named that cannot be used, or an id that does not exist: their input
      io.err(`error [${e.code}]: ${e.message}\n`);
      return e.httpStatus < 500 ? 2 : 1;
    }
    if (e instanceof CancelledError) {
      io.err(`${e.message}\n`);
      return EXIT_INTERRUPTED;
    }
    if (e instanceof Error && e.name === 'JobFailedError') {
      // a queue job that failed every try (src/queue): its stored error says why
      io.err(`error [QUEUE_JOB_FAILED]: ${e.message}\n`);
      return 1;
    }
    if (e instanceof SolverError) {
      io.err(`error [${e.code}]: ${e.message}\nPlease report this with the scenario that caused it.\n`);
      return 1;
    }
    const fsError = e as NodeJS.ErrnoException;
    if (fsError?.syscall !== undefined && OUTPUT_ERRNO.has(fsError.code ?? '')) {
      // a folder the user named (--out) that cannot be written: their input to fix
      io.err(`error [OUTPUT_UNWRITABLE]: cannot ${fsError.syscall} ${fsError.path ?? ''}: ${fsError.code}; choose a writable folder for --out\n`);
      return 2;
    }
    io.err(`internal error: ${(e as Error)?.stack ?? String(e)}\nPlease report this with the scenario that caused it.\n`);
    return 1;
  }
}
