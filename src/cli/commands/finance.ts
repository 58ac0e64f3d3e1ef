/**
 * `wattshift finance FILE`: simulates (or plans) the scenario's year and values it as an
 * investment — NPV, IRR, paybacks overall and per AI production line with break-evens, a
 * tornado, and optionally a design sweep run in worker threads.
 */
import type { Command } from 'commander';
import { policyNames, runFinance } from '../../app/index.ts';
import { openWorkQueue, type WorkQueue } from '../../queue/work-queue.ts';
import { DEFAULT_JOB_TRIES, JOB_TRIES_HELP, jobTriesOption } from '../queue-option.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';
import { DB_OPTION_HELP, storeLocation } from '../store-option.ts';

const SWEEP_HELP = `
Sweep grammar (--sweep):
  DIM;DIM;…   with DIM = [SITE:]PATH=V1,V2,…  or  [SITE:]PATH=FROM..TO:STEP
  PATH is site-relative (storage.*, renewables.<id|type>.*, cooling.*, facility.*, it.<accelerator>.gpus,
  grid.*, tariff.*) or finance.* for the whole scenario. Without SITE: every site. Each point is
  simulated with the chosen policy and valued; points run in parallel worker threads.`;

/** Registers `wattshift finance`. */
export function registerFinance(program: Command, io: Io): void {
  program
    .command('finance')
    .description('value the simulated year as an investment: NPV, IRR, payback per AI production line, break-evens, tornado, sweeps')
    .argument('<file>', 'scenario file (YAML or JSON) with an optional finance section')
    .option('--sweep <spec>', 'design sweep, e.g. "storage.energyMWh=0,50,100;cooling.archetype=air,immersion"')
    .option('--policy <name>', `policy for the year and every sweep point (${policyNames().join(', ')})`, 'naive')
    .option('--workers <n>', 'worker threads for the sweep (default: available cores; 0 = this thread)')
    .option('--queue <url>', 'run the sweep\'s points on `wattshift worker` processes through this Redis server, e.g. redis://127.0.0.1:6379')
    .option('--db <location>', `with --queue: the store shared with the workers; ${DB_OPTION_HELP}`)
    .option('--job-tries <n>', JOB_TRIES_HELP, DEFAULT_JOB_TRIES)
    .option('--out <dir>', 'write finance.json, cashflows.csv, sweep.csv (with --sweep) and report.html here')
    .option('--no-dr', "do not replay the scenario's grid programs for DR revenue")
    .option('--json', 'print only the result as JSON (no progress, no tables)')
    .addHelpText(
      'after',
      `${SWEEP_HELP}

Examples:
  $ wattshift finance examples/texas-single-site.yaml
  $ wattshift finance examples/china-fleet.yaml --out out/china-finance
  $ wattshift finance examples/texas-single-site.yaml --json | jq '.lines[] | {id, paybackMonths}'
  $ wattshift finance examples/texas-single-site.yaml --out out/texas-sweep \\
      --sweep "storage.energyMWh=0,50,100;renewables.solar.capacityMW=0,30,60;cooling.archetype=air,cold-plate,immersion"
  $ wattshift finance examples/texas-single-site.yaml --sweep "storage.energyMWh=0..200:50" \\
      --queue redis://127.0.0.1:6390 --db sweeps.db --json     # points run by \`wattshift worker\` (docs/scale-out.md)`,
    )
    .action(async (file: string, opts: { sweep?: string; policy: string; workers?: string; queue?: string; db?: string; jobTries: string; out?: string; json?: boolean; dr?: boolean }) => {
      const { queue: queueUrl, db, jobTries, ...options } = opts;
      const attempts = jobTriesOption(jobTries);
      // both Redis and the store must answer before the (long) base year starts
      const queue: WorkQueue | undefined =
        queueUrl !== undefined && options.sweep !== undefined ? await openWorkQueue({ queue: queueUrl, db: storeLocation(db, 'the workers read the scenario and write results there'), attempts }) : undefined;
      try {
        if (queue && (await queue.workers()) === 0) {
          io.err(`no worker is connected to ${queue.redis.display} yet: the sweep's points wait until one starts (wattshift worker --queue ${queue.redis.display} --db <the same store>)\n`);
        }
        const bar = progressBar('finance', !opts.json);
        const deps = cliDeps(io, bar);
        if (queue) deps.sweepPool = queue.sweepPool;
        const result = await runFinance({ ...options, scenario: { file } }, deps);
        bar.done();
        await finish(io, result, opts);
      } finally {
        await queue?.close();
      }
    });
}
