/**
 * `wattshift worker --queue redis://HOST:PORT`: takes jobs (design-sweep points, valuations,
 * packs of a decomposed plan's site subproblems, runs of `serve --queue`) from the work queue and
 * runs them until stopped (Ctrl-C finishes the jobs in hand, then exits). Runs on any machine that
 * reaches Redis and the store; see docs/scale-out.md.
 */
import type { Command } from 'commander';
import { runWorker } from '../../queue/run-worker.ts';
import type { Io } from '../io.ts';
import { DB_OPTION_HELP, storeLocation } from '../store-option.ts';

/** Registers `wattshift worker`. */
export function registerWorker(program: Command, io: Io): void {
  program
    .command('worker')
    .description('run jobs from the work queue on Redis (sweep points, valuations and plan subproblems sent with --queue, runs of serve --queue) until stopped')
    .requiredOption('--queue <url>', 'the Redis server of the queue, e.g. redis://127.0.0.1:6379')
    .option('--db <location>', `${DB_OPTION_HELP}; the same store the submitting command uses`)
    .option('--queue-name <name>', 'the BullMQ queue to take jobs from (the server\'s --queue-name)', 'wattshift')
    .option('--concurrency <n>', 'jobs at once, each in its own thread (default: available cores)')
    .option('--lock-ms <ms>', 'how soon a job held by a killed worker goes to another, ms', '30000')
    .option('--log', 'print a line per job')
    .addHelpText(
      'after',
      `
A worker reads scenarios from the store by their content address and writes each job's result
there; on one machine a SQLite file shared with the submitter will do, across machines use
PostgreSQL. Ctrl-C or SIGTERM stops taking jobs and finishes the ones in hand; a worker
killed outright gives its jobs to other workers after --lock-ms.

Examples:
  $ redis-server --port 6390 --bind 127.0.0.1 --daemonize yes
  $ wattshift worker --queue redis://127.0.0.1:6390 --db sweeps.db --concurrency 2
  $ wattshift finance examples/texas-single-site.yaml --sweep "storage.energyMWh=0..200:50" \\
      --queue redis://127.0.0.1:6390 --db sweeps.db --json
  $ wattshift serve --queue redis://127.0.0.1:6390 --db sweeps.db   # the API's runs go to the workers too`,
    )
    .action(async (opts: WorkerFlags) => {
      // Ctrl-C, or SIGTERM from a service manager: finish the jobs in hand, then stop
      const stop = new AbortController();
      const onStop = () => stop.abort();
      io.signal?.addEventListener('abort', onStop, { once: true });
      if (io.signal) process.once('SIGTERM', onStop);
      try {
        await work(io, opts, stop.signal);
      } finally {
        process.removeListener('SIGTERM', onStop);
      }
    });
}

interface WorkerFlags {
  queue: string;
  db?: string;
  concurrency?: string;
  queueName: string;
  lockMs: string;
  log?: boolean;
}

async function work(io: Io, opts: WorkerFlags, signal: AbortSignal): Promise<void> {
  const summary = await runWorker({
    queue: opts.queue,
    db: storeLocation(opts.db, 'the worker reads scenarios and writes results there'),
    lockMs: opts.lockMs,
    queueName: opts.queueName,
    logError: (message, detail) => io.err(`${message}: ${detail}\n`),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    signal,
    onReady: (w) => io.err(`worker ${w.id}: ${w.concurrency} at once, queue ${w.redis.display}, store ${w.store}; Ctrl-C to stop\n`),
    onEvent: (e) => {
      if (e.type === 'redis-error') io.err(`redis: ${e.message}\n`);
      else if (opts.log && e.type === 'completed') io.err(`${e.name} ${e.jobId} done in ${Math.round(e.ms)} ms${e.written ? '' : ' (already stored)'}\n`);
      else if (opts.log && e.type === 'skipped') io.err(`${e.name} ${e.jobId} already done\n`);
      else if (e.type === 'failed') io.err(`${e.name} ${e.jobId} try ${e.attempt} failed${e.final ? ' (last try)' : ''}: ${e.message}\n`);
    },
  });
  io.err(`worker ${summary.id} stopped: ${summary.completed} jobs done, ${summary.failed} tries failed\n`);
}
