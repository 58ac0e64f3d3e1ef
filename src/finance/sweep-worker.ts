/**
 * A sweep worker thread: loads the scenario once on `init`, then simulates and values each
 * point it is sent. Errors are reported per point; bad input (an impossible design) is marked
 * so the pool can record it and go on.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../errors/index.ts';
import { PointEvaluator } from './sweep-point.ts';
import type { FromWorker, ToWorker } from './sweep-protocol.ts';
import { parseSweepSpec } from './sweep-spec.ts';

const port = parentPort;
if (!port) throw new Error('sweep-worker must run in a worker thread');
let evaluator: PointEvaluator | undefined;

const send = (m: FromWorker) => port.postMessage(m);
const describe = (e: unknown): { message: string; input: boolean } =>
  e instanceof InputError ? { message: e.format(), input: true } : { message: (e as Error)?.stack ?? String(e), input: false };

port.on('message', (m: ToWorker) => {
  if (m.type === 'init') {
    try {
      // a function cannot cross threads: points planned here use the default solver factory
      evaluator = new PointEvaluator(m.scenario, parseSweepSpec(m.spec), m.policy);
      send({ type: 'ready' });
    } catch (e) {
      send({ type: 'error', index: -1, ...describe(e) });
    }
    return;
  }
  const ev = evaluator;
  if (!ev) {
    send({ type: 'error', index: m.index, message: 'worker not initialised', input: false });
    return;
  }
  ev.evaluate(m.values).then(
    (metrics) => send({ type: 'result', index: m.index, metrics }),
    (e: unknown) => send({ type: 'error', index: m.index, ...describe(e) }),
  );
});
