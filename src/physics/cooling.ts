/**
 * Cooling plant model: two loops (air and liquid), each with fans/pumps, free cooling when the
 * outdoor rejection temperature is low enough, and a chiller covering the rest. Cooling power is
 * linear in the heat removed, so facility power stays affine in IT power at each step.
 * Formulas, defaults and sources: docs/model.md §2.
 */
import type { Cooling, CoolingArchetype } from '../scenario/schema/site.ts';
import { wetBulbStullC } from './psychrometrics.ts';

/** Heat rejection to outdoor air (dry-bulb) or through evaporation (wet-bulb). */
export type HeatRejection = 'dry' | 'evaporative';

/** Every cooling parameter the model uses, after archetype defaults are applied. */
export interface CoolingParameters {
  archetype: CoolingArchetype;
  /** Share of IT heat captured by the liquid loop (the rest, plus electrical losses, goes to air). */
  liquidFraction: number;
  liquidSupplyC: number;
  airSupplyC: number;
  heatRejection: HeatRejection;
  economiserApproachC: number;
  economiserBandC: number;
  chillerCarnotFraction: number;
  condenserApproachC: number;
  /** Fan and pump power per kW of heat in the air loop, before designPUE calibration. */
  airFanPumpFraction: number;
  /** Fan and pump power per kW of heat in the liquid loop, before designPUE calibration. */
  liquidFanPumpFraction: number;
}

/** Cooling parameters plus the design point that calibrates them. */
export interface ResolvedCooling extends CoolingParameters {
  designPUE?: number;
  designOutdoorC: number;
  designRelativeHumidity: number;
  designItLoadFraction: number;
}

type ArchetypeDefaults = Omit<CoolingParameters, 'archetype' | 'economiserApproachC' | 'condenserApproachC'>;

/**
 * Archetype defaults. Sources (docs/model.md §2): loop ΔT and approaches from the Lei & Masanet
 * (2022) input ranges (V); liquid shares and supply temperatures from the product brief; fan/pump
 * fractions and the Carnot fraction are assumptions (M), which a designPUE recalibrates.
 */
export const COOLING_ARCHETYPES: Readonly<Record<CoolingArchetype, ArchetypeDefaults>> = {
  // Chilled-water CRAH hall, cooling towers, waterside economiser.
  air: {
    liquidFraction: 0,
    liquidSupplyC: 32,
    airSupplyC: 18,
    heatRejection: 'evaporative',
    economiserBandC: 7.5,
    chillerCarnotFraction: 0.45,
    airFanPumpFraction: 0.08,
    liquidFanPumpFraction: 0.03,
  },
  // Direct-to-chip warm water (W32-class supply) on dry coolers; residual air loop on chillers.
  'cold-plate': {
    liquidFraction: 0.75,
    liquidSupplyC: 32,
    airSupplyC: 20,
    heatRejection: 'dry',
    economiserBandC: 10,
    chillerCarnotFraction: 0.45,
    airFanPumpFraction: 0.08,
    liquidFanPumpFraction: 0.03,
  },
  // Single-phase immersion at ~40 °C supply on dry coolers; small residual air loop.
  immersion: {
    liquidFraction: 0.95,
    liquidSupplyC: 40,
    airSupplyC: 20,
    heatRejection: 'dry',
    economiserBandC: 10,
    chillerCarnotFraction: 0.45,
    airFanPumpFraction: 0.08,
    liquidFanPumpFraction: 0.02,
  },
};

/**
 * Approaches by heat rejection. Evaporative: full free cooling needs wet-bulb ≤ supply − (tower
 * approach 4.75 + economiser HX approach 2.25) = supply − 7 °C; condensing 12 °C above wet-bulb
 * (tower approach + tower-water ΔT 5 °C + ~2 °C refrigerant approach). Dry: dry-cooler approach
 * 6 °C and air-cooled condensing 15 °C above dry-bulb (assumptions, M).
 */
export const HEAT_REJECTION_DEFAULTS: Readonly<Record<HeatRejection, { economiserApproachC: number; condenserApproachC: number }>> = {
  evaporative: { economiserApproachC: 7, condenserApproachC: 12 },
  dry: { economiserApproachC: 6, condenserApproachC: 15 },
};

/** Sane range for a chiller COP; the Carnot-fraction formula is clamped into it. */
export const COP_RANGE: readonly [number, number] = [2, 15];

/** Applies archetype and heat-rejection defaults to a cooling spec (zod output). */
export function resolveCooling(c: Cooling): ResolvedCooling {
  const a = COOLING_ARCHETYPES[c.archetype];
  const heatRejection = c.heatRejection ?? a.heatRejection;
  const hr = HEAT_REJECTION_DEFAULTS[heatRejection];
  return {
    archetype: c.archetype,
    liquidFraction: c.liquidFraction ?? a.liquidFraction,
    liquidSupplyC: c.liquidSupplyC ?? a.liquidSupplyC,
    airSupplyC: c.airSupplyC ?? a.airSupplyC,
    heatRejection,
    economiserApproachC: c.economiserApproachC ?? hr.economiserApproachC,
    economiserBandC: c.economiserBandC ?? a.economiserBandC,
    chillerCarnotFraction: c.chillerCarnotFraction ?? a.chillerCarnotFraction,
    condenserApproachC: c.condenserApproachC ?? hr.condenserApproachC,
    // One user value sets both loops; the archetype keeps them apart otherwise.
    airFanPumpFraction: c.fanPumpFraction ?? a.airFanPumpFraction,
    liquidFanPumpFraction: c.fanPumpFraction ?? a.liquidFanPumpFraction,
    ...(c.designPUE !== undefined ? { designPUE: c.designPUE } : {}),
    designOutdoorC: c.designOutdoorC,
    designRelativeHumidity: c.designRelativeHumidity,
    designItLoadFraction: c.designItLoadFraction,
  };
}

/** Temperature the plant rejects heat to: dry-bulb, or wet-bulb (Stull 2011) for evaporative. */
export function rejectionTemperatureC(heatRejection: HeatRejection, temperatureC: number, relativeHumidityPct: number): number {
  return heatRejection === 'evaporative' ? wetBulbStullC(temperatureC, relativeHumidityPct) : temperatureC;
}

/**
 * Share of a loop's heat the chiller must remove: 0 while the rejection temperature is at or
 * below supply − approach (full free cooling), rising linearly to 1 over `bandC` (partial free
 * cooling, the economiser pre-cooling the return water). A zero band is a step.
 */
export function mechanicalFraction(supplyC: number, rejectionC: number, approachC: number, bandC: number): number {
  const excess = rejectionC - (supplyC - approachC);
  if (excess <= 0) return 0;
  if (bandC <= 0) return 1;
  return Math.min(1, excess / bandC);
}

/**
 * Chiller COP: carnotFraction × T_supply[K] / (T_rejection + condenserApproach − T_supply),
 * clamped to COP_RANGE (a lift at or below zero gives the top of the range).
 */
export function chillerCop(supplyC: number, rejectionC: number, condenserApproachC: number, carnotFraction: number): number {
  const lift = rejectionC + condenserApproachC - supplyC;
  const [lo, hi] = COP_RANGE;
  if (lift <= 0) return hi;
  return Math.min(hi, Math.max(lo, (carnotFraction * (supplyC + 273.15)) / lift));
}

/**
 * Reference CRAC COP versus supply-air temperature, COP(T) = 0.0068T² + 0.0008T + 0.458
 * (numbers.md §2: formula V, attribution to Moore et al. 2005 M). Used only as a check.
 */
export function cracCop(supplyAirC: number): number {
  return 0.0068 * supplyAirC * supplyAirC + 0.0008 * supplyAirC + 0.458;
}

/**
 * Cooling power per kW of IT at one outdoor condition, split into the part that a designPUE
 * calibration scales (fans and pumps) and the part it does not (chillers). Heat removed per kW
 * of IT: liquidFraction in the liquid loop; (1 − liquidFraction) + lossSlope in the air loop
 * (UPS and distribution losses are released in air-cooled rooms).
 */
export function coolingPerKWIt(p: CoolingParameters, lossSlope: number, temperatureC: number, relativeHumidityPct: number): { fanPump: number; mechanical: number } {
  const tRej = rejectionTemperatureC(p.heatRejection, temperatureC, relativeHumidityPct);
  const liquidHeat = p.liquidFraction;
  const airHeat = 1 - p.liquidFraction + lossSlope;
  const loop = (supplyC: number) =>
    mechanicalFraction(supplyC, tRej, p.economiserApproachC, p.economiserBandC) /
    chillerCop(supplyC, tRej, p.condenserApproachC, p.chillerCarnotFraction);
  return {
    fanPump: liquidHeat * p.liquidFanPumpFraction + airHeat * p.airFanPumpFraction,
    mechanical: (liquidHeat > 0 ? liquidHeat * loop(p.liquidSupplyC) : 0) + (airHeat > 0 ? airHeat * loop(p.airSupplyC) : 0),
  };
}
