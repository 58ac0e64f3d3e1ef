/**
 * The units of work of a decomposed plan as queue jobs: a {@link SubproblemExecutor} whose
 * tasks run on `wattshift worker` processes. The submitting side stores the scenario bundle once
 * and sends, per job, a pack of consecutive site subproblems of one round (the task JSON of
 * src/decompose/wire.ts) with the bundle's id; the worker loads the scenario once, builds each
 * window's models, solves the pack as one stacked model and stores the results, in task order,
 * under the job's id.
 *
 * A job's id names its unit of work (`<batch>-w<window>-r<call>-p<pack>`), so a job retried after
 * its worker died, or sent again after Redis lost it, still has one stored result. A pack that
 * fails every try rejects the round with a {@link JobFailedError} carrying the stored error.
 *
 * The stored results are the plan's scratch (plans and bases of every round; tens of kilobytes
 * per pack): a window's are removed once the plan moves past it, the rest when the executor
 * closes, unless `keepResults` (for inspection: which worker ran what, after how many tries).
 */
import { UnrecoverableError } from 'bullmq';
import { scenarioBundle } from '../app/scenario-bundle.ts';
import { LocalExecutor, packTasks, type ExecutorRun, type SubproblemExecutor } from '../decompose/executor.ts';
import type { SubproblemResult, SubproblemTask } from '../decompose/subproblem.ts';
import { decodeResults, decodeTasks, encodeResults, encodeTasks } from '../decompose/wire.ts';
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { defaultSolverFactory, type Solver } from '../optimize/index.ts';
import { buildModel, loadScenarioText } from '../pipeline.ts';
import { Forecaster, type ForecastOptions } from '../plan/signals.ts';
import type { Store } from '../store/store.ts';
import type { PoolProgress } from '../workers/pool.ts';
import { BundleCache } from './bundle-cache.ts';
import { JobResults } from './job-results.ts';
import { QueueWorkPool } from './queue-pool.ts';
import type { RedisLocation } from './redis-url.ts';
import type { JobHandler } from './worker.ts';

/** Name of a decomposition's queue jobs (a pack of site subproblems). */
export const SUBPROBLEM_JOB = 'decompose-pack';

/** Most sites per job by default: the in-process executor's pack size (eight small windows solve about three times faster stacked). */
export const DEFAULT_PACK_SITES = 8;

/** What a subproblem job carries. */
export interface SubproblemPackInput {
  /** Scenario bundle id in the store. */
  bundle: string;
  /** The scenario's name as the user gave it (for messages). */
  file: string;
  forecast: ForecastOptions;
  solver: string;
  /** The pack's tasks, as {@link encodeTasks} writes them. */
  tasks: string;
}

/** What a subproblem job stores: the pack's results in task order, as {@link encodeResults} writes them. */
export interface SubproblemPackOutput {
  results: string;
}

/** Where a plan's units of work go: the queue's Redis and the store shared with the workers. */
export interface SubproblemQueueTarget {
  redis: RedisLocation;
  store: Store;
  queueName?: string;
  /** Tries per job before the plan fails (default 3). */
  attempts?: number;
  /** First retry delay, ms (default 500). */
  backoffMs?: number;
  /** Most sites per job (default 8); a group larger than that is a job of its own. */
  packSites?: number;
  /** Keep every job's stored result after its window (default: removed as the plan moves on). */
  keepResults?: boolean;
  onProgress?: (p: PoolProgress) => void;
}

/** A decomposition's units of work on the queue. Open with {@link QueueExecutor.open}. */
export class QueueExecutor implements SubproblemExecutor {
  /** Sequence number of each window seen (window keys hold characters a job id may not), and its jobs' ids. */
  private readonly windows = new Map<string, { n: number; calls: number; jobs: string[] }>();
  private readonly results: JobResults;

  private constructor(
    private readonly pool: QueueWorkPool<SubproblemPackInput, SubproblemPackOutput>,
    store: Store,
    private readonly fixed: Omit<SubproblemPackInput, 'tasks'>,
    private readonly packSites: number,
    private readonly signal: AbortSignal | undefined,
    private readonly keepResults: boolean,
  ) {
    this.results = new JobResults(store);
  }

  /** Stores the scenario bundle and connects to the queue. */
  static async open(target: SubproblemQueueTarget, run: ExecutorRun): Promise<QueueExecutor> {
    const packSites = target.packSites ?? DEFAULT_PACK_SITES;
    if (!Number.isInteger(packSites) || packSites < 1) throw new RangeError(`packSites must be a whole number of at least 1, got ${packSites}`);
    const { scenario } = await target.store.scenarios.put(scenarioBundle(run.scenario), { name: run.scenario.file });
    const pool = await QueueWorkPool.open<SubproblemPackInput, SubproblemPackOutput>({
      redis: target.redis,
      results: new JobResults(target.store),
      jobName: SUBPROBLEM_JOB,
      ...(target.queueName ? { queueName: target.queueName } : {}),
      ...(target.attempts ? { attempts: target.attempts } : {}),
      ...(target.backoffMs !== undefined ? { backoffMs: target.backoffMs } : {}),
      ...(target.onProgress ? { onProgress: target.onProgress } : {}),
    });
    return new QueueExecutor(pool, target.store, { bundle: scenario.id, file: run.scenario.file, forecast: run.forecast, solver: run.solver }, packSites, run.signal, target.keepResults ?? false);
  }

  /** Workers connected when the executor opened (at least 1: jobs wait for one). */
  get parallelism(): number {
    return Math.max(1, this.pool.size);
  }

  /** The id prefix of this executor's jobs. */
  get batch(): string {
    return this.pool.batch;
  }

  /** Jobs so far. */
  progress(): PoolProgress {
    return this.pool.progress();
  }

  async run(tasks: SubproblemTask[]): Promise<SubproblemResult[]> {
    if (tasks.length === 0) return [];
    // every task of a call belongs to one window (one round of it)
    const key = tasks[0]!.windowKey;
    let w = this.windows.get(key);
    if (!w) {
      // the plan has moved past the earlier windows: their results are not needed again
      await this.forget();
      w = { n: this.windows.size, calls: 0, jobs: [] };
      this.windows.set(key, w);
    }
    const call = w.calls++;
    const packs = packTasks(tasks, this.packSites);
    const out = new Array<SubproblemResult>(tasks.length);
    const window = w;
    await Promise.all(
      packs.map(async (pack, p) => {
        const jobKey = `w${window.n}-r${call}-p${p}`;
        window.jobs.push(`${this.pool.batch}-${jobKey}`);
        const stored = await this.pool.submit({ ...this.fixed, tasks: encodeTasks(pack.map((i) => tasks[i]!)) }, { key: jobKey, ...(this.signal ? { signal: this.signal } : {}) });
        const results = decodeResults(stored.results);
        if (results.length !== pack.length) throw new Error(`queue job ${jobKey} returned ${results.length} results for ${pack.length} tasks`);
        pack.forEach((i, k) => (out[i] = results[k]!));
      }),
    );
    return out;
  }

  /** Removes the stored results of the windows seen so far (unless they are kept). */
  private async forget(): Promise<void> {
    if (this.keepResults) return;
    const ids = [...this.windows.values()].flatMap((w) => w.jobs.splice(0));
    if (ids.length > 0) await this.results.remove(ids);
  }

  /** Removes the jobs still waiting and the stored results (unless kept), and disconnects. */
  async close(): Promise<void> {
    await this.pool.close();
    await this.forget();
  }
}

/** Loaded scenarios a worker keeps (a worker usually serves one plan at a time). */
const KEEP_MODELS = 2;

interface Loaded {
  model: FleetModel;
  forecaster: Forecaster;
}

/** A solver of the worker with the executors (one per loaded scenario) that use it: a job holds one slot. */
interface Slot {
  solver: Solver;
  solverName: string;
  executors: Map<string, LocalExecutor>;
}

/**
 * The worker side: a handler for subproblem jobs. It loads each scenario once (from the bundle
 * in the store) and keeps up to `concurrency` solvers, one per job running; each keeps the
 * models it built for the current window, so a later round of the same pack re-prices them.
 * Building runs on the worker's event loop (milliseconds per pack), solving in the solver's own
 * thread or process.
 */
export function subproblemHandler(store: Store, concurrency: number): { handler: JobHandler; close(): Promise<void> } {
  const bundles = new BundleCache(store);
  const loaded = new Map<string, Promise<Loaded>>();
  const idle: Slot[] = [];
  const all: Slot[] = [];

  const load = (input: SubproblemPackInput): Promise<Loaded> => {
    const key = `${input.bundle}\n${JSON.stringify(input.forecast)}`;
    let p = loaded.get(key);
    if (!p) {
      p = (async () => {
        const b = await bundles.get(input.bundle, input.file);
        const model = buildModel(loadScenarioText(b.text, b.baseDir, input.file));
        return { model, forecaster: new Forecaster(model, input.forecast) };
      })();
      loaded.set(key, p);
      p.catch(() => loaded.delete(key));
      if (loaded.size > KEEP_MODELS) {
        const oldest = loaded.keys().next().value!;
        loaded.delete(oldest);
        for (const s of all) s.executors.delete(oldest);
      }
    }
    return p;
  };

  const take = (solverName: string): Slot => {
    const i = idle.findIndex((s) => s.solverName === solverName);
    if (i >= 0) return idle.splice(i, 1)[0]!;
    if (all.length >= concurrency && idle.length > 0) {
      // a slot of another solver makes room
      const s = idle.shift()!;
      all.splice(all.indexOf(s), 1);
      void s.solver.close?.();
    }
    const slot: Slot = { solver: defaultSolverFactory(solverName), solverName, executors: new Map() };
    all.push(slot);
    return slot;
  };

  const handler: JobHandler = async (raw) => {
    const input = raw as SubproblemPackInput;
    let ctx: Loaded;
    try {
      ctx = await load(input);
    } catch (e) {
      // the same scenario fails the same way on every worker: no retry
      if (e instanceof InputError) throw new UnrecoverableError(e.format());
      throw e;
    }
    const tasks = decodeTasks(input.tasks);
    const modelKey = `${input.bundle}\n${JSON.stringify(input.forecast)}`;
    let slot: Slot;
    try {
      slot = take(input.solver);
    } catch (e) {
      if (e instanceof InputError) throw new UnrecoverableError(e.format());
      throw e;
    }
    try {
      let ex = slot.executors.get(modelKey);
      if (!ex) {
        // the submitter chose the pack: solve all of it as one model
        ex = new LocalExecutor({ model: ctx.model, signals: (from, to) => ctx.forecaster.window(from, to) }, [slot.solver], { packSites: Number.MAX_SAFE_INTEGER });
        slot.executors.set(modelKey, ex);
      }
      const results = await ex.run(tasks);
      return { results: encodeResults(results) } satisfies SubproblemPackOutput;
    } finally {
      idle.push(slot);
    }
  };

  return {
    handler,
    async close() {
      await Promise.allSettled(all.map((s) => s.solver.close?.()));
      all.length = 0;
      idle.length = 0;
      loaded.clear();
      await bundles.close();
    },
  };
}
