/**
 * Resolves a validated scenario: builds the time grid, checks the cross-references between its
 * own parts (sites, workloads, windows), loads and aligns every series file. The result is plain
 * data on one time grid, ready for the physics stage (which adds the accelerator catalogue).
 */
import type { PathPolicy } from '../files/input-file.ts';
import { dirname, resolve as resolvePath } from 'node:path';
import { InputError, type InputLocation } from '../errors/index.ts';
import { loadSeries, loadWeather } from '../series/index.ts';
import type { AlignReport, AlignedWeather, Quantity, RawSeries } from '../series/types.ts';
import type { RawWeather } from '../series/index.ts';
import { gridEndMs, horizonText, type TimeGrid } from '../time/grid.ts';
import { parseTimestamp } from '../time/parse.ts';
import { assertTimeZone } from '../time/zone.ts';
import { checkProblemSize } from './problem-size.ts';
import { horizonGrid, stepAtOrAfter } from './horizon.ts';
import { stepIndexOf } from '../time/grid.ts';
import type { Scenario, SeriesRef, Site, Workload } from './schema/index.ts';

/** A site with its series aligned to the grid. */
export interface ResolvedSite {
  index: number;
  spec: Site;
  timeZone: string;
  /** Energy price, currency/MWh (present when the site has a price series). */
  price?: Float64Array;
  /** Grid carbon intensity, gCO2/kWh (zeros, with a warning, when no series is given). */
  carbonIntensity: Float64Array;
  /** Renewable share of grid supply, fraction. */
  gridRenewableShare: Float64Array;
  weather?: AlignedWeather;
  /** Import limit per step, kW (overrides applied). */
  importLimitKW: Float64Array;
  /** Export limit per step, kW (the constant limit, lowered by the export-limit series where given). */
  exportLimitKW: Float64Array;
  /** Load series of the site, kW, in `spec.loads` order. */
  loadsKW: Float64Array[];
  /** Net-billing export price, currency/MWh (netBilling export only). */
  exportPrice?: Float64Array;
  /** Per tariff demand charge: 1 in announced system-peak steps (coincident charges only). */
  coincidentSteps: Array<Float64Array | undefined>;
  /** Capacity-factor series given in the scenario, by renewable id (fraction). */
  renewableCapacityFactors: Map<string, Float64Array>;
}

/** A workload with its times as step indices and its sites as indices. */
export interface ResolvedWorkload {
  index: number;
  spec: Workload;
  siteIndices: number[];
  /** First step the work may run. */
  releaseStep: number;
  /** First step after the deadline (exclusive). */
  deadlineStep: number;
  /** Inference demand, tokens/s (inference services only). */
  demandTokensPerSecond?: Float64Array;
  /** Share of demand arriving at each of `siteIndices` (inference only; sums to 1). */
  arrivalShares?: number[];
}

/** Fleet-wide limits with sites as indices and the import cap as a series on the grid. */
export interface ResolvedFleetLimits {
  siteIndices: number[];
  /** Most net grid import of these sites together per step, kW (undefined: no cap). */
  importCapKW?: Float64Array;
  /** Least direct-green share of their facility energy over the horizon, 0–1. */
  directGreenShareMin?: number;
  /** Most CO2 of their grid imports over the horizon, tonnes. */
  co2BudgetTonnes?: number;
}

/** A scenario resolved against its files and catalogue. */
export interface ResolvedScenario {
  scenario: Scenario;
  /** Scenario file path (for messages), or '<inline>'. */
  file: string;
  baseDir: string;
  /** Where the scenario's files may be read from (unset: any regular file). */
  pathPolicy?: PathPolicy;
  grid: TimeGrid;
  sites: ResolvedSite[];
  workloads: ResolvedWorkload[];
  /** The scenario's `fleet` section, when it has one. */
  fleet?: ResolvedFleetLimits;
  seriesReports: AlignReport[];
  warnings: string[];
  /** Line and column of a JSON path in the scenario file (for errors raised by later stages). */
  locate: (path: ReadonlyArray<string | number>) => InputLocation;
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/** Resolves a validated scenario read from `file` (series paths are relative to it). */
export function resolveScenario(
  scenario: Scenario,
  file: string,
  baseDir = dirname(resolvePath(file)),
  locate: (path: ReadonlyArray<string | number>) => InputLocation = (path) => ({ file, path: path.join('.') }),
  policy?: PathPolicy,
): ResolvedScenario {
  const warnings: string[] = [];
  const reports: AlignReport[] = [];
  const ref = (code: 'SCENARIO_REFERENCE' | 'SCENARIO_INVALID', message: string, path: string): never => {
    throw new InputError(code, message, { file, path });
  };

  const grid = horizonGrid(scenario.horizon);
  checkProblemSize(grid, { sites: scenario.sites.length, placements: scenario.workloads.reduce((a, w) => a + new Set(w.sites).size, 0) });

  for (const [what, ids, path] of [
    ['site', scenario.sites.map((s) => s.id), 'sites'],
    ['workload', scenario.workloads.map((w) => w.id), 'workloads'],
    ['accelerator', scenario.accelerators.map((a) => a.id), 'accelerators'],
  ] as const) {
    const dup = duplicates([...ids]);
    if (dup.length) ref('SCENARIO_INVALID', `${what} id "${dup[0]}" is used more than once; ids must be unique`, path);
  }
  const siteIndex = new Map(scenario.sites.map((s, i) => [s.id, i]));

  const cache = new Map<string, RawSeries | RawWeather>();
  const seriesCtx = (name: string, quantity: Quantity, localTimeZone: string) => ({
    cache,
    baseDir,
    policy,
    grid,
    quantity,
    name,
    currency: scenario.currency,
    defaultTimeZone: grid.timeZone,
    localTimeZone,
  });
  const load = (r: SeriesRef, name: string, quantity: Quantity, tz: string): Float64Array => {
    const s = loadSeries(r, seriesCtx(name, quantity, tz));
    reports.push(s.report);
    return s.values;
  };

  const sites: ResolvedSite[] = scenario.sites.map((spec, index) => {
    const p = `sites[${index}]`;
    const timeZone = spec.timeZone ?? grid.timeZone;
    assertTimeZone(timeZone, `${p}.timeZone`);
    const dupRe = duplicates(spec.renewables.map((r) => r.id));
    if (dupRe.length) ref('SCENARIO_INVALID', `renewable id "${dupRe[0]}" is used more than once at site "${spec.id}"`, `${p}.renewables`);
    const series = spec.series;
    const price = series.price ? load(series.price, `${p}.series.price`, 'price', timeZone) : undefined;
    const tariff = spec.tariff;
    if (tariff.energy.type === 'spot' && !price) {
      ref('SCENARIO_REFERENCE', `a spot tariff needs a price series: add series.price (e.g. { file: prices.csv, format: market-prices })`, `${p}.tariff.energy`);
    }
    if (tariff.export.type === 'spot' && !price) {
      ref('SCENARIO_REFERENCE', `spot export pricing needs a price series at series.price`, `${p}.tariff.export`);
    }
    let carbonIntensity: Float64Array;
    if (series.carbonIntensity) carbonIntensity = load(series.carbonIntensity, `${p}.series.carbonIntensity`, 'carbonIntensity', timeZone);
    else {
      carbonIntensity = new Float64Array(grid.steps);
      warnings.push(`site "${spec.id}" has no carbon intensity series (${p}.series.carbonIntensity): its CO2 is reported as 0`);
    }
    const gridRenewableShare = series.gridRenewableShare
      ? load(series.gridRenewableShare, `${p}.series.gridRenewableShare`, 'share', timeZone)
      : new Float64Array(grid.steps);
    if (!series.gridRenewableShare) warnings.push(`site "${spec.id}" has no grid renewable share series: the grid is counted as 0 % renewable`);
    let weather: AlignedWeather | undefined;
    if (series.weather) {
      weather = loadWeather(series.weather, { baseDir, policy, grid, name: `${p}.series.weather`, defaultTimeZone: grid.timeZone, cache });
      reports.push(...weather.reports);
    }
    const renewableCapacityFactors = new Map<string, Float64Array>();
    for (const [j, r] of spec.renewables.entries()) {
      if (r.capacityFactor) {
        renewableCapacityFactors.set(r.id, load(r.capacityFactor, `${p}.renewables[${j}].capacityFactor`, 'capacityFactor', timeZone));
      } else if (!weather) {
        ref('SCENARIO_REFERENCE', `renewable "${r.id}" has no capacityFactor series and the site has no weather to derive it from; add series.weather or capacityFactor`, `${p}.renewables[${j}]`);
      } else if (r.type === 'solar' && weather && !weather.cloudCoverPct) {
        warnings.push(`site "${spec.id}": the weather has no cloud cover, so solar "${r.id}" uses clear sky × a fixed clearness (see docs/model.md)`);
      }
    }
    const cp = tariff.energy.type === 'tou' ? tariff.energy.criticalPeak : undefined;
    if (cp?.minDailyMaxTemperatureC !== undefined && !weather) {
      ref('SCENARIO_REFERENCE', 'the critical-peak rule depends on temperature, so the site needs series.weather', `${p}.tariff.energy.criticalPeak.minDailyMaxTemperatureC`);
    }
    const importLimitKW = new Float64Array(grid.steps).fill(spec.grid.importLimitMW * 1000);
    for (const [j, o] of spec.grid.importLimitOverrides.entries()) {
      const op = `${p}.grid.importLimitOverrides[${j}]`;
      const a = stepAtOrAfter(grid, o.from, `${op}.from`);
      const b = stepAtOrAfter(grid, o.to, `${op}.to`);
      if (b <= a) {
        if (b === a && (a === 0 || a === grid.steps)) warnings.push(`${op} lies outside the horizon and has no effect`);
        else ref('SCENARIO_INVALID', `window ends (${o.to}) before it starts (${o.from})`, op);
      }
      for (let t = a; t < b; t++) importLimitKW[t] = Math.min(importLimitKW[t]!, o.importLimitMW * 1000);
    }
    const exportLimitKW = new Float64Array(grid.steps).fill(spec.grid.exportLimitMW * 1000);
    if (spec.grid.exportLimit) {
      const series = load(spec.grid.exportLimit, `${p}.grid.exportLimit`, 'power', timeZone);
      const constant = spec.grid.exportLimitMW > 0;
      for (let t = 0; t < grid.steps; t++) exportLimitKW[t] = Math.max(0, constant ? Math.min(exportLimitKW[t]!, series[t]!) : series[t]!);
    }
    const loadsKW = spec.loads.map((l, j) => {
      const kW = load(l.power, `${p}.loads[${j}].power`, 'power', timeZone);
      for (let t = 0; t < grid.steps; t++) {
        if (kW[t]! < 0) ref('SCENARIO_INVALID', `load "${l.id}" is negative (${kW[t]} kW) at step ${t}; a load draws power (model generation as a renewable or generator)`, `${p}.loads[${j}].power`);
      }
      return kW;
    });
    const dupLoad = duplicates(spec.loads.map((l) => l.id));
    if (dupLoad.length) ref('SCENARIO_INVALID', `load id "${dupLoad[0]}" is used more than once at site "${spec.id}"`, `${p}.loads`);
    const dupGen = duplicates(spec.generators.map((g) => g.id));
    if (dupGen.length) ref('SCENARIO_INVALID', `generator id "${dupGen[0]}" is used more than once at site "${spec.id}"`, `${p}.generators`);
    const x = tariff.export;
    const exportPrice = x.type === 'netBilling' ? load(x.price, `${p}.tariff.export.price`, 'price', timeZone) : undefined;
    if (x.type !== 'none' && !(spec.grid.exportLimitMW > 0) && !spec.grid.exportLimit) {
      warnings.push(`site "${spec.id}" has an export tariff but no export limit (grid.exportLimitMW or grid.exportLimit): nothing is exported`);
    }
    if (tariff.twoPart && !(spec.grid.contractedCapacityKVA! > 0)) {
      ref('SCENARIO_REFERENCE', 'a two-part tariff needs the contracted capacity: set grid.contractedCapacityKVA', `${p}.tariff.twoPart`);
    }
    const coincidentSteps = tariff.demandCharges.map((d, j) => {
      const cp = d.coincident;
      if (!cp) return undefined;
      const cpPath = `${p}.tariff.demandCharges[${j}].coincident`;
      if (cp.series) return load(cp.series, `${cpPath}.series`, 'dimensionless', timeZone);
      const steps = new Float64Array(grid.steps);
      let inside = 0;
      cp.times!.forEach((text, k) => {
        const ms = parseTimestamp(text, grid.timeZone);
        if (!Number.isFinite(ms)) ref('SCENARIO_INVALID', `"${text}" is not a timestamp; use e.g. 2023-08-15T17:00 or 2023-08-15T17:00-05:00`, `${cpPath}.times[${k}]`);
        const i = stepIndexOf(grid, ms);
        if (i >= 0) {
          steps[i] = 1;
          inside++;
        }
      });
      if (inside === 0 && cp.times!.length > 0) warnings.push(`${cpPath}: no system-peak time lies inside the horizon; the charge bills nothing`);
      return steps;
    });
    return {
      index,
      spec,
      timeZone,
      price,
      carbonIntensity,
      gridRenewableShare,
      weather,
      importLimitKW,
      exportLimitKW,
      loadsKW,
      exportPrice,
      coincidentSteps,
      renewableCapacityFactors,
    };
  });

  const workloads: ResolvedWorkload[] = scenario.workloads.map((spec, index) => {
    const p = `workloads[${index}]`;
    const siteIndices = spec.sites.map((id, j) => {
      const i = siteIndex.get(id);
      if (i === undefined) return ref('SCENARIO_REFERENCE', `unknown site "${id}"; sites in this scenario: ${[...siteIndex.keys()].join(', ')}`, `${p}.sites[${j}]`);
      const site = scenario.sites[i]!;
      if (!site.it.some((inv) => inv.accelerator === spec.accelerator)) {
        return ref(
          'SCENARIO_REFERENCE',
          `site "${id}" has no ${spec.accelerator} GPUs (it has ${site.it.map((x) => `${x.gpus} × ${x.accelerator}`).join(', ')})`,
          `${p}.sites[${j}]`,
        );
      }
      return i;
    });
    if (new Set(siteIndices).size !== siteIndices.length) ref('SCENARIO_INVALID', 'a site is listed twice', `${p}.sites`);
    let releaseStep = 0;
    let deadlineStep = grid.steps;
    if (spec.type !== 'inference') {
      if (spec.release !== undefined) releaseStep = stepAtOrAfter(grid, spec.release, `${p}.release`);
      if (spec.deadline !== undefined) deadlineStep = stepAtOrAfter(grid, spec.deadline, `${p}.deadline`);
      const horizon = horizonText(grid);
      if (spec.release !== undefined && releaseStep >= grid.steps) {
        ref('SCENARIO_INVALID', `the release (${spec.release}) is at or after the end of the horizon ${horizon}: the job could never run; move it inside the horizon or widen the horizon`, `${p}.release`);
      } else if (spec.deadline !== undefined && deadlineStep === 0) {
        ref('SCENARIO_INVALID', `the deadline (${spec.deadline}) is at or before the start of the horizon ${horizon}: the job could never run; move it inside the horizon or widen the horizon`, `${p}.deadline`);
      } else if (deadlineStep <= releaseStep) {
        ref('SCENARIO_INVALID', `the deadline (${spec.deadline ?? 'horizon end'}) is not after the release (${spec.release ?? 'horizon start'}) within the horizon ${horizon}`, `${p}.deadline`);
      } else if (spec.deadline !== undefined && parseTimestamp(spec.deadline, grid.timeZone) > gridEndMs(grid)) {
        warnings.push(`${p} ("${spec.id}"): the deadline ${spec.deadline} lies after the end of the horizon ${horizon}; the job is planned and judged as if due at the horizon end (work left then counts as unserved and the job as late)`);
      }
      const min = spec.gpus.min;
      if (min !== undefined && min > spec.gpus.max) ref('SCENARIO_INVALID', `gpus.min (${min}) exceeds gpus.max (${spec.gpus.max})`, `${p}.gpus.min`);
      const largest = Math.max(
        ...siteIndices.map((i) => scenario.sites[i]!.it.filter((x) => x.accelerator === spec.accelerator).reduce((a, x) => a + x.gpus, 0)),
      );
      const need = min ?? (spec.type === 'training' && spec.resizable ? 1 : spec.gpus.max);
      if (need > largest) {
        ref('SCENARIO_INVALID', `the job needs at least ${need} ${spec.accelerator} GPUs but its largest eligible site has ${largest}`, `${p}.gpus`);
      }
    }
    const out: ResolvedWorkload = { index, spec, siteIndices, releaseStep, deadlineStep };
    if (spec.type === 'inference') {
      const tz = sites[siteIndices[0]!]!.timeZone;
      out.demandTokensPerSecond = load(spec.demandTokensPerSecond, `${p}.demandTokensPerSecond`, 'tokensPerSecond', tz);
      if (spec.arrivalShares) {
        for (const k of Object.keys(spec.arrivalShares)) {
          if (!spec.sites.includes(k)) ref('SCENARIO_REFERENCE', `arrival share for "${k}", which is not one of this service's sites (${spec.sites.join(', ')})`, `${p}.arrivalShares.${k}`);
        }
        const shares = spec.sites.map((id) => spec.arrivalShares?.[id] ?? 0);
        const sum = shares.reduce((a, b) => a + b, 0);
        if (Math.abs(sum - 1) > 1e-6) ref('SCENARIO_INVALID', `arrival shares sum to ${+sum.toFixed(6)}; they must sum to 1`, `${p}.arrivalShares`);
        out.arrivalShares = shares;
      } else {
        out.arrivalShares = spec.sites.map(() => 1 / spec.sites.length);
      }
    }
    return out;
  });

  const fleet = scenario.fleet ? resolveFleetLimits(scenario, grid, siteIndex, ref, warnings) : undefined;
  return { scenario, file, baseDir, ...(policy ? { pathPolicy: policy } : {}), grid, sites, workloads, ...(fleet ? { fleet } : {}), seriesReports: reports, warnings, locate };
}

function resolveFleetLimits(
  scenario: Scenario,
  grid: TimeGrid,
  siteIndex: Map<string, number>,
  ref: (code: 'SCENARIO_REFERENCE' | 'SCENARIO_INVALID', message: string, path: string) => never,
  warnings: string[],
): ResolvedFleetLimits {
  const f = scenario.fleet!;
  const siteIndices = f.sites
    ? f.sites.map((id, j) => siteIndex.get(id) ?? ref('SCENARIO_REFERENCE', `unknown site "${id}"; sites in this scenario: ${[...siteIndex.keys()].join(', ')}`, `fleet.sites[${j}]`))
    : scenario.sites.map((_, i) => i);
  if (new Set(siteIndices).size !== siteIndices.length) ref('SCENARIO_INVALID', 'a site is listed twice', 'fleet.sites');
  const out: ResolvedFleetLimits = { siteIndices };
  if (f.importCapOverrides.length > 0 && f.importCapMW === undefined) {
    ref('SCENARIO_INVALID', 'importCapOverrides change the fleet import cap, so importCapMW (the cap outside those windows) is needed too', 'fleet.importCapMW');
  }
  if (f.importCapMW !== undefined) {
    const cap = new Float64Array(grid.steps).fill(f.importCapMW * 1000);
    for (const [j, o] of f.importCapOverrides.entries()) {
      const op = `fleet.importCapOverrides[${j}]`;
      const a = stepAtOrAfter(grid, o.from, `${op}.from`);
      const b = stepAtOrAfter(grid, o.to, `${op}.to`);
      if (b <= a) {
        if (b === a && (a === 0 || a === grid.steps)) warnings.push(`${op} lies outside the horizon and has no effect`);
        else ref('SCENARIO_INVALID', `window ends (${o.to}) before it starts (${o.from})`, op);
      }
      cap.fill(o.importCapMW * 1000, a, b);
    }
    out.importCapKW = cap;
  }
  if (f.directGreenShareMin !== undefined) out.directGreenShareMin = f.directGreenShareMin;
  if (f.co2BudgetTonnes !== undefined) out.co2BudgetTonnes = f.co2BudgetTonnes;
  return out;
}
