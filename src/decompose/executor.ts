/**
 * Where the units of work of a decomposition run. The algorithm only sees this interface: the
 * embedded default runs them on this machine's solver workers; a queue (e.g. BullMQ on Redis)
 * can run the same tasks on many machines by implementing it, without touching the algorithm.
 */
import type { ForecastOptions } from '../plan/signals.ts';
import { splitResult, stackBases, stackModels, type CompiledModel, type Solver } from '../optimize/index.ts';
import { emptyResult, prepareSubproblem, isRepricing, readSubproblem, solveConfirmed, solveSubproblem, subproblemBasis, subproblemModel, subproblemSolveOptions, type PreparedSubproblem, type SubproblemContext, type SubproblemResult, type SubproblemTask } from './subproblem.ts';

/** Runs units of work. */
export interface SubproblemExecutor {
  /** How many tasks it runs at once (for progress and speed-up reports). */
  readonly parallelism: number;
  /** Solves the tasks; results in task order. Rejects only on programming or transport errors. */
  run(tasks: SubproblemTask[]): Promise<SubproblemResult[]>;
  /** Releases workers and connections. */
  close(): Promise<void>;
}

/** What a plan tells an executor it opens: its scenario (workers elsewhere load it themselves) and what shapes the window signals. */
export interface ExecutorRun {
  /** The scenario as read: its file name, the folder its series paths are relative to, its parsed data. */
  scenario: { file: string; baseDir: string; data: unknown };
  forecast: ForecastOptions;
  /** The solver name of the plan ('highs', 'native-cbc', …). */
  solver: string;
  /** The plan's cancellation: aborting it rejects the round in flight with a CancelledError. */
  signal?: AbortSignal;
}

/** Opens an executor for one plan (e.g. on a work queue); the plan closes it. */
export type SubproblemExecutorFactory = (run: ExecutorRun) => Promise<SubproblemExecutor>;

/** Groups consecutive tasks into packs of at most `packSites` sites (a larger task alone). */
export function packTasks(tasks: SubproblemTask[], packSites: number): number[][] {
  const packs: number[][] = [];
  let cur: number[] = [];
  let sites = 0;
  tasks.forEach((t, i) => {
    if (cur.length > 0 && sites + t.sites.length > packSites) {
      packs.push(cur);
      cur = [];
      sites = 0;
    }
    cur.push(i);
    sites += t.sites.length;
  });
  if (cur.length) packs.push(cur);
  return packs;
}

/** Options of {@link LocalExecutor}. */
export interface LocalExecutorOptions {
  /**
   * Most sites per solver call: consecutive small tasks are solved as one block-diagonal model
   * (a tiny LP costs a fixed overhead per solve; stacked, eight single-site windows solve about
   * three times faster per site) and split back exactly. Default 8; 1 solves each alone.
   */
  packSites?: number;
}

/** Solves a solver keeps in flight per executor (the next model is built while one is solved). */
const LANES = 4;

/**
 * The embedded executor: tasks are built in this thread (each window's model once per group,
 * re-priced on later rounds) and solved by a pool of solvers, each of which runs its solves in
 * its own worker thread (HiGHS) or process (native binaries). The solvers stay the caller's.
 *
 * With solvers that keep models (HiGHS), each group stays with one solver, which keeps its
 * window model: a later round sends only new costs, and HiGHS goes on from its last basis and
 * factorisation. Other solvers get packs of consecutive tasks as one block-diagonal model.
 */
export class LocalExecutor implements SubproblemExecutor {
  private readonly cache = new Map<string, PreparedSubproblem>();
  private window = '';
  private readonly packSites: number;
  /** Solver of each group (by its sites), when the solvers keep models. */
  private readonly home = new Map<string, number>();
  /** Names of the models each solver keeps for the current window. */
  private readonly kept: Array<Set<string>>;

  constructor(
    private readonly ctx: SubproblemContext,
    private readonly solvers: Solver[],
    options: LocalExecutorOptions = {},
  ) {
    if (solvers.length === 0) throw new RangeError('LocalExecutor needs at least one solver');
    this.packSites = Math.max(1, options.packSites ?? 8);
    this.kept = solvers.map(() => new Set());
  }

  /** Whether every solver keeps models between solves. */
  private get keeps(): boolean {
    return this.solvers.every((s) => typeof s.forget === 'function');
  }

  /** Drops the models the solvers keep. */
  private forgetKept(): void {
    this.solvers.forEach((s, i) => {
      s.forget?.([...this.kept[i]!]);
      this.kept[i]!.clear();
    });
  }

  get parallelism(): number {
    return this.solvers.length;
  }

  /** The group's model for the task's window: built once, kept until the window changes. */
  private prepared(task: SubproblemTask): { p: PreparedSubproblem; fresh: boolean } {
    if (task.windowKey !== this.window) {
      // models of earlier windows are not needed again
      this.cache.clear();
      this.forgetKept();
      this.window = task.windowKey;
    }
    const key = task.sites.join(',');
    const hit = this.cache.get(key);
    if (hit) return { p: hit, fresh: false };
    const p = prepareSubproblem(this.ctx, task);
    this.cache.set(key, p);
    return { p, fresh: true };
  }

  async run(tasks: SubproblemTask[]): Promise<SubproblemResult[]> {
    if (this.keeps && tasks.every((t) => (t.settings.lpMethod ?? 'simplex') === 'simplex')) return this.runKept(tasks);
    // consecutive tasks up to packSites sites share a solver call
    const packs = packTasks(tasks, this.packSites);
    const results = new Array<SubproblemResult>(tasks.length);
    let next = 0;
    const work = async (solver: Solver) => {
      while (next < packs.length) {
        const pack = packs[next++]!;
        const prepared = pack.map((i) => this.prepared(tasks[i]!));
        const live = pack.filter((i, k) => {
          if (prepared[k]!.p.compiled.numColumns > 0) return true;
          results[i] = emptyResult(this.ctx, prepared[k]!.p, tasks[i]!);
          return false;
        });
        const build = (i: number) => {
          const e = prepared[pack.indexOf(i)]!;
          return e.fresh ? e.p.buildSeconds : 0;
        };
        if (live.length === 1 || (live.length > 1 && tasks[live[0]!]!.settings.lpMethod === 'ipm')) {
          for (const i of live) {
            const r = await solveSubproblem(this.ctx, tasks[i]!, solver, prepared[pack.indexOf(i)]!.p);
            r.buildSeconds = build(i);
            results[i] = r;
          }
          continue;
        }
        if (live.length === 0) continue;
        const models: CompiledModel[] = live.map((i) => subproblemModel(prepared[pack.indexOf(i)]!.p, tasks[i]!));
        const stack = stackModels(models);
        const options = subproblemSolveOptions(tasks[live[0]!]!);
        const bases = live.map((i, k) => subproblemBasis(prepared[pack.indexOf(i)]!.p, tasks[i]!, models[k]!));
        const basis = stackBases(stack, bases);
        // the primal simplex only when every block starts from a basis of its own at other prices
        if (basis && live.every((i, k) => bases[k] && isRepricing(tasks[i]!))) options.simplex = 'primal';
        const r = await solver.solve(stack.model, basis ? { ...options, basis } : options);
        if (r.status !== 'optimal') {
          // which block failed, and how: solve each alone
          for (const i of live) {
            const one = await solveSubproblem(this.ctx, tasks[i]!, solver, prepared[pack.indexOf(i)]!.p);
            one.buildSeconds = build(i);
            results[i] = one;
          }
          continue;
        }
        live.forEach((i, k) => {
          results[i] = readSubproblem(this.ctx, prepared[pack.indexOf(i)]!.p, tasks[i]!, splitResult(stack, models, r, k), solver.name, build(i));
        });
      }
    };
    await Promise.all(this.solvers.map(work));
    return results;
  }

  /** Each group on its own solver, which keeps its window model (see the class comment). */
  private async runKept(tasks: SubproblemTask[]): Promise<SubproblemResult[]> {
    const results = new Array<SubproblemResult>(tasks.length);
    const queues = this.solvers.map((): number[] => []);
    tasks.forEach((t, i) => {
      const key = t.sites.join(',');
      let s = this.home.get(key);
      if (s === undefined) {
        s = this.home.size % this.solvers.length;
        this.home.set(key, s);
      }
      queues[s]!.push(i);
    });
    await Promise.all(
      queues.map(async (queue, s) => {
        const solver = this.solvers[s]!;
        let next = 0;
        const lane = async () => {
          while (next < queue.length) {
            const i = queue[next++]!;
            const task = tasks[i]!;
            const { p, fresh } = this.prepared(task);
            if (p.compiled.numColumns === 0) {
              results[i] = emptyResult(this.ctx, p, task);
              continue;
            }
            const model = subproblemModel(p, task);
            const options = subproblemSolveOptions(task, p, model);
            // share rounds solve another model (with slack columns): the kept one stays as it was
            if (!task.limits?.some((l) => l !== null)) {
              const name = `${task.windowKey}|${task.sites.join(',')}`;
              options.keepAs = name;
              if (this.kept[s]!.has(name) && isRepricing(task)) options.reprice = name;
              this.kept[s]!.add(name);
            }
            const { result, coldRetry } = await solveConfirmed(solver, model, task, options);
            results[i] = readSubproblem(this.ctx, p, task, result, solver.name, fresh ? p.buildSeconds : 0);
            if (coldRetry) results[i]!.coldRetry = true;
          }
        };
        await Promise.all(Array.from({ length: LANES }, lane));
      }),
    );
    return results;
  }

  /** Forgets the models built and kept; the solvers belong to the caller, who closes them. */
  close(): Promise<void> {
    this.cache.clear();
    this.forgetKept();
    return Promise.resolve();
  }
}
