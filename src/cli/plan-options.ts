/** Command-line options shared by `plan` and `compare`, turned into PlanOptions. */
import type { Command } from 'commander';
import { InputError } from '../errors/index.ts';
import type { PlanOptions } from '../plan/planner.ts';

/** Raw option values as commander gives them. */
export interface PlanFlags {
  lookahead: string;
  commit: string;
  forecast: string;
  noise: string;
  seed: string;
  solver: string;
  timeLimit?: string;
  exportLp?: string;
  points: string;
  workers: string;
  lpMethod: string;
  decompose: string;
  gap: string;
  maxRounds: string;
}

/** Adds the planning options to a command. */
export function addPlanOptions(cmd: Command): Command {
  return cmd
    .option('--lookahead <hours>', 'rolling: hours each window looks ahead', '48')
    .option('--commit <hours>', 'rolling: hours of each window that are committed', '24')
    .option('--forecast <kind>', 'rolling: what the planner knows ahead: perfect, persistence (yesterday), noise', 'perfect')
    .option('--noise <sigma>', 'rolling with --forecast noise: relative standard deviation', '0.1')
    .option('--seed <n>', 'seed of the forecast noise', '1')
    .option('--solver <name>', 'highs (built in) or native, native-highs, native-cbc, native-glpsol (binary on PATH)', 'highs')
    .option('--time-limit <seconds>', 'solver time limit per model')
    .option('--export-lp <file>', 'write the (first) model in CPLEX LP format, or MPS if the name ends in .mps')
    .option('--points <n>', 'operating points per throughput curve in the model', '4')
    .option('--lp-method <m>', 'LP algorithm: auto (simplex up to 250k columns, interior point above), simplex or ipm', 'auto')
    .option('--workers <n>', 'parallel solver workers', '2')
    .option('--decompose <when>', 'sites coupled only by fleet-wide limits: auto (when more than 24 sites share them), on, off (one model)', 'auto')
    .option('--gap <percent>', 'decomposition: stop a window when its optimality gap is at most this', '0.1')
    .option('--max-rounds <n>', 'decomposition: most rounds of site solves per window', '30');
}

function positive(name: string, v: string, integer = false): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
    throw new InputError('OPTION_INVALID', `${name} must be a positive ${integer ? 'integer' : 'number'}, got "${v}"`, { path: name });
  }
  return x;
}

/** Converts flags to plan options; bad values are input errors (exit code 2). */
export function planOptionsFrom(f: PlanFlags): Partial<PlanOptions> {
  if (!['perfect', 'persistence', 'noise'].includes(f.forecast)) {
    throw new InputError('OPTION_INVALID', `--forecast must be perfect, persistence or noise, got "${f.forecast}"`, { path: '--forecast' });
  }
  const lookaheadHours = positive('--lookahead', f.lookahead);
  const commitHours = positive('--commit', f.commit);
  if (commitHours > lookaheadHours) throw new InputError('OPTION_INVALID', `--commit (${commitHours} h) cannot exceed --lookahead (${lookaheadHours} h)`, { path: '--commit' });
  if (!['auto', 'simplex', 'ipm'].includes(f.lpMethod)) {
    throw new InputError('OPTION_INVALID', `--lp-method must be auto, simplex or ipm, got "${f.lpMethod}"`, { path: '--lp-method' });
  }
  if (!['auto', 'on', 'off'].includes(f.decompose)) {
    throw new InputError('OPTION_INVALID', `--decompose must be auto, on or off, got "${f.decompose}"`, { path: '--decompose' });
  }
  const gap = positive('--gap', f.gap);
  if (gap > 50) throw new InputError('OPTION_INVALID', `--gap is a percentage between 0 and 50, got "${f.gap}"`, { path: '--gap' });
  const o: Partial<PlanOptions> = {
    decompose: f.decompose as PlanOptions['decompose'],
    gapTolerance: gap / 100,
    maxRounds: positive('--max-rounds', f.maxRounds, true),
    lpMethod: f.lpMethod as PlanOptions['lpMethod'],
    lookaheadHours,
    commitHours,
    forecast: { kind: f.forecast as 'perfect' | 'persistence' | 'noise', noise: positive('--noise', f.noise), seed: positive('--seed', f.seed, true) },
    solver: f.solver,
    maxPoints: Math.max(2, positive('--points', f.points, true)),
    workers: positive('--workers', f.workers, true),
  };
  if (f.timeLimit !== undefined) o.timeLimitSeconds = positive('--time-limit', f.timeLimit);
  if (f.exportLp !== undefined) o.exportLp = f.exportLp;
  return o;
}
