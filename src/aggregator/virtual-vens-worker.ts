/**
 * Worker-thread entry hosting a slice of the demo's virtual VENs: its own event loop, HTTP and
 * MQTT clients, and HiGHS in this thread (the thread exists to answer events, so a solve may
 * block it). Setpoint publications, answers and errors go to the main thread as messages.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { loadScenarioInput } from '../app/scenario-input.ts';
import type { SetpointAdapter } from '../openadr/ven/adapters/types.ts';
import { HighsInThreadSolver } from '../optimize/highs-in-thread-solver.ts';
import { optimiseWasmWhenCompiled } from '../optimize/wasm-tiering.ts';
import type { VenThreadCommand, VenThreadMessage } from './virtual-vens-protocol.ts';
import { VenSlice } from './virtual-vens.ts';

const port = parentPort;
if (!port) throw new Error('virtual-vens-worker must run in a worker thread');

// messages go out a few milliseconds at a time, in one postMessage: each one wakes the main
// thread, and a burst of answers posted one by one cost the VEN thread more than answering
// (the times in them are stamped here, so the wait adds nothing to what the demo measures)
const FLUSH_MS = 2;
let outbox: VenThreadMessage[] = [];
const flush = () => {
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
};
const post = (m: VenThreadMessage) => {
  if (outbox.push(m) === 1) setTimeout(flush, FLUSH_MS);
};
let slice: VenSlice | undefined;
const solver = new HighsInThreadSolver();

async function run(c: VenThreadCommand): Promise<string | undefined> {
  switch (c.type) {
    case 'start': {
      // this thread exists to answer a burst of events: HiGHS optimised before the first (its
      // runtime loads in slice.start), not during it
      if (c.init.optimiseWasm) optimiseWasmWhenCompiled();
      const { model } = loadScenarioInput(c.init.scenario);
      const adapter: SetpointAdapter = {
        name: 'main-thread',
        publish: (setpoints) => {
          post({ type: 'publish', setpoints });
          return Promise.resolve();
        },
      };
      slice = new VenSlice(
        {
          model,
          base: c.init.base,
          baseLedger: c.init.baseLedger,
          vens: c.init.vens,
          link: c.init.link,
          adapter,
          onAnswer: (answer) => post({ type: 'answer', answer }),
          onError: (e) => post({ type: 'error', message: e.message }),
        },
        [solver],
        { solverFactory: () => new HighsInThreadSolver() },
      );
      await slice.start();
      return slice.mode;
    }
    case 'restart':
      await slice?.restart(c.sites);
      return undefined;
    case 'measure':
      await slice?.reportMeasured(c.meters, c.intervalMinutes);
      return undefined;
    case 'stop':
      await slice?.stop();
      await solver.close();
      return undefined;
  }
}

port.on('message', (c: VenThreadCommand) => {
  run(c).then(
    (mode) => post({ type: 'done', id: c.id, ...(mode ? { mode } : {}) }),
    (e: unknown) => post({ type: 'done', id: c.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
