/** A data-centre site: location, grid connection, IT, facility, renewables, storage, tariff. */
import { z } from 'zod';
import { bounded, boundedAbove, CostPerMWh, EnergyMWh, Fraction, GpuCount, Id, PowerKW, PowerMW, PositivePowerMW, PricePerMWh, Timestamp } from './common.ts';
import { SeriesRef, WeatherRef } from '../../series/schema.ts';
import { Tariff } from './tariff.ts';

export const GridConnection = z.strictObject({
  importLimitMW: PositivePowerMW.describe('Largest import from the grid, MW'),
  exportLimitMW: PowerMW.default(0).describe('Largest export to the grid, MW (0: no export)'),
  contractedCapacityKVA: PowerKW.optional().describe('Contracted (transformer) capacity for capacity charges, kVA'),
  importLimitOverrides: z
    .array(
      z.strictObject({
        from: Timestamp,
        to: Timestamp,
        importLimitMW: PowerMW.describe('Import limit in this window, MW'),
        reason: z.string().optional(),
      }),
    )
    .default([])
    .describe('Windows with a lower import limit (grid constraints, events)'),
});

export const ItInventory = z.strictObject({
  accelerator: Id.describe('Accelerator model id (catalogue or scenario)'),
  gpus: GpuCount.describe('Number of GPUs installed'),
});

export const CoolingArchetype = z.enum(['air', 'cold-plate', 'immersion']);
export type CoolingArchetype = z.infer<typeof CoolingArchetype>;

export const Cooling = z
  .strictObject({
    archetype: CoolingArchetype,
    designPUE: z.number().min(1).max(3).optional().describe('PUE at design conditions; calibrates fan and pump power so the model reproduces it'),
    designOutdoorC: z.number().min(-40).max(55).default(35).describe('Outdoor dry-bulb temperature of the design point, °C'),
    designRelativeHumidity: z.number().min(0).max(100).default(40).describe('Relative humidity of the design point, %'),
    designItLoadFraction: z.number().gt(0).max(1).default(1).describe('IT load of the design point as a share of installed IT power'),
    heatRejection: z.enum(['dry', 'evaporative']).optional().describe('Dry coolers/air-cooled chillers (dry-bulb) or cooling towers (wet-bulb)'),
    liquidFraction: Fraction.optional().describe('Share of heat captured by the liquid loop (cold-plate ≈ 0.75, immersion ≈ 0.95)'),
    liquidSupplyC: z.number().min(5).max(60).optional().describe('Liquid-loop supply temperature, °C'),
    airSupplyC: z.number().min(10).max(35).optional().describe('Air-loop (chilled water) supply temperature, °C'),
    economiserApproachC: bounded(0, 50).optional().describe('Outdoor temperature must be this much below the supply temperature for full free cooling, °C'),
    economiserBandC: bounded(0, 50).optional().describe('Width of the partial free-cooling band above the full free-cooling threshold, °C'),
    chillerCarnotFraction: z.number().gt(0).max(1).optional().describe('Chiller COP as a share of the Carnot COP'),
    condenserApproachC: bounded(0, 50).optional().describe('Condensing temperature above outdoor (dry- or wet-bulb), °C'),
    fanPumpFraction: Fraction.optional().describe('Fan and pump power as a share of heat removed (before designPUE calibration)'),
  })
  .describe('Cooling plant; omitted parameters take the archetype defaults in docs/model.md');
export type Cooling = z.infer<typeof Cooling>;

export const Facility = z.strictObject({
  cooling: Cooling,
  upsEfficiency: z.number().gt(0.5).max(1).default(0.97).describe('UPS efficiency (IT power / UPS input)'),
  distributionLossFraction: z.number().min(0).max(0.2).default(0.015).describe('Transformer and cable losses as a share of IT power'),
  fixedOverheadKW: PowerKW.default(0).describe('Lighting, offices, security: constant, kW'),
});

export const SolarParams = z.strictObject({
  performanceRatio: Fraction.default(0.82).describe('System losses (inverter, soiling, wiring, mismatch) as a ratio, before temperature and clipping'),
  temperatureCoefficientPerC: bounded(-0.05, 0).default(-0.004).describe('Power change per °C of cell temperature above 25 °C'),
  tracking: z.enum(['fixed', 'single-axis']).default('fixed'),
  tiltDeg: z
    .number()
    .min(0)
    .max(90)
    .optional()
    .describe('Tilt of a fixed array from horizontal, degrees (default: |latitude|, at most 40); ignored for single-axis'),
  azimuthDeg: z
    .number()
    .min(0)
    .max(360)
    .optional()
    .describe('Direction a fixed array faces, degrees clockwise from north (default: the equator, 180 north of it, 0 south of it)'),
  dcAcRatio: z
    .number()
    .min(0.5)
    .max(3)
    .default(1.25)
    .describe('DC module capacity per unit of AC (inverter) capacity; output is clipped at the AC capacity'),
});

export const WindParams = z.strictObject({
  hubHeightM: boundedAbove(0, 500).default(100).describe('Hub height, m'),
  measurementHeightM: boundedAbove(0, 500).default(10).describe('Height of the weather wind speed, m'),
  shearExponent: z.number().min(0).max(0.6).default(0.2).describe('Power-law wind shear exponent (0.2: IEC 61400-1 normal wind profile)'),
  cutInMS: bounded(0, 100).default(3).describe('Cut-in wind speed, m/s'),
  ratedMS: boundedAbove(0, 100).default(11).describe('Rated wind speed of the turbine, m/s (11: a low-specific-power onshore turbine)'),
  cutOutMS: boundedAbove(0, 100).default(25).describe('Cut-out wind speed, m/s'),
  speedSpreadMS: bounded(0, 20).default(0.6).describe('Farm power curve: constant part of the spread (standard deviation) of wind speeds across the farm and within a step, m/s'),
  speedSpreadFraction: Fraction.default(0.2).describe('Farm power curve: part of the spread proportional to wind speed (0 and 0 give the single-turbine curve)'),
  lossesFraction: Fraction.default(0.1).describe('Wake, availability and electrical losses'),
});

export const Renewable = z.strictObject({
  id: Id,
  type: z.enum(['solar', 'wind']),
  capacityMW: PowerMW.describe('Nameplate capacity, MW (AC)'),
  capacityFactor: SeriesRef.optional().describe('Output per MW of capacity (0–1 or %); default: derived from the site weather'),
  solar: SolarParams.optional(),
  wind: WindParams.optional(),
  pricePerMWh: PricePerMWh.default(0).describe('Price of the energy used (PPA or dedicated line), currency per MWh'),
});
export type Renewable = z.infer<typeof Renewable>;

export const Storage = z
  .strictObject({
    energyMWh: EnergyMWh.describe('Usable energy capacity, MWh'),
    powerMW: PowerMW.describe('Charge and discharge power limit, MW'),
    chargeEfficiency: z.number().gt(0).max(1).default(0.95),
    dischargeEfficiency: z.number().gt(0).max(1).default(0.95),
    socMinFraction: Fraction.default(0.1),
    socMaxFraction: Fraction.default(0.95),
    socInitialFraction: Fraction.default(0.5),
    degradationCostPerMWh: CostPerMWh.default(0).describe('Cost per MWh discharged (wear)'),
  })
  .refine((s) => s.socMinFraction <= s.socMaxFraction, { message: 'socMinFraction must not exceed socMaxFraction', path: ['socMinFraction'] })
  .refine((s) => s.socInitialFraction >= s.socMinFraction && s.socInitialFraction <= s.socMaxFraction, {
    message: 'socInitialFraction must lie between socMinFraction and socMaxFraction',
    path: ['socInitialFraction'],
  });
export type Storage = z.infer<typeof Storage>;

export const SiteSeries = z.strictObject({
  price: SeriesRef.optional().describe('Energy price, currency/MWh (needed by spot tariffs)'),
  carbonIntensity: SeriesRef.optional().describe('Grid carbon intensity, gCO2/kWh'),
  gridRenewableShare: SeriesRef.optional().describe('Renewable share of grid supply, % or fraction'),
  weather: WeatherRef.optional(),
});

export const Site = z.strictObject({
  id: Id,
  name: z.string().optional(),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  timeZone: z.string().optional().describe('IANA zone of the site (default: the horizon zone); tariffs use local time'),
  gridZone: z.string().optional().describe('Grid or market zone, e.g. US-TEX-ERCO, CN-GD'),
  grid: GridConnection,
  it: z.array(ItInventory).min(1).describe('GPUs installed, by accelerator model'),
  idleGpus: z.enum(['idle', 'off']).default('idle').describe('Unused GPUs draw idle power, or their nodes are powered off'),
  facility: Facility,
  renewables: z.array(Renewable).default([]),
  storage: Storage.optional(),
  tariff: Tariff.prefault({ energy: { type: 'spot' } }),
  series: SiteSeries.default({}),
  greenTarget: z
    .strictObject({
      directGreenRatio: Fraction.describe('Share of facility energy that must come from direct renewable supply'),
      period: z.enum(['horizon', 'month']).default('horizon').describe('Period over which the share is measured'),
    })
    .optional()
    .describe('A direct-green-supply target the optimiser must meet (e.g. 0.6 for wind-solar-storage + computing bases)'),
});
export type Site = z.infer<typeof Site>;
