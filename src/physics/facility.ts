/**
 * IT power → facility power. At each step facility power is affine in IT power:
 * facilityKW = itKW·(1 + lossSlope + coolingSlope[t]) + fixedKW, so the optimiser and the
 * simulator share one linear model and PUE is computed from simulated energy, never assumed.
 * A designPUE only calibrates fan and pump power (docs/model.md §2).
 */
import type { z } from 'zod';
import { InputError } from '../errors/index.ts';
import type { Facility } from '../scenario/schema/site.ts';
import { coolingPerKWIt, resolveCooling, type ResolvedCooling } from './cooling.ts';
import type { FacilityCoefficients } from './types.ts';

/** The facility section of a site after schema defaults (zod output). */
export type FacilitySpec = z.output<typeof Facility>;

/** Outdoor weather per step, as aligned by the series stage. */
export interface FacilityWeather {
  temperatureC: Float64Array;
  relativeHumidityPct: Float64Array;
}

/** Facility coefficients plus how they were calibrated. */
export type FacilityModel = FacilityCoefficients & {
  /** PUE at the design point and the fan/pump scale factor k that gives it. */
  design: { pue: number; k: number };
  /** Set when no weather was given: the constant outdoor temperature assumed, °C. */
  assumedTemperatureC?: number;
  /** Cooling parameters after archetype defaults. */
  cooling: ResolvedCooling;
};

/** Without weather the outdoor temperature is taken as this far below the design temperature, °C. */
export const NO_WEATHER_OFFSET_C = 15;

/** UPS and distribution losses per kW of IT: (1/η_UPS − 1) + distribution loss fraction. */
export function lossSlopeOf(facility: FacilitySpec): number {
  return 1 / facility.upsEfficiency - 1 + facility.distributionLossFraction;
}

interface Calibration {
  cooling: ResolvedCooling;
  lossSlope: number;
  k: number;
  pue: number;
}

function calibrate(facility: FacilitySpec, installedItKW: number, path: string): Calibration {
  if (!(installedItKW > 0)) throw new RangeError(`facility: installed IT power must be positive, got ${installedItKW} kW`);
  const cooling = resolveCooling(facility.cooling);
  const lossSlope = lossSlopeOf(facility);
  const c = coolingPerKWIt(cooling, lossSlope, cooling.designOutdoorC, cooling.designRelativeHumidity);
  const fixedPerKWIt = facility.fixedOverheadKW / (cooling.designItLoadFraction * installedItKW);
  const base = 1 + lossSlope + c.mechanical + fixedPerKWIt;
  if (cooling.designPUE === undefined) return { cooling, lossSlope, k: 1, pue: base + c.fanPump };
  const target = cooling.designPUE;
  const where = `at ${cooling.designOutdoorC} °C, ${cooling.designRelativeHumidity} % RH and ${cooling.designItLoadFraction * 100} % IT load`;
  if (c.fanPump <= 0) {
    if (Math.abs(target - base) <= 1e-12) return { cooling, lossSlope, k: 1, pue: base };
    throw new InputError(
      'SCENARIO_INVALID',
      `designPUE ${target} cannot be met: fan and pump power is zero, so PUE ${where} is fixed at ${base.toFixed(4)}`,
      { path: `${path}.cooling.designPUE` },
    );
  }
  const k = (target - base) / c.fanPump;
  if (k < 0) {
    throw new InputError(
      'SCENARIO_INVALID',
      `designPUE ${target} is below what the ${cooling.archetype} plant can reach ${where}: the lowest is ${base.toFixed(4)} ` +
        `(losses ${lossSlope.toFixed(4)}, chillers ${c.mechanical.toFixed(4)}, fixed ${fixedPerKWIt.toFixed(4)} per kW of IT, with no fan or pump power)`,
      { path: `${path}.cooling.designPUE` },
    );
  }
  return { cooling, lossSlope, k, pue: target };
}

/**
 * Per-step facility coefficients for a site. Without weather the outdoor temperature is held at
 * designOutdoorC − 15 °C (relative humidity at its design value), reported in assumedTemperatureC.
 * Throws InputError when designPUE is below what the physics allows at the design point.
 */
export function facilityCoefficients(
  facility: FacilitySpec,
  installedItKW: number,
  weather: FacilityWeather | undefined,
  steps: number,
  path: string,
): FacilityModel {
  const { cooling, lossSlope, k, pue } = calibrate(facility, installedItKW, path);
  const coolingSlope = new Float64Array(steps);
  const slopeAt = (t: number, rh: number) => {
    const c = coolingPerKWIt(cooling, lossSlope, t, rh);
    return k * c.fanPump + c.mechanical;
  };
  const result: FacilityModel = { lossSlope, coolingSlope, fixedKW: facility.fixedOverheadKW, design: { pue, k }, cooling };
  if (!weather) {
    const t = cooling.designOutdoorC - NO_WEATHER_OFFSET_C;
    coolingSlope.fill(slopeAt(t, cooling.designRelativeHumidity));
    result.assumedTemperatureC = t;
    return result;
  }
  const needRh = cooling.heatRejection === 'evaporative';
  if (weather.temperatureC.length < steps || (needRh && weather.relativeHumidityPct.length < steps)) {
    throw new InputError('SERIES_INVALID', `weather has fewer values than the ${steps} steps of the horizon`, { path });
  }
  for (let i = 0; i < steps; i++) {
    const t = weather.temperatureC[i]!;
    const rh = needRh ? weather.relativeHumidityPct[i]! : cooling.designRelativeHumidity;
    if (!Number.isFinite(t) || !Number.isFinite(rh)) {
      throw new InputError('SERIES_INVALID', `weather has no ${Number.isFinite(t) ? 'relative humidity' : 'temperature'} at step ${i}; fill the gap`, {
        path,
      });
    }
    coolingSlope[i] = slopeAt(t, rh);
  }
  return result;
}

/**
 * PUE at one condition (after designPUE calibration): 1 + lossSlope + coolingSlope + fixedKW / IT,
 * with IT = itLoadFraction × installedItKW.
 */
export function pueAt(facility: FacilitySpec, temperatureC: number, relativeHumidityPct: number, itLoadFraction: number, installedItKW: number): number {
  const { cooling, lossSlope, k } = calibrate(facility, installedItKW, 'facility');
  const c = coolingPerKWIt(cooling, lossSlope, temperatureC, relativeHumidityPct);
  return 1 + lossSlope + k * c.fanPump + c.mechanical + facility.fixedOverheadKW / (itLoadFraction * installedItKW);
}
