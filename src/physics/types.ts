/**
 * Resolved physical models: what the simulator and optimiser consume. Built from the scenario by
 * the physics stage; plain values, no behaviour hidden in classes.
 */

/** One operating point of an accelerator running a workload class. */
export interface OperatingPoint {
  /** Power cap set, W. */
  capW: number;
  /** GPU power drawn, W. */
  gpuPowerW: number;
  /** GPU plus its share of host power (CPU, memory, NICs, fans), W: what the IT meter sees. */
  itPowerW: number;
  /** Throughput relative to full speed (1 = uncapped). */
  throughput: number;
}

/** What every accelerator description has, before and after its curves are resolved. */
export interface AcceleratorFigures {
  id: string;
  vendor: string;
  tdpW: number;
  idleW: number;
  minCapW: number;
  nodeOverheadIdleW: number;
  nodeOverheadMaxW: number;
  /** Tokens per second per GPU at full power, by workload class. */
  tokensPerSecondPerGpu: Record<string, number>;
  priceUsd?: number;
  /** Where the defaults come from (for docs and reports). */
  source: string;
  /** False when key figures (TDP, idle, overhead, curves) are assumptions, not sourced values. */
  verified: boolean;
}

/** A resolved accelerator model. */
export interface Accelerator extends AcceleratorFigures {
  /**
   * Operating FRONTIER by workload class (`training`, `inference`, `batch`) or named job
   * profile: the upper concave hull of the running points, sorted by power, throughput strictly
   * increasing. Points between two listed caps are reached by alternating those caps over time
   * (all GPUs of a job together), so this is the most work an average power can buy.
   */
  curves: Record<string, OperatingPoint[]>;
  /**
   * The listed points of each curve as measured (or assumed), before hulling: every point whose
   * cap can be set (minCapW ≤ cap ≤ tdpW, drawing at most tdpW), sorted by cap. What a single
   * steady cap gives: see throughputAtCap.
   */
  measured: Record<string, OperatingPoint[]>;
  /** Points removed from each curve while hulling, with the reason (for docs and audits). */
  droppedPoints: Record<string, DroppedPoint[]>;
}

/** A curve point removed by the hull rule, and why. */
export interface DroppedPoint extends OperatingPoint {
  reason: string;
}

/**
 * Facility power as an affine function of IT power at each step:
 * facilityKW = itKW × (1 + lossSlope + coolingSlope[t]) + fixedKW.
 * The optimiser and simulator share these coefficients, so plans and ledgers agree.
 */
export interface FacilityCoefficients {
  /** UPS and distribution losses per kW of IT. */
  lossSlope: number;
  /** Cooling power per kW of IT at each step (depends on outdoor conditions). */
  coolingSlope: Float64Array;
  /** Constant facility load (lighting, offices), kW. */
  fixedKW: number;
}

/** Storage limits in kW and kWh. */
export interface StorageModel {
  energyKWh: number;
  powerKW: number;
  chargeEfficiency: number;
  dischargeEfficiency: number;
  socMinKWh: number;
  socMaxKWh: number;
  socInitialKWh: number;
  degradationCostPerKWh: number;
  /** State of charge a plan must leave at the end of the horizon, kWh (the spec's endState). */
  endSoc: { minKWh: number; maxKWh: number };
}
