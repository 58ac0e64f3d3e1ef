/**
 * Break-even per production line: the electricity price, utilisation, PUE or selling price at
 * which the line's payback crosses the target (18 months by default). Payback need not be
 * monotone in a lever (a take-or-pay floor keeps revenue flat while energy cost still falls with
 * utilisation), so the range is scanned first and the crossing nearest today's value is refined
 * by bisection. No crossing inside the sane range gives null.
 */
import { project, NEUTRAL_LEVERS, type Levers, type ValuationInput } from './cashflows.ts';
import { paybackPeriods } from './payback.ts';

/** A lever the break-even search moves. */
export type BreakEvenLever = 'energyPrice' | 'utilisation' | 'pue' | 'price';

/** Where one lever flips a line's answer. */
export interface BreakEven {
  lever: BreakEvenLever;
  /** Today's value: electricity cost per facility MWh, utilisation (0–1), PUE, or price per unit. */
  base: number | null;
  /** The value at which payback crosses the target, or null when none in `range` does. */
  value: number | null;
  range: [number, number];
}

/** Today's values of the levers for a line (first operating year). */
export interface LineBase {
  energyPricePerMWh: number | null;
  utilisation: number | null;
  pue: number | null;
  /** Selling price per unit (contract, spot or the workload's value). */
  price: number | null;
  /** Which price lever moves it. */
  priceLever: 'contractPrice' | 'spotPrice' | null;
}

/** Points scanned across a lever's range before bisection. */
const SCAN = 32;
const BISECTIONS = 30;

function leversFor(lever: BreakEvenLever, value: number, base: LineBase): Levers {
  if (lever === 'energyPrice') return { ...NEUTRAL_LEVERS, energyPrice: value / base.energyPricePerMWh! };
  if (lever === 'utilisation') return { ...NEUTRAL_LEVERS, utilisation: value / base.utilisation! };
  if (lever === 'pue') return { ...NEUTRAL_LEVERS, pueDelta: value - base.pue! };
  return { ...NEUTRAL_LEVERS, [base.priceLever!]: value / base.price! };
}

/** The sane range searched for each lever. */
export function leverRange(lever: BreakEvenLever, base: number): [number, number] {
  if (lever === 'utilisation') return [0.01, 1];
  if (lever === 'pue') return [1, 3];
  return [0, Math.max(1e-9, 10 * base)];
}

/** Payback of one line in months under `levers`. */
export function linePaybackMonths(input: ValuationInput, line: number, levers: Levers): number | null {
  return paybackPeriods(project(input, levers).lines[line]!.monthlyCash);
}

/** Break-even of one lever for one line; null value when no crossing in the range. */
export function breakEven(input: ValuationInput, line: number, lever: BreakEvenLever, base: LineBase, targetMonths: number): BreakEven {
  const b = lever === 'energyPrice' ? base.energyPricePerMWh : lever === 'utilisation' ? base.utilisation : lever === 'pue' ? base.pue : base.price;
  if (b === null || !(b > 0) || (lever === 'price' && base.priceLever === null)) return { lever, base: b, value: null, range: leverRange(lever, b ?? 0) };
  const range = leverRange(lever, b);
  const ok = (x: number) => {
    const p = linePaybackMonths(input, line, leversFor(lever, x, base));
    return p !== null && p < targetMonths;
  };
  const xs = Array.from({ length: SCAN + 1 }, (_, i) => range[0] + ((range[1] - range[0]) * i) / SCAN);
  const oks = xs.map(ok);
  let best: [number, number] | null = null;
  for (let i = 0; i < SCAN; i++) {
    if (oks[i] === oks[i + 1]) continue;
    const mid = 0.5 * (xs[i]! + xs[i + 1]!);
    if (!best || Math.abs(mid - b) < Math.abs(0.5 * (best[0] + best[1]) - b)) best = [xs[i]!, xs[i + 1]!];
  }
  if (!best) return { lever, base: b, value: null, range };
  let [lo, hi] = best;
  const okLo = ok(lo);
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = 0.5 * (lo + hi);
    if (ok(mid) === okLo) lo = mid;
    else hi = mid;
  }
  return { lever, base: b, value: 0.5 * (lo + hi), range };
}
