/** Options shared by commands that send work to the queue (`--queue`). */
import { InputError } from '../errors/index.ts';
import { DEFAULT_ATTEMPTS } from '../queue/queue-pool.ts';

/** Help text of `--job-tries`. */
export const JOB_TRIES_HELP = `with --queue: tries per job before it counts as failed and stops the run with its error (a worker killed mid-job costs a try)`;

/** Default of `--job-tries`, as text. */
export const DEFAULT_JOB_TRIES = String(DEFAULT_ATTEMPTS);

/** Tries per queue job from `--job-tries` (a whole number from 1 to 100). */
export function jobTriesOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InputError('OPTION_INVALID', `--job-tries must be a whole number from 1 to 100, found "${v}"`, { path: '--job-tries' });
  return n;
}
