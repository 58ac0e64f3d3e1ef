/**
 * Solar PV output per MW from weather: sun position → clear-sky irradiance (Haurwitz) → cloud
 * attenuation (Kasten–Czeplak) → optional single-axis tracking → temperature-corrected capacity
 * factor. Formulas and sources: docs/model.md §3.
 */
import type { z } from 'zod';
import { SolarParams } from '../scenario/schema/site.ts';
import { stepStartMs, type TimeGrid } from '../time/grid.ts';

/** Solar parameters after schema defaults. */
export type SolarParamsSpec = z.output<typeof SolarParams>;

/** Clearness applied to clear-sky irradiance when the weather has no cloud cover (an assumption). */
export const DEFAULT_CLEARNESS = 0.75;
/** Rotation limit of a single-axis tracker, degrees (an assumption; typical 45–60°). */
export const TRACKER_LIMIT_DEG = 60;
/** Ground reflectance for the tilted tracker plane (an assumption). */
export const ALBEDO = 0.2;
/** Solar constant, W/m² (used for the clearness index of the beam/diffuse split). */
export const SOLAR_CONSTANT = 1361;

const DEG = Math.PI / 180;

/** Sun position at one instant. */
export interface SolarPosition {
  /** Declination, radians. */
  declination: number;
  /** Equation of time, minutes. */
  equationOfTimeMin: number;
  /** Hour angle, degrees (0 at solar noon, positive in the afternoon). */
  hourAngleDeg: number;
  /** Cosine of the zenith angle (negative below the horizon). */
  cosZenith: number;
  /** Unit vector to the sun in (east, north, up). */
  east: number;
  north: number;
  up: number;
  /** Day of year, 1-based (UTC). */
  dayOfYear: number;
}

/**
 * Sun position by the NOAA "General Solar Position Calculations" formulas (Spencer 1971 Fourier
 * series for declination and equation of time; hour angle from UTC and longitude).
 */
export function solarPosition(utcMs: number, latitudeDeg: number, longitudeDeg: number): SolarPosition {
  const d = new Date(utcMs);
  const year = d.getUTCFullYear();
  const dayOfYear = Math.floor((utcMs - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const daysInYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
  const hours = d.getUTCHours() + d.getUTCMinutes() / 60 + d.getUTCSeconds() / 3600 + d.getUTCMilliseconds() / 3_600_000;
  const g = ((2 * Math.PI) / daysInYear) * (dayOfYear - 1 + (hours - 12) / 24);
  const equationOfTimeMin =
    229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const declination =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);
  const trueSolarMin = hours * 60 + equationOfTimeMin + 4 * longitudeDeg;
  const hourAngleDeg = trueSolarMin / 4 - 180;
  const h = hourAngleDeg * DEG;
  const phi = latitudeDeg * DEG;
  const east = -Math.cos(declination) * Math.sin(h);
  const north = Math.sin(declination) * Math.cos(phi) - Math.cos(declination) * Math.sin(phi) * Math.cos(h);
  const up = Math.sin(declination) * Math.sin(phi) + Math.cos(declination) * Math.cos(phi) * Math.cos(h);
  return { declination, equationOfTimeMin, hourAngleDeg, cosZenith: up, east, north, up, dayOfYear };
}

/** Clear-sky global horizontal irradiance, W/m², Haurwitz (1945): 1098·cosZ·exp(−0.059/cosZ). */
export function clearSkyGhiHaurwitz(cosZenith: number): number {
  return cosZenith > 0 ? 1098 * cosZenith * Math.exp(-0.059 / cosZenith) : 0;
}

/** Cloud attenuation, Kasten & Czeplak (1980): GHI = GHI_cs·(1 − 0.75·(N/8)^3.4), N in oktas. */
export function kastenCzeplak(clearSkyGhi: number, cloudCoverPct: number): number {
  const n8 = Math.min(1, Math.max(0, cloudCoverPct / 100)); // N/8 = cover fraction
  return clearSkyGhi * (1 - 0.75 * n8 ** 3.4);
}

/** Diffuse fraction of GHI from the clearness index kt, Erbs, Klein & Duffie (1982). */
export function erbsDiffuseFraction(kt: number): number {
  if (kt <= 0.22) return 1 - 0.09 * kt;
  if (kt <= 0.8) return 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4;
  return 0.165;
}

/**
 * Plane-of-array irradiance of a horizontal north–south single-axis tracker (rotation limited to
 * ±TRACKER_LIMIT_DEG, no backtracking): beam on the tilted plane, isotropic sky diffuse and ground
 * reflection, with the beam/diffuse split of GHI by Erbs.
 */
export function singleAxisPoaIrradiance(ghi: number, pos: SolarPosition): number {
  if (ghi <= 0 || pos.cosZenith <= 0.01) return Math.max(0, ghi);
  const extra = SOLAR_CONSTANT * (1 + 0.033 * Math.cos((2 * Math.PI * pos.dayOfYear) / 365)) * pos.cosZenith;
  const kt = Math.min(1, ghi / extra);
  const dhi = ghi * erbsDiffuseFraction(kt);
  const dni = (ghi - dhi) / pos.cosZenith;
  const limit = TRACKER_LIMIT_DEG * DEG;
  const rot = Math.max(-limit, Math.min(limit, Math.atan2(pos.east, pos.up)));
  const cosIncidence = Math.max(0, pos.east * Math.sin(rot) + pos.up * Math.cos(rot));
  const tilt = Math.abs(rot);
  return dni * cosIncidence + (dhi * (1 + Math.cos(tilt))) / 2 + (ALBEDO * ghi * (1 - Math.cos(tilt))) / 2;
}

/**
 * Capacity factor of one step from plane irradiance and air temperature:
 * G/1000 × PR × (1 + γ·(T_cell − 25)), T_cell = T_air + 25·G/800 (NOCT 45 °C form); clamped 0–1.
 */
export function pvCapacityFactor(irradiance: number, airTemperatureC: number, performanceRatio: number, temperatureCoefficientPerC: number): number {
  if (irradiance <= 0) return 0;
  // A missing temperature leaves the cell at 25 °C: no correction.
  const tCell = Number.isFinite(airTemperatureC) ? airTemperatureC + (25 * irradiance) / 800 : 25;
  const cf = (irradiance / 1000) * performanceRatio * (1 + temperatureCoefficientPerC * (tCell - 25));
  return Math.min(1, Math.max(0, cf));
}

/**
 * Solar capacity factor per step (output per unit of AC capacity, 0–1), evaluated at each step's
 * midpoint. Without cloud cover (or where it is missing) GHI = clear-sky × DEFAULT_CLEARNESS; a
 * missing temperature means no temperature correction.
 */
export function solarCapacityFactor(
  grid: TimeGrid,
  latitude: number,
  longitude: number,
  weather: { temperatureC: Float64Array; cloudCoverPct?: Float64Array | undefined },
  params: Partial<SolarParamsSpec> = {},
): Float64Array {
  const p = SolarParams.parse(params);
  const out = new Float64Array(grid.steps);
  const halfStepMs = grid.stepMinutes * 30_000;
  for (let i = 0; i < grid.steps; i++) {
    const pos = solarPosition(stepStartMs(grid, i) + halfStepMs, latitude, longitude);
    const cs = clearSkyGhiHaurwitz(pos.cosZenith);
    if (cs <= 0) continue;
    const cloud = weather.cloudCoverPct?.[i];
    const ghi = cloud !== undefined && Number.isFinite(cloud) ? kastenCzeplak(cs, cloud) : cs * DEFAULT_CLEARNESS;
    const g = p.tracking === 'single-axis' ? singleAxisPoaIrradiance(ghi, pos) : ghi;
    out[i] = pvCapacityFactor(g, weather.temperatureC[i] ?? Number.NaN, p.performanceRatio, p.temperatureCoefficientPerC);
  }
  return out;
}
