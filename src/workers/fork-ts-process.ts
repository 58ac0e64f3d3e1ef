/**
 * Starts a child Node process from a `.ts` entry with an IPC channel (structured-clone
 * serialisation, so typed arrays travel as they are). Compiled, the `.js` file beside it runs
 * directly; from TypeScript source the child loads tsx first (`--import tsx`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Forks `entry` (a URL of a `.ts` module beside the caller). */
export function forkTsProcess(entry: URL, args: string[] = []): ChildProcess {
  const fromSource = entry.href.endsWith('.ts') && import.meta.url.endsWith('.ts');
  const file = fileURLToPath(fromSource || !entry.href.endsWith('.ts') ? entry : new URL(entry.href.replace(/\.ts$/, '.js')));
  return fork(file, args, {
    serialization: 'advanced',
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
