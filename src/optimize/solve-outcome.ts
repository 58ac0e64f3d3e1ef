/**
 * Turns a solve that did not end at an optimum into a typed error: the outcomes the input
 * explains (infeasible, unbounded, over the time limit the user set, too large) are input
 * errors; an aborted solve is a cancellation; anything else is a {@link SolverError}.
 *
 * @module
 */
import { CancelledError, InputError, SolverError, type WattshiftError } from '../errors/index.ts';
import type { SolveResult } from './solver.ts';

/** What was being solved, for the message, and which options to name. */
export interface OutcomeContext {
  /** What the model is, e.g. "the plan of window 0–24" or "the event model". */
  what: string;
  /** The caller's signal: an aborted solve of an aborted run is a cancellation. */
  signal?: AbortSignal;
  /** The option that sets the time limit (default `--time-limit`). */
  timeLimitOption?: string;
  /** The option to name when the model is too large (default `--policy`). */
  sizeOption?: string;
}

/** The error for a result that is not usable; call only when `result.status !== 'optimal'`. */
export function solveOutcomeError(result: SolveResult, c: OutcomeContext): WattshiftError {
  const detail = result.message ? `: ${result.message}` : '';
  const by = result.solver ? ` (${result.solver})` : '';
  switch (result.status) {
    case 'infeasible':
      return new InputError('PLAN_INFEASIBLE', `no solution satisfies every limit of ${c.what}${by}; check limits that conflict (grid import, caps, deadlines, QoS floors)`);
    case 'unbounded':
      return new InputError(
        'PLAN_UNBOUNDED',
        `${c.what} has no finite optimum${by}: some decision has neither a limit nor a cost in the input (for example a negative price with no export or storage limit)`,
      );
    case 'time-limit':
      return new InputError('SOLVER_TIME_LIMIT', `the solver reached the time limit on ${c.what}${by} before it found a usable point; raise the limit or plan with a rolling horizon`, {
        path: c.timeLimitOption ?? '--time-limit',
      });
    case 'too-large':
      return new InputError('SOLVER_LIMIT', result.message ?? 'the model is too large for the solver', { path: c.sizeOption ?? '--policy' });
    case 'error':
      if (c.signal?.aborted || result.message === 'aborted') return new CancelledError(`the run was cancelled while solving ${c.what}`);
      return new SolverError(`the solver failed on ${c.what}${by}${detail}`, result.status, result.solver);
    case 'optimal':
      return new SolverError(`solveOutcomeError called on an optimal result of ${c.what}`, result.status, result.solver);
  }
}
