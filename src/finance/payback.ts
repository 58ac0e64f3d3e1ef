/**
 * Payback: when the cumulative cash first stops being negative. `flows[0]` is at time 0 (the
 * investment); `flows[k]` (k ≥ 1) accrues evenly during period k, so the crossing is
 * interpolated linearly inside the period, as in the textbook "years before recovery +
 * unrecovered cost / cash flow of the recovery year".
 */

/** Periods until the cumulative sum of `flows` first reaches zero; 0 if never negative; null if never recovered. */
export function paybackPeriods(flows: ArrayLike<number>): number | null {
  let cum = flows[0] ?? 0;
  if (cum >= 0) {
    // nothing invested up front: only a later dip needs recovering
    let k = 1;
    while (k < flows.length && cum + flows[k]! >= 0) cum += flows[k++]!;
    if (k >= flows.length) return 0;
    return paybackFrom(flows, k, cum);
  }
  return paybackFrom(flows, 1, cum);
}

function paybackFrom(flows: ArrayLike<number>, start: number, cumBefore: number): number | null {
  let cum = cumBefore;
  for (let k = start; k < flows.length; k++) {
    const f = flows[k]!;
    if (cum < 0 && cum + f >= 0) return k - 1 + -cum / f;
    cum += f;
  }
  return null;
}

/** Payback of flows discounted at `rate` per period (end-of-period factors). */
export function discountedPaybackPeriods(flows: ArrayLike<number>, rate: number): number | null {
  const d = Array.from({ length: flows.length }, (_, t) => flows[t]! / (1 + rate) ** t);
  return paybackPeriods(d);
}
