/**
 * The physics stage's public face: accelerator models and curves, facility and cooling,
 * renewables from weather, and storage. Each function is a plain computation on typed values.
 */
export type { Accelerator, DroppedPoint, FacilityCoefficients, OperatingPoint, StorageModel } from './types.ts';
export {
  classOfProfile,
  curveFor,
  gpuPowerAtUtilisation,
  gpuPowerForThroughput,
  hullCurve,
  itPowerPerGpuW,
  measuredFor,
  operatingPointAtCap,
  throughputAtCap,
  throughputAtPower,
  upperConcaveHull,
  type PowerThroughput,
} from './gpu.ts';
export {
  CATALOGUE,
  STATIC_POWER_SHARE,
  buildAccelerator,
  catalogueIds,
  derivedInferenceCurve,
  derivedTrainingCurve,
  resolveAccelerators,
  type AcceleratorDefinition,
} from './catalogue.ts';
export { PHOENIX_A100_DVFS, PHOENIX_INFERENCE, PHOENIX_PRETRAINING } from './phoenix-a100.ts';
export { STULL_RH_RANGE, wetBulbStullC } from './psychrometrics.ts';
export {
  COOLING_ARCHETYPES,
  COP_RANGE,
  HEAT_REJECTION_DEFAULTS,
  chillerCop,
  coolingPerKWIt,
  cracCop,
  mechanicalFraction,
  rejectionTemperatureC,
  resolveCooling,
  type CoolingParameters,
  type HeatRejection,
  type ResolvedCooling,
} from './cooling.ts';
export {
  NO_WEATHER_OFFSET_C,
  facilityCoefficients,
  lossSlopeOf,
  pueAt,
  type FacilityModel,
  type FacilitySpec,
  type FacilityWeather,
} from './facility.ts';
export {
  ALBEDO,
  DEFAULT_CLEARNESS,
  SOLAR_CONSTANT,
  TRACKER_LIMIT_DEG,
  clearSkyGhiHaurwitz,
  erbsDiffuseFraction,
  kastenCzeplak,
  pvCapacityFactor,
  singleAxisPoaIrradiance,
  solarCapacityFactor,
  solarPosition,
  type SolarParamsSpec,
  type SolarPosition,
} from './solar.ts';
export { powerCurveFraction, windAtHub, windCapacityFactor, type WindParamsSpec } from './wind.ts';
export { stepStorage, storageModel, type StorageStep } from './storage.ts';
export { CO2_KG_PER_FUEL_UNIT, generatorCost, generatorFuel, generatorModel, type GeneratorModel } from './generator.ts';
