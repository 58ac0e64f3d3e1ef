/**
 * Where the units of work of a decomposition run. The algorithm only sees this interface: the
 * embedded default runs them on this machine's solver workers; a queue (e.g. BullMQ on Redis)
 * can run the same tasks on many machines by implementing it, without touching the algorithm.
 */
import type { Solver } from '../optimize/index.ts';
import { prepareSubproblem, solveSubproblem, type PreparedSubproblem, type SubproblemContext, type SubproblemResult, type SubproblemTask } from './subproblem.ts';

/** Runs units of work. */
export interface SubproblemExecutor {
  /** How many tasks it runs at once (for progress and speed-up reports). */
  readonly parallelism: number;
  /** Solves the tasks; results in task order. Rejects only on programming or transport errors. */
  run(tasks: SubproblemTask[]): Promise<SubproblemResult[]>;
  /** Releases workers and connections. */
  close(): Promise<void>;
}

/**
 * The embedded executor: tasks are built in this thread (each window's model once per group,
 * re-priced on later rounds) and solved by a pool of solvers, each of which runs its solves in
 * its own worker thread (HiGHS) or process (native binaries). The solvers stay the caller's.
 */
export class LocalExecutor implements SubproblemExecutor {
  private readonly cache = new Map<string, PreparedSubproblem>();
  private window = '';

  constructor(
    private readonly ctx: SubproblemContext,
    private readonly solvers: Solver[],
  ) {
    if (solvers.length === 0) throw new RangeError('LocalExecutor needs at least one solver');
  }

  get parallelism(): number {
    return this.solvers.length;
  }

  async run(tasks: SubproblemTask[]): Promise<SubproblemResult[]> {
    const results = new Array<SubproblemResult>(tasks.length);
    let next = 0;
    const work = async (solver: Solver) => {
      while (next < tasks.length) {
        const i = next++;
        const task = tasks[i]!;
        if (task.windowKey !== this.window) {
          // models of earlier windows are not needed again
          this.cache.clear();
          this.window = task.windowKey;
        }
        const key = task.sites.join(',');
        let prepared = this.cache.get(key);
        const fresh = !prepared;
        if (!prepared) {
          prepared = prepareSubproblem(this.ctx, task);
          this.cache.set(key, prepared);
        }
        const r = await solveSubproblem(this.ctx, task, solver, prepared);
        if (fresh) r.buildSeconds = prepared.buildSeconds;
        results[i] = r;
      }
    };
    await Promise.all(this.solvers.map(work));
    return results;
  }

  /** Forgets the kept models; the solvers belong to the caller, who closes them. */
  close(): Promise<void> {
    this.cache.clear();
    return Promise.resolve();
  }
}
