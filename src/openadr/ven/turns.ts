/**
 * Turns of the event loop for VENs that share one (a host of many virtual VENs): an answer waits
 * for its turn before its LP, one answer is let through per turn, in arrival order, and the
 * event loop reads what has arrived in between. Without it a burst of answers held the loop for
 * all their LPs, and a VEN whose notification came meanwhile took its event up only after them.
 */

/** Waits for the caller's turn. */
export type Turn = () => Promise<void>;

/** One turn of the event loop (a VEN on its own). */
export const nextTurn: Turn = () => new Promise((resolve) => setImmediate(resolve));

/** Turns shared by VENs: one waiter let through per turn of the event loop, first come first served. */
export function sharedTurns(): Turn {
  const waiting: Array<() => void> = [];
  let scheduled = false;
  const release = () => {
    waiting.shift()?.();
    if (waiting.length > 0) setImmediate(release);
    else scheduled = false;
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(release);
      }
    });
}
