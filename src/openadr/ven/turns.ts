/**
 * Turns of the event loop for VENs that share one (a host of many virtual VENs): an answer waits
 * for its turn before its LP, one answer is let through per turn, in arrival order, and the
 * event loop reads what has arrived in between. Without it a burst of answers held the loop for
 * all their LPs, and a VEN whose notification came meanwhile took its event up only after them.
 * The first answer of a burst also waits until notifications have stopped arriving for a moment
 * (bounded): an event reaches a fleet's VENs as a burst of notifications over a few
 * milliseconds, and LPs run in the middle of it delayed the rest of the burst by theirs.
 * Reports wait for turns of their own, given only when no answer waits for its LP and no event
 * has arrived for a while ({@link REPORT_QUIET_MS}): a forecast report is due by the end of its
 * interval, setpoints now. A burst of reports posted between the LPs held the last VENs'
 * setpoints back by the reports of all the others; posted in the gaps between the notifications
 * of one event, they took the VTN's time (on the aggregator's thread) while it was still sending
 * the fleet's site events.
 */

/** Waits for the caller's turn. */
export type Turn = () => Promise<void>;

/** One turn of the event loop (a VEN on its own). */
export const nextTurn: Turn = () => new Promise((resolve) => setImmediate(resolve));

/** Quiet needed before the first answer of a burst goes, ms. */
export const BURST_QUIET_MS = 2;

/** Longest the first answer of a burst waits for that quiet, ms. */
export const BURST_MAX_WAIT_MS = 20;

/** Time without a new event before a report goes, ms. */
export const REPORT_QUIET_MS = 250;

/** How long a burst holds its first answer back, and reports after the last answer. */
export interface BurstOptions {
  /** Quiet needed, ms (0: none, the first answer goes at the next turn). */
  quietMs: number;
  /** Longest wait, ms. */
  maxWaitMs: number;
  /** Time without a new event before a report goes, ms (default {@link REPORT_QUIET_MS}). */
  reportQuietMs?: number;
}

/** Turns shared by VENs: `solve` for an answer's LP, `report` for posting what it answered. */
export interface SharedTurns {
  solve: Turn;
  report: Turn;
}

/**
 * Turns shared by VENs: one waiter let through per turn of the event loop, answers first come
 * first served, then reports, which go only while no answer waits.
 */
export function sharedTurns(burst: BurstOptions = { quietMs: BURST_QUIET_MS, maxWaitMs: BURST_MAX_WAIT_MS }): SharedTurns {
  const reportQuietMs = burst.reportQuietMs ?? REPORT_QUIET_MS;
  const waiting: Array<() => void> = [];
  const reports: Array<() => void> = [];
  let scheduled = false;
  let lastArrival = Number.NEGATIVE_INFINITY;
  let firstArrival = 0;
  // reports waiting for the quiet after the last event (an answer arriving meanwhile goes first)
  let reportTimer: NodeJS.Timeout | undefined;
  const release = () => {
    reportTimer = undefined;
    const answer = waiting.shift();
    if (answer) answer();
    else if (reports.length > 0) {
      const wait = reportQuietMs - (performance.now() - lastArrival);
      if (wait > 0) {
        reportTimer = setTimeout(release, wait);
        return;
      }
      reports.shift()!();
    }
    if (waiting.length > 0 || reports.length > 0) setImmediate(release);
    else scheduled = false;
  };
  const releaseWhenQuiet = () => {
    const now = performance.now();
    if (now - lastArrival < burst.quietMs && now - firstArrival < burst.maxWaitMs) setTimeout(releaseWhenQuiet, burst.quietMs);
    else release();
  };
  const solve: Turn = () =>
    new Promise<void>((resolve) => {
      lastArrival = performance.now();
      waiting.push(resolve);
      if (reportTimer) {
        // only reports were waiting: this answer starts a burst of its own
        clearTimeout(reportTimer);
        reportTimer = undefined;
        scheduled = false;
      }
      if (!scheduled) {
        scheduled = true;
        firstArrival = lastArrival;
        if (burst.quietMs > 0) setTimeout(releaseWhenQuiet, burst.quietMs);
        else setImmediate(release);
      }
    });
  const report: Turn = () =>
    new Promise<void>((resolve) => {
      reports.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(release);
      }
    });
  return { solve, report };
}
