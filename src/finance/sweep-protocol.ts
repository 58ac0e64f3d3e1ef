/** Messages between the sweep pool and its worker threads (plain, structured-cloneable). */
import type { SweepScenario } from './sweep-point.ts';
import type { PointMetrics } from './sweep-point.ts';
import type { SweepValue } from './sweep-spec.ts';

/** Main thread → worker. */
export type ToWorker =
  | { type: 'init'; scenario: SweepScenario; spec: string; policy: string }
  | { type: 'point'; index: number; values: SweepValue[] };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; index: number; metrics: PointMetrics }
  /** `input`: the point (or scenario) is bad input; otherwise an internal error. */
  | { type: 'error'; index: number; message: string; input: boolean };
