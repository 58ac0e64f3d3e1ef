/**
 * The physical ranges of the numbers users give (scenario files, series references): each is
 * finite and lies in a stated range, so a value such as 1e308 cannot pass, overflow to Infinity
 * in a product and come out of the pipeline as NaN. Wide enough for any real fleet, narrow enough
 * that products of them stay far from overflow. Shared by the scenario schema and the series
 * references it holds.
 */
import { z } from 'zod';

/** Longest horizon, hours (five years of 366 days): ledgers and plans grow with the step count. */
export const MAX_HORIZON_HOURS = 24 * 366 * 5;

/**
 * Physical ranges of scenario numbers. Sources of the scale: the largest AI campuses announced
 * are a few GW (so 100 GW per site is a generous ceiling); wholesale price caps are at most a few
 * thousand currency units per MWh (ERCOT 5 000 USD/MWh, the EU harmonised cap 4 000 EUR/MWh), so
 * ±1 000 000 per MWh also holds prices written in currencies with small units; surface air
 * temperatures on Earth have stayed within −90 °C and +57 °C.
 */
export const LIMITS = {
  /** Any power of one site or plant, MW. */
  powerMW: 100_000,
  /** Any energy capacity, MWh. */
  energyMWh: 10_000_000,
  /** Any energy price, adder or penalty, currency per MWh (also the lower bound, negated). */
  pricePerMWh: 1_000_000,
  /** Charges per kW, kVA or kW-month, currency. */
  pricePerKW: 1_000_000,
  /** A price per unit of work (GPU-hour, million tokens, tonne, certificate), currency. */
  unitPrice: 1_000_000_000,
  /** Money amounts (capex unit cost, yearly revenue), currency. */
  money: 1e15,
  /** Outdoor temperatures, °C. */
  minTemperatureC: -90,
  maxTemperatureC: 60,
  /** GPUs of one site, job or inventory line. */
  gpus: 10_000_000,
  /** Power of one GPU or its host share, W. */
  gpuPowerW: 100_000,
  /** Work of one job, GPU-hours. */
  gpuHours: 1e12,
  /** Tokens of one batch job. */
  tokens: 1e18,
  /** Token rate of one GPU, tokens/s. */
  tokensPerSecondPerGpu: 10_000_000,
  /** Multipliers and dimensionless factors. */
  factor: 1_000,
  /** A generic ceiling for counts and quantities without a narrower physical range. */
  generic: 1e15,
} as const;

/** A finite number in [min, max]. */
export function bounded(min: number, max: number): z.ZodNumber {
  return z.number().min(min).max(max);
}

/** A finite number in (min, max]. */
export function boundedAbove(min: number, max: number): z.ZodNumber {
  return z.number().gt(min).max(max);
}

/** A whole number in [min, max]. */
export function boundedInt(min: number, max: number): z.ZodNumber {
  return z.number().int().min(min).max(max);
}

