/**
 * A finance valuation (the `finance` use case's document, without a sweep) as a queue job: the
 * scenario travels as its bundle's id in the store, the worker values it in a thread and
 * stores the JSON document under the job's id. Bad input (an invalid scenario) is an error that
 * is not retried: the same input fails the same way on every worker.
 */
import { UnrecoverableError } from 'bullmq';
import type { FinanceJson } from '../app/finance.ts';
import { scenarioBundle } from '../app/scenario-bundle.ts';
import type { SweepScenario } from '../finance/sweep-point.ts';
import type { Store } from '../store/store.ts';
import type { Json } from '../store/types.ts';
import { ThreadWorkPool } from '../workers/pool.ts';
import { BundleCache } from './bundle-cache.ts';
import { JobResults } from './job-results.ts';
import { QueueWorkPool } from './queue-pool.ts';
import type { RedisLocation } from './redis-url.ts';
import type { ValuationThreadJob, ValuationThreadResult } from './valuation-thread.ts';
import type { JobHandler } from './worker.ts';

/** Name of a valuation's queue jobs. */
export const VALUATION_JOB = 'finance-valuation';

/** What a valuation job carries. */
export interface ValuationInput {
  bundle: string;
  file: string;
  policy: string;
  dr: boolean;
}

/** Values a scenario on a queue worker: the JSON `wattshift finance --json` prints for it. */
export async function valueOnQueue(
  target: { redis: RedisLocation; store: Store; queueName?: string; attempts?: number },
  scenario: SweepScenario,
  options: { policy?: string; dr?: boolean } = {},
): Promise<FinanceJson> {
  const { scenario: stored } = await target.store.scenarios.put(scenarioBundle(scenario), { name: scenario.file });
  const pool = await QueueWorkPool.open<ValuationInput, FinanceJson>({
    redis: target.redis,
    results: new JobResults(target.store),
    jobName: VALUATION_JOB,
    ...(target.queueName ? { queueName: target.queueName } : {}),
    ...(target.attempts ? { attempts: target.attempts } : {}),
  });
  try {
    return await pool.submit({ bundle: stored.id, file: scenario.file, policy: options.policy ?? 'naive', dr: options.dr ?? true });
  } finally {
    await pool.close();
  }
}

/** The worker side: a handler for valuation jobs, with its threads and fetched bundles. */
export function valuationHandler(store: Store, threads: number): { handler: JobHandler; close(): Promise<void> } {
  const bundles = new BundleCache(store);
  // threads start with the first job of this kind
  let threads_: ThreadWorkPool<ValuationThreadJob, ValuationThreadResult> | undefined;
  const pool = () => (threads_ ??= new ThreadWorkPool<ValuationThreadJob, ValuationThreadResult>({ entry: new URL('./valuation-thread.ts', import.meta.url), size: threads }));
  const handler: JobHandler = async (raw) => {
    const input = raw as ValuationInput;
    const b = await bundles.get(input.bundle, input.file);
    const out = await pool().submit({ text: b.text, baseDir: b.baseDir, name: input.file, policy: input.policy, dr: input.dr });
    // the same input fails the same way on every try: no retry
    if ('inputError' in out) throw new UnrecoverableError(`[${out.inputError.code}] ${out.inputError.message}`);
    return out.json as unknown as Json;
  };
  return {
    handler,
    async close() {
      await threads_?.close();
      await bundles.close();
    },
  };
}
