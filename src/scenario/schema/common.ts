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
