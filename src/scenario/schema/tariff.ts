/**
 * Electricity tariffs: how grid energy, demand and capacity are billed, and what exported
 * energy earns. Prices are in the scenario currency; per MWh (or per kWh, under the `…PerKWh`
 * spelling) for energy, per kW or kVA and month for demand and capacity. docs/tariffs.md lists
 * every rule with a worked example and its source.
 */
import { z } from 'zod';
import { SeriesRef } from '../../series/schema.ts';
import { bounded, boundedAbove, ChargePerKW, CostPerMWh, LIMITS, MonthKey, MonthOfYear, PowerKW, PricePerMWh, TemperatureC, TimeOfDay, Timestamp, withUnitAlternatives } from './common.ts';

/** The time-of-use period names of Chinese provincial tariffs (any other name may be used too). */
export const TouPeriod = z.enum(['deepValley', 'valley', 'flat', 'peak', 'criticalPeak']);
export type TouPeriod = z.infer<typeof TouPeriod>;

/** A time-of-use period name: the fixed Chinese names or any other (`onPeak`, `superOffPeak`, `p3`…). */
export const PeriodName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'use letters, digits, "_" or "-", starting with a letter')
  .max(40)
  .refine((n) => n !== 'criticalPeak', 'criticalPeak is set by the criticalPeak rule, not by a band or a price')
  .describe('Time-of-use period name');

/** An energy price per kWh, ±1 000 (the per-MWh bound ÷ 1000). */
const PricePerKWh = bounded(-LIMITS.pricePerMWh / 1000, LIMITS.pricePerMWh / 1000);
/** Demand and capacity rates, currency per kW (kVA) and month. */
const RatePerKWMonth = ChargePerKW;
/** A monthly energy above 0, MWh (at most 10 000 000 MWh). */
const EnergyMWh = boundedAbove(0, LIMITS.energyMWh);
/** The same in kWh. */
const EnergyKWh = boundedAbove(0, LIMITS.energyMWh * 1000);
/** A multiplier on a price, 0 to 1 000. */
const Multiplier = bounded(0, LIMITS.factor);

export const DayType = z.enum(['all', 'workdays', 'nonWorkdays']);

const Months = z.array(MonthOfYear).min(1);

/** One band of a time-of-use calendar. Later bands override earlier ones. */
export const TouBand = z.strictObject({
  period: PeriodName.describe('Period of the hours this band covers (must have a price, or fall back to the default period\'s)'),
  from: TimeOfDay.describe('Start (local time, inclusive)'),
  to: TimeOfDay.describe('End (local time, exclusive); a band may wrap past midnight'),
  months: Months.optional().describe('Months the band applies in (default: all)'),
  days: DayType.default('all').describe('Workdays are Monday–Friday that are not holidays (plus listed extra workdays)'),
});

/** Critical-peak rule: an uplift on peak prices in given months, hours and (optionally) hot days. */
export const CriticalPeakRule = z.strictObject({
  months: Months,
  bands: z.array(z.strictObject({ from: TimeOfDay, to: TimeOfDay })).min(1),
  upliftOverPeak: bounded(0, 100).describe('Critical-peak price = peak price × (1 + uplift), e.g. 0.25'),
  minDailyMaxTemperatureC: TemperatureC
    .optional()
    .describe('Only on local days whose maximum outdoor temperature reaches this (°C); needs site weather'),
});

export const SpotEnergy = withUnitAlternatives(
  z.strictObject({
    type: z.literal('spot'),
    adderPerMWh: PricePerMWh.optional().describe('Network and government charges added to every MWh imported (default 0)'),
    adderPerKWh: PricePerKWh.optional().describe('The same adder per kWh'),
    multiplier: Multiplier.default(1).describe('Multiplier on the spot price (e.g. currency conversion)'),
  }),
  [{ field: 'adderPerMWh', alt: 'adderPerKWh', factor: 1000, default: 0 }],
);

export const FlatEnergy = withUnitAlternatives(
  z.strictObject({
    type: z.literal('flat'),
    pricePerMWh: PricePerMWh.optional().describe('Energy price, currency per MWh'),
    pricePerKWh: PricePerKWh.optional().describe('Energy price, currency per kWh'),
  }),
  [{ field: 'pricePerMWh', alt: 'pricePerKWh', factor: 1000, required: true }],
);

/** Prices of some periods in some months (a season, or one month), overriding the tariff's prices there. */
export const TouSeason = withUnitAlternatives(
  z.strictObject({
    name: z.string().max(40).optional().describe('Label, e.g. summer'),
    months: Months.describe('Months these prices apply in'),
    pricesPerMWh: z.record(PeriodName, PricePerMWh).optional().describe('Price per period in these months, currency per MWh; periods not listed keep the tariff price'),
    pricesPerKWh: z.record(PeriodName, PricePerKWh).optional().describe('The same prices per kWh'),
  }),
  [{ field: 'pricesPerMWh', alt: 'pricesPerKWh', factor: 1000, required: true }],
);

export const TouEnergy = withUnitAlternatives(
  z.strictObject({
    type: z.literal('tou'),
    pricesPerMWh: z
      .record(PeriodName, PricePerMWh)
      .optional()
      .describe('Price per period, currency per MWh: the Chinese names deepValley, valley, flat, peak or any others; a missing period falls back to the default period\'s price'),
    pricesPerKWh: z.record(PeriodName, PricePerKWh).optional().describe('The same prices per kWh'),
    bands: z.array(TouBand).describe('Bands assigning periods to hours; unassigned hours are in the default period'),
    defaultPeriod: PeriodName.default('flat').describe('Period of hours no band assigns (default flat)'),
    seasons: z.array(TouSeason).default([]).describe('Seasonal or month-specific prices; later seasons override earlier ones'),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]).describe('Local dates billed as non-workdays'),
    extraWorkdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]).describe('Weekend dates billed as workdays (make-up days)'),
    criticalPeak: CriticalPeakRule.optional(),
    adderPerMWh: PricePerMWh.optional().describe('Charges added to every MWh (network, government funds; default 0)'),
    adderPerKWh: PricePerKWh.optional().describe('The same adder per kWh'),
  }),
  [
    { field: 'pricesPerMWh', alt: 'pricesPerKWh', factor: 1000, required: true },
    { field: 'adderPerMWh', alt: 'adderPerKWh', factor: 1000, default: 0 },
  ],
).describe('Time-of-use energy prices');

export const EnergyPricing = z.discriminatedUnion('type', [SpotEnergy, FlatEnergy, TouEnergy]);
export type EnergyPricing = z.infer<typeof EnergyPricing>;

/** One block of monthly consumption and the price added to every MWh in it. */
export const EnergyTier = withUnitAlternatives(
  z.strictObject({
    upToMWh: EnergyMWh.optional().describe('Upper end of the block, MWh of the month\'s import (cumulative); omit on the last block'),
    upToKWh: EnergyKWh.optional().describe('The same, kWh'),
    adderPerMWh: PricePerMWh.optional().describe('Price added to every MWh in this block, currency per MWh (may be negative)'),
    adderPerKWh: PricePerKWh.optional().describe('The same per kWh'),
  }),
  [
    { field: 'upToMWh', alt: 'upToKWh', factor: 0.001 },
    { field: 'adderPerMWh', alt: 'adderPerKWh', factor: 1000, required: true },
  ],
);

/** PUE-linked surcharge tiers (e.g. Beijing: +0.2 CNY/kWh up to 1× over the limit, +0.5 beyond). */
export const PueAdjustment = z.strictObject({
  period: z.enum(['month', 'year']).default('year').describe('Period over which PUE is measured'),
  limit: bounded(1, 10).describe('PUE above which surcharges apply'),
  tiers: z
    .array(
      z.strictObject({
        aboveLimitByFraction: bounded(0, 100).describe('Tier applies when PUE exceeds limit × (1 + this)'),
        surchargePerMWh: PricePerMWh.describe('Surcharge, currency per MWh of grid energy'),
      }),
    )
    .default([]),
  basis: z.enum(['allEnergy', 'excessEnergy']).default('allEnergy').describe('Surcharge on all grid energy of the period, or only the part above the limit'),
  discount: z
    .strictObject({ atOrBelow: bounded(1, 10), discountPerMWh: CostPerMWh })
    .optional()
    .describe('Discount per MWh when PUE is at or below a threshold'),
});

/** Hours in which a demand charge measures the peak (a TOU demand window). */
export const DemandWindow = z.strictObject({
  from: TimeOfDay.default('00:00').describe('Start (local time, inclusive)'),
  to: TimeOfDay.default('24:00').describe('End (local time, exclusive); may wrap past midnight'),
  months: Months.optional().describe('Months (default: all)'),
  days: DayType.default('all').describe('Workdays are Monday–Friday that are not holidays (the energy calendar\'s holidays apply)'),
});

/** A rate per kW and month: one figure, or twelve (January … December). */
const MonthlyRate = z.union([RatePerKWMonth, z.array(RatePerKWMonth).length(12)]);

/** One block of billed demand and its rate. */
export const DemandTier = z.strictObject({
  upToKW: PowerKW.optional().describe('Upper end of the block, kW of billed demand; omit on the last block'),
  ratePerKWMonth: MonthlyRate.describe('Rate of demand in this block, currency per kW-month (or twelve monthly rates)'),
});

/** The billed demand is at least a share of an earlier peak (ratchet, look-back). */
export const DemandRatchet = z.strictObject({
  fraction: z.union([z.number().min(0).max(1), z.array(z.number().min(0).max(1)).length(12)]).describe('Share of the highest earlier peak that is billed at least (or twelve, one per billing month)'),
  lookbackMonths: z.number().int().min(1).max(36).default(11).describe('Months before the billing month whose peaks count'),
  months: Months.optional().describe('Only the peaks of these months of the year count (e.g. summer months); default all'),
});

/** System-peak hours a coincident-peak charge measures demand at. */
export const CoincidentPeak = z.strictObject({
  times: z.array(Timestamp).optional().describe('Start of each announced system-peak interval (local time or with an offset)'),
  series: SeriesRef.optional().describe('A 0/1 series on the grid: 1 in the announced system-peak steps'),
  measure: z.enum(['max', 'average']).default('max').describe('Bill the highest demand at those intervals in the month, or their average (e.g. 4CP-style)'),
});

export const DemandCharge = z
  .strictObject({
    name: z.string().min(1).max(80).describe('Bill line, e.g. "on-peak demand"'),
    ratePerKWMonth: MonthlyRate.optional().describe('Rate, currency per kW-month: one figure or twelve (January … December)'),
    tiers: z.array(DemandTier).min(1).optional().describe('Blocks of billed demand with their own rates (instead of ratePerKWMonth)'),
    windows: z.array(DemandWindow).default([]).describe('Hours the peak is measured in (any of them); none: every hour'),
    intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).optional().describe('Averaging interval (default: the tariff\'s demandIntervalMinutes)'),
    coincident: CoincidentPeak.optional().describe('Measure demand only at the utility\'s announced system-peak intervals'),
    ratchet: DemandRatchet.optional(),
    history: z
      .array(z.strictObject({ month: MonthKey, peakKW: PowerKW.describe('Peak measured under this charge, kW') }))
      .default([])
      .describe('Peaks of months before the horizon (for ratchets) and the peak so far of a month the horizon starts in'),
  })
  .superRefine((d, ctx) => {
    if ((d.ratePerKWMonth === undefined) === (d.tiers === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of ratePerKWMonth or tiers', path: ['ratePerKWMonth'] });
    if (d.tiers) {
      d.tiers.forEach((t, i) => {
        const last = i === d.tiers!.length - 1;
        if (!last && t.upToKW === undefined) ctx.addIssue({ code: 'custom', message: 'every block but the last needs upToKW', path: ['tiers', i, 'upToKW'] });
        if (last && t.upToKW !== undefined) ctx.addIssue({ code: 'custom', message: 'the last block has no upper end (omit upToKW)', path: ['tiers', i, 'upToKW'] });
        if (i > 0 && t.upToKW !== undefined && t.upToKW <= d.tiers![i - 1]!.upToKW!) ctx.addIssue({ code: 'custom', message: `upToKW must increase (block ${i} ends at ${t.upToKW} kW, block ${i - 1} at ${d.tiers![i - 1]!.upToKW} kW)`, path: ['tiers', i, 'upToKW'] });
      });
    }
    if (d.coincident && (d.coincident.times === undefined) === (d.coincident.series === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of times or series', path: ['coincident'] });
    }
    const seen = new Set<string>();
    d.history.forEach((x, i) => {
      if (seen.has(x.month)) ctx.addIssue({ code: 'custom', message: `month ${x.month} is listed twice`, path: ['history', i, 'month'] });
      seen.add(x.month);
    });
  })
  .describe('A demand charge: the peak (averaged over the interval) within its windows, billed per kW and month');
export type DemandCharge = z.infer<typeof DemandCharge>;

/** China's two-part tariff: the basic charge on contracted capacity (kVA) or on maximum demand (kW). */
export const TwoPart = z.strictObject({
  capacityRatePerKVAMonth: RatePerKWMonth.describe('Basic charge on contracted (transformer) capacity, currency per kVA-month'),
  demandRatePerKWMonth: RatePerKWMonth.describe('Basic charge on maximum demand, currency per kW-month'),
  basis: z.enum(['capacity', 'demand', 'cheaper']).default('cheaper').describe('Billed on capacity, on demand, or on whichever is cheaper for the load in each choice period'),
  choicePeriod: z.enum(['month', 'quarter', 'year']).default('month').describe('How long a choice of basis holds (calendar months, quarters or years)'),
  minDemandFractionOfCapacity: z.number().min(0).max(1).default(0.4).describe('Billed demand is at least this share of contracted capacity (kVA read as kW)'),
});

export const Export = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('none') }),
    z.strictObject({ type: z.literal('spot'), multiplier: Multiplier.default(1) }),
    withUnitAlternatives(
      z.strictObject({ type: z.literal('flat'), pricePerMWh: PricePerMWh.optional(), pricePerKWh: PricePerKWh.optional() }),
      [{ field: 'pricePerMWh', alt: 'pricePerKWh', factor: 1000, required: true }],
    ),
    withUnitAlternatives(
      z.strictObject({
        type: z.literal('netMetering'),
        limitMWhPerMonth: EnergyMWh.optional().describe('Most exported energy credited at the retail rate per month, MWh (default: up to the month\'s imported energy)'),
        limitKWhPerMonth: EnergyKWh.optional().describe('The same, kWh'),
        excessPricePerMWh: PricePerMWh.optional().describe('What export beyond the limit earns, currency per MWh (default 0)'),
        excessPricePerKWh: PricePerKWh.optional().describe('The same per kWh'),
      }),
      [
        { field: 'limitMWhPerMonth', alt: 'limitKWhPerMonth', factor: 0.001 },
        { field: 'excessPricePerMWh', alt: 'excessPricePerKWh', factor: 1000, default: 0 },
      ],
    ).describe('Net metering: export credited at the retail energy rate of its step, up to a monthly limit'),
    z
      .strictObject({
        type: z.literal('netBilling'),
        price: SeriesRef.describe('Export price series (wholesale or avoided cost), currency/MWh or /kWh'),
        multiplier: Multiplier.default(1),
      })
      .describe('Net billing: export paid at a price series of its own'),
  ])
  .default({ type: 'none' })
  .describe('What exported energy earns');

export const Tariff = z
  .strictObject({
    energy: EnergyPricing,
    energyTiers: z
      .array(EnergyTier)
      .default([])
      .describe('Blocks of monthly imported energy with a price added to every MWh in them (declining or inclining blocks)'),
    demandChargePerKWMonth: RatePerKWMonth.default(0).describe('Charge on each month\'s maximum import, per kW (a shorthand for one all-hours demand charge)'),
    demandIntervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(60).describe('Averaging interval for maximum demand'),
    demandCharges: z.array(DemandCharge).default([]).describe('Demand charges, each with its own hours, rates, tiers, ratchet or coincident-peak rule'),
    capacityChargePerKVAMonth: RatePerKWMonth.default(0).describe('Charge per kVA of contracted capacity, per month'),
    twoPart: TwoPart.optional().describe('China two-part tariff: basic charge on capacity or on demand, or the cheaper of the two'),
    fixedChargePerMonth: bounded(0, LIMITS.unitPrice).default(0).describe('Customer or service charge per month, currency'),
    fixedChargePerDay: bounded(0, LIMITS.unitPrice).default(0).describe('Customer charge per day, currency'),
    minimumChargePerMonth: bounded(0, LIMITS.unitPrice).default(0).describe('Least the utility bills in a month (energy, demand, capacity and fixed charges net of export credits); the bill tops up to it'),
    proration: z.enum(['prorata', 'whole']).default('prorata').describe('A month only partly inside the horizon: monthly charges and limits pro rata to its hours, or whole'),
    export: Export,
    forbidSimultaneousImportExport: z.boolean().default(false).describe('The meter (or interconnection agreement) forbids importing and exporting in the same step'),
    pueAdjustment: PueAdjustment.optional(),
    carbonPricePerTonne: bounded(0, LIMITS.pricePerMWh).default(0).describe('Carbon price on the location-based CO2 of grid imports, currency per tonne (emissions trading or carbon tax)'),
    greenCertificates: z
      .strictObject({
        pricePerMWh: CostPerMWh.describe('Price of one certificate (1 certificate = 1 MWh)'),
        targetGreenShare: z.number().min(0).max(1).describe('Share of facility energy that must be green (direct + certificates)'),
      })
      .optional(),
  })
  .superRefine((t, ctx) => {
    t.energyTiers.forEach((tier, i) => {
      const last = i === t.energyTiers.length - 1;
      if (!last && tier.upToMWh === undefined) ctx.addIssue({ code: 'custom', message: 'every block but the last needs upToMWh (or upToKWh)', path: ['energyTiers', i, 'upToMWh'] });
      if (last && tier.upToMWh !== undefined) ctx.addIssue({ code: 'custom', message: 'the last block has no upper end (omit upToMWh)', path: ['energyTiers', i, 'upToMWh'] });
      const prev = t.energyTiers[i - 1]?.upToMWh;
      if (prev !== undefined && tier.upToMWh !== undefined && tier.upToMWh <= prev) ctx.addIssue({ code: 'custom', message: `upToMWh must increase (block ${i} ends at ${tier.upToMWh} MWh, block ${i - 1} at ${prev} MWh)`, path: ['energyTiers', i, 'upToMWh'] });
    });
    const names = new Set<string>();
    t.demandCharges.forEach((d, i) => {
      if (names.has(d.name)) ctx.addIssue({ code: 'custom', message: `demand charge "${d.name}" is listed twice; names label bill lines and must differ`, path: ['demandCharges', i, 'name'] });
      names.add(d.name);
    });
  })
  .describe('How the site\'s grid electricity is billed');
export type Tariff = z.infer<typeof Tariff>;

export const DefaultTariff = { energy: { type: 'spot' as const } };
