/**
 * What a run must undo when it is interrupted (SIGINT, SIGTERM, SIGHUP): native solver processes
 * it started, and temporary files and folders it made. Without this a Ctrl-C or a `kill` of
 * wattshift leaves a solver running on for minutes and its model files on disk.
 *
 * Child processes are started in their own process group and the whole group is killed, so a
 * solver's own children go too. The handlers are installed on first use; after cleaning up they
 * re-raise the signal, so the process ends with the status the signal gives. Where another
 * handler takes the signal (the CLI's first Ctrl-C cancels the run gracefully), this one waits
 * for the signal that ends the process.
 */
import { rmSync } from 'node:fs';

const groups = new Set<number>();
const paths = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Kills every tracked process group and removes every tracked path (synchronously). */
export function cleanUpNow(): void {
  for (const g of groups) killGroup(g);
  groups.clear();
  for (const p of paths) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // best effort: the process is ending
    }
  }
  paths.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // someone else handles this signal (the CLI cancels a run on its first Ctrl-C, which stops
  // solvers and removes files through the run's own cleanup): leave it to them
  if (process.listenerCount(signal) > 1) return;
  cleanUpNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  // first in line: a once-listener of the CLI is still registered while this one runs
  for (const s of SIGNALS) process.prependListener(s, onSignal);
  // a normal exit (or process.exit) with a solver still running: do not leave it behind
  process.on('exit', () => {
    for (const g of groups) killGroup(g);
  });
}

/** Tracks a child started with `detached: true` (its pid is its process group); returns an untrack function. */
export function trackProcessGroup(pid: number): () => void {
  install();
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Tracks a temporary file or folder to remove if the run is interrupted; returns an untrack function. */
export function trackTempPath(path: string): () => void {
  install();
  paths.add(path);
  return () => paths.delete(path);
}
