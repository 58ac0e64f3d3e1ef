/**
 * Two-settlement accounting of one market day. The day-ahead award of each product is bought
 * at the day-ahead price; the metered net import minus the award settles step by step at the
 * real-time (or imbalance) price; deviations beyond a tolerance band pay a penalty where the
 * market has one (China provincial form); reserve capacity is paid at its clearing price,
 * pro rata to the share of each called hour that was delivered.
 */

/** One product's figures. */
export interface ProductSettlement {
  startMs: number;
  awardMW: number;
  dayAheadPrice: number;
  meteredMWh: number;
  /** Metered minus awarded energy, MWh. */
  deviationMWh: number;
  dayAheadCost: number;
  realTimeCost: number;
  bandPenalty: number;
  reserveRevenue: number;
}

/** The day's totals (currency) and energy (MWh). */
export interface DaySettlement {
  day: string;
  products: ProductSettlement[];
  dayAheadCost: number;
  realTimeCost: number;
  bandPenalty: number;
  reserveRevenue: number;
  /** Capacity payments withheld for calls not delivered. */
  reserveWithheld: number;
  /** Energy purchases net of reserve revenue, plus penalties. */
  cost: number;
  awardMWh: number;
  meteredMWh: number;
  /** Σ |deviation| over products, MWh. */
  absDeviationMWh: number;
}

/** What settling a day needs, per horizon step unless noted. */
export interface SettlementInput {
  day: string;
  /** Products of the day: first step, steps. */
  products: Array<{ from: number; to: number; startMs: number }>;
  /** Step length, hours. */
  stepHours: number;
  /** Award per product, MW (0 where the position is none). */
  awardMW: number[];
  /** Day-ahead clearing price per product, currency/MWh. */
  dayAheadPrice: number[];
  /** Real-time price per step, currency/MWh. */
  realTime: ArrayLike<number>;
  /** Metered net import of the portfolio per step, kW. */
  meteredKW: ArrayLike<number>;
  band?: { toleranceFraction: number; penaltyPerMWh: number };
  /** Reserve offers per product (reserve product × day product), MW; capacity price per step and delivered share per day product. */
  reserves?: Array<{ offerMW: number[]; price: ArrayLike<number>; deliveredShare: number[] }>;
}

/** Settles one day. */
export function settleDay(input: SettlementInput): DaySettlement {
  const h = input.stepHours;
  const products: ProductSettlement[] = [];
  let withheld = 0;
  input.products.forEach((p, i) => {
    const H = (p.to - p.from) * h;
    const award = input.awardMW[i] ?? 0;
    const da = input.dayAheadPrice[i] ?? 0;
    let metered = 0;
    let rt = 0;
    for (let t = p.from; t < p.to; t++) {
      const mw = input.meteredKW[t]! / 1000;
      metered += mw * h;
      rt += (mw - award) * input.realTime[t]! * h;
    }
    const deviation = metered - award * H;
    let band = 0;
    if (input.band) band = Math.max(0, Math.abs(deviation) - input.band.toleranceFraction * Math.max(0, award) * H) * input.band.penaltyPerMWh;
    let revenue = 0;
    for (const r of input.reserves ?? []) {
      const offer = r.offerMW[i] ?? 0;
      if (offer <= 0) continue;
      let pay = 0;
      for (let t = p.from; t < p.to; t++) pay += offer * r.price[t]! * h;
      const share = Math.max(0, Math.min(1, r.deliveredShare[i] ?? 1));
      revenue += pay * share;
      withheld += pay * (1 - share);
    }
    products.push({ startMs: p.startMs, awardMW: award, dayAheadPrice: da, meteredMWh: metered, deviationMWh: deviation, dayAheadCost: award * da * H, realTimeCost: rt, bandPenalty: band, reserveRevenue: revenue });
  });
  const sum = (f: (p: ProductSettlement) => number) => products.reduce((a, p) => a + f(p), 0);
  const dayAheadCost = sum((p) => p.dayAheadCost);
  const realTimeCost = sum((p) => p.realTimeCost);
  const bandPenalty = sum((p) => p.bandPenalty);
  const reserveRevenue = sum((p) => p.reserveRevenue);
  return {
    day: input.day, products, dayAheadCost, realTimeCost, bandPenalty, reserveRevenue, reserveWithheld: withheld,
    cost: dayAheadCost + realTimeCost + bandPenalty - reserveRevenue,
    awardMWh: products.reduce((a, p, i) => a + p.awardMW * (input.products[i]!.to - input.products[i]!.from) * h, 0),
    meteredMWh: sum((p) => p.meteredMWh),
    absDeviationMWh: sum((p) => Math.abs(p.deviationMWh)),
  };
}
