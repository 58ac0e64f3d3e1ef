/** Progress slices and cancellation checks between the stages of a use case. */
import { throwIfCancelled } from '../errors/index.ts';
import type { UseCaseDeps } from './types.ts';

/** A stage's progress (0–1) mapped onto [from, to] of the run, tagged with its phase. */
export function stageProgress(deps: Pick<UseCaseDeps, 'progress'>, from: number, to: number, phase: string): ((fraction: number, detail?: string) => void) | undefined {
  const p = deps.progress;
  if (!p) return undefined;
  return (f, detail) => p(from + (to - from) * Math.max(0, Math.min(1, f)), detail ? `${phase}: ${detail}` : phase);
}

/** Throws a CancelledError when the run's signal has fired; `where` names the point reached. */
export function checkpoint(deps: Pick<UseCaseDeps, 'signal'>, where: string): void {
  throwIfCancelled(deps.signal, where);
}
