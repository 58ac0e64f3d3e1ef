/**
 * Day-ahead bid curves of a buyer: per product (hour), a stepwise price–quantity curve whose
 * quantity never rises with price. Following Fleten & Pettersen (2005), the price axis is cut
 * at fixed points chosen from the scenario prices before solving, so that each scenario's
 * award is one of the curve's quantities and monotonicity is a chain of linear rows
 * Q₁ ≥ Q₂ ≥ … ≥ Q_K. Negative quantities are sales (a site exporting through the meter).
 */
import type { MarketRules } from './rules.ts';

/** How scenario prices of one product map onto curve segments. */
export interface Segmentation {
  /** Upper price bound of each segment but the last (ascending), currency/MWh; K − 1 values. */
  breaks: number[];
  /** Segment of each scenario. */
  segmentOf: number[];
  /** Number of segments K. */
  count: number;
}

/**
 * Cuts the price axis of one product between the scenarios' prices: one segment per distinct
 * price, or at most `maxSegments` groups of about equal size, the cut halfway between the
 * neighbouring prices of two groups. Cuts closer than `minGap` are merged.
 */
export function segmentPrices(prices: readonly number[], maxSegments: number, minGap = 0): Segmentation {
  const order = prices.map((_, s) => s).sort((a, b) => prices[a]! - prices[b]! || a - b);
  // groups of equal prices first, then fewer groups when there are too many
  const groups: number[][] = [];
  for (const s of order) {
    const last = groups[groups.length - 1];
    if (last && prices[last[last.length - 1]!]! + Math.max(minGap * 2, 1e-9) > prices[s]!) last.push(s);
    else groups.push([s]);
  }
  let merged = groups;
  if (groups.length > maxSegments) {
    merged = [];
    const n = order.length;
    let g = 0;
    let taken = 0;
    for (let k = 0; k < maxSegments && g < groups.length; k++) {
      // whole groups until this segment holds its share of the scenarios; the last takes the rest
      const want = k === maxSegments - 1 ? n : Math.round(((k + 1) * n) / maxSegments);
      const seg: number[] = [];
      while (g < groups.length && (seg.length === 0 || taken < want)) {
        seg.push(...groups[g]!);
        taken += groups[g]!.length;
        g++;
      }
      merged.push(seg);
    }
  }
  const segmentOf = new Array<number>(prices.length).fill(0);
  merged.forEach((g, k) => g.forEach((s) => (segmentOf[s] = k)));
  const breaks: number[] = [];
  for (let k = 0; k + 1 < merged.length; k++) {
    const hi = Math.max(...merged[k]!.map((s) => prices[s]!));
    const lo = Math.min(...merged[k + 1]!.map((s) => prices[s]!));
    breaks.push((hi + lo) / 2);
  }
  return { breaks, segmentOf, count: merged.length };
}

/** The bid for one product: segments and their quantities. */
export interface ProductBid {
  /** First horizon step of the product and its number of steps. */
  from: number;
  steps: number;
  /** Product start, UTC ms. */
  startMs: number;
  /** Segment upper bounds but the last, currency/MWh. */
  breaks: number[];
  /** Quantity bought in each segment, MW (non-increasing; negative = sold). */
  quantitiesMW: number[];
}

/** Award of a bid at a clearing price by its segments: the quantity of the segment holding the price. */
export function segmentAwardMW(bid: Pick<ProductBid, 'breaks' | 'quantitiesMW'>, price: number): number {
  let k = 0;
  while (k < bid.breaks.length && price > bid.breaks[k]!) k++;
  return bid.quantitiesMW[k]!;
}

/** A point of a curve in the market's format. */
export interface CurvePoint {
  priceMWh: number;
  quantityMW: number;
}

/**
 * The curve in the market's format. 'steps' (ERCOT energy bid): points (p, q) meaning "buy q
 * at prices up to p", the last at the price cap. 'linear' (Nord Pool): points from the floor to
 * the cap, each step drawn as two points one price tick apart, which the auction interpolates.
 * Segments with equal quantities are merged first.
 */
export function marketPoints(bid: Pick<ProductBid, 'breaks' | 'quantitiesMW'>, rules: MarketRules): CurvePoint[] {
  const breaks: number[] = [];
  const q: number[] = [bid.quantitiesMW[0]!];
  for (let k = 1; k < bid.quantitiesMW.length; k++) {
    if (Math.abs(bid.quantitiesMW[k]! - q[q.length - 1]!) < 1e-9) continue;
    breaks.push(bid.breaks[k - 1]!);
    q.push(bid.quantitiesMW[k]!);
  }
  const pts: CurvePoint[] = [];
  if (rules.curveStyle === 'steps') {
    breaks.forEach((b, k) => pts.push({ priceMWh: b, quantityMW: q[k]! }));
    pts.push({ priceMWh: rules.priceCapPerMWh, quantityMW: q[q.length - 1]! });
    return pts;
  }
  pts.push({ priceMWh: rules.priceFloorPerMWh, quantityMW: q[0]! });
  breaks.forEach((b, k) => {
    pts.push({ priceMWh: b, quantityMW: q[k]! });
    pts.push({ priceMWh: Math.min(b + rules.priceTick, rules.priceCapPerMWh), quantityMW: q[k + 1]! });
  });
  pts.push({ priceMWh: rules.priceCapPerMWh, quantityMW: q[q.length - 1]! });
  // a step right at the cap needs no point beyond it
  return pts.filter((p, i) => i === 0 || p.priceMWh > pts[i - 1]!.priceMWh || p.quantityMW !== pts[i - 1]!.quantityMW);
}

/** What the auction awards for a curve in the market's format at a clearing price, MW. */
export function awardFromPoints(points: readonly CurvePoint[], price: number, style: MarketRules['curveStyle']): number {
  if (points.length === 0) return 0;
  if (style === 'steps') {
    for (const p of points) if (price <= p.priceMWh + 1e-9) return p.quantityMW;
    return 0;
  }
  if (price <= points[0]!.priceMWh) return points[0]!.quantityMW;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (price <= b.priceMWh) {
      if (b.priceMWh === a.priceMWh) return b.quantityMW;
      return a.quantityMW + ((price - a.priceMWh) / (b.priceMWh - a.priceMWh)) * (b.quantityMW - a.quantityMW);
    }
  }
  return points[points.length - 1]!.quantityMW;
}

/** True when a curve's quantity never rises with price and its prices strictly rise. */
export function isMonotone(points: readonly CurvePoint[], tolerance = 1e-9): boolean {
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.quantityMW > points[i - 1]!.quantityMW + tolerance) return false;
    if (points[i]!.priceMWh < points[i - 1]!.priceMWh) return false;
  }
  return true;
}

/** Rounds quantities to the market's resolution (rounding keeps a non-increasing sequence non-increasing). */
export function roundQuantities(q: readonly number[], stepMW: number): number[] {
  return q.map((x) => {
    const r = Math.round(x / stepMW) * stepMW;
    return Math.abs(r) < 1e-12 ? 0 : Number(r.toFixed(6));
  });
}

/** Rounds a non-negative quantity down to the market's resolution (an offer never exceeds what was planned). */
export function floorTo(x: number, stepMW: number): number {
  const r = Math.floor(x / stepMW + 1e-9) * stepMW;
  return r > 0 ? Number(r.toFixed(6)) : 0;
}
