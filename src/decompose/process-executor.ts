/**
 * An executor whose workers are separate processes, each with its own copy of the fleet model
 * (built from the scenario text) and its own HiGHS: the shape of a distributed worker, on one
 * machine. Each group of sites stays with one worker (its first), so a worker re-prices the
 * models it built in earlier rounds of a window. Reports each worker's peak memory.
 */
import type { ChildProcess } from 'node:child_process';
import type { ForecastOptions } from '../plan/signals.ts';
import { forkTsProcess } from '../workers/fork-ts-process.ts';
import type { SubproblemExecutor } from './executor.ts';
import type { FromWorker, ScenarioSource, ToWorker, WorkerStats } from './process-protocol.ts';
import type { SubproblemResult, SubproblemTask } from './subproblem.ts';

export type { ScenarioSource, WorkerStats } from './process-protocol.ts';

/** Options of {@link ProcessExecutor.start}. */
export interface ProcessExecutorOptions {
  workers: number;
  source: ScenarioSource;
  /** The plan's forecast settings (workers compute the same window signals as the planner). */
  forecast: ForecastOptions;
}

interface Pending {
  resolve: (r: SubproblemResult[]) => void;
  reject: (e: Error) => void;
}

/** Worker processes running units of work. */
export class ProcessExecutor implements SubproblemExecutor {
  private readonly owner = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private readonly statsWaiters: Array<(s: WorkerStats) => void>[] = [];
  private nextBatch = 0;
  private closed = false;
  /** Seconds each worker took to load the scenario and build its model. */
  readonly loadSeconds: number[] = [];

  private constructor(private readonly procs: ChildProcess[]) {
    this.statsWaiters = procs.map(() => []);
  }

  /** Starts the workers and waits until each has built its model. */
  static async start(o: ProcessExecutorOptions): Promise<ProcessExecutor> {
    if (!(o.workers >= 1)) throw new RangeError('ProcessExecutor needs at least one worker');
    const procs = Array.from({ length: o.workers }, () => forkTsProcess(new URL('./process-worker.ts', import.meta.url)));
    const ex = new ProcessExecutor(procs);
    try {
      const ready = procs.map((p, i) => ex.listen(p, i));
      for (const p of procs) p.send({ type: 'init', source: o.source, forecast: o.forecast } satisfies ToWorker);
      ex.loadSeconds.push(...(await Promise.all(ready)));
    } catch (e) {
      await ex.close();
      throw e;
    }
    return ex;
  }

  get parallelism(): number {
    return this.procs.length;
  }

  /** Wires a worker's messages; resolves with its load time once it is ready. */
  private listen(p: ChildProcess, i: number): Promise<number> {
    return new Promise<number>((resolveReady, rejectReady) => {
      p.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            resolveReady(m.loadSeconds);
            return;
          case 'results': {
            const w = this.pending.get(m.batch);
            this.pending.delete(m.batch);
            w?.resolve(m.results);
            return;
          }
          case 'stats':
            this.statsWaiters[i]!.shift()?.(m.stats);
            return;
          case 'error': {
            const err = new Error(`decomposition worker ${p.pid}: ${m.message}`);
            if (m.batch < 0) rejectReady(err);
            const w = this.pending.get(m.batch);
            this.pending.delete(m.batch);
            w?.reject(err);
            return;
          }
        }
      });
      p.on('exit', (code, signal) => {
        const err = new Error(`decomposition worker ${p.pid} exited (${signal ?? `code ${code}`})`);
        rejectReady(err);
        if (this.closed) return;
        for (const [k, w] of this.pending) {
          this.pending.delete(k);
          w.reject(err);
        }
      });
    });
  }

  async run(tasks: SubproblemTask[]): Promise<SubproblemResult[]> {
    if (this.closed) throw new Error('the executor is closed');
    const perWorker: number[][] = this.procs.map(() => []);
    tasks.forEach((t, k) => {
      const key = t.sites.join(',');
      let w = this.owner.get(key);
      if (w === undefined) {
        w = this.owner.size % this.procs.length;
        this.owner.set(key, w);
      }
      perWorker[w]!.push(k);
    });
    const out = new Array<SubproblemResult>(tasks.length);
    await Promise.all(
      perWorker.map(async (idx, w) => {
        if (idx.length === 0) return;
        const batch = this.nextBatch++;
        const results = await new Promise<SubproblemResult[]>((resolve, reject) => {
          this.pending.set(batch, { resolve, reject });
          this.procs[w]!.send({ type: 'run', batch, tasks: idx.map((k) => tasks[k]!) } satisfies ToWorker);
        });
        idx.forEach((k, n) => (out[k] = results[n]!));
      }),
    );
    return out;
  }

  /** Each worker's peak memory, tasks and busy time so far. */
  stats(): Promise<WorkerStats[]> {
    return Promise.all(
      this.procs.map(
        (p, i) =>
          new Promise<WorkerStats>((resolve) => {
            this.statsWaiters[i]!.push(resolve);
            p.send({ type: 'stats' } satisfies ToWorker);
          }),
      ),
    );
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            if (p.connected) p.disconnect();
            setTimeout(() => p.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }
}
