/** A data-centre site: location, grid connection, IT, facility, renewables, storage, tariff. */
import { z } from 'zod';
import { bounded, boundedAbove, CostPerMWh, EnergyMWh, Fraction, GpuCount, Id, LIMITS, PowerKW, PowerMW, PositivePowerMW, PricePerMWh, Timestamp, withUnitAlternatives } from './common.ts';
import { SeriesRef, WeatherRef } from '../../series/schema.ts';
import { Tariff } from './tariff.ts';

/** A power in kW above 0 (at most 100 000 MW). */
const PositivePowerKW = boundedAbove(0, LIMITS.powerMW * 1000);
/** An energy in kWh (at most 10 000 000 MWh). */
const EnergyKWh = bounded(0, LIMITS.energyMWh * 1000);
/** A price per kWh, ±1 000 per kWh (the per-MWh bound ÷ 1000). */
const PricePerKWh = bounded(-LIMITS.pricePerMWh / 1000, LIMITS.pricePerMWh / 1000);

export const GridConnection = withUnitAlternatives(
  z.strictObject({
    importLimitMW: PositivePowerMW.optional().describe('Largest import from the grid, MW'),
    importLimitKW: PositivePowerKW.optional().describe('Largest import from the grid, kW (instead of importLimitMW)'),
    exportLimitMW: PowerMW.optional().describe('Largest export to the grid, MW (0, the default: no export)'),
    exportLimitKW: PowerKW.optional().describe('Largest export to the grid, kW (instead of exportLimitMW)'),
    exportLimit: SeriesRef.optional().describe('A time-varying export limit (power series, e.g. kW or MW); with exportLimitMW the lower of the two holds'),
    contractedCapacityKVA: PowerKW.optional().describe('Contracted (transformer) capacity for capacity charges, kVA'),
    importLimitOverrides: z
      .array(
        withUnitAlternatives(
          z.strictObject({
            from: Timestamp,
            to: Timestamp,
            importLimitMW: PowerMW.optional().describe('Import limit in this window, MW'),
            importLimitKW: PowerKW.optional().describe('Import limit in this window, kW'),
            reason: z.string().optional(),
          }),
          [{ field: 'importLimitMW', alt: 'importLimitKW', factor: 0.001, required: true }],
        ),
      )
      .default([])
      .describe('Windows with a lower import limit (grid constraints, events)'),
  }),
  [
    { field: 'importLimitMW', alt: 'importLimitKW', factor: 0.001, required: true },
    { field: 'exportLimitMW', alt: 'exportLimitKW', factor: 0.001, default: 0 },
  ],
);

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

export const Renewable = withUnitAlternatives(z.strictObject({
  id: Id,
  type: z.enum(['solar', 'wind']),
  capacityMW: PowerMW.optional().describe('Nameplate capacity, MW (AC)'),
  capacityKW: PowerKW.optional().describe('Nameplate capacity, kW (AC), instead of capacityMW'),
  capacityFactor: SeriesRef.optional().describe('Output per MW of capacity (0–1 or %); default: derived from the site weather'),
  solar: SolarParams.optional(),
  wind: WindParams.optional(),
  pricePerMWh: PricePerMWh.optional().describe('Price of the energy used (PPA or dedicated line), currency per MWh (default 0)'),
  pricePerKWh: PricePerKWh.optional().describe('The same price per kWh'),
}), [
  { field: 'capacityMW', alt: 'capacityKW', factor: 0.001, required: true },
  { field: 'pricePerMWh', alt: 'pricePerKWh', factor: 1000, default: 0 },
]);
export type Renewable = z.infer<typeof Renewable>;

/** What the plan must leave in storage at the end of the horizon. */
export const StorageEndState = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('free') }).describe('No requirement: the plan may empty the store'),
    z.strictObject({ type: z.literal('atLeastStart') }).describe('At least the initial state of charge (the default)'),
    z.strictObject({ type: z.literal('equalStart') }).describe('Exactly the initial state of charge'),
    z.strictObject({ type: z.literal('atLeast'), socFraction: Fraction.describe('Share of usable capacity') }).describe('At least a given state of charge'),
  ])
  .default({ type: 'atLeastStart' })
  .describe('State of charge the plan must leave at the end of the horizon');

export const Storage = withUnitAlternatives(
  z.strictObject({
    energyMWh: EnergyMWh.optional().describe('Usable energy capacity, MWh'),
    energyKWh: EnergyKWh.optional().describe('Usable energy capacity, kWh (instead of energyMWh)'),
    powerMW: PowerMW.optional().describe('Charge and discharge power limit, MW'),
    powerKW: PowerKW.optional().describe('Charge and discharge power limit, kW (instead of powerMW)'),
    chargeEfficiency: z.number().gt(0).max(1).default(0.95),
    dischargeEfficiency: z.number().gt(0).max(1).default(0.95),
    socMinFraction: Fraction.default(0.1),
    socMaxFraction: Fraction.default(0.95),
    socInitialFraction: Fraction.default(0.5),
    degradationCostPerMWh: CostPerMWh.default(0).describe('Cost per MWh discharged (wear)'),
    endState: StorageEndState,
  }),
  [
    { field: 'energyMWh', alt: 'energyKWh', factor: 0.001, required: true },
    { field: 'powerMW', alt: 'powerKW', factor: 0.001, required: true },
  ],
)
  .refine((s) => s.socMinFraction <= s.socMaxFraction, { message: 'socMinFraction must not exceed socMaxFraction', path: ['socMinFraction'] })
  .refine((s) => s.socInitialFraction >= s.socMinFraction && s.socInitialFraction <= s.socMaxFraction, {
    message: 'socInitialFraction must lie between socMinFraction and socMaxFraction',
    path: ['socInitialFraction'],
  })
  .refine((s) => s.endState.type !== 'atLeast' || (s.endState.socFraction >= s.socMinFraction && s.endState.socFraction <= s.socMaxFraction), {
    message: 'endState.socFraction must lie between socMinFraction and socMaxFraction',
    path: ['endState', 'socFraction'],
  });
export type Storage = z.infer<typeof Storage>;

export const SiteSeries = z.strictObject({
  price: SeriesRef.optional().describe('Energy price, currency/MWh (needed by spot tariffs)'),
  carbonIntensity: SeriesRef.optional().describe('Grid carbon intensity, gCO2/kWh'),
  gridRenewableShare: SeriesRef.optional().describe('Renewable share of grid supply, % or fraction'),
  weather: WeatherRef.optional(),
});

/** The facility of a site without IT (only loads): no cooling or losses act on zero IT power. */
const NO_IT_FACILITY = Facility.parse({ cooling: { archetype: 'air' } });

/** A measured or assumed load behind the site's meter that is not IT equipment. */
export const SiteLoad = z
  .strictObject({
    id: Id,
    kind: z
      .enum(['facility', 'overhead', 'building'])
      .describe('facility / overhead: part of the data-centre facility (counted in facility energy and PUE); building: another load behind the same meter (offices, a campus building), billed but outside PUE'),
    power: SeriesRef.describe('Load power per step: a power series (W, kW, MW) or energy per interval (kWh, MWh)'),
    description: z.string().optional(),
  })
  .describe('A load series added to the site (a metered facility profile, a building, a fixed overhead profile)');
export type SiteLoad = z.infer<typeof SiteLoad>;

/** Fuels of backup generators and what one unit of each emits (docs/tariffs.md, "Backup generators"). */
export const GeneratorFuel = z.enum(['diesel', 'naturalGas']);

/** A backup generator (diesel or gas genset): a dispatchable source with fuel cost, emissions and limits. */
export const Generator = withUnitAlternatives(
  z.strictObject({
    id: Id,
    fuel: GeneratorFuel,
    capacityKW: z.number().gt(0).max(1e8).optional().describe('Rated electrical output, kW'),
    capacityMW: z.number().gt(0).max(1e5).optional().describe('Rated electrical output, MW (instead of capacityKW)'),
    minLoadFraction: Fraction.default(0.3).describe('Lowest output while running, share of rating (diesel makers advise ≥ 30 % against wet stacking)'),
    fuelUnit: z.enum(['L', 'gal', 'm3', 'MMBtu']).optional().describe('Unit of fuel quantities and price (default: L for diesel, m3 for natural gas)'),
    fuelPerKWh: z.number().min(0).max(100).optional().describe('Fuel curve slope: fuel units per kWh produced (diesel default 0.076 gal/kWh = 0.2877 L/kWh, the REopt default; required for natural gas)'),
    fuelNoLoadPerHourPerKW: z.number().min(0).max(10).default(0).describe('Fuel curve intercept: fuel units per hour per kW of rating while running (HOMER\'s F0; default 0, as REopt; a data sheet gives it, e.g. 0.033 L/h/kW)'),
    fuelPrice: z.number().min(0).max(1e4).describe('Price of one fuel unit, currency'),
    co2KgPerFuelUnit: z.number().min(0).max(1e3).optional().describe('CO2 per fuel unit burnt, kg (default from the EPA emission factors for the fuel and unit)'),
    variableCostPerMWh: z.number().min(0).max(1e5).default(0).describe('Operation and maintenance cost per MWh produced'),
    maxRunHours: z.number().min(0).max(1e6).optional().describe('Most hours the generator may run over the horizon (air permits often cap non-emergency use)'),
    drAllowed: z.boolean().default(false).describe('Whether demand-response programs and grid events may count its output as load reduction'),
    canExport: z.boolean().default(false).describe('Whether its output may be exported'),
  }),
  [{ field: 'capacityKW', alt: 'capacityMW', factor: 1000, required: true }],
);
export type Generator = z.infer<typeof Generator>;

export const Site = z
  .strictObject({
    id: Id,
    name: z.string().optional(),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    timeZone: z.string().optional().describe('IANA zone of the site (default: the horizon zone); tariffs use local time'),
    gridZone: z.string().optional().describe('Grid or market zone, e.g. US-TEX-ERCO, CN-GD'),
    grid: GridConnection,
    it: z.array(ItInventory).describe('GPUs installed, by accelerator model; empty for a site that is only a load (a building, a metered campus)'),
    idleGpus: z.enum(['idle', 'off']).default('idle').describe('Unused GPUs draw idle power, or their nodes are powered off'),
    facility: Facility.optional().describe('Cooling and power chain; required when the site has IT'),
    loads: z.array(SiteLoad).default([]).describe('Non-IT loads as series, kW: metered facility profiles, buildings, overhead profiles'),
    generators: z.array(Generator).default([]).describe('Backup generators the plan may dispatch'),
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
  })
  .superRefine((s, ctx) => {
    if (s.it.length > 0 && !s.facility) ctx.addIssue({ code: 'custom', message: 'a site with IT needs a facility section (cooling archetype at least)', path: ['facility'] });
    if (s.it.length === 0 && s.loads.length === 0) ctx.addIssue({ code: 'custom', message: 'a site needs IT (it: [...]) or loads (loads: [...])', path: ['it'] });
  })
  // a site without IT has no cooling plant to model; its power chain defaults are never used
  .transform((s) => ({ ...s, facility: s.facility ?? NO_IT_FACILITY }));
export type Site = z.infer<typeof Site>;
