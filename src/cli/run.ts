/** What every command does around its use case: wire the deps, write the files, print the result. */
import { resolve } from 'node:path';
import { defaultSolverFactory, writeOutputs, type OutputFile, type UseCaseDeps, type UseCaseOutput } from '../app/index.ts';
import type { Io } from './io.ts';
import type { ProgressBar } from './progress.ts';

/** Dependencies of a use case run from the command line: the default solvers, a progress bar, Ctrl-C. */
export function cliDeps(io: Io, bar?: ProgressBar): UseCaseDeps {
  const deps: UseCaseDeps = { solverFactory: defaultSolverFactory, signal: io.signal };
  if (bar) deps.progress = (fraction, phase) => bar.update(fraction, phase);
  return deps;
}

/** Writes the files atomically into `dir` (all or nothing); returns their names. */
export async function writeFiles(dir: string, files: OutputFile[]): Promise<string[]> {
  await writeOutputs(dir, files);
  return files.map((f) => f.name);
}

/** Output flags every command has. */
export interface OutputFlags {
  out?: string;
  json?: boolean;
}

/**
 * The common ending of a command: files written with `--out`, then the JSON document
 * (`--json`) or the text and the list of files written (`wrote …`, or `wroteText`).
 */
export async function finish(io: Io, r: UseCaseOutput<unknown>, flags: OutputFlags, wroteText: (dir: string, names: string[]) => string = wroteList): Promise<void> {
  let written: string[] = [];
  if (flags.out) written = await writeFiles(flags.out, await r.files());
  if (flags.json) {
    io.out(`${JSON.stringify(r.json, null, 2)}\n`);
    return;
  }
  io.out(r.text);
  if (flags.out) io.out(wroteText(flags.out, written));
}

/** `wrote` and the full path of every file, one per line. */
export function wroteList(dir: string, names: string[]): string {
  return `\nwrote ${names.map((w) => resolve(dir, w)).join('\n      ')}\n`;
}
