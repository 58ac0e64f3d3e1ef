/**
 * Market rules as data: price limits, curve shape and products of the day-ahead auctions the
 * bundled data comes from, each with its source. A scenario's `markets[].limits` override any
 * value; docs/markets.md has the table with the sources and what was and was not verified.
 */

/** How the auction reads a curve between its points. */
export type CurveStyle = 'steps' | 'linear';

/** The rules one bid must respect. */
export interface MarketRules {
  id: string;
  name: string;
  /** Zone of the market day (and of the product hours). */
  timeZone?: string;
  /** Currency of the market's prices. */
  currency?: string;
  /** Length of one day-ahead product, minutes (hourly auctions in 2021 in both markets). */
  productMinutes: number;
  priceFloorPerMWh: number;
  priceCapPerMWh: number;
  /** Most price steps per product curve. */
  maxSegments: number;
  /** Quantity resolution, MW. */
  quantityStepMW: number;
  /**
   * 'steps': a bid point (price p, quantity q) buys q at every price up to p (ERCOT energy bids);
   * 'linear': the auction interpolates the volume linearly between points (Nord Pool).
   */
  curveStyle: CurveStyle;
  /** Smallest price difference between two points of a 'linear' curve, currency/MWh. */
  priceTick: number;
  /** Where each figure comes from. */
  sources: string[];
}

/** ERCOT day-ahead market in 2021 (before the offer cap fell to 5,000 USD/MWh on 1 Jan 2022). */
export const ERCOT_2021: MarketRules = {
  id: 'ercot-2021',
  name: 'ERCOT day-ahead market, 2021',
  timeZone: 'America/Chicago',
  currency: 'USD',
  productMinutes: 60,
  priceFloorPerMWh: -250,
  priceCapPerMWh: 9000,
  maxSegments: 10,
  quantityStepMW: 0.1,
  curveStyle: 'steps',
  priceTick: 0.01,
  sources: [
    'offer cap (HCAP) 9,000 USD/MWh until 31 Dec 2021: ERCOT market notice M-A120721-01, 7 Dec 2021',
    'price floor -250 USD/MWh, 10 points per curve and 0.1 MW resolution: assumptions, not verified against the 2021 Nodal Protocols',
  ],
};

/** Nord Pool day-ahead (Elspot) in 2021, Danish bidding zones. */
export const NORDPOOL_2021: MarketRules = {
  id: 'nordpool-2021',
  name: 'Nord Pool day-ahead (DK1/DK2), 2021',
  timeZone: 'Europe/Copenhagen',
  currency: 'EUR',
  productMinutes: 60,
  priceFloorPerMWh: -500,
  priceCapPerMWh: 3000,
  maxSegments: 100,
  quantityStepMW: 0.1,
  curveStyle: 'linear',
  priceTick: 0.1,
  sources: [
    'price limits -500 / 3,000 EUR/MWh: Nord Pool Spot exchange message No. 59/2013 (in force from 25 Nov 2013); the current Nord Pool order page names 4,000, a later change',
    'linear interpolation between price steps, at most 200 price steps per hour including the limits: Nord Pool "Single hourly order" and curve-order template pages (current rules; 100 segments = 200 points)',
  ],
};

/** Defaults for a market given only by its data. */
export const GENERIC: MarketRules = {
  id: 'generic',
  name: 'generic day-ahead market',
  productMinutes: 60,
  priceFloorPerMWh: -500,
  priceCapPerMWh: 5000,
  maxSegments: 20,
  quantityStepMW: 0.1,
  curveStyle: 'steps',
  priceTick: 0.01,
  sources: ['generic defaults (set markets[].limits for a real market)'],
};

const PRESETS: Record<string, MarketRules> = { 'ercot-2021': ERCOT_2021, 'nordpool-2021': NORDPOOL_2021, generic: GENERIC };

/** The preset with a scenario's overrides applied. */
export function marketRules(preset: string, limits: { priceFloorPerMWh?: number; priceCapPerMWh?: number; maxSegments?: number; quantityStepMW?: number } = {}): MarketRules {
  const base = PRESETS[preset] ?? GENERIC;
  return {
    ...base,
    priceFloorPerMWh: limits.priceFloorPerMWh ?? base.priceFloorPerMWh,
    priceCapPerMWh: limits.priceCapPerMWh ?? base.priceCapPerMWh,
    maxSegments: limits.maxSegments ?? base.maxSegments,
    quantityStepMW: limits.quantityStepMW ?? base.quantityStepMW,
  };
}
