/**
 * The HiGHS WebAssembly binary, compiled once per thread and handed to every solver worker the
 * thread starts (load-highs.ts instantiates it there).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Compiled HiGHS code, a `WebAssembly.Module` (opaque here: its declarations come with the DOM library, which this project leaves out). */
export type HighsCode = object;

const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => HighsCode } }).WebAssembly;

let compiled: HighsCode | undefined;

/**
 * HiGHS's WebAssembly code, compiled once per thread (about 20 ms) for the runtimes of every
 * solver worker it starts. Runtimes instantiated from one compiled module share its machine code,
 * including what V8 optimises while solving, so a new worker solves at full speed at once;
 * compiling the binary anew for each worker cost about half a second of CPU per worker.
 */
export function compiledHighs(): HighsCode {
  compiled ??= new wasm.Module(readFileSync(createRequire(import.meta.url).resolve('highs/runtime')));
  return compiled;
}
