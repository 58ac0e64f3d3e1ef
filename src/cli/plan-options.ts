/** Command-line options shared by `plan` and `compare` (checked by the use cases). */
import type { Command } from 'commander';
import { PLANNING_DEFAULTS, type PlanningOptions } from '../app/index.ts';

/** Raw option values as commander gives them. */
export interface PlanFlags extends PlanningOptions {
  exportLp?: string;
}

/** Adds the planning options to a command. */
export function addPlanOptions(cmd: Command): Command {
  const d = PLANNING_DEFAULTS;
  return cmd
    .option('--lookahead <hours>', 'rolling: hours each window looks ahead', String(d.lookahead))
    .option('--commit <hours>', 'rolling: hours of each window that are committed', String(d.commit))
    .option('--forecast <kind>', 'rolling: what the planner knows ahead: perfect, persistence (yesterday), noise', d.forecast)
    .option('--noise <sigma>', 'rolling with --forecast noise: relative standard deviation', String(d.noise))
    .option('--seed <n>', 'seed of the forecast noise', String(d.seed))
    .option('--solver <name>', 'highs (built in) or native, native-highs, native-cbc, native-glpsol (binary on PATH)', d.solver)
    .option('--time-limit <seconds>', 'solver time limit per model')
    .option('--export-lp <file>', 'write the (first) model in CPLEX LP format, or MPS if the name ends in .mps')
    .option('--points <n>', 'operating points per throughput curve in the model', String(d.points))
    .option('--lp-method <m>', 'LP algorithm: auto (chosen per model from its size, cost levels and dense rows), simplex or ipm', d.lpMethod)
    .option('--workers <n>', 'parallel solver workers', String(d.workers))
    .option('--decompose <when>', 'sites coupled only by fleet-wide limits: auto (when more than 24 sites share them), on, off (one model)', d.decompose)
    .option('--gap <percent>', 'decomposition: a window is solved when its optimality gap is at most this', String(d.gap))
    .option('--max-rounds <n>', 'decomposition: most rounds of site solves per window', String(d.maxRounds))
    .option('--integers <mode>', 'binaries for falling tariff blocks, the two-part basis, one-way meters and genset on/off: auto (when the model is small), exact or relax', d.integers);
}
