// A finance valuation as a queue job: the worker's JSON equals the use case's in this process;
// an invalid scenario fails at once (bad input is not retried) with its located message stored.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { redisSkipReason, startRedis, type TestRedis } from '../../test/helpers/redis-server.ts';
import { sqliteDatabases } from '../../test/helpers/databases.ts';
import { runFinance } from '../app/finance.ts';
import { sweepScenarioFromFile } from '../finance/sweep-point.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { JobResults } from './job-results.ts';
import { JobFailedError } from './queue-pool.ts';
import { parseRedisUrl } from './redis-url.ts';
import { VALUATION_JOB, valuationHandler, valueOnQueue } from './valuation-jobs.ts';
import { startQueueWorker, type QueueWorker } from './worker.ts';

const skip = redisSkipReason();
if (skip) console.warn(`skipping the valuation job tests: ${skip}`);
const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));

describe.skipIf(skip !== undefined)('finance valuations on the queue', () => {
  let redis: TestRedis;
  let store: Store;
  let worker: QueueWorker;
  let valuation: ReturnType<typeof valuationHandler>;
  const dbs = sqliteDatabases();
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-valuation-'));
  const queueName = 'valuation-test';

  beforeAll(async () => {
    redis = await startRedis();
    store = await openStore(await dbs.create());
    valuation = valuationHandler(store, 1);
    worker = await startQueueWorker({ redis: parseRedisUrl(redis.url), results: new JobResults(store), queueName, handlers: { [VALUATION_JOB]: valuation.handler } });
  });
  afterAll(async () => {
    await worker?.close();
    await valuation?.close();
    await store?.close();
    await redis?.dispose();
    await dbs.dropAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the JSON the finance command prints for the scenario', async () => {
    const target = { redis: parseRedisUrl(redis.url), store, queueName };
    const queued = await valueOnQueue(target, sweepScenarioFromFile(PHOENIX), { policy: 'naive' });
    const local = await runFinance({ scenario: { file: PHOENIX }, policy: 'naive' }, { solverFactory: defaultSolverFactory });
    expect(queued).toEqual(JSON.parse(JSON.stringify(local.json)));
    expect(queued.npv).toBe(local.json.npv);
  });

  it('an invalid scenario fails on the first try with its message stored', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(PHOENIX, 'utf8').replace('importLimitMW: 0.5', 'importLimitMW: -5'));
    const err = await valueOnQueue({ redis: parseRedisUrl(redis.url), store, queueName }, sweepScenarioFromFile(bad)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).attempts).toBe(1);
    expect((err as Error).message).toMatch(/importLimitMW/);
  });
});
