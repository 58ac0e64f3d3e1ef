/** Small schema pieces shared by the scenario sections. */
import { z } from 'zod';

/** An identifier users write in files and see in reports. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-" or "." (starting with a letter or digit)')
  .max(64)
  .describe('Identifier: letters, digits, "_", "-", "."');

/** Local wall-clock time (`2023-07-14T19:00`) or an instant with offset (`...-05:00`, `Z`). */
export const Timestamp = z
  .string()
  .describe('ISO 8601 time: local wall clock in the horizon time zone (2023-07-14T19:00) or with an offset (2023-07-14T19:00-05:00)');

export const NonNegative = z.number().nonnegative();
export const Positive = z.number().positive();
export const Fraction = z.number().min(0).max(1);

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
