/**
 * Grid programs: demand-response and peak-shaving programs a site or the fleet takes part in,
 * and the grid events they receive. Owned by the grid-programs stage (src/programs); the
 * meaning of every field and the source of every default is in docs/grid-programs.md.
 */
import { z } from 'zod';
import { bounded, boundedAbove, ChargePerKW, CostPerMWh, Fraction, Id, LIMITS, MAX_HORIZON_HOURS, PositivePowerMW, PowerMW, TimeOfDay, Timestamp } from './common.ts';
import { SeriesRef } from '../../series/schema.ts';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

/** The baseline methods wattshift implements (src/programs/baselines). */
export const BaselineMethod = z
  .enum([
    'caiso-10-of-10',
    'high-4-of-5',
    'pjm-same-day-3-2',
    'beijing-top-5-of-10',
    'jiangsu-5-working-days',
    'jiangsu-15-min',
    'meter-before',
  ])
  .describe('Customer baseline load method');
/** A baseline method name. */
export type BaselineMethod = z.infer<typeof BaselineMethod>;

/** A baseline method with its options. */
export const BaselineSpec = z.strictObject({
  method: BaselineMethod,
  lookbackDays: z.number().int().min(1).max(366).optional().describe('Oldest day a day-matching method may use, days before the event (default 45)'),
  adjustmentCap: Fraction.optional().describe('caiso-10-of-10: cap of the same-day adjustment, ± fraction (default 0.2)'),
  adjustment: z.boolean().optional().describe('caiso-10-of-10 and high-4-of-5: apply the same-day adjustment (default true)'),
  meterBeforeHours: boundedAbove(0, 24).optional().describe('meter-before: hours of load before the event that are averaged (default 1)'),
});

/** A method name, or a method with options. */
export const BaselineChoice = z.union([BaselineMethod, BaselineSpec]);

/** Delivery band, pay and penalty rules. */
export const DeliveryRules = z.strictObject({
  minRatio: bounded(0, 10).default(0.8).describe('Delivery below this share of the target earns no energy pay'),
  maxRatio: boundedAbove(0, 10).default(1.2).describe('Delivery above this share of the target is paid only up to it'),
  penaltyBelowRatio: bounded(0, 10).default(0.5).describe('Delivery below this share of the target is penalised'),
  penaltyMultiple: bounded(0, LIMITS.factor).default(0.5).describe('Penalty = (penaltyBelowRatio × target − delivered) × penalty price × this multiple'),
  penaltyPricePerMWh: CostPerMWh.optional().describe('Price the penalty is computed at, currency/MWh (default: energyPayPerMWh, the clearing price)'),
  assess: z.enum(['event', 'interval']).default('event').describe('Apply the band to the whole event or to each measurement interval'),
});

/** One scheduled event. */
export const EventSpec = z
  .strictObject({
    id: Id.optional(),
    start: Timestamp.describe('Event start (local wall clock in the horizon time zone, or with an offset)'),
    end: Timestamp.optional().describe('Event end (exclusive); give end or durationHours'),
    durationHours: boundedAbove(0, MAX_HORIZON_HOURS).optional().describe('Length of the event, hours'),
    issued: Timestamp.optional().describe('When the event was notified (checked against the program notice)'),
    targetMW: PositivePowerMW.optional().describe('Fleet reduction (or increase, valley filling) below (above) the baseline, MW'),
    targetPercent: z.number().gt(0).max(100).optional().describe('Reduction (or increase) as a percentage of the baseline'),
    importLimitMW: PowerMW.optional().describe('Fleet import limit during the event, MW'),
    sites: z.array(Id).min(1).optional().describe('Sites called (default: every site in the program)'),
  })
  .refine((e) => (e.end === undefined) !== (e.durationHours === undefined), { message: 'give exactly one of "end" or "durationHours"' })
  .refine((e) => [e.targetMW, e.targetPercent, e.importLimitMW].filter((x) => x !== undefined).length <= 1, {
    message: 'give at most one of "targetMW", "targetPercent" or "importLimitMW"',
  });
/** A scheduled event as written. */
export type EventSpec = z.infer<typeof EventSpec>;

/** Events generated from a grid-stress signal: the top N days or hours. */
export const EventGenerator = z
  .strictObject({
    signal: z.enum(['temperature', 'price', 'series']).describe('Stress signal: a site\'s outdoor temperature or import price, or a series file (e.g. system load)'),
    site: Id.optional().describe('Site whose temperature or price is the signal (default: the program\'s first site)'),
    series: SeriesRef.optional().describe('signal "series": the stress series (e.g. utility system load)'),
    seriesQuantity: z.enum(['power', 'price', 'temperature', 'dimensionless']).default('power').describe('What the series measures (decides unit conversion)'),
    count: z.number().int().positive().max(8784).describe('Number of events'),
    per: z.enum(['day', 'hour']).default('day').describe('"day": the N days with the highest peak, one event each; "hour": the N highest non-overlapping blocks'),
    durationHours: boundedAbove(0, 24).describe('Length of each event, hours'),
    minGapHours: bounded(0, MAX_HORIZON_HOURS).default(0).describe('Least time between two generated events, hours'),
    targetMW: PositivePowerMW.optional().describe('Fleet reduction per event, MW'),
    targetPercent: z.number().gt(0).max(100).optional(),
  })
  .refine((g) => g.signal !== 'series' || g.series !== undefined, { message: 'signal "series" needs a "series" reference', path: ['series'] });

/** A demand-response or peak-shaving program. */
export const DrProgram = z.strictObject({
  id: Id,
  name: z.string().optional(),
  kind: z.enum(['peakShaving', 'valleyFilling']).default('peakShaving').describe('Reduce load (peak shaving) or raise it (valley filling)'),
  sites: z.array(Id).min(1).optional().describe('Sites enrolled (default: every site)'),
  noticeHours: bounded(0, MAX_HORIZON_HOURS).default(0).describe('Least notice before an event starts, hours (24 = day-ahead)'),
  window: z
    .strictObject({
      from: TimeOfDay,
      to: TimeOfDay,
      months: z.array(z.number().int().min(1).max(12)).optional(),
      days: z.enum(['all', 'workdays', 'nonWorkdays']).default('all'),
    })
    .optional()
    .describe('When events may be called (local time of the horizon zone)'),
  minDurationHours: boundedAbove(0, MAX_HORIZON_HOURS).default(0.25).describe('Shortest event, hours'),
  maxDurationHours: boundedAbove(0, MAX_HORIZON_HOURS).default(4).describe('Longest event, hours'),
  commitmentMW: PositivePowerMW.optional().describe('Fleet committed capacity, MW (default: a bid built from the flexibility envelope)'),
  siteCommitmentsMW: z.record(Id, PositivePowerMW).optional().describe('Committed capacity per site, MW (checked against each site\'s capacity)'),
  energyPayPerMWh: CostPerMWh.default(0).describe('Pay per MWh delivered, currency/MWh'),
  capacityPayPerKWMonth: ChargePerKW.default(0).describe('Pay per kW committed and month enrolled'),
  delivery: DeliveryRules.default({ minRatio: 0.8, maxRatio: 1.2, penaltyBelowRatio: 0.5, penaltyMultiple: 0.5, assess: 'event' }),
  measurementIntervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(60).describe('Interval of the meter data delivery is measured on'),
  baseline: BaselineChoice.default('caiso-10-of-10'),
  siteBaselines: z.record(Id, BaselineChoice).optional().describe('Baseline per site where the rule differs (e.g. the province\'s rule)'),
  holidays: z.array(LocalDate).default([]).describe('Non-working days for baselines, besides weekends and the sites\' tariff holidays'),
  aggregatorShare: Fraction.default(0).describe('Share of the fleet payment the aggregator keeps; the rest goes to sites by delivered kWh'),
  bidMargin: Fraction.default(0.1).describe('Safety margin when the commitment is built from the flexibility envelope'),
  deliveryAim: z.number().min(1).max(2).default(1).describe('The aggregator plans delivery of this multiple of the target'),
  events: z
    .strictObject({
      schedule: z.array(EventSpec).default([]),
      file: z.string().min(1).optional().describe('Schedule file (CSV, YAML, JSON or OpenADR 3 event JSON) relative to the scenario'),
      generate: EventGenerator.optional(),
    })
    .default({ schedule: [] }),
});
/** A program as written (defaults applied). */
export type DrProgram = z.infer<typeof DrProgram>;

/** The scenario's `gridPrograms` section. */
export const GridPrograms = z
  .strictObject({
    programs: z.array(DrProgram).default([]),
  })
  .describe('Demand-response programs and events');
/** The `gridPrograms` section as parsed. */
export type GridPrograms = z.infer<typeof GridPrograms>;
