/**
 * Wind output per MW from wind speed: power-law shear to hub height, then a wind-FARM power
 * curve (the generic single-turbine curve — cubic from cut-in to rated, flat to cut-out, zero
 * above — smoothed by a Gaussian spread of speeds across the farm and within the step), less
 * losses. Formulas, defaults and sources: docs/model.md §3.2.
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

/** The turbine and spread parameters a farm power curve depends on. */
export type FarmCurveParams = Pick<WindParamsSpec, 'cutInMS' | 'ratedMS' | 'cutOutMS' | 'speedSpreadMS' | 'speedSpreadFraction'>;

/** Standard deviation of the speeds seen by a farm whose mean hub speed is v: σ = a + b·v, m/s. */
export function speedSpreadMS(hubSpeedMS: number, p: Pick<FarmCurveParams, 'speedSpreadMS' | 'speedSpreadFraction'>): number {
  return p.speedSpreadMS + p.speedSpreadFraction * Math.max(0, hubSpeedMS);
}

/** Standard normal density φ(z). */
function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal distribution function Φ(z), through erf by Abramowitz & Stegun 7.1.26
 * (absolute error below 1.5e-7).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Farm power curve at one mean hub speed v: the single-turbine curve averaged over speeds
 * U ~ Normal(v, σ²), σ = speedSpreadMS + speedSpreadFraction·v (the multi-turbine power-curve
 * approach; σ = 0.6 + 0.2·v as in Staffell & Pfenninger 2016). Exact, by the partial moments of
 * the normal distribution over the cubic and flat parts of the curve:
 *
 *   E[f(U)] = (E[U³; c ≤ U < r] − c³·P(c ≤ U < r)) / (r³ − c³) + P(r ≤ U ≤ o)
 *
 * with c, r, o the cut-in, rated and cut-out speeds. With σ = 0 it is the single-turbine curve.
 */
export function farmPowerCurveFraction(hubSpeedMS: number, p: FarmCurveParams): number {
  const v = hubSpeedMS;
  const sigma = speedSpreadMS(v, p);
  const c = p.cutInMS;
  const o = p.cutOutMS;
  // A spread under 1 nm/s is no spread (and would overflow the standardised bounds).
  if (!(sigma > 1e-9)) return powerCurveFraction(v, c, p.ratedMS, o);
  const z = (x: number) => (x - v) / sigma;
  let out = 0;
  // Cubic part, c ≤ U < min(rated, cut-out).
  const rTop = Math.min(p.ratedMS, o);
  if (rTop > c) {
    const a = z(c);
    const b = z(rTop);
    const [pa, pb] = [normalPdf(a), normalPdf(b)];
    const j0 = normalCdf(b) - normalCdf(a);
    const j1 = pa - pb;
    const j2 = j0 + a * pa - b * pb;
    const j3 = (a * a + 2) * pa - (b * b + 2) * pb;
    const cube = v ** 3 * j0 + 3 * v * v * sigma * j1 + 3 * v * sigma * sigma * j2 + sigma ** 3 * j3;
    out += (cube - c ** 3 * j0) / (p.ratedMS ** 3 - c ** 3);
  }
  // Flat part, max(rated, cut-in) ≤ U ≤ cut-out.
  const flatFrom = Math.max(p.ratedMS, c);
  if (o > flatFrom) out += normalCdf(z(o)) - normalCdf(z(flatFrom));
  return Math.min(1, Math.max(0, out));
}

/**
 * Wind capacity factor per step (0–1) from wind speed measured at `measuredAtM` metres, m/s:
 * shear to hub height, farm power curve, less losses. A missing (NaN) or non-positive speed
 * gives 0.
 */
export function windCapacityFactor(windSpeedMS: Float64Array, measuredAtM: number, params: Partial<WindParamsSpec> = {}): Float64Array {
  const p = WindParams.parse(params);
  const out = new Float64Array(windSpeedMS.length);
  const keep = 1 - p.lossesFraction;
  for (let i = 0; i < windSpeedMS.length; i++) {
    const v = windSpeedMS[i]!;
    if (!Number.isFinite(v) || v <= 0) continue;
    const cf = farmPowerCurveFraction(windAtHub(v, measuredAtM, p.hubHeightM, p.shearExponent), p) * keep;
    out[i] = Math.min(1, Math.max(0, cf));
  }
  return out;
}
