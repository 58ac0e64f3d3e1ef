/**
 * How V8 compiles HiGHS's WebAssembly. By default ("dynamic tiering") a function starts in the
 * baseline tier, and V8 compiles an optimised version in the background once it has run hot. In
 * a thread of virtual VENs that happened during the event: the first burst of LPs ran on
 * baseline code while V8's compiler threads took CPU from the cores answering it. With dynamic
 * tiering off, V8 optimises every function in the background when the module is compiled (about
 * 1 s of CPU on this machine), at the thread's start, before the first event. `demo vpp` at 100
 * sites: setpoints' p99 0.52 s against 1.04 s, CPU in the event window 2.1× less (`npm run bench
 * -- wasm-tiering`). A loop of event LPs alone, with a core to spare, showed no difference: the
 * gain is the compile moved off the event.
 *
 * The setting is V8's and so the whole process's: it applies to every WebAssembly module
 * compiled after it, in any thread. Meant for a process that exists to answer events at once (a
 * host of VENs), not for a short CLI run, which would pay the compile for no gain.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';

/** Has V8 optimise WebAssembly when it is compiled, not once it has run hot (process-wide). */
export function optimiseWasmWhenCompiled(): void {
  setFlagsFromString('--no-wasm-dynamic-tiering');
}
