// Runs of `wattshift serve --queue` executed by `wattshift worker` processes, with real
// processes throughout: a private redis-server, the server, workers, and the store on SQLite
// (the first two cases also on PostgreSQL when WATTSHIFT_TEST_PG_URL is set). Each case has its
// own Redis, store and server, and every process it started is ended after it, passed or
// failed: a worker left over from one case can take no job of the next. A run submitted
// through the API gives the in-process server's summary and its event streams show the
// worker's progress; a worker killed mid-run gives the run to another, which stores it once; a cancel removes a waiting job
// and stops a running one, whose results are never stored; runs outlive a server restart (and
// Redis forgetting their jobs); a run whose job fails every try ends failed with the job's error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisOptions } from '../../src/queue/connection.ts';
import { parseRedisUrl } from '../../src/queue/redis-url.ts';
import { openStore } from '../../src/store/open.ts';
import { runInProcess } from '../cli/run-cli.ts';
import { killProcess, stopProcess as stopWorker, startQueueWorker, until as waitUntil, type CliProcess as Proc } from '../helpers/cli-process.ts';
import { postgresDatabases, sqliteDatabases, type ScratchDatabases } from '../helpers/databases.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { call, startServe, type ServeProcess } from '../helpers/serve-process.ts';

const skip = redisSkipReason();
if (skip) console.warn(`skipping the queued-run tests: ${skip}`);
const pg = process.env.WATTSHIFT_TEST_PG_URL ? await postgresDatabases() : { skipReason: 'WATTSHIFT_TEST_PG_URL is not set' };
if ('skipReason' in pg) console.warn(`queued runs on PostgreSQL skipped: ${pg.skipReason}`);

const RUN = { example: 'texas-single-site', command: 'simulate' };
/** Each case starts processes and executes a run or two: generous, for a loaded machine. */
const PROCESS_TEST_MS = 240_000;


/** Waits up to 90 s: each case starts processes on a possibly loaded machine. */
const until = <T>(what: string, test: () => T | undefined | false | Promise<T | undefined | false>) => waitUntil(what, test, 90_000);

type Run = { id: string; status: string; progress: number; error: { code: string; message: string } | null };

/** Server-sent events from `path` until `last` accepts one: [event, data] pairs. */
async function readEvents(url: string, token: string, path: string, last: (event: string, data: unknown) => boolean): Promise<Array<[string, unknown]>> {
  const stop = new AbortController();
  const res = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` }, signal: stop.signal });
  expect(res.status).toBe(200);
  const events: Array<[string, unknown]> = [];
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, cut);
        text = text.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || !data) continue;
        events.push([event, JSON.parse(data)]);
        if (last(event, events.at(-1)![1])) return events;
      }
    }
    return events;
  } finally {
    stop.abort();
  }
}

const kinds: Array<[string, ScratchDatabases | undefined]> = [
  ['SQLite', sqliteDatabases()],
  ['PostgreSQL', 'skipReason' in pg ? undefined : pg],
];

describe.skipIf(skip !== undefined)('runs of serve --queue on worker processes', () => {
  let dir: string;
  /** The summary of the run on a server executing it in its own threads. */
  let reference: unknown;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wattshift-queued-runs-'));
    const db = join(dir, 'in-process.db');
    const store = await openStore(db);
    const token = (await store.tokens.create('operator')).secret;
    await store.close();
    const server = await startServe(db, ['--workers', '1']);
    try {
      const id = (await call(`${server.url}/api/v1/runs`, token, { method: 'POST', body: RUN })).json().id as string;
      const done = await until('the in-process run', async () => {
        const r = (await call(`${server.url}/api/v1/runs/${id}`, token)).json() as Run;
        return !['queued', 'running'].includes(r.status) && r;
      });
      expect(done.status).toBe('succeeded');
      reference = (await call(`${server.url}/api/v1/runs/${id}/summary`, token)).json();
    } finally {
      await server.stop();
    }
  }, PROCESS_TEST_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(kinds)('with the store on %s', (kind, dbs) => {
    // each case's own Redis, store, server and workers
    let redis: TestRedis;
    let server: ServeProcess;
    let queue: Queue;
    let db: string;
    let token: string;
    const queueName = `runs-${kind.toLowerCase()}`;
    /** Ends what the case started, latest first; run after the case whether it passed or not. */
    const teardown: Array<() => Promise<unknown>> = [];
    /** A worker on the case's queue (killed after the case if it has not stopped). */
    const startWorker = async (database = db, extra: string[] = []): Promise<Proc> => {
      const w = await startQueueWorker(redis.url, database, ['--queue-name', queueName, ...extra]);
      teardown.push(() => killProcess(w));
      return w;
    };
    const api = (path: string, init?: { method?: string; body?: unknown }) => call(`${server.url}/api/v1${path}`, token, init);
    const getRun = async (id: string): Promise<Run> => (await api(`/runs/${id}`)).json() as Run;
    const submit = async (): Promise<string> => {
      const r = await api('/runs', { method: 'POST', body: RUN });
      expect(r.status, r.text).toBe(202);
      return r.json().id as string;
    };
    const ended = (id: string) => until(`run ${id} to end`, async () => {
      const r = await getRun(id);
      return !['queued', 'running'].includes(r.status) && r;
    });
    /** Rows the store holds for a run: its results and its job's outcome. */
    const stored = async (id: string) => {
      const store = await openStore(db);
      try {
        const results = await store.db.selectFrom('results').select('name').where('run_id', '=', id).execute();
        const jobs = await store.db.selectFrom('queue_results').select(['job_id', 'worker']).where('job_id', '=', `run-${id}`).execute();
        return { results: results.map((r) => r.name), jobs, run: await store.runs.get(id) };
      } finally {
        await store.close();
      }
    };

    beforeEach(async () => {
      if (!dbs) return;
      redis = await startRedis();
      teardown.push(() => redis.dispose());
      db = await dbs.create();
      const store = await openStore(db);
      token = (await store.tokens.create('operator')).secret;
      await store.close();
      server = await startServe(db, ['--queue', redis.url, '--queue-name', queueName]);
      teardown.push(() => server.kill()); // the one running then (a case may restart it)
      queue = new Queue(queueName, { connection: redisOptions(parseRedisUrl(redis.url)) });
      teardown.push(() => queue.close());
    }, PROCESS_TEST_MS);
    afterEach(async () => {
      const failed: unknown[] = [];
      for (let end = teardown.pop(); end; end = teardown.pop()) await end().catch((e: unknown) => failed.push(e));
      if (failed.length > 0) throw failed[0];
    }, PROCESS_TEST_MS);
    afterAll(() => dbs?.dropAll(), PROCESS_TEST_MS);

    it.runIf(dbs !== undefined)('a run submitted through the API runs on a worker: the in-process summary, progress on its event stream', async () => {
      await until('the server to name its queue', () => server.err().includes('runs go to the work queue'));
      expect(server.err()).toMatch(/runs go to the work queue "runs-\w+" on redis:\/\/127\.0\.0\.1:\d+; 0 worker\(s\) connected now/);
      const worker = await startWorker();
      // the dashboard's stream of every run, opened before the run exists
      let id = '';
      const all = readEvents(server.url, token, '/runs/events', (e, d) => e === 'status' && (d as Run).id === id && (d as Run).status === 'succeeded');
      id = await submit();
      const events = await readEvents(server.url, token, `/runs/${id}/events`, (e) => e === 'end');
      const names = events.map(([e]) => e);
      expect(names.filter((e) => e === 'progress').length).toBeGreaterThanOrEqual(1);
      expect(events.filter(([e]) => e === 'status').map(([, d]) => (d as Run).status)).toContain('running');
      expect(events.at(-1)).toEqual(['end', { status: 'succeeded', error: null }]);
      const fractions = events.filter(([e]) => e === 'progress').map(([, d]) => (d as { fraction: number }).fraction);
      expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
      expect((await api(`/runs/${id}/summary`)).json()).toEqual(reference);
      const dashboard = (await all).filter(([, d]) => (d as { runId?: string; id?: string }).runId === id || (d as Run).id === id);
      const statuses = dashboard.filter(([e]) => e === 'status').map(([, d]) => (d as Run).status);
      expect(statuses).toContain('running');
      expect(statuses.at(-1)).toBe('succeeded');
      expect(dashboard.filter(([e]) => e === 'progress').length).toBeGreaterThanOrEqual(1);
      const rows = await stored(id);
      expect(rows.jobs).toEqual([{ job_id: `run-${id}`, worker: expect.stringContaining(`:${worker.child.pid}:`) }]);
      expect(worker.err).toContain(`serve-run run-${id} done in`);
      await stopWorker(worker);
      expect(worker.child.exitCode).toBe(0);
    }, PROCESS_TEST_MS);

    it.runIf(dbs !== undefined)('a worker killed with SIGKILL mid-run: another worker runs it, and it is stored once', async () => {
      // short locks: the dead worker's job is taken back within seconds
      const victim = await startWorker(db, ['--lock-ms', '2000']);
      const id = await submit();
      await until('the victim to start the run', async () => (await getRun(id)).status === 'running');
      victim.child.kill('SIGKILL');
      await victim.exit;
      const before = await stored(id);
      expect(before.run?.status).toBe('running'); // killed mid-run: nothing stored yet
      expect(before.results).toEqual([]);
      expect(before.run?.leaseOwner).toContain(`:${victim.child.pid}:`);
      const survivor = await startWorker(db, ['--lock-ms', '2000']);
      expect((await ended(id)).status).toBe('succeeded');
      expect((await api(`/runs/${id}/summary`)).json()).toEqual(reference);
      // the worker records its job's outcome just after the run's completion: wait for it
      const after = await until('the job outcome to be stored', async () => {
        const s = await stored(id);
        return s.jobs.length > 0 && s;
      });
      expect(after.run?.leaseOwner).toContain(`:${survivor.child.pid}:`);
      expect(after.jobs).toHaveLength(1);
      expect(after.jobs[0]!.worker).toContain(`:${survivor.child.pid}:`);
      expect(new Set(after.results).size).toBe(after.results.length);
      expect(after.results).toContain('summary.json');
      await stopWorker(survivor);
    }, PROCESS_TEST_MS);

    // store-specific parts (run transitions, threads opening the store) are covered above on both stores
    it.runIf(dbs !== undefined && kind === 'SQLite')('a cancel removes a waiting job from Redis, and stops a running run whose results are then never stored', async () => {
      // no worker: the run's job waits
      const waiting = await submit();
      await until('the job to wait in Redis', async () => (await queue.getWaitingCount()) === 1);
      const c = await api(`/runs/${waiting}/cancel`, { method: 'POST' });
      expect(c.status, c.text).toBe(200);
      expect(c.json().status).toBe('cancelled');
      await until('the job to leave Redis', async () => (await queue.getJobState(`run-${waiting}`)) === 'unknown');
      expect(await queue.getWaitingCount()).toBe(0);

      const worker = await startWorker();
      const running = await submit();
      await until('the run to start', async () => (await getRun(running)).status === 'running');
      expect((await api(`/runs/${running}/cancel`, { method: 'POST' })).status).toBe(200);
      // the worker stops it and its job ends
      await until('the worker to end the job', () => worker.err.includes(`serve-run run-${running} done in`));
      const rows = await stored(running);
      expect(rows.run?.status).toBe('cancelled');
      expect(rows.results).toEqual([]);
      expect((await api(`/runs/${running}/files`)).status).toBe(409);
      // the worker goes on with the next run
      const next = await submit();
      expect((await ended(next)).status).toBe('succeeded');
      await stopWorker(worker);
    }, PROCESS_TEST_MS);

    it.runIf(dbs !== undefined && kind === 'SQLite')('runs outlive the server: a waiting run stays queued through a restart, and its job is queued again if Redis lost it', async () => {
      const id = await submit(); // no worker: its job waits
      await until('the job to wait in Redis', async () => (await queue.getJobState(`run-${id}`)) === 'waiting');
      expect(await server.stop()).toBe(0);
      expect((await stored(id)).run?.status).toBe('queued'); // not interrupted: the run is the workers'
      redis.cli('FLUSHALL'); // Redis restarted without persistence: the job is gone
      server = await startServe(db, ['--queue', redis.url, '--queue-name', queueName]);
      await until('the server to name its queue', () => server.err().includes('runs go to the work queue'));
      expect(server.err()).toMatch(/; 1 unfinished run\(s\) whose jobs Redis had lost were queued again/);
      expect(await queue.getJobState(`run-${id}`)).toBe('waiting');
      const worker = await startWorker();
      expect((await ended(id)).status).toBe('succeeded');
      await stopWorker(worker);
    }, PROCESS_TEST_MS);

    it.runIf(dbs !== undefined && kind === 'SQLite')('a run whose job fails every try (--job-tries 2) ends failed with the error of its last try', async () => {
      expect(await server.stop()).toBe(0);
      server = await startServe(db, ['--queue', redis.url, '--queue-name', queueName, '--job-tries', '2']);
      await until('the server to name its queue', () => server.err().includes('runs go to the work queue'));
      // a worker on another database: the run is not in its store, on every try
      const elsewhere = join(dir, 'another.db');
      const worker = await startWorker(elsewhere);
      const id = await submit();
      const run = await ended(id);
      expect(run.status).toBe('failed');
      expect(run.error?.code).toBe('INTERNAL');
      expect(run.error?.message).toMatch(/failed on each of its 2 tries; the last error: run \w+ is not in this worker's store/);
      expect(worker.err.match(new RegExp(`run-${id} try \\d failed`, 'g'))).toHaveLength(2);
      await stopWorker(worker);
    }, PROCESS_TEST_MS);
  });
});

describe('serve --queue with bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-serve-queue-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a --job-tries that is not a whole number from 1 to 100 is exit code 2 naming it, before anything starts', async () => {
    const r = await runInProcess(['serve', '--port', '0', '--db', join(dir, 'tries.db'), '--job-tries', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--job-tries must be a whole number from 1 to 100, found "0"');
  });

  it('a --queue that is not a Redis URL, or where nothing answers, is exit code 2 naming the option', async () => {
    const notRedis = await runInProcess(['serve', '--port', '0', '--db', join(dir, 'a.db'), '--queue', 'http://127.0.0.1:6379']);
    expect(notRedis.code).toBe(2);
    expect(notRedis.err).toMatch(/--queue.*redis:\/\//);
    const nobody = await runInProcess(['serve', '--port', '0', '--db', join(dir, 'b.db'), '--queue', 'redis://127.0.0.1:1']);
    expect(nobody.code).toBe(2);
    expect(nobody.err).toMatch(/no Redis server answered at redis:\/\/127\.0\.0\.1:1 .*--queue/);
  });
});
