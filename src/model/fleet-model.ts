/**
 * The physics stage: turns a resolved scenario into per-step physical and market coefficients
 * for every site and workload. The optimiser and the simulator both read this one model, so a
 * plan and its simulated ledger rest on the same numbers.
 */
import { compileTariff, type CompiledTariff } from '../tariff/compile.ts';
import { InputError } from '../errors/index.ts';
import {
  curveFor,
  facilityCoefficients,
  generatorModel,
  itPowerPerGpuW,
  lossSlopeOf,
  resolveAccelerators,
  solarCapacityFactor,
  storageModel,
  windCapacityFactor,
} from '../physics/index.ts';
import type { GeneratorModel } from '../physics/generator.ts';
import type { Accelerator, FacilityCoefficients, OperatingPoint, StorageModel } from '../physics/types.ts';
import type { ResolvedFleetLimits, ResolvedScenario } from '../scenario/resolve.ts';
import type { Site, Tariff, Workload } from '../scenario/schema/index.ts';
import { calendarOf, type Calendar, type TimeGrid } from '../time/grid.ts';

/** GPUs of one model installed at a site. */
export interface GpuPool {
  acceleratorId: string;
  accelerator: Accelerator;
  gpus: number;
  /** IT power of one idle GPU with its host share, W. */
  idleItPowerW: number;
}

/** One renewable plant's available output. */
export interface RenewableModel {
  id: string;
  type: 'solar' | 'wind';
  capacityKW: number;
  availableKW: Float64Array;
  pricePerMWh: number;
}

/** Everything the planner and simulator need to know about one site, per step. */
export interface SiteModel {
  index: number;
  id: string;
  name: string;
  timeZone: string;
  calendar: Calendar;
  spec: Site;
  tariff: Tariff;
  pools: GpuPool[];
  idleGpus: 'idle' | 'off';
  /** IT power with every GPU at TDP, kW (0 for a site that is only loads). */
  installedItKW: number;
  /** Design PUE is NaN for a site without IT. */
  facility: FacilityCoefficients & { designPue: number; assumedTemperatureC?: number };
  /** Facility loads given as series (facility and overhead kinds: in facility power and PUE), kW per step. */
  facilityLoadKW: Float64Array;
  /** Loads behind the meter outside the facility (building kind), kW per step. */
  siteLoadKW: Float64Array;
  generators: GeneratorModel[];
  renewables: RenewableModel[];
  /** Sum of renewable availability, kW. */
  renewableAvailableKW: Float64Array;
  storage?: StorageModel;
  importLimitKW: Float64Array;
  /** Export limit per step, kW (all zero when the tariff pays nothing for export). */
  exportLimitKW: Float64Array;
  /** Whether the site may export at all (some step has a positive export limit). */
  canExport: boolean;
  /** The tariff on the grid: what the bill and the optimiser both price. */
  compiledTariff: CompiledTariff;
  /** Import price per step (energy + adders), currency/MWh: the marginal price before tier blocks. */
  importPrice: Float64Array;
  /** Export price per step, currency/MWh (0 when export is unpaid; the retail rate under net metering). */
  exportPrice: Float64Array;
  /** TOU period per step, an index into compiledTariff.periods (TOU tariffs only). */
  touPeriod?: Int8Array;
  /** Spot price series when given, currency/MWh. */
  spotPrice?: Float64Array;
  carbonIntensity: Float64Array;
  gridRenewableShare: Float64Array;
  temperatureC?: Float64Array;
}

/** A workload with its physics resolved. */
export interface WorkloadModel {
  index: number;
  id: string;
  type: Workload['type'];
  spec: Workload;
  acceleratorId: string;
  accelerator: Accelerator;
  /** Throughput-vs-power hull, ascending power, with IT power per GPU. */
  curve: OperatingPoint[];
  /** Lowest GPU power allowed while running, W (cap floor). */
  minGpuPowerW: number;
  /** Full-power operating point (top of the curve). */
  fullPower: OperatingPoint;
  /** Tokens per GPU-hour at full speed. */
  tokensPerGpuHour: number;
  siteIndices: number[];
  releaseStep: number;
  deadlineStep: number;
  /** GPU-hours at full speed to complete (training and batch). */
  workGpuHours: number;
  gpusMin: number;
  gpusMax: number;
  pausable: boolean;
  /** Inference: requested tokens/s per step. */
  demandTokensPerSecond?: Float64Array;
  /** Inference: share of demand arriving at each of siteIndices. */
  arrivalShares?: number[];
  /** Inference: highest utilisation that meets the latency SLO. */
  maxUtilisation: number;
  qosFloor?: number;
  qosWeight: number;
  /** Penalty per GPU-hour (training, batch) or per million tokens (inference) not done. */
  unservedPenalty: number;
  /** Value per GPU-hour of work (training, batch) or per million tokens (inference). */
  value: number;
  /** Work continues past the horizon: judged by performance, not completion. */
  continuous: boolean;
}

/** The fleet on one grid: the input of every policy and of the simulator. */
export interface FleetModel {
  name: string;
  currency: string;
  grid: TimeGrid;
  sites: SiteModel[];
  workloads: WorkloadModel[];
  /** Fleet-wide limits that couple sites (shared import cap, green share, CO2 budget). */
  fleet?: ResolvedFleetLimits;
  resolved: ResolvedScenario;
}

function pickTokensPerSecond(acc: Accelerator, w: Workload): number {
  if (w.tokensPerSecondPerGpu !== undefined) return w.tokensPerSecondPerGpu;
  const t = acc.tokensPerSecondPerGpu;
  return t[w.curve ?? w.type] ?? t[w.type] ?? t.inference ?? 1000;
}

/** Builds the fleet model: facility coefficients, renewable output, prices, workload curves. */
export function buildFleetModel(r: ResolvedScenario): FleetModel {
  const { grid } = r;
  const accelerators = resolveAccelerators(r.scenario.accelerators);
  const known = () => [...accelerators.keys()].join(', ');
  const unknown = (id: string, path: string): never => {
    throw new InputError('SCENARIO_REFERENCE', `unknown accelerator "${id}"; known: ${known()}`, { file: r.file, path });
  };
  r.sites.forEach((s) => s.spec.it.forEach((inv, j) => accelerators.has(inv.accelerator) || unknown(inv.accelerator, `sites[${s.index}].it[${j}].accelerator`)));
  r.workloads.forEach((w) => accelerators.has(w.spec.accelerator) || unknown(w.spec.accelerator, `workloads[${w.index}].accelerator`));
  const sites: SiteModel[] = r.sites.map((s) => {
    const spec = s.spec;
    const p = `sites[${s.index}]`;
    const calendar = calendarOf(grid, s.timeZone);
    const pools: GpuPool[] = spec.it.map((inv) => {
      const acc = accelerators.get(inv.accelerator) as Accelerator;
      return { acceleratorId: inv.accelerator, accelerator: acc, gpus: inv.gpus, idleItPowerW: itPowerPerGpuW(acc, acc.idleW) };
    });
    const installedItKW = pools.reduce((a, pool) => a + (pool.gpus * itPowerPerGpuW(pool.accelerator, pool.accelerator.tdpW)) / 1000, 0);
    const weather = s.weather ? { temperatureC: s.weather.temperatureC, relativeHumidityPct: s.weather.relativeHumidityPct } : undefined;
    // a site without IT has no cooling plant to calibrate: only its fixed overhead and loads draw power
    const fc =
      installedItKW > 0
        ? facilityCoefficients(spec.facility, installedItKW, weather, grid.steps, `${p}.facility`)
        : { lossSlope: lossSlopeOf(spec.facility), coolingSlope: new Float64Array(grid.steps), fixedKW: spec.facility.fixedOverheadKW, design: { pue: NaN, k: 1 }, assumedTemperatureC: undefined };
    const renewables: RenewableModel[] = spec.renewables.map((re) => {
      const derive = (): Float64Array => {
        const w = s.weather!; // resolve() guarantees weather when no capacity factor is given
        return re.type === 'solar'
          ? solarCapacityFactor(grid, spec.latitude, spec.longitude, { temperatureC: w.temperatureC, cloudCoverPct: w.cloudCoverPct }, re.solar ?? {})
          : windCapacityFactor(w.windSpeedMS, w.windHeightM, re.wind ?? {});
      };
      const cf = s.renewableCapacityFactors.get(re.id) ?? derive();
      const capacityKW = re.capacityMW * 1000;
      const availableKW = new Float64Array(grid.steps);
      for (let i = 0; i < grid.steps; i++) availableKW[i] = Math.max(0, Math.min(1, cf[i]!)) * capacityKW;
      return { id: re.id, type: re.type, capacityKW, availableKW, pricePerMWh: re.pricePerMWh };
    });
    const renewableAvailableKW = new Float64Array(grid.steps);
    for (const re of renewables) for (let i = 0; i < grid.steps; i++) renewableAvailableKW[i]! += re.availableKW[i]!;
    const compiledTariff = compileTariff(spec.tariff, {
      grid,
      calendar,
      spotPrice: s.price,
      temperatureC: s.weather?.temperatureC,
      contractedCapacityKVA: spec.grid.contractedCapacityKVA,
      exportPriceSeries: s.exportPrice,
      coincidentSteps: s.coincidentSteps,
      path: `${p}.tariff`,
    });
    const importPrice = Float64Array.from(compiledTariff.energyPrice, (x) => x + compiledTariff.adderPerMWh);
    const exportLimitKW = spec.tariff.export.type === 'none' ? new Float64Array(grid.steps) : s.exportLimitKW;
    const facilityLoadKW = new Float64Array(grid.steps);
    const siteLoadKW = new Float64Array(grid.steps);
    spec.loads.forEach((l, j) => {
      const into = l.kind === 'building' ? siteLoadKW : facilityLoadKW;
      const kW = s.loadsKW[j]!;
      for (let i = 0; i < grid.steps; i++) into[i]! += kW[i]!;
    });
    return {
      index: s.index,
      id: spec.id,
      name: spec.name ?? spec.id,
      timeZone: s.timeZone,
      calendar,
      spec,
      tariff: spec.tariff,
      pools,
      idleGpus: spec.idleGpus,
      installedItKW,
      facility: { lossSlope: fc.lossSlope, coolingSlope: fc.coolingSlope, fixedKW: fc.fixedKW, designPue: fc.design.pue, assumedTemperatureC: fc.assumedTemperatureC },
      facilityLoadKW,
      siteLoadKW,
      generators: spec.generators.map((g, j) => generatorModel(g, `${p}.generators[${j}]`)),
      renewables,
      renewableAvailableKW,
      storage: spec.storage && spec.storage.energyMWh > 0 && spec.storage.powerMW > 0 ? storageModel(spec.storage) : undefined,
      importLimitKW: s.importLimitKW,
      exportLimitKW,
      canExport: exportLimitKW.some((x) => x > 0),
      compiledTariff,
      importPrice,
      exportPrice: compiledTariff.export.price,
      touPeriod: compiledTariff.period,
      spotPrice: s.price,
      carbonIntensity: s.carbonIntensity,
      gridRenewableShare: s.gridRenewableShare,
      temperatureC: s.weather?.temperatureC,
    };
  });

  const workloads: WorkloadModel[] = r.workloads.map((w) => {
    const spec = w.spec;
    const acc = accelerators.get(spec.accelerator) as Accelerator;
    const curve = curveFor(acc, spec.curve ?? spec.type, `workloads[${w.index}].curve`);
    const fullPower = curve[curve.length - 1] as OperatingPoint;
    const floorW = spec.minPowerFraction !== undefined ? spec.minPowerFraction * acc.tdpW : 0;
    const minGpuPowerW = Math.min(fullPower.gpuPowerW, Math.max(curve[0]!.gpuPowerW, floorW));
    const tokensPerGpuHour = pickTokensPerSecond(acc, spec) * 3600;
    const base = {
      index: w.index,
      id: spec.id,
      type: spec.type,
      spec,
      acceleratorId: spec.accelerator,
      accelerator: acc,
      curve,
      minGpuPowerW,
      fullPower,
      tokensPerGpuHour,
      siteIndices: w.siteIndices,
      releaseStep: w.releaseStep,
      deadlineStep: w.deadlineStep,
      qosWeight: spec.qosWeight ?? (spec.type !== 'inference' ? (spec.qosFloor ?? 1) : 1),
    };
    if (spec.type === 'inference') {
      return {
        ...base,
        workGpuHours: 0,
        gpusMin: 0,
        gpusMax: Infinity,
        pausable: false,
        demandTokensPerSecond: w.demandTokensPerSecond,
        arrivalShares: w.arrivalShares,
        maxUtilisation: spec.maxUtilisation,
        unservedPenalty: spec.unservedPenaltyPerMillionTokens,
        value: spec.valuePerMillionTokens,
        continuous: false,
      };
    }
    if (spec.type === 'training') {
      return {
        ...base,
        workGpuHours: spec.workGpuHours,
        gpusMin: spec.gpus.min ?? (spec.resizable ? 1 : spec.gpus.max),
        gpusMax: spec.gpus.max,
        pausable: spec.pausable,
        maxUtilisation: 1,
        qosFloor: spec.qosFloor,
        unservedPenalty: spec.unfinishedPenaltyPerGpuHour,
        value: spec.valuePerGpuHour,
        continuous: spec.continuous,
      };
    }
    return {
      ...base,
      workGpuHours: spec.tokens / tokensPerGpuHour,
      gpusMin: spec.gpus.min ?? 1,
      gpusMax: spec.gpus.max,
      pausable: true,
      maxUtilisation: 1,
      qosFloor: spec.qosFloor,
      unservedPenalty: (spec.unfinishedPenaltyPerMillionTokens * tokensPerGpuHour) / 1e6,
      value: (spec.valuePerMillionTokens * tokensPerGpuHour) / 1e6,
      continuous: spec.continuous,
    };
  });

  return { name: r.scenario.name, currency: r.scenario.currency, grid, sites, workloads, ...(r.fleet ? { fleet: r.fleet } : {}), resolved: r };
}
