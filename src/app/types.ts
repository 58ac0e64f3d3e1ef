/**
 * What every use case shares: the dependencies a caller passes in (a solver factory, progress,
 * cancellation) and the shape of what comes back (the JSON document, the text summary and the
 * output files as values).
 */
import type { SubproblemExecutorFactory } from '../decompose/executor.ts';
import type { SweepPoolFactory } from '../finance/sweep.ts';
import type { SolverFactory } from '../optimize/solver-factory.ts';

/** Reports progress as a fraction 0–1 of the whole run, with the phase it is in. */
export type ProgressReporter = (fraction: number, phase?: string) => void;

/** What a use case needs from its caller. */
export interface UseCaseDeps {
  /** Makes every solver the run uses, by the name in the options ('highs', 'native-cbc', …). */
  solverFactory: SolverFactory;
  /** Called as the run advances (fractions never decrease). */
  progress?: ProgressReporter;
  /** Aborting it stops the run between stages, windows or points with a CancelledError. */
  signal?: AbortSignal;
  /**
   * Where design-sweep points run (e.g. the work queue on Redis: src/queue); unset: worker
   * threads in this process (`workers` option).
   */
  sweepPool?: SweepPoolFactory;
  /**
   * Where a decomposed plan's site subproblems run (e.g. the work queue on Redis: src/queue);
   * opened only when the plan is decomposed; unset: solver workers in this process.
   */
  subproblemExecutor?: SubproblemExecutorFactory;
}

/**
 * One output file, as the CLI writes it into its `--out` folder. `name` is relative to that
 * folder (it may contain a sub-folder, e.g. `openadr/event-1-phoenix.json`). Large tables
 * (`ledger.csv` of a fleet-year) come as an iterable of text chunks so they can stream to
 * disk; such content can be read once (call `files()` again for a fresh copy).
 */
export interface OutputFile {
  name: string;
  /** IANA media type, e.g. `application/json`, `text/csv; charset=utf-8`, `text/html; charset=utf-8`. */
  mediaType: string;
  content: string | Uint8Array | Iterable<string>;
}

/** What every use case returns, besides its typed domain values. */
export interface UseCaseOutput<J> {
  /** The JSON document the CLI prints with `--json` (a stable contract: fields are only added). */
  json: J;
  /** The human-readable summary the CLI prints without `--json`. */
  text: string;
  /**
   * The files the CLI writes with `--out`, built when asked: the HTML report loads the chart
   * renderer (about half a second), which a caller that wants only JSON does not pay for.
   */
  files(): Promise<OutputFile[]>;
}

/** A number, or its text as typed on a command line (checked and converted by the use case). */
export type Numeric = number | string;
