/**
 * Backup generators (diesel or gas gensets) as dispatchable sources. Fuel use is affine in
 * output while running (HOMER's fuel curve: F = F0·rating + F1·output), zero when off; a running
 * genset holds at least its minimum load. CO2 per fuel unit from the US EPA emission factors.
 * docs/tariffs.md, "Backup generators".
 */
import { InputError } from '../errors/index.ts';
import type { Generator } from '../scenario/schema/site.ts';

/** A generator in kW and fuel units. */
export interface GeneratorModel {
  id: string;
  fuel: 'diesel' | 'naturalGas';
  fuelUnit: 'L' | 'gal' | 'm3' | 'MMBtu';
  capacityKW: number;
  /** Lowest output while running, kW. */
  minKW: number;
  /** Fuel units per kWh produced (slope). */
  fuelPerKWh: number;
  /** Fuel units per hour while running, whatever the output (intercept × rating). */
  fuelNoLoadPerHour: number;
  fuelPrice: number;
  co2KgPerFuelUnit: number;
  /** Operation and maintenance per kWh produced. */
  variableCostPerKWh: number;
  maxRunHours?: number;
  drAllowed: boolean;
  canExport: boolean;
}

/** Litres per US gallon. */
const LITRES_PER_GALLON = 3.785411784;
/** Cubic metres per standard cubic foot. */
const M3_PER_SCF = 0.0283168466;

/**
 * kg CO2 per fuel unit: EPA "Emission Factors for Greenhouse Gas Inventories" (GHG Emission Factors
 * Hub, 2024), Table 1: distillate fuel oil No. 2 10.21 kg CO2/gallon (2.697 kg/L), natural gas
 * 0.05444 kg CO2/scf (1.9225 kg/m3) and 53.06 kg CO2/MMBtu.
 */
export const CO2_KG_PER_FUEL_UNIT: Record<GeneratorModel['fuel'], Partial<Record<GeneratorModel['fuelUnit'], number>>> = {
  diesel: { gal: 10.21, L: 10.21 / LITRES_PER_GALLON },
  naturalGas: { m3: 0.05444 / M3_PER_SCF, MMBtu: 53.06 },
};

/** REopt's default diesel fuel curve slope, 0.076 gal/kWh (REopt.jl `Generator`, fuel_slope_gal_per_kwh). */
export const DIESEL_GAL_PER_KWH = 0.076;

/** Builds a generator model; throws InputError for a fuel curve or emission factor it cannot default. */
export function generatorModel(g: Generator, path: string): GeneratorModel {
  const fuelUnit = g.fuelUnit ?? (g.fuel === 'diesel' ? 'L' : 'm3');
  let fuelPerKWh = g.fuelPerKWh;
  if (fuelPerKWh === undefined) {
    if (g.fuel !== 'diesel' || (fuelUnit !== 'L' && fuelUnit !== 'gal')) {
      throw new InputError('SCENARIO_INVALID', `give fuelPerKWh (${fuelUnit} per kWh) for this ${g.fuel} generator; a default exists only for diesel in L or gal`, { path: `${path}.fuelPerKWh` });
    }
    fuelPerKWh = fuelUnit === 'gal' ? DIESEL_GAL_PER_KWH : DIESEL_GAL_PER_KWH * LITRES_PER_GALLON;
  }
  const co2 = g.co2KgPerFuelUnit ?? CO2_KG_PER_FUEL_UNIT[g.fuel][fuelUnit];
  if (co2 === undefined) {
    throw new InputError('SCENARIO_INVALID', `no default CO2 factor for ${g.fuel} measured in ${fuelUnit}; give co2KgPerFuelUnit (defaults exist for diesel in L or gal, natural gas in m3 or MMBtu)`, { path: `${path}.co2KgPerFuelUnit` });
  }
  return {
    id: g.id,
    fuel: g.fuel,
    fuelUnit,
    capacityKW: g.capacityKW,
    minKW: g.minLoadFraction * g.capacityKW,
    fuelPerKWh,
    fuelNoLoadPerHour: g.fuelNoLoadPerHourPerKW * g.capacityKW,
    fuelPrice: g.fuelPrice,
    co2KgPerFuelUnit: co2,
    variableCostPerKWh: g.variableCostPerMWh / 1000,
    maxRunHours: g.maxRunHours,
    drAllowed: g.drAllowed,
    canExport: g.canExport,
  };
}

/** Fuel burnt in a step (fuel units): `running` is the share of the step it ran, `kW` its average output. */
export function generatorFuel(g: GeneratorModel, kW: number, running: number, hours: number): number {
  return (g.fuelNoLoadPerHour * running + g.fuelPerKWh * kW) * hours;
}

/** Cost of running in a step: fuel and operation, currency. */
export function generatorCost(g: GeneratorModel, kW: number, running: number, hours: number): number {
  return generatorFuel(g, kW, running, hours) * g.fuelPrice + g.variableCostPerKWh * kW * hours;
}
