/**
 * Small schema pieces shared by the scenario sections.
 *
 * Every number a scenario holds is finite and lies in a stated physical range: a value such as
 * 1e308 would otherwise pass, overflow to Infinity in a product and come out of the pipeline as
 * NaN (or as a silent 0 in a report). The helpers below carry those ranges; each one is wide
 * enough for any real fleet and narrow enough that products of them stay far from overflow.
 * `scenarioJsonSchema()` writes every range into the field's description.
 */
import { z } from 'zod';
import { bounded, boundedAbove, boundedInt, LIMITS } from '../../limits/ranges.ts';

export { bounded, boundedAbove, boundedInt, LIMITS, MAX_HORIZON_HOURS } from '../../limits/ranges.ts';

/** An identifier users write in files and see in reports. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-" or "." (starting with a letter or digit)')
  .max(64)
  .describe('Identifier: letters, digits, "_", "-", "."');

/** Longest timestamp text accepted (the longest ISO 8601 form with fraction and offset is ~35). */
export const MAX_TIMESTAMP_CHARS = 64;

/** Local wall-clock time (`2023-07-14T19:00`) or an instant with offset (`...-05:00`, `Z`). */
export const Timestamp = z
  .string()
  .max(MAX_TIMESTAMP_CHARS)
  .describe('ISO 8601 time: local wall clock in the horizon time zone (2023-07-14T19:00) or with an offset (2023-07-14T19:00-05:00)');

/** A number ≥ 0 with only the generic ceiling; prefer one of the physical helpers. */
export const NonNegative = bounded(0, LIMITS.generic);
/** A number > 0 with only the generic ceiling; prefer one of the physical helpers. */
export const Positive = boundedAbove(0, LIMITS.generic);
/** A share between 0 and 1. */
export const Fraction = bounded(0, 1);
/** A percentage between 0 and 100. */
export const Percent = bounded(0, 100);

/** A power of a site or plant, 0 to 100 000 MW. */
export const PowerMW = bounded(0, LIMITS.powerMW);
/** A power of a site or plant, above 0 and at most 100 000 MW. */
export const PositivePowerMW = boundedAbove(0, LIMITS.powerMW);
/** A power in kW (or kVA), 0 to 100 000 MW expressed in kW. */
export const PowerKW = bounded(0, LIMITS.powerMW * 1000);
/** An energy capacity, 0 to 10 000 000 MWh. */
export const EnergyMWh = bounded(0, LIMITS.energyMWh);

/** An energy price that may be negative, ±1 000 000 per MWh. */
export const PricePerMWh = bounded(-LIMITS.pricePerMWh, LIMITS.pricePerMWh);
/** A price, cost or penalty per MWh that is not negative, 0 to 1 000 000. */
export const CostPerMWh = bounded(0, LIMITS.pricePerMWh);
/** A charge per kW, kVA or kW-month, 0 to 1 000 000. */
export const ChargePerKW = bounded(0, LIMITS.pricePerKW);
/** A price per unit of work or per tonne, 0 to 1e9. */
export const UnitPrice = bounded(0, LIMITS.unitPrice);
/** A money amount that is not negative, 0 to 1e15. */
export const Money = bounded(0, LIMITS.money);

/** An outdoor temperature, −90 to 60 °C. */
export const TemperatureC = bounded(LIMITS.minTemperatureC, LIMITS.maxTemperatureC);
/** A number of GPUs, 1 to 10 000 000. */
export const GpuCount = boundedInt(1, LIMITS.gpus);
/** A GPU or host power, above 0 and at most 100 000 W. */
export const PositiveWatts = boundedAbove(0, LIMITS.gpuPowerW);
/** A GPU or host power, 0 to 100 000 W. */
export const Watts = bounded(0, LIMITS.gpuPowerW);
/** A multiplier or dimensionless factor, ±1 000. */
export const Factor = bounded(-LIMITS.factor, LIMITS.factor);

/** A time-of-day `HH:MM` (00:00–24:00). */
export const TimeOfDay = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$|^24:00$/, 'use HH:MM between 00:00 and 24:00')
  .describe('Local time of day, HH:MM');

/** A quantity a user may give in either of two units, under two field names (e.g. `importLimitMW` or `importLimitKW`). */
export interface UnitAlternative {
  /** The field the rest of the code reads (the internal unit), e.g. `importLimitMW`. */
  field: string;
  /** The other spelling, e.g. `importLimitKW`. */
  alt: string;
  /** Internal value = alternative value × factor (kW → MW: 0.001; per kWh → per MWh: 1000). */
  factor: number;
  /** Exactly one of the two must be given (otherwise at most one). */
  required?: boolean;
  /** Value when neither is given (in the internal unit). */
  default?: number;
}

/**
 * Lets an object take a quantity under either unit: checks that exactly one (or, for optional
 * quantities, at most one) of the two spellings is given and converts the alternative into the
 * internal unit, so every later stage sees one unit only. Works on numbers and on records of
 * numbers (per-period prices) and arrays of numbers (per-month rates).
 */
export function withUnitAlternatives<S extends z.ZodType<Record<string, unknown>>, const A extends readonly UnitAlternative[]>(schema: S, alternatives: A) {
  return schema
    .superRefine((o, ctx) => {
      for (const a of alternatives) {
        const has = o[a.field] !== undefined;
        const hasAlt = o[a.alt] !== undefined;
        if (has && hasAlt) ctx.addIssue({ code: 'custom', message: `give either ${a.field} or ${a.alt}, not both`, path: [a.alt] });
        else if (a.required && !has && !hasAlt) ctx.addIssue({ code: 'custom', message: `give ${a.field} (or ${a.alt})`, path: [a.field] });
      }
    })
    .transform((o) => {
      // defaults of quantities with two spellings are applied here, after the both-given check
      const out: Record<string, unknown> = { ...o };
      for (const a of alternatives) {
        const v = out[a.alt];
        delete out[a.alt];
        if (v === undefined) {
          if (out[a.field] === undefined && a.default !== undefined) out[a.field] = a.default;
          continue;
        }
        out[a.field] =
          typeof v === 'number'
            ? scaleUnit(v, a.factor)
            : Array.isArray(v)
              ? v.map((x: number) => scaleUnit(x, a.factor))
              : Object.fromEntries(Object.entries(v as Record<string, number>).map(([k, x]) => [k, scaleUnit(x, a.factor)]));
      }
      return out as UnitNormalised<z.output<S>, A[number]['alt'], Extract<A[number], { required: true } | { default: number }>['field']>;
    });
}

/** An object after {@link withUnitAlternatives}: alternative spellings gone, required quantities present. */
export type UnitNormalised<T, Alt extends PropertyKey, Req extends PropertyKey> = Omit<T, Alt | Req> & { [K in Req & keyof T]-?: Exclude<T[K], undefined> };

/** A month of the year, 1–12. */
export const MonthOfYear = z.number().int().min(1).max(12);
/** A calendar month, `YYYY-MM`. */
export const MonthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'use YYYY-MM');

/** Multiplies by a power of ten without binary noise (0.12 × 1000 = 120, not 120.00000000000001). */
function scaleUnit(v: number, factor: number): number {
  return Number((v * factor).toPrecision(15));
}

/** Keys that would reach Object.prototype when a user path is walked or assigned. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
