/**
 * The worker thread of the in-process executor (loaded by tinypool). Two kinds of task:
 * `run` executes a stored run with executeRun (the thread opens its own store connection, kept
 * for the next run) and talks to the main thread over a MessagePort: progress and the start
 * go out, an abort comes in; `validate` checks an uploaded bundle as `wattshift validate` would,
 * with the bundle's folder as the only place files may be read from.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { defaultSolverFactory, runValidate, type ValidateJson } from '../app/index.ts';
import { materialiseBundle, openStore, type RunError, type ScenarioBundle, type Store } from '../store/index.ts';
import { executeRun, type RunEnd } from './execute-run.ts';
import { hidePath, runErrorOf } from './problem.ts';

/** Messages from the main thread. */
export type ToWorker = { type: 'abort'; shutdown: boolean };
/** Messages to the main thread. */
export type FromWorker =
  | { type: 'started' }
  | { type: 'progress'; fraction: number; phase: string | null }
  | { type: 'log'; message: string; error: string };

/** Executes one stored run. */
export interface RunTask {
  kind: 'run';
  runId: string;
  /** Database location (a file or postgres:// URL) the thread opens. */
  location: string;
  owner: string;
  port: MessagePort;
  progressIntervalMs?: number;
}

/** Validates an uploaded bundle. */
export interface ValidateTask {
  kind: 'validate';
  bundle: ScenarioBundle;
}

/** Outcome of a validation. */
export type ValidateResult = { ok: true; json: ValidateJson } | { ok: false; error: RunError; internal?: string };

/** Most progress messages per second sent to the main thread. */
const PROGRESS_MESSAGES_PER_SECOND = 5;

const stores = new Map<string, Promise<Store>>();

function storeFor(location: string): Promise<Store> {
  let s = stores.get(location);
  if (!s) {
    // a few connections: one run at a time uses this store
    s = openStore(location, { maxConnections: 2 });
    stores.set(location, s);
    s.catch(() => stores.delete(location));
  }
  return s;
}

async function runTask(task: RunTask): Promise<RunEnd> {
  const { port } = task;
  const controller = new AbortController();
  let shutdown = false;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'abort') {
      shutdown ||= m.shutdown;
      controller.abort();
    }
  });
  let lastSent = 0;
  const send = (m: FromWorker): void => port.postMessage(m);
  try {
    const store = await storeFor(task.location);
    return await executeRun(task.runId, {
      store,
      solverFactory: defaultSolverFactory,
      owner: task.owner,
      signal: controller.signal,
      progressIntervalMs: task.progressIntervalMs,
      isShutdown: () => shutdown,
      onStart: () => send({ type: 'started' }),
      onProgress: (fraction, phase) => {
        const now = Date.now();
        if (now - lastSent < 1000 / PROGRESS_MESSAGES_PER_SECOND && fraction < 1) return;
        lastSent = now;
        send({ type: 'progress', fraction, phase });
      },
      logError: (message, error) => send({ type: 'log', message, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    });
  } finally {
    port.close();
  }
}

async function validateTask(task: ValidateTask): Promise<ValidateResult> {
  let m: Awaited<ReturnType<typeof materialiseBundle>> | undefined;
  try {
    m = await materialiseBundle(task.bundle);
    const text = await readFile(m.entryPath, 'utf8');
    const r = await runValidate({ scenario: { text, baseDir: dirname(m.entryPath), name: task.bundle.entry, policy: { root: m.dir } } });
    return { ok: true, json: JSON.parse(hidePath(JSON.stringify(r.json), m.dir)) as ValidateJson };
  } catch (e) {
    const error = runErrorOf(e, m?.dir);
    return error.code === 'INTERNAL' ? { ok: false, error, internal: e instanceof Error ? (e.stack ?? e.message) : String(e) } : { ok: false, error };
  } finally {
    await m?.cleanup();
  }
}

/** The task handler tinypool calls. */
export default function handle(task: RunTask | ValidateTask): Promise<RunEnd | ValidateResult> {
  return task.kind === 'run' ? runTask(task) : validateTask(task);
}
