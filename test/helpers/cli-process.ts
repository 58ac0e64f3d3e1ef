/**
 * `wattshift` as a child process for whole-process tests (the compiled command, as users run
 * it): its output collected as it comes, a wait for a condition with a deadline, and queue
 * workers started and stopped the way an operator does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from '../cli/paths.ts';

/** A running `wattshift` process and what it has printed so far. */
export interface CliProcess {
  child: ChildProcess;
  out: string;
  err: string;
  exit: Promise<number | null>;
}

/** Starts `wattshift ARGS…` from the repository root, without colours. */
export function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: CliProcess = { child, out: '', err: '', exit: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.err += d.toString()));
  return p;
}

/** Polls `test` until it gives a truthy value (returned), or fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, test: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, pollMs = 50): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await test();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
/**
 * Starts `wattshift worker` on a queue and store (one job at a time; a line per job unless `log`
 * is false, as benchmarks want) and waits until it takes jobs; a worker that does not get there in
 * time is killed, not left running.
 */
export async function startQueueWorker(redisUrl: string, db: string, extra: string[] = [], opts: { log?: boolean } = {}): Promise<CliProcess> {
  const w = startCli(['worker', '--queue', redisUrl, '--db', db, '--concurrency', '1', ...(opts.log === false ? [] : ['--log']), ...extra]);
  try {
    await until('the worker to start', () => w.err.includes('Ctrl-C to stop') || w.child.exitCode !== null);
  } catch (e) {
    await killProcess(w);
    throw e;
  }
  if (w.child.exitCode !== null) throw new Error(`worker ended: ${w.err}`);
  return w;
}

/** Stops a process as Ctrl-C does (it finishes what it holds) and waits for its exit. */
export async function stopProcess(p: CliProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGINT');
  await p.exit;
}

/** Ends a process at once (SIGKILL) if it still runs, and waits for its exit. */
export async function killProcess(p: CliProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exit;
}
