/**
 * Worker-thread entry for HiGHS: loads the WebAssembly runtime once, then solves one request at a
 * time. A solve blocks this thread, never the main one.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isOutOfMemory, type ForgetRequest, type SolveRequest, type WorkerMessage } from './highs-protocol.ts';
import { KeptModels } from './highs-run.ts';
import type { SolveProgress } from './solve-progress.ts';
import { loadHighsRuntime } from './load-highs.ts';
import type { HighsCode } from './highs-code.ts';

const port = parentPort;
if (!port) throw new Error('highs-worker must run in a worker thread');

// the code compiled by the thread that started this one (see compiledHighs), if it could
const runtime = loadHighsRuntime((workerData as { code?: HighsCode } | undefined)?.code);
const kept = runtime.then((highs) => new KeptModels(highs));

runtime.then(
  (highs) => port.postMessage({ type: 'ready', version: highs.version.string } satisfies WorkerMessage),
  (e: unknown) => port.postMessage({ type: 'fatal', message: `could not load HiGHS: ${String(e)}` } satisfies WorkerMessage),
);

port.on('message', (req: SolveRequest | ForgetRequest) => {
  if (req.type === 'forget') {
    kept.then((k) => k.forget(req.names)).catch(() => undefined);
    return;
  }
  kept.then(
    (models) => {
      try {
        const progress = req.options.progress ? (p: SolveProgress) => port.postMessage({ type: 'progress', id: req.id, progress: p } satisfies WorkerMessage) : undefined;
        const result = models.run(req.model, req.options, progress);
        // the solution arrays are fresh copies owned by this thread: move them, do not copy
        const transfer: ArrayBuffer[] = [];
        if (result.columnValues.buffer instanceof ArrayBuffer) transfer.push(result.columnValues.buffer);
        if (result.rowDuals?.buffer instanceof ArrayBuffer) transfer.push(result.rowDuals.buffer);
        if (result.basis) for (const a of [result.basis.colStatus, result.basis.rowStatus]) if (a.buffer instanceof ArrayBuffer) transfer.push(a.buffer);
        port.postMessage({ type: 'result', id: req.id, result } satisfies WorkerMessage, [...new Set(transfer)]);
      } catch (e) {
        const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        port.postMessage({ type: 'crash', id: req.id, message, outOfMemory: isOutOfMemory(message) } satisfies WorkerMessage);
      }
    },
    (e: unknown) => port.postMessage({ type: 'crash', id: req.id, message: `could not load HiGHS: ${String(e)}`, outOfMemory: false } satisfies WorkerMessage),
  );
});
