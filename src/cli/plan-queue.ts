/**
 * `--queue` for commands that plan (`plan`, `compare`): a decomposed plan's site subproblems go
 * to `wattshift worker` processes through Redis, with the store they share. Plans that are not
 * decomposed run in this process as before.
 */
import type { Command } from 'commander';
import type { UseCaseDeps } from '../app/index.ts';
import { InputError } from '../errors/index.ts';
import { openWorkQueue } from '../queue/work-queue.ts';
import type { Io } from './io.ts';
import { DEFAULT_JOB_TRIES, JOB_TRIES_HELP, jobTriesOption } from './queue-option.ts';
import { DB_OPTION_HELP, storeLocation } from './store-option.ts';

/** The flags {@link addPlanQueueOptions} adds. */
export interface PlanQueueFlags {
  queue?: string;
  db?: string;
  packSites: string;
  jobTries: string;
  keepJobResults?: boolean;
}

/** Adds --queue, --db, --pack-sites, --job-tries and --keep-job-results. */
export function addPlanQueueOptions(cmd: Command): Command {
  return cmd
    .option('--queue <url>', 'solve a decomposed plan\'s site subproblems on `wattshift worker` processes through this Redis server, e.g. redis://127.0.0.1:6379')
    .option('--db <location>', `with --queue: the store shared with the workers; ${DB_OPTION_HELP}`)
    .option('--pack-sites <n>', 'with --queue: most sites per queue job (consecutive site groups of a round are solved as one model)', '8')
    .option('--job-tries <n>', JOB_TRIES_HELP, DEFAULT_JOB_TRIES)
    .option('--keep-job-results', 'with --queue: keep each job\'s result (worker, tries) in the store after the plan; by default a window\'s are removed once the plan moves past it');
}

/** What the queue adds to a use case's dependencies (nothing without --queue). */
export type QueueDeps = Pick<UseCaseDeps, 'subproblemExecutor'>;

/**
 * Runs `fn` with the dependencies that send decomposed plans to the queue named by the flags
 * (none without --queue): Redis and the store must answer before anything is planned, and the
 * queue is closed after.
 */
export async function withPlanQueue<T>(io: Io, flags: PlanQueueFlags, fn: (deps: QueueDeps) => Promise<T>): Promise<T> {
  // checked with or without --queue, so a mistyped number is caught before any work
  const packSites = packSitesOption(flags.packSites);
  const attempts = jobTriesOption(flags.jobTries);
  if (flags.queue === undefined) return fn({});
  const queue = await openWorkQueue({ queue: flags.queue, db: storeLocation(flags.db, 'the workers read the scenario and write results there'), packSites, attempts, keepResults: flags.keepJobResults === true });
  try {
    if ((await queue.workers()) === 0) {
      io.err(`no worker is connected to ${queue.redis.display} yet: the plan's site subproblems wait until one starts (wattshift worker --queue ${queue.redis.display} --db <the same store>)\n`);
    }
    return await fn({ subproblemExecutor: queue.subproblemExecutor });
  } finally {
    await queue.close();
  }
}

/** The flags without the queue's (what a use case's input takes). */
export function withoutQueueFlags<T extends PlanQueueFlags>(flags: T): Omit<T, keyof PlanQueueFlags> {
  const { queue: _q, db: _d, packSites: _p, jobTries: _j, keepJobResults: _k, ...rest } = flags;
  return rest;
}

function packSitesOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InputError('OPTION_INVALID', `--pack-sites must be a whole number from 1 to 10000, found "${v}"`, { path: '--pack-sites' });
  return n;
}
