/**
 * The places an executor has handed out and not yet filled: a place is taken before its run is
 * created (so a full queue refuses cleanly), then filled with the run or given back. Both
 * executors count them against their queue bound the same way; only the bound and what
 * submitting a run does are theirs.
 */
import { QueueFullError, type QueueSlot } from './executor.ts';

/** Counts reserved places and hands out slots that are used once. */
export class QueueSlots {
  private taken = 0;

  /** Places taken and neither submitted nor released. */
  get reserved(): number {
    return this.taken;
  }

  /**
   * Takes a place, or throws a {@link QueueFullError}: when `closing`, or the one `full` returns
   * (given the places already reserved; undefined when there is room). The slot's first submit
   * frees the place and calls `submit`; a second submit throws; release after either does nothing.
   */
  reserve(closing: boolean, full: (reserved: number) => QueueFullError | undefined, submit: (runId: string) => void): QueueSlot {
    if (closing) throw new QueueFullError('the server is shutting down and takes no new runs', 30);
    const refused = full(this.taken);
    if (refused) throw refused;
    this.taken++;
    let used = false;
    return {
      submit: (runId: string) => {
        if (used) throw new Error('a queue slot is used once');
        used = true;
        this.taken--;
        submit(runId);
      },
      release: () => {
        if (used) return;
        used = true;
        this.taken--;
      },
    };
  }
}
