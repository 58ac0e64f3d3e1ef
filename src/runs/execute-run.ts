/**
 * One stored run, executed from start to end: the body of every run executor (the in-process
 * pool, a queue worker on another machine). It takes the run from the store (queued →
 * running, with this process as its lease owner), writes the scenario's bundle into a
 * temporary folder and loads it with that folder as the path policy's root (a scenario can
 * read nothing outside its bundle), runs the command's use case, and stores everything the run
 * produced in the store's one completion transaction: a reader never sees a succeeded run
 * without its results. Progress and heartbeats are written at most once a second and every
 * ten seconds; a run cancelled in the store (by the API, from any process) is noticed at the
 * next write and stopped.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CancelledError, InputError, type ScenarioInput } from '../app/index.ts';
import { jsonFile, loadReport } from '../app/files.ts';
import { InputFileError, readInputText } from '../files/input-file.ts';
import type { SolverFactory } from '../optimize/solver-factory.ts';
import { isEventSpec } from '../programs/events.ts';
import { isStoreError, type ResultInput, type RunError, type RunStatus, type Store } from '../store/index.ts';
import { executeCommand, isRunCommand, type RunOutcome } from './commands.ts';
import { runErrorOf } from './problem.ts';

/** What a run needs from the process executing it. */
export interface ExecuteRunContext {
  store: Store;
  solverFactory: SolverFactory;
  /** Who runs it (recorded as the lease owner), e.g. `host:pid:thread`. */
  owner: string;
  /** Aborting stops the run (CancelledError at the next checkpoint). */
  signal?: AbortSignal;
  /** Every progress report of the use case (unthrottled; for live streams). */
  onProgress?: (fraction: number, phase: string | null) => void;
  /** Called once the run is running. */
  onStart?: () => void;
  /** Internal errors, with their stack (input errors are the user's and are not logged). */
  logError?: (message: string, error: unknown) => void;
  /** Least time between progress writes to the store, ms (default 1,000). */
  progressIntervalMs?: number;
  /** Time between heartbeats while no progress is reported, ms (default 10,000). */
  heartbeatIntervalMs?: number;
  /** Set when the abort is a shutdown: the run is left for markInterrupted rather than cancelled. */
  isShutdown?: () => boolean;
}

/** How a run ended here. */
export interface RunEnd {
  status: RunStatus;
  error?: RunError | null;
}

/** Media type of the text the CLI prints. */
const TEXT = 'text/plain; charset=utf-8';

/** The results a run stores: the use case's files, the `--json` document, the text, summary and bills. */
async function resultsOf(outcome: RunOutcome): Promise<ResultInput[]> {
  const results: ResultInput[] = outcome.files.map((f) => ({ name: f.name, mediaType: f.mediaType, content: f.content }));
  const names = new Set(results.map((r) => r.name));
  const add = (r: ResultInput): void => {
    if (names.has(r.name)) return;
    names.add(r.name);
    results.push(r);
  };
  add({ ...jsonFile('result.json', outcome.json) });
  add({ name: 'output.txt', mediaType: TEXT, content: outcome.text });
  if (outcome.summary) add(jsonFile('summary.json', outcome.summary));
  if (outcome.bills) {
    add(jsonFile('bills.json', outcome.bills));
    const { billsCsv } = await loadReport();
    if (outcome.summary) add({ name: 'bills.csv', mediaType: 'text/csv; charset=utf-8', content: billsCsv(outcome.bills, outcome.summary.currency) });
  }
  return results;
}

/** dr events naming files are read from the bundle (relative to the scenario), never from elsewhere. */
function readEventFiles(options: Record<string, unknown>, baseDir: string, root: string): Record<string, unknown> {
  if (!Array.isArray(options.event)) return options;
  const event = options.event.map((e: unknown, i: number) => {
    if (typeof e !== 'string' || isEventSpec(e)) return e;
    try {
      return { text: readInputText(e, { baseDir, policy: { root } }), name: e };
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      throw new InputError(err.notFound ? 'FILE_NOT_FOUND' : 'EVENT_INVALID', `event file "${e}" ${err.message}; name a file of the scenario's bundle, relative to the scenario, or give START/DURATION`, { path: `--event[${i}]` });
    }
  });
  return { ...options, event };
}

/**
 * Executes a queued run to its end and returns how it ended. A run that is no longer queued
 * (cancelled before it started, taken by another process) is left as it is.
 */
export async function executeRun(runId: string, ctx: ExecuteRunContext): Promise<RunEnd> {
  const { store } = ctx;
  let run;
  try {
    run = await store.runs.start(runId, { owner: ctx.owner });
  } catch (e) {
    if (isStoreError(e, 'CONFLICT')) {
      const now = await store.runs.get(runId);
      return { status: now?.status ?? 'cancelled', error: now?.error ?? null };
    }
    throw e;
  }
  ctx.onStart?.();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (ctx.signal?.aborted) controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });

  // progress and heartbeats: one write at a time, at most once a second
  const progressEvery = ctx.progressIntervalMs ?? 1000;
  let lastWrite = 0;
  let writing: Promise<void> | null = null;
  let pending: { fraction: number; phase: string | null } | null = null;
  const write = (p: { fraction: number; phase: string | null } | null): void => {
    lastWrite = Date.now();
    writing = (p ? store.runs.progress(runId, Math.min(1, Math.max(0, p.fraction)), p.phase) : store.runs.heartbeat(runId, ctx.owner))
      .then(() => undefined)
      .catch((e: unknown) => {
        // cancelled (or taken) elsewhere: stop working on it
        if (isStoreError(e, 'CONFLICT') || isStoreError(e, 'NOT_FOUND')) controller.abort();
        else ctx.logError?.(`run ${runId}: progress could not be written`, e);
      })
      .finally(() => {
        writing = null;
        if (pending && Date.now() - lastWrite >= progressEvery) {
          const next = pending;
          pending = null;
          write(next);
        }
      });
  };
  const progress = (fraction: number, phase?: string): void => {
    ctx.onProgress?.(fraction, phase ?? null);
    pending = { fraction, phase: phase ?? null };
    if (!writing && Date.now() - lastWrite >= progressEvery) {
      const next = pending;
      pending = null;
      write(next);
    }
  };
  const beat = setInterval(() => {
    if (writing) return;
    if (pending) {
      const next = pending;
      pending = null;
      write(next);
    } else if (Date.now() - lastWrite >= (ctx.heartbeatIntervalMs ?? 10_000) * 0.9) write(null);
  }, Math.min(progressEvery, ctx.heartbeatIntervalMs ?? 10_000));
  beat.unref();

  const timings: Record<string, number> = {};
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[phase] = Math.round((performance.now() - t0) * 10) / 10;
    }
  };
  let dir: string | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  try {
    if (!isRunCommand(run.command)) throw new InputError('OPTION_INVALID', `unknown command "${run.command}"`, { path: 'command' });
    const info = await store.scenarios.get(run.scenarioId);
    const m = await timed('materialise', () => store.scenarios.materialise(run.scenarioId));
    dir = m.dir;
    cleanup = m.cleanup;
    const baseDir = dirname(m.entryPath);
    const scenario: ScenarioInput = { text: await readFile(m.entryPath, 'utf8'), baseDir, name: info?.entry ?? 'scenario', policy: { root: m.dir } };
    const options = readEventFiles(run.options, baseDir, m.dir);
    const outcome = await timed('run', () => executeCommand(run.command as never, scenario, options, { solverFactory: ctx.solverFactory, progress, signal: controller.signal }));
    if (controller.signal.aborted) throw new CancelledError('the run was cancelled before its results were stored');
    const results = await timed('files', () => resultsOf(outcome));
    await writing;
    const done = await store.runs.complete(runId, { results, ...(outcome.ledger ? { ledger: outcome.ledger } : {}), timings });
    return { status: done.run.status, error: null };
  } catch (e) {
    await writing;
    const now = await store.runs.get(runId);
    // cancelled through the store, or by the executor: already recorded, or recorded here
    if (now && now.status !== 'running') return { status: now.status, error: now.error };
    if (e instanceof CancelledError || controller.signal.aborted) {
      if (ctx.isShutdown?.()) return { status: 'running', error: null };
      const r = await store.runs.cancel(runId, 'cancelled while running').catch(async () => store.runs.get(runId));
      return { status: r?.status ?? 'cancelled', error: r?.error ?? null };
    }
    const error = runErrorOf(e, dir);
    if (error.code === 'INTERNAL' || error.code === 'SOLVER_FAILED' || isStoreError(e)) ctx.logError?.(`run ${runId} (${run.command}) failed`, e);
    try {
      await store.runs.fail(runId, error, { timings });
    } catch (failError) {
      if (!isStoreError(failError, 'CONFLICT')) throw failError;
    }
    return { status: 'failed', error };
  } finally {
    clearInterval(beat);
    ctx.signal?.removeEventListener('abort', onAbort);
    await cleanup?.();
  }
}
