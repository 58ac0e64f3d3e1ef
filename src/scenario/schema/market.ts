/**
 * Wholesale markets the scenario's sites take part in as independent participants: the
 * day-ahead auction they bid into, the real-time (or imbalance) price their deviations settle
 * at, the market's limits and deviation rules, and the reserve products they may sell. Rules
 * and their sources are in docs/markets.md; presets fill what a market section leaves out.
 */
import { z } from 'zod';
import { CostPerMWh, Fraction, Id, NonNegative, Positive, PricePerMWh } from './common.ts';
import { SeriesRef } from '../../series/schema.ts';

/** A price or volume series: one reference, or several files read as one (e.g. quarterly files). */
export const MarketSeriesRef = z
  .union([SeriesRef, z.array(SeriesRef).min(1)])
  .describe('A series, or a list of file references read together (their rows are merged, e.g. four quarterly files)');
export type MarketSeriesRef = z.infer<typeof MarketSeriesRef>;

/** What the market's day-ahead curves must respect; a preset's values apply where one is left out. */
export const MarketLimits = z.strictObject({
  priceFloorPerMWh: PricePerMWh.optional().describe('Lowest price a bid may name, currency/MWh'),
  priceCapPerMWh: PricePerMWh.optional().describe('Highest price a bid may name, currency/MWh'),
  maxSegments: z.number().int().min(1).max(200).optional().describe('Most price steps (segments) per product curve'),
  quantityStepMW: Positive.optional().describe('Quantity resolution of a bid, MW'),
});

/** Deviations from the day-ahead award beyond a tolerance band pay a penalty (China provincial spot markets). */
export const DeviationRule = z.strictObject({
  toleranceFraction: Fraction.describe('Deviation allowed without penalty, as a share of the hour\'s award'),
  penaltyPerMWh: CostPerMWh.describe('Charge per MWh of deviation beyond the band (on top of settling it at the real-time price)'),
});

/** When a reserve is called: a fixed share of hours (seeded), a series of the deployed share, or activated energy over procured capacity. */
export const ReserveDeployment = z.union([
  z.strictObject({
    rate: Fraction.describe('Share of hours in which the whole reserved capacity is called (drawn per hour, seeded)'),
    seed: z.number().int().default(1),
  }),
  z.strictObject({ share: MarketSeriesRef.describe('Deployed share of the reserved capacity per step, 0–1') }),
  z.strictObject({
    activated: MarketSeriesRef.describe('Energy the system operator activated in each hour, MWh (e.g. RegulatingPowerUp)'),
    procured: MarketSeriesRef.describe('Capacity the system operator procured for that hour, MW (e.g. mFRR_UpPurchased)'),
  }),
]);

/** Rules a resource must meet to offer a reserve product. */
export const Qualification = z.strictObject({
  minOfferMW: NonNegative.default(0).describe('Smallest offer accepted, MW (an offer is 0 or at least this)'),
  fullActivationSeconds: Positive.describe('Time by which the full reserved change must be delivered, seconds'),
  minDurationHours: Positive.default(1).describe('How long a delivery must be sustainable, hours'),
});

export const ReserveProduct = z.strictObject({
  id: Id,
  name: z.string().optional(),
  direction: z.enum(['up', 'down', 'symmetric']).describe('up: the site can cut its load on call; down: raise it; symmetric: both, in equal amounts'),
  capacityPrice: MarketSeriesRef.describe('Capacity price per MW and hour (write the unit as <CUR>/MWh)'),
  qualification: Qualification,
  deployment: ReserveDeployment.optional().describe('How often the reserve is called (default: never)'),
  deploymentBudgetHoursPerDay: NonNegative.default(4).describe('Full-deployment hours a day the plan keeps QoS floors and deadlines safe against'),
});
export type ReserveProduct = z.infer<typeof ReserveProduct>;

/** How fast each of a site's levers responds, seconds; decides which products a lever may serve. */
export const LeverResponse = z.strictObject({
  storageSeconds: Positive.default(1).describe('Battery inverter response (assumption, docs/markets.md)'),
  gpuPowerCapSeconds: Positive.default(10).describe('GPU power-cap change across a cluster (assumption, docs/markets.md)'),
  jobPauseSeconds: Positive.default(300).describe('Checkpoint and pause of a training or batch job (assumption, docs/markets.md)'),
});

export const Market = z.strictObject({
  id: Id,
  rules: z.enum(['ercot-2021', 'nordpool-2021', 'generic']).default('generic').describe('Preset of limits, time zone and curve style (docs/markets.md)'),
  timeZone: z.string().optional().describe('Zone of the market day (default: the preset\'s, else the horizon zone)'),
  sites: z.array(Id).optional().describe('Sites that bid as one portfolio (default: all)'),
  dayAhead: MarketSeriesRef.describe('Day-ahead clearing price, currency/MWh'),
  realTime: MarketSeriesRef.describe('Real-time or imbalance price that deviations settle at, currency/MWh'),
  limits: MarketLimits.default({}),
  deviation: DeviationRule.optional().describe('Penalty band on deviations (default: deviations settle at the real-time price only)'),
  reserves: z.array(ReserveProduct).default([]),
  bidding: z
    .strictObject({
      scenarios: z.number().int().min(1).max(50).default(10).describe('Price scenarios (similar historical days) per bid'),
      historyDays: z.number().int().min(7).max(366).default(42).describe('Days of history the scenarios are drawn from'),
      reoptimiseEveryHours: Positive.default(4).describe('Intraday re-optimisation against real-time prices every this many hours'),
      maxPlannedDeviationMW: NonNegative.default(0).describe('How far the planned hourly net import may differ from the award in a scenario, MW (0: a physical bid, the award is the plan)'),
    })
    .default({ scenarios: 10, historyDays: 42, reoptimiseEveryHours: 4, maxPlannedDeviationMW: 0 }),
  levers: LeverResponse.default({ storageSeconds: 1, gpuPowerCapSeconds: 10, jobPauseSeconds: 300 }),
});
export type Market = z.infer<typeof Market>;
