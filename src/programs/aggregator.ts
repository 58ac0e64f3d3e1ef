/**
 * The aggregator's arithmetic: merit order over the sites' flexibility segments (exact for
 * separable convex costs: every site's segments come sorted by rising cost, so filling the
 * cheapest first across all sites minimises total cost), the split of a fleet target across
 * sites, and a bid built from the flexibility envelope.
 */
import type { Segment } from './levers.ts';
import { compareSegments } from './levers.ts';

/** How much of each segment a fill uses. */
export interface Fill {
  /** kW taken from each segment, in the order of `segments`. */
  used: Float64Array;
  segments: Segment[];
  /** kW reached (≤ target). */
  totalKW: number;
  /** Σ used × value per kWh: money cost per hour of holding the fill (lost work, deferral, storage wear), currency/h. */
  costPerHour: number;
  /** Lost or deferred work per hour, GPU-h/h, split by kind. */
  lostRate: number;
  deferredRate: number;
}

/** Fills `targetKW` from `segments` cheapest first (segments need not be sorted). */
export function meritOrder(segments: Segment[], targetKW: number): Fill {
  const segs = [...segments].sort(compareSegments);
  const used = new Float64Array(segs.length);
  let left = Math.max(0, targetKW);
  let cost = 0;
  let lost = 0;
  let deferred = 0;
  for (let i = 0; i < segs.length && left > 1e-9; i++) {
    const s = segs[i]!;
    const u = Math.min(s.kw, left);
    used[i] = u;
    left -= u;
    cost += u * s.valuePerKWh;
    const loss = s.kw > 0 ? (s.lossRate * u) / s.kw : 0;
    if (s.deferrable) deferred += loss;
    else lost += loss;
  }
  return { used, segments: segs, totalKW: Math.max(0, targetKW) - Math.max(0, left), costPerHour: cost, lostRate: lost, deferredRate: deferred };
}

/** kW each site takes in a fill, by site index. */
export function bySite(fill: Fill): Map<number, number> {
  const out = new Map<number, number>();
  fill.segments.forEach((s, i) => {
    const u = fill.used[i]!;
    if (u > 0) out.set(s.site, (out.get(s.site) ?? 0) + u);
  });
  return out;
}

/** One row of a bid: what the fleet offers for an event window. */
export interface Bid {
  /** Fleet capacity offered, kW (the envelope's minimum over the windows, less the margin). */
  capacityKW: number;
  /** Each site's share of the offer, kW, in proportion to its own envelope. */
  bySite: Map<number, number>;
  /** The smallest fleet envelope over the windows considered, kW. */
  envelopeMinKW: number;
  /** How many windows the bid was judged on. */
  windows: number;
  margin: number;
}

/**
 * A bid from envelope values: the capacity the fleet can hold in every window considered
 * (the minimum of the fleet envelope), less a safety margin, split across sites in
 * proportion to their capacity in the tightest window.
 */
export function bidFromEnvelope(windows: Array<{ fleetKW: number; bySite: Map<number, number> }>, margin: number): Bid {
  if (windows.length === 0) return { capacityKW: 0, bySite: new Map(), envelopeMinKW: 0, windows: 0, margin };
  let tight = windows[0]!;
  for (const w of windows) if (w.fleetKW < tight.fleetKW) tight = w;
  const capacityKW = Math.max(0, tight.fleetKW * (1 - margin));
  const bySiteOut = new Map<number, number>();
  for (const [s, kw] of tight.bySite) bySiteOut.set(s, tight.fleetKW > 0 ? (capacityKW * kw) / tight.fleetKW : 0);
  return { capacityKW, bySite: bySiteOut, envelopeMinKW: tight.fleetKW, windows: windows.length, margin };
}
