/**
 * Electricity tariffs: how grid energy, demand and capacity are billed, and what exported
 * energy earns. Prices are in the scenario currency; per MWh for energy, per kW or kVA and
 * month for demand and capacity.
 */
import { z } from 'zod';
import { bounded, ChargePerKW, CostPerMWh, Factor, LIMITS, PricePerMWh, TemperatureC, TimeOfDay } from './common.ts';

export const TouPeriod = z.enum(['deepValley', 'valley', 'flat', 'peak', 'criticalPeak']);
export type TouPeriod = z.infer<typeof TouPeriod>;

export const DayType = z.enum(['all', 'workdays', 'nonWorkdays']);

/** One band of a time-of-use calendar. Later bands override earlier ones. */
export const TouBand = z.strictObject({
  period: TouPeriod.exclude(['criticalPeak']),
  from: TimeOfDay.describe('Start (local time, inclusive)'),
  to: TimeOfDay.describe('End (local time, exclusive); a band may wrap past midnight'),
  months: z.array(z.number().int().min(1).max(12)).optional().describe('Months the band applies in (default: all)'),
  days: DayType.default('all').describe('Workdays are Monday–Friday that are not holidays (plus listed extra workdays)'),
});

/** Critical-peak rule: an uplift on peak prices in given months, hours and (optionally) hot days. */
export const CriticalPeakRule = z.strictObject({
  months: z.array(z.number().int().min(1).max(12)).min(1),
  bands: z.array(z.strictObject({ from: TimeOfDay, to: TimeOfDay })).min(1),
  upliftOverPeak: bounded(0, 100).describe('Critical-peak price = peak price × (1 + uplift), e.g. 0.25'),
  minDailyMaxTemperatureC: TemperatureC
    .optional()
    .describe('Only on local days whose maximum outdoor temperature reaches this (°C); needs site weather'),
});

export const SpotEnergy = z.strictObject({
  type: z.literal('spot'),
  adderPerMWh: PricePerMWh.default(0).describe('Network and government charges added to every MWh imported'),
  multiplier: Factor.default(1).describe('Multiplier on the spot price (e.g. currency conversion)'),
});

export const FlatEnergy = z.strictObject({
  type: z.literal('flat'),
  pricePerMWh: PricePerMWh.describe('Energy price, currency per MWh'),
});

export const TouEnergy = z
  .strictObject({
    type: z.literal('tou'),
    pricesPerMWh: z
      .partialRecord(TouPeriod.exclude(['criticalPeak']), PricePerMWh)
      .describe('Price per period, currency per MWh; a missing period falls back to flat'),
    bands: z.array(TouBand).describe('Bands assigning periods to hours; unassigned hours are flat'),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]).describe('Local dates billed as non-workdays'),
    extraWorkdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]).describe('Weekend dates billed as workdays (make-up days)'),
    criticalPeak: CriticalPeakRule.optional(),
    adderPerMWh: PricePerMWh.default(0).describe('Charges added to every MWh (network, government funds)'),
  })
  .describe('Time-of-use energy prices');

export const EnergyPricing = z.discriminatedUnion('type', [SpotEnergy, FlatEnergy, TouEnergy]);
export type EnergyPricing = z.infer<typeof EnergyPricing>;

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

export const Tariff = z
  .strictObject({
    energy: EnergyPricing,
    demandChargePerKWMonth: ChargePerKW.default(0).describe('Charge on each month\'s maximum import, per kW'),
    demandIntervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(60).describe('Averaging interval for maximum demand'),
    capacityChargePerKVAMonth: ChargePerKW.default(0).describe('Charge per kVA of contracted capacity, per month'),
    export: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('spot'), multiplier: Factor.default(1) }),
        z.strictObject({ type: z.literal('flat'), pricePerMWh: PricePerMWh }),
      ])
      .default({ type: 'none' })
      .describe('What exported energy earns'),
    pueAdjustment: PueAdjustment.optional(),
    carbonPricePerTonne: bounded(0, LIMITS.pricePerMWh).default(0).describe('Carbon price on the location-based CO2 of grid imports, currency per tonne (emissions trading or carbon tax)'),
    greenCertificates: z
      .strictObject({
        pricePerMWh: CostPerMWh.describe('Price of one certificate (1 certificate = 1 MWh)'),
        targetGreenShare: z.number().min(0).max(1).describe('Share of facility energy that must be green (direct + certificates)'),
      })
      .optional(),
  })
  .describe('How the site\'s grid electricity is billed');
export type Tariff = z.infer<typeof Tariff>;

export const DefaultTariff = { energy: { type: 'spot' as const } };
