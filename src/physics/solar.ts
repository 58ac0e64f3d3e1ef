/**
 * Solar PV output per MW (AC) from weather: sun position → clear-sky irradiance (Haurwitz) →
 * cloud attenuation (Kasten–Czeplak) → beam/diffuse split (Erbs) → plane-of-array irradiance of
 * a tilted fixed array or a single-axis tracker (isotropic sky, ground albedo) →
 * temperature-corrected DC output × DC/AC ratio, clipped at the AC capacity. Formulas and
 * sources: docs/model.md §3.1.
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
/** Ground reflectance (albedo) seen by a tilted plane (an assumption, the usual default). */
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

/** Beam, sky-diffuse and ground-reflected parts of plane-of-array irradiance, W/m². */
export interface PlaneIrradiance {
  beam: number;
  skyDiffuse: number;
  ground: number;
  /** beam + skyDiffuse + ground. */
  total: number;
}

/**
 * Splits GHI into direct normal (DNI) and diffuse horizontal (DHI) irradiance by Erbs, Klein &
 * Duffie (1982), with the clearness index kt = GHI / (extraterrestrial irradiance on the
 * horizontal). DNI is capped at the extraterrestrial normal irradiance; with the sun within
 * ~0.6° of the horizon (cos Z ≤ 0.01) all of GHI is taken as diffuse.
 */
export function erbsSplit(ghi: number, pos: SolarPosition): { dni: number; dhi: number } {
  if (!(ghi > 0)) return { dni: 0, dhi: 0 };
  if (pos.cosZenith <= 0.01) return { dni: 0, dhi: ghi };
  const extraNormal = SOLAR_CONSTANT * (1 + 0.033 * Math.cos((2 * Math.PI * pos.dayOfYear) / 365));
  const kt = Math.min(1, ghi / (extraNormal * pos.cosZenith));
  const dhi = ghi * erbsDiffuseFraction(kt);
  const dni = Math.min(extraNormal, (ghi - dhi) / pos.cosZenith);
  return { dni, dhi };
}

/**
 * Irradiance on a plane with unit normal (nEast, nNorth, nUp) by the isotropic-sky (Liu–Jordan)
 * transposition: POA = DNI·max(0, cos θ) + DHI·(1 + cos β)/2 + ρ·GHI·(1 − cos β)/2, with θ the
 * angle of incidence, β the tilt (cos β = nUp) and ρ the ground albedo.
 */
export function planeIrradiance(
  ghi: number,
  pos: SolarPosition,
  normal: { east: number; north: number; up: number },
  albedo: number = ALBEDO,
): PlaneIrradiance {
  if (!(ghi > 0)) return { beam: 0, skyDiffuse: 0, ground: 0, total: 0 };
  const { dni, dhi } = erbsSplit(ghi, pos);
  const cosIncidence = Math.max(0, normal.east * pos.east + normal.north * pos.north + normal.up * pos.up);
  const cosTilt = Math.min(1, Math.max(-1, normal.up));
  const beam = dni * cosIncidence;
  const skyDiffuse = (dhi * (1 + cosTilt)) / 2;
  const ground = (albedo * ghi * (1 - cosTilt)) / 2;
  return { beam, skyDiffuse, ground, total: beam + skyDiffuse + ground };
}

/** Unit normal (east, north, up) of a plane tilted `tiltDeg` from horizontal, facing `azimuthDeg` (clockwise from north). */
export function planeNormal(tiltDeg: number, azimuthDeg: number): { east: number; north: number; up: number } {
  const b = tiltDeg * DEG;
  const a = azimuthDeg * DEG;
  return { east: Math.sin(b) * Math.sin(a), north: Math.sin(b) * Math.cos(a), up: Math.cos(b) };
}

/** Largest default tilt of a fixed array, degrees (an assumption: steeper racks are rare). */
export const MAX_DEFAULT_TILT_DEG = 40;

/** Default fixed-array orientation at a latitude: tilt |latitude| capped at 40°, facing the equator. */
export function defaultOrientation(latitudeDeg: number): { tiltDeg: number; azimuthDeg: number } {
  return { tiltDeg: Math.min(Math.abs(latitudeDeg), MAX_DEFAULT_TILT_DEG), azimuthDeg: latitudeDeg >= 0 ? 180 : 0 };
}

/** Plane-of-array irradiance of a fixed array (tilt and azimuth in degrees), W/m². */
export function fixedPoaIrradiance(ghi: number, pos: SolarPosition, tiltDeg: number, azimuthDeg: number): number {
  return planeIrradiance(ghi, pos, planeNormal(tiltDeg, azimuthDeg)).total;
}

/**
 * Plane-of-array irradiance of a horizontal north–south single-axis tracker (rotation limited to
 * ±TRACKER_LIMIT_DEG, no backtracking): the module normal turns about the north–south axis
 * towards the sun; beam, isotropic sky diffuse and ground reflection as in planeIrradiance.
 */
export function singleAxisPoaIrradiance(ghi: number, pos: SolarPosition): number {
  if (!(ghi > 0)) return 0;
  const limit = TRACKER_LIMIT_DEG * DEG;
  const rot = pos.cosZenith > 0 ? Math.max(-limit, Math.min(limit, Math.atan2(pos.east, pos.up))) : 0;
  return planeIrradiance(ghi, pos, { east: Math.sin(rot), north: 0, up: Math.cos(rot) }).total;
}

/**
 * AC capacity factor of one step from plane irradiance and air temperature:
 * min(1, dcAcRatio × G/1000 × PR × (1 + γ·(T_cell − 25))), T_cell = T_air + 25·G/800 (NOCT
 * 45 °C form). The DC array is `dcAcRatio` times the AC (inverter) capacity; what the array
 * makes above the AC capacity is clipped.
 */
export function pvCapacityFactor(
  irradiance: number,
  airTemperatureC: number,
  performanceRatio: number,
  temperatureCoefficientPerC: number,
  dcAcRatio = 1,
): number {
  if (irradiance <= 0) return 0;
  // A missing temperature leaves the cell at 25 °C: no correction.
  const tCell = Number.isFinite(airTemperatureC) ? airTemperatureC + (25 * irradiance) / 800 : 25;
  const cf = dcAcRatio * (irradiance / 1000) * performanceRatio * (1 + temperatureCoefficientPerC * (tCell - 25));
  return Math.min(1, Math.max(0, cf));
}

/**
 * Solar AC capacity factor per step (output per unit of AC capacity, 0–1), evaluated at each
 * step's midpoint. `fixed` arrays are tilted (default |latitude| ≤ 40°, facing the equator);
 * `single-axis` trackers turn about a horizontal north–south axis. Without cloud cover (or where
 * it is missing) GHI = clear-sky × DEFAULT_CLEARNESS; a missing temperature means no temperature
 * correction.
 */
export function solarCapacityFactor(
  grid: TimeGrid,
  latitude: number,
  longitude: number,
  weather: { temperatureC: Float64Array; cloudCoverPct?: Float64Array | undefined },
  params: Partial<SolarParamsSpec> = {},
): Float64Array {
  const p = SolarParams.parse(params);
  const orientation = defaultOrientation(latitude);
  const normal = planeNormal(p.tiltDeg ?? orientation.tiltDeg, p.azimuthDeg ?? orientation.azimuthDeg);
  const out = new Float64Array(grid.steps);
  const halfStepMs = grid.stepMinutes * 30_000;
  for (let i = 0; i < grid.steps; i++) {
    const pos = solarPosition(stepStartMs(grid, i) + halfStepMs, latitude, longitude);
    const cs = clearSkyGhiHaurwitz(pos.cosZenith);
    if (cs <= 0) continue;
    const cloud = weather.cloudCoverPct?.[i];
    const ghi = cloud !== undefined && Number.isFinite(cloud) ? kastenCzeplak(cs, cloud) : cs * DEFAULT_CLEARNESS;
    const g = p.tracking === 'single-axis' ? singleAxisPoaIrradiance(ghi, pos) : planeIrradiance(ghi, pos, normal).total;
    out[i] = pvCapacityFactor(g, weather.temperatureC[i] ?? Number.NaN, p.performanceRatio, p.temperatureCoefficientPerC, p.dcAcRatio);
  }
  return out;
}
