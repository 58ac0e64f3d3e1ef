/**
 * Depreciation schedules with zero salvage: straight-line, declining balance (switching to
 * straight-line on the remaining book value when that gives more, so the asset is fully
 * depreciated at the end of its life) and sum-of-years-digits.
 */
import type { DepreciationMethod } from '../scenario/schema/finance.ts';

/** Depreciation per year for `lifeYears` years; the entries sum to `cost`. */
export function depreciationSchedule(cost: number, lifeYears: number, method: DepreciationMethod, decliningFactor = 2): number[] {
  const n = Math.max(1, Math.round(lifeYears));
  if (method === 'straight-line') return Array.from({ length: n }, () => cost / n);
  if (method === 'sum-of-years') {
    const digits = (n * (n + 1)) / 2;
    return Array.from({ length: n }, (_, i) => (cost * (n - i)) / digits);
  }
  const out: number[] = [];
  let book = cost;
  for (let i = 0; i < n; i++) {
    const remaining = n - i;
    const d = i === n - 1 ? book : Math.min(book, Math.max((book * decliningFactor) / n, book / remaining));
    out.push(d);
    book -= d;
  }
  return out;
}
