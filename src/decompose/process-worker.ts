/**
 * A worker process of the decomposition: loads the scenario once, then solves the units of work
 * it is sent, keeping each window's models (and so re-pricing them) until the window changes.
 * The same loop, fed by a job queue instead of IPC, is a worker on another machine.
 */
import { loadScenarioText, buildModel } from '../pipeline.ts';
import { HighsWasmSolver } from '../optimize/index.ts';
import { Forecaster } from '../plan/signals.ts';
import { LocalExecutor } from './executor.ts';
import type { FromWorker, ToWorker } from './process-protocol.ts';

if (!process.send) throw new Error('process-worker must run as a forked child process');
const send = (m: FromWorker) => process.send!(m);
let executor: LocalExecutor | undefined;
const solver = new HighsWasmSolver();
let tasks = 0;
let busySeconds = 0;
let loadSeconds = 0;
let readyCpu = process.cpuUsage();
let queue: Promise<unknown> = Promise.resolve();

process.on('message', (m: ToWorker) => {
  if (m.type === 'init') {
    try {
      const t0 = performance.now();
      const model = buildModel(loadScenarioText(m.source.text, m.source.baseDir, m.source.name));
      const forecaster = new Forecaster(model, m.forecast);
      executor = new LocalExecutor({ model, signals: (from, to) => forecaster.window(from, to) }, [solver]);
      loadSeconds = (performance.now() - t0) / 1000;
      readyCpu = process.cpuUsage();
      send({ type: 'ready', loadSeconds });
    } catch (e) {
      send({ type: 'error', batch: -1, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    return;
  }
  if (m.type === 'stats') {
    const cpu = process.cpuUsage(readyCpu);
    send({ type: 'stats', stats: { pid: process.pid, maxRssBytes: process.resourceUsage().maxRSS * 1024, tasks, busySeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, loadSeconds } });
    return;
  }
  const ex = executor;
  if (!ex) {
    send({ type: 'error', batch: m.batch, message: 'worker not initialised' });
    return;
  }
  // one batch at a time, in arrival order
  queue = queue.then(async () => {
    const t0 = performance.now();
    try {
      const results = await ex.run(m.tasks);
      tasks += m.tasks.length;
      busySeconds += (performance.now() - t0) / 1000;
      send({ type: 'results', batch: m.batch, results });
    } catch (e) {
      send({ type: 'error', batch: m.batch, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
});

process.on('disconnect', () => {
  void solver.close().then(() => process.exit(0));
});
