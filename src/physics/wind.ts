/**
 * Wind output per MW from wind speed: power-law shear to hub height, then a generic power curve
 * (cubic from cut-in to rated, flat to cut-out, zero above), less losses. docs/model.md §3.
 */
import type { z } from 'zod';
import { WindParams } from '../scenario/schema/site.ts';

/** Wind parameters after schema defaults. */
export type WindParamsSpec = z.output<typeof WindParams>;

/** Wind speed at hub height by the power law v_hub = v·(hub/measured)^α. */
export function windAtHub(speedMS: number, measuredAtM: number, hubHeightM: number, shearExponent: number): number {
  return speedMS * (hubHeightM / measuredAtM) ** shearExponent;
}

/**
 * Generic turbine power curve as a share of rated power: 0 below cut-in,
 * (v³ − v_in³)/(v_rated³ − v_in³) up to rated, 1 up to cut-out, 0 above (storm shutdown).
 */
export function powerCurveFraction(hubSpeedMS: number, cutInMS: number, ratedMS: number, cutOutMS: number): number {
  const v = hubSpeedMS;
  if (!(v >= cutInMS) || v > cutOutMS) return 0;
  if (v >= ratedMS) return 1;
  return (v ** 3 - cutInMS ** 3) / (ratedMS ** 3 - cutInMS ** 3);
}

/**
 * Wind capacity factor per step (0–1) from wind speed measured at `measuredAtM` metres, m/s.
 * A missing (NaN) speed gives 0.
 */
export function windCapacityFactor(windSpeedMS: Float64Array, measuredAtM: number, params: Partial<WindParamsSpec> = {}): Float64Array {
  const p = WindParams.parse(params);
  const out = new Float64Array(windSpeedMS.length);
  const keep = 1 - p.lossesFraction;
  for (let i = 0; i < windSpeedMS.length; i++) {
    const v = windSpeedMS[i]!;
    if (!Number.isFinite(v) || v <= 0) continue;
    const cf = powerCurveFraction(windAtHub(v, measuredAtM, p.hubHeightM, p.shearExponent), p.cutInMS, p.ratedMS, p.cutOutMS) * keep;
    out[i] = Math.min(1, Math.max(0, cf));
  }
  return out;
}
