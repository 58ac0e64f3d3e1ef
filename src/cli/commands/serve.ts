/**
 * `wattshift serve`: the HTTP API and dashboard over a database (a SQLite file by default, or
 * PostgreSQL), with runs executed by a pool of worker threads, or with `--queue redis://…` by
 * `wattshift worker` processes through a BullMQ queue (the queue's run executor is made here
 * and passed to the server). Prints the URL once it accepts requests; Ctrl-C or SIGTERM stops
 * it cleanly (running runs are recorded as interrupted; with --queue they go on on the workers).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import type { QueueExecutor } from '../../queue/queue-executor.ts';
import type { StartOptions } from '../../server/start.ts';
import type { Io } from '../io.ts';
import { DEFAULT_JOB_TRIES, jobTriesOption } from '../queue-option.ts';
import { addVtnOptions, vtnOptionsFrom } from '../vtn-options.ts';
import { DB_ENV } from './token.ts';

interface ServeFlags {
  port: string;
  host: string;
  db?: string;
  dataRoot?: string;
  workers?: string;
  queue?: string;
  maxQueue: string;
  queueName?: string;
  jobTries: string;
  rateLimit: string;
  maxUploadMb: string;
  cors?: string[];
  sharedDb?: boolean;
  vtn?: boolean;
  logLevel: string;
}

/** Environment variable naming the queue's Redis server when --queue is not given. */
export const QUEUE_ENV = 'WATTSHIFT_QUEUE';

/** Default database file (in the working directory). */
export const DEFAULT_DB = 'wattshift.db';

function whole(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError('OPTION_INVALID', `${flag} must be a whole number from ${min} to ${max}, got "${text}"`, { path: flag });
  return n;
}

/** Registers `serve`. */
export function registerServe(program: Command, io: Io): void {
  const serve = program
    .command('serve')
    .description('serve the HTTP API (OpenAPI at /openapi.json, docs at /docs) and the dashboard; runs execute in worker threads, or with --queue on wattshift worker processes')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--db <location>', `database: a SQLite file (created if missing) or a postgres:// URL (default: $${DB_ENV}, else ${DEFAULT_DB})`)
    .option('--data-root <dir>', 'folder uploaded scenarios may take the files they name from (copied into the stored bundle)')
    .option('--workers <n>', `runs executed at once (default: the number of cores, ${availableParallelism()} here)`)
    .option('--queue <url>', `execute runs on \`wattshift worker\` processes through this Redis server, e.g. redis://127.0.0.1:6379, instead of in this process (default: $${QUEUE_ENV}; docs/scale-out.md)`)
    .option('--queue-name <name>', 'with --queue: the BullMQ queue the workers listen on (their --queue-name)', 'wattshift')
    .option('--max-queue <n>', 'runs that may wait for a worker; more answer 503', '100')
    .option('--job-tries <n>', 'with --queue: tries per run before it ends failed with the error of its last try (a worker killed mid-run costs a try; each try starts the run again)', DEFAULT_JOB_TRIES)
    .option('--rate-limit <n>', 'requests per minute per token (or address); 0 turns it off', '1200')
    .option('--max-upload-mb <n>', 'largest scenario upload, MB', '100')
    .option('--cors <origin>', 'allow this origin (repeatable); CORS is off without it', (v: string, prev: string[] = []) => [...prev, v])
    .option('--shared-db', 'other servers execute runs on the same database: interrupt only runs whose heartbeat stopped')
    .option('--no-vtn', 'do not serve the OpenADR 3.1 VTN at /openadr3/3.1.0')
    .option('--log-level <level>', 'fatal, error, warn, info (each request), debug', 'warn');
  // the VTN's own settings, the same as `wattshift vtn serve`'s, prefixed --vtn-
  addVtnOptions(serve, 'vtn-')
    .addHelpText(
      'after',
      `
Tokens: wattshift token create --role viewer|operator|admin --db <location> (the secret is the last line).

Examples:
  $ wattshift serve                                   # http://127.0.0.1:8080, database ./${DEFAULT_DB}
  $ wattshift serve --port 9000 --db /var/lib/wattshift/w.db --data-root /srv/series
  $ wattshift serve --db postgres://wattshift:SECRET@127.0.0.1:5432/wattshift --workers 4
  $ wattshift serve --db postgres://wattshift:SECRET@db:5432/wattshift --queue redis://127.0.0.1:6379
  $ wattshift worker --queue redis://127.0.0.1:6379 --db postgres://wattshift:SECRET@db:5432/wattshift   # on each machine
  $ wattshift serve --vtn-mqtt-port 1883 --vtn-allow-callbacks 10.0.0.0/8   # VTN: MQTT broker, webhooks to 10.x only
  $ TOKEN=$(wattshift token create --role operator --db ${DEFAULT_DB} | tail -n 1)
  $ curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
      -d '{"example": "texas-single-site", "command": "simulate"}' http://127.0.0.1:8080/api/v1/runs`,
    )
    .action(async (flags: ServeFlags & Record<string, unknown>) => {
      const vtnOptions = vtnOptionsFrom(flags, 'vtn-');
      const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
      if (!levels.includes(flags.logLevel)) throw new InputError('OPTION_INVALID', `--log-level must be one of ${levels.join(', ')}, got "${flags.logLevel}"`, { path: '--log-level' });
      const db = flags.db ?? process.env[DB_ENV] ?? DEFAULT_DB;
      // loaded here: the server's modules (Fastify, OpenAPI) would slow every other command's start
      const { startServer } = await import('../../server/start.ts');
      let queue = flags.queue ?? process.env[QUEUE_ENV];
      let maxQueue = whole('--max-queue', flags.maxQueue, 0, 1_000_000);
      if (flags.queue !== undefined && /^\d+$/.test(flags.queue.trim())) {
        // --queue N was the waiting-run limit before runs could go to a work queue
        io.err(`--queue ${flags.queue}: a number here is read as --max-queue ${flags.queue} (--queue now names a Redis server, e.g. redis://127.0.0.1:6379); use --max-queue\n`);
        maxQueue = whole('--queue', flags.queue, 0, 1_000_000);
        queue = process.env[QUEUE_ENV];
      }
      const attempts = jobTriesOption(flags.jobTries);
      const queueExecutor = queue ? await queueExecutorFactory(queue, flags.queueName, maxQueue, attempts) : undefined;
      const { VTN_PREFIX } = await import('../../openadr/vtn/server.ts');
      const server = await startServer({
        db,
        host: flags.host,
        port: whole('--port', flags.port, 0, 65535),
        ...(flags.workers !== undefined ? { workers: whole('--workers', flags.workers, 1, 1024) } : {}),
        ...(queueExecutor ? { executor: queueExecutor.make } : {}),
        maxQueue,
        rateLimitPerMinute: whole('--rate-limit', flags.rateLimit, 0, 1e9),
        uploadLimitBytes: whole('--max-upload-mb', flags.maxUploadMb, 1, 1_000_000) * 2 ** 20,
        ...(flags.dataRoot !== undefined ? { dataRoot: resolve(flags.dataRoot) } : {}),
        corsOrigins: flags.cors ?? [],
        sharedDatabase: flags.sharedDb === true,
        vtn: flags.vtn !== false,
        vtnOptions,
        logger: { level: flags.logLevel, stream: process.stderr },
      });
      // the signal handlers go in before the URL is printed: whoever stops the server once it
      // says it serves (a service manager, a test) must find them, not the default that kills it
      const stopped = new Promise<void>((done) => {
        let stopping = false;
        const stop = (): void => {
          if (stopping) {
            // a second signal: stop at once
            process.exit(130);
          }
          stopping = true;
          io.err('stopping: finishing requests, interrupting running runs…\n');
          void server.stop().then(done, (e: unknown) => {
            io.err(`error while stopping: ${(e as Error).message}\n`);
            done();
          });
        };
        io.signal?.addEventListener('abort', stop, { once: true });
        process.once('SIGTERM', stop);
        if (!io.signal) process.once('SIGINT', stop);
      });
      io.out(`wattshift serving on ${server.url} (API ${server.url}/api/v1, docs ${server.url}/docs; database ${server.store.location})\n`);
      if (queueExecutor) io.err(queueExecutor.describe());
      if (server.vtn) {
        io.out(`OpenADR 3.1.0 VTN at ${server.url}${VTN_PREFIX}; webhook callbacks allowed to: ${server.vtn.guard.describe()}\n`);
        if (server.vtn.mqtt) io.out(`MQTT notifications at ${server.vtn.mqtt.uris.join(', ')} (log in with clientID and access token)\n`);
      }
      if (server.interrupted.length > 0) io.err(`${server.interrupted.length} run(s) left unfinished by the last server are marked interrupted\n`);
      await stopped;
    });
}

/**
 * The queue's run executor for the server (loaded only with --queue): connects to Redis when
 * the server starts; `describe` is the line printed once it serves.
 */
async function queueExecutorFactory(url: string, queueName: string | undefined, maxQueue: number, attempts: number): Promise<{ make: NonNullable<StartOptions['executor']>; describe: () => string }> {
  const { parseRedisUrl } = await import('../../queue/redis-url.ts');
  const queueModule = await import('../../queue/queue-executor.ts');
  const redis = parseRedisUrl(url);
  let made: QueueExecutor | undefined;
  return {
    make: async ({ store, logError }) => (made = await queueModule.QueueExecutor.open({ redis, store, maxQueue, attempts, logError, ...(queueName ? { queueName } : {}) })),
    describe: () => {
      const n = made?.workersAtStart ?? 0;
      const again = made?.resubmitted.length ?? 0;
      return (
        `runs go to the work queue "${queueName ?? 'wattshift'}" on ${redis.display}; ${n} worker(s) connected now` +
        (n === 0 ? ` (start one: wattshift worker --queue ${redis.display} --db <this server's database>)` : '') +
        (again > 0 ? `; ${again} unfinished run(s) whose jobs Redis had lost were queued again` : '') +
        '\n'
      );
    },
  };
}
