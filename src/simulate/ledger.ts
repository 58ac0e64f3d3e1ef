/**
 * The ledger: per site and step, every power flow (kW, averaged over the step) and the work
 * done. Energy in a step = power × step hours. Sources equal sinks at every step:
 * (renewableAvailable − renewableCurtailed) + storageDischarge + generator + gridImport + shortfall
 *   = facility + siteLoad + storageCharge + gridExport.
 * The flow columns (grid → load, renewables → storage, …) split the same balance by source and
 * use; the allocation rule is in supply.ts and docs/model.md.
 */
import type { TimeGrid } from '../time/grid.ts';
import type { SolverStats } from './dispatch.ts';

/** Work done by one workload at one site, per step. */
export interface WorkloadFlows {
  workload: number;
  id: string;
  type: 'inference' | 'training' | 'batch';
  /** IT power of this workload (GPUs and host share), kW. */
  itKW: Float64Array;
  /** Active GPUs (inference: allocated GPUs including SLO headroom). */
  gpus: Float64Array;
  /** GPU power per busy GPU, W. */
  gpuPowerW: Float64Array;
  /** Throughput fraction of the busy GPUs (1 = full speed). */
  throughput: Float64Array;
  /** Work done, GPU-hours at full speed. */
  workGpuHours: Float64Array;
  /** Tokens produced. */
  tokens: Float64Array;
  /** Inference: tokens/s requested at this site (arrival share); 0 for jobs. */
  demandTokensPerSecond: Float64Array;
}

/** Power flows of one site. */
export interface SiteLedger {
  site: number;
  id: string;
  /** Total IT power (workloads + idle GPUs), kW. */
  itKW: Float64Array;
  /** IT power of GPUs no workload uses, kW. */
  idleItKW: Float64Array;
  coolingKW: Float64Array;
  /** UPS and distribution losses, kW. */
  lossesKW: Float64Array;
  fixedKW: Float64Array;
  /** Facility loads given as series (part of facilityKW), kW. */
  facilityLoadKW: Float64Array;
  facilityKW: Float64Array;
  /** Loads behind the meter outside the data-centre facility (buildings), kW. */
  siteLoadKW: Float64Array;
  renewableAvailableKW: Float64Array;
  /** Renewable energy consumed on site (facility or battery), kW. */
  renewableUsedKW: Float64Array;
  renewableExportKW: Float64Array;
  renewableCurtailedKW: Float64Array;
  /** Renewable power reaching the facility directly or through the battery, kW. */
  directGreenKW: Float64Array;
  storageChargeKW: Float64Array;
  storageDischargeKW: Float64Array;
  /** State of charge at the end of the step, kWh. */
  socKWh: Float64Array;
  gridImportKW: Float64Array;
  gridExportKW: Float64Array;
  /** Load the grid limit could not supply, kW (a violation; 0 in a feasible plan). */
  shortfallKW: Float64Array;
  /** Output of all backup generators, kW. */
  generatorKW: Float64Array;
  /** Per generator: output (kW) and share of the step it ran (0–1). */
  generators: Array<{ id: string; kW: Float64Array; running: Float64Array }>;
  /** Flows by source and use, kW (load = facility + site loads). */
  gridToLoadKW: Float64Array;
  gridToStorageKW: Float64Array;
  renewableToLoadKW: Float64Array;
  renewableToStorageKW: Float64Array;
  storageToLoadKW: Float64Array;
  storageToGridKW: Float64Array;
  generatorToLoadKW: Float64Array;
  generatorToStorageKW: Float64Array;
  generatorToGridKW: Float64Array;
  importPrice: Float64Array;
  exportPrice: Float64Array;
  carbonIntensity: Float64Array;
  gridRenewableShare: Float64Array;
  workloads: WorkloadFlows[];
}

/** How each workload fared. */
export interface WorkloadOutcome {
  workload: number;
  id: string;
  type: 'inference' | 'training' | 'batch';
  /** Work required, GPU-hours at full speed (0 for inference). */
  requiredGpuHours: number;
  doneGpuHours: number;
  /** Work done after the deadline, GPU-hours. */
  lateGpuHours: number;
  /** Work left at the end of the horizon (non-continuous jobs), GPU-hours. */
  remainingGpuHours: number;
  /** Step in which the job finished, or -1. */
  finishedStep: number;
  /** True when the job finished after its deadline or not at all (non-continuous). */
  late: boolean;
  tokens: number;
  /** Inference: tokens requested over the horizon. */
  demandTokens: number;
  /** Inference: tokens not served. */
  unservedTokens: number;
  /** Average throughput fraction from release until finish (or window end); inference: served share. */
  performance: number;
  qosFloor?: number;
  qosWeight: number;
}

/** The simulator's output. */
export interface Ledger {
  policy: string;
  grid: TimeGrid;
  sites: SiteLedger[];
  outcomes: WorkloadOutcome[];
  /** Problems the simulator corrected (over-allocation, work outside windows, storage limits). */
  corrections: string[];
  /** Largest |sources − sinks| over all sites and steps, kWh. */
  maxEnergyBalanceErrorKWh: number;
  /** Solver statistics of the plan behind this ledger, when it came from an optimiser. */
  solver?: SolverStats;
  /** Notes from the policy. */
  notes: string[];
}
