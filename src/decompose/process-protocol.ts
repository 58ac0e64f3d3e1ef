/**
 * Messages between a {@link ProcessExecutor} and its worker processes. A worker builds its own
 * fleet model from the scenario text, so only units of work and their results travel.
 */
import type { ForecastOptions } from '../plan/signals.ts';
import type { SubproblemResult, SubproblemTask } from './subproblem.ts';

/** Where a worker reads the scenario from: its text and the folder its series paths are relative to. */
export interface ScenarioSource {
  text: string;
  baseDir: string;
  /** Name for messages (the file name). */
  name: string;
}

/** Coordinator → worker. */
export type ToWorker =
  | { type: 'init'; source: ScenarioSource; forecast: ForecastOptions }
  | { type: 'run'; batch: number; tasks: SubproblemTask[] }
  | { type: 'stats' };

/** What a worker reports about itself. */
export interface WorkerStats {
  pid: number;
  /** Peak resident set of the worker process, bytes. */
  maxRssBytes: number;
  tasks: number;
  /** Seconds spent building and solving tasks. */
  busySeconds: number;
  /** CPU seconds of the whole process (all its threads, HiGHS's included) since it was ready: on a shared machine a steadier measure of the work than busy time. */
  cpuSeconds: number;
  /** Seconds spent loading the scenario and building the fleet model. */
  loadSeconds: number;
}

/** Worker → coordinator. */
export type FromWorker =
  | { type: 'ready'; loadSeconds: number }
  | { type: 'results'; batch: number; results: SubproblemResult[] }
  | { type: 'stats'; stats: WorkerStats }
  | { type: 'error'; batch: number; message: string };
