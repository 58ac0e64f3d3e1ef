/**
 * Compute contracts with take-or-pay: each month the customer pays for
 * max(actual volume, minimum volume) at the contract price, which escalates yearly from the
 * contract's first year. Outside its tenor a contract earns nothing as a contract; the line's
 * volume is then sold at spot (see cashflows.ts).
 */
import type { Contract } from '../scenario/schema/finance.ts';

/** What one month of a take-or-pay contract bills. */
export interface TakeOrPayMonth {
  /** Volume billed: max(actual, minimum). */
  billedVolume: number;
  /** Volume paid for but not used (the minimum binding). */
  shortfallVolume: number;
  revenue: number;
  /** Revenue from the shortfall alone. */
  shortfallRevenue: number;
}

/** Bills one month: revenue = max(volume, minimum) × price. */
export function takeOrPay(volume: number, minimum: number, price: number): TakeOrPayMonth {
  const billed = Math.max(volume, minimum);
  const shortfall = billed - volume;
  return { billedVolume: billed, shortfallVolume: shortfall, revenue: billed * price, shortfallRevenue: shortfall * price };
}

/** True when operating year `year` (1-based) is inside the contract's tenor. */
export function contractActive(c: Pick<Contract, 'startYear' | 'tenorYears'>, year: number): boolean {
  return year >= c.startYear && year < c.startYear + c.tenorYears;
}

/** Contract price in operating year `year`: the first-year price escalated yearly. */
export function contractPrice(c: Pick<Contract, 'price' | 'escalation' | 'startYear'>, year: number): number {
  return c.price * (1 + c.escalation) ** Math.max(0, year - c.startYear);
}
