/**
 * Tornado: NPV when one input moves to the low or high end of its range, all else held. Energy
 * price, GPU price, utilisation, PUE and contract price are re-valued through the projection's
 * levers (no re-simulation); the discount rate only re-discounts.
 */
import type { Finance } from '../scenario/schema/finance.ts';
import { project, NEUTRAL_LEVERS, type Levers, type ValuationInput } from './cashflows.ts';

/** One bar of the tornado. */
export interface TornadoBar {
  input: 'energyPrice' | 'gpuPrice' | 'utilisation' | 'pue' | 'contractPrice' | 'discountRate';
  label: string;
  /** Text of the low and high input, e.g. "−20 %" or "8.0 %". */
  lowText: string;
  highText: string;
  npvLow: number;
  npvHigh: number;
  /** |npvHigh − npvLow|: bars are sorted by it, widest first. */
  swing: number;
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)} %`;

/** NPV of the projection under `levers`. */
export function npvUnder(input: ValuationInput, levers: Levers): number {
  const p = project(input, levers);
  return p.years.reduce((a, r) => a + r.discountedCashFlow, 0);
}

/** The tornado for the scenario's sensitivity ranges. */
export function tornado(input: ValuationInput, ranges: Finance['sensitivity']): TornadoBar[] {
  const r = input.finance.discountRate;
  const defs: Array<{ input: TornadoBar['input']; label: string; low: Partial<Levers>; high: Partial<Levers>; lowText: string; highText: string }> = [
    { input: 'energyPrice', label: 'Electricity price', low: { energyPrice: 1 - ranges.energyPrice }, high: { energyPrice: 1 + ranges.energyPrice }, lowText: pct(-ranges.energyPrice), highText: pct(ranges.energyPrice) },
    { input: 'gpuPrice', label: 'GPU server price', low: { gpuPrice: 1 - ranges.gpuPrice }, high: { gpuPrice: 1 + ranges.gpuPrice }, lowText: pct(-ranges.gpuPrice), highText: pct(ranges.gpuPrice) },
    { input: 'utilisation', label: 'Utilisation (GPU-hours used)', low: { utilisation: 1 - ranges.utilisation }, high: { utilisation: 1 + ranges.utilisation }, lowText: pct(-ranges.utilisation), highText: pct(ranges.utilisation) },
    { input: 'pue', label: 'PUE', low: { pueDelta: -ranges.pue }, high: { pueDelta: ranges.pue }, lowText: `−${ranges.pue.toFixed(2)}`, highText: `+${ranges.pue.toFixed(2)}` },
    { input: 'contractPrice', label: 'Contract price', low: { contractPrice: 1 - ranges.contractPrice }, high: { contractPrice: 1 + ranges.contractPrice }, lowText: pct(-ranges.contractPrice), highText: pct(ranges.contractPrice) },
    { input: 'discountRate', label: 'Discount rate', low: { discountRate: r - ranges.discountRate }, high: { discountRate: r + ranges.discountRate }, lowText: `${((r - ranges.discountRate) * 100).toFixed(1)} %`, highText: `${((r + ranges.discountRate) * 100).toFixed(1)} %` },
  ];
  const bars = defs.map((d) => {
    const npvLow = npvUnder(input, { ...NEUTRAL_LEVERS, ...d.low });
    const npvHigh = npvUnder(input, { ...NEUTRAL_LEVERS, ...d.high });
    return { input: d.input, label: d.label, lowText: d.lowText, highText: d.highText, npvLow, npvHigh, swing: Math.abs(npvHigh - npvLow) };
  });
  return bars.sort((a, b) => b.swing - a.swing);
}
