/**
 * Programs: the scenario's `gridPrograms` entry resolved against the fleet (site indices,
 * kW, baselines with defaults, holidays), checks of commitments against site capacity, and the
 * delivery rules: band, energy pay, capacity pay and non-performance penalty.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel, SiteModel } from '../model/fleet-model.ts';
import type { BaselineMethod, DrProgram } from '../scenario/schema/grid-programs.ts';
import { DrProgram as DrProgramSchema } from '../scenario/schema/grid-programs.ts';
import { baselineOptions, BASELINE_METHODS } from './baselines/index.ts';
import type { BaselineOptions, DeliveryRules, ResolvedProgram } from './types.ts';

/** The programs written in the scenario. */
export function scenarioPrograms(model: FleetModel): DrProgram[] {
  return model.resolved.scenario.gridPrograms?.programs ?? [];
}

/** Largest load a site can draw, kW: installed IT at full power through the facility, within the import limit. */
export function siteCapacityKW(site: SiteModel): number {
  let maxCooling = 0;
  for (let t = 0; t < site.facility.coolingSlope.length; t++) if (site.facility.coolingSlope[t]! > maxCooling) maxCooling = site.facility.coolingSlope[t]!;
  const facility = site.installedItKW * (1 + site.facility.lossSlope + maxCooling) + site.facility.fixedKW;
  let limit = 0;
  for (let t = 0; t < site.importLimitKW.length; t++) if (site.importLimitKW[t]! > limit) limit = site.importLimitKW[t]!;
  return Math.min(facility, limit);
}

function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Options for resolving a program. */
export interface ResolveOptions {
  /** Program id (default: the first program, or a built-in default when there is none). */
  id?: string;
  /** Baseline method for every site, overriding the program (the --baseline option). */
  baseline?: string;
}

/** A program used when the scenario has none: no pay, meter-before baseline (notes say so). */
export const DEFAULT_PROGRAM: DrProgram = DrProgramSchema.parse({ id: 'replay', name: 'event replay (no program in the scenario)', baseline: 'meter-before' });

/** Resolves a program of the scenario (or the default one) against the fleet. */
export function resolveProgram(model: FleetModel, opts: ResolveOptions = {}): { program: ResolvedProgram; notes: string[] } {
  const notes: string[] = [];
  const all = scenarioPrograms(model);
  let index = 0;
  let spec: DrProgram;
  if (opts.id !== undefined) {
    index = all.findIndex((p) => p.id === opts.id);
    if (index < 0) {
      throw new InputError('OPTION_INVALID', `unknown program "${opts.id}"; ${all.length ? `programs in the scenario: ${all.map((p) => p.id).join(', ')}` : 'the scenario has no gridPrograms section'}`, { path: '--program' });
    }
    spec = all[index]!;
  } else if (all.length > 0) {
    spec = all[0]!;
  } else {
    spec = DEFAULT_PROGRAM;
  }
  const path = all.length > 0 ? `gridPrograms.programs[${index}]` : 'gridPrograms';
  const siteIndex = new Map(model.sites.map((s) => [s.id, s.index]));
  const ref = (id: string, p: string): number => {
    const i = siteIndex.get(id);
    if (i === undefined) throw new InputError('SCENARIO_REFERENCE', `site "${id}" does not exist; sites: ${model.sites.map((s) => s.id).join(', ')}`, { path: p });
    return i;
  };
  const siteIndices = spec.sites ? spec.sites.map((id, i) => ref(id, `${path}.sites[${i}]`)) : model.sites.map((s) => s.index);
  if (new Set(siteIndices).size !== siteIndices.length) throw new InputError('SCENARIO_INVALID', 'a site is enrolled twice', { path: `${path}.sites` });

  let override: BaselineOptions | undefined;
  if (opts.baseline !== undefined) {
    if (!(BASELINE_METHODS as string[]).includes(opts.baseline)) {
      throw new InputError('OPTION_INVALID', `unknown baseline method "${opts.baseline}"; valid: ${BASELINE_METHODS.join(', ')}`, { path: '--baseline' });
    }
    override = baselineOptions(opts.baseline as BaselineMethod);
  }
  if (spec === DEFAULT_PROGRAM) {
    // the note names the baseline actually used: --baseline replaces the default's
    notes.push(`the scenario has no gridPrograms section: a default program with no pay and the ${override ? `${override.method} baseline (--baseline)` : 'meter-before baseline'} is used`);
  }
  const baselines = new Map<number, BaselineOptions>();
  const fallback = baselineOptions(spec.baseline);
  for (const s of siteIndices) baselines.set(s, override ?? fallback);
  for (const [id, choice] of Object.entries(spec.siteBaselines ?? {})) {
    const s = ref(id, `${path}.siteBaselines.${id}`);
    if (!siteIndices.includes(s)) throw new InputError('SCENARIO_INVALID', `site "${id}" has a baseline but is not enrolled in program "${spec.id}"`, { path: `${path}.siteBaselines.${id}` });
    if (!override) baselines.set(s, baselineOptions(choice));
  }

  // commitments may not exceed what the sites can draw
  const siteCommitmentsKW = new Map<number, number>();
  for (const [id, mw] of Object.entries(spec.siteCommitmentsMW ?? {})) {
    const p = `${path}.siteCommitmentsMW.${id}`;
    const s = ref(id, p);
    if (!siteIndices.includes(s)) throw new InputError('SCENARIO_INVALID', `site "${id}" has a commitment but is not enrolled in program "${spec.id}"`, { path: p });
    const cap = siteCapacityKW(model.sites[s]!);
    if (mw * 1000 > cap + 1e-6) {
      throw new InputError('SCENARIO_INVALID', `the commitment of site "${id}" is ${mw} MW, above its capacity of ${(cap / 1000).toFixed(3)} MW (the most it can draw: installed IT through the facility, within its import limit); commit at most that`, { path: p });
    }
    siteCommitmentsKW.set(s, mw * 1000);
  }
  const fleetCap = siteIndices.reduce((a, s) => a + siteCapacityKW(model.sites[s]!), 0);
  if (spec.commitmentMW !== undefined && spec.commitmentMW * 1000 > fleetCap + 1e-6) {
    throw new InputError('SCENARIO_INVALID', `the fleet commitment is ${spec.commitmentMW} MW, above the enrolled sites' capacity of ${(fleetCap / 1000).toFixed(3)} MW; commit at most that`, { path: `${path}.commitmentMW` });
  }
  if (spec.minDurationHours > spec.maxDurationHours) {
    throw new InputError('SCENARIO_INVALID', `minDurationHours (${spec.minDurationHours}) is above maxDurationHours (${spec.maxDurationHours})`, { path: `${path}.minDurationHours` });
  }
  const d = spec.delivery;
  if (!(d.penaltyBelowRatio <= d.minRatio && d.minRatio <= d.maxRatio)) {
    throw new InputError('SCENARIO_INVALID', `the delivery band must satisfy penaltyBelowRatio ≤ minRatio ≤ maxRatio; found ${d.penaltyBelowRatio}, ${d.minRatio}, ${d.maxRatio}`, { path: `${path}.delivery` });
  }
  const delivery: DeliveryRules = {
    minRatio: d.minRatio,
    maxRatio: d.maxRatio,
    penaltyBelowRatio: d.penaltyBelowRatio,
    penaltyMultiple: d.penaltyMultiple,
    penaltyPricePerMWh: d.penaltyPricePerMWh ?? spec.energyPayPerMWh,
    assess: d.assess,
  };
  const holidays = new Set(spec.holidays);
  const extraWorkdays = new Set<string>();
  for (const s of siteIndices) {
    const e = model.sites[s]!.tariff.energy;
    if (e.type === 'tou') {
      for (const h of e.holidays) holidays.add(h);
      for (const x of e.extraWorkdays) extraWorkdays.add(x);
    }
  }
  const interval = Math.max(spec.measurementIntervalMinutes, model.grid.stepMinutes);
  if (interval !== spec.measurementIntervalMinutes) {
    notes.push(`the meter interval of ${spec.measurementIntervalMinutes} min is shorter than the ${model.grid.stepMinutes}-min step; delivery is measured per step`);
  }
  return {
    program: {
      id: spec.id,
      name: spec.name ?? spec.id,
      direction: spec.kind === 'valleyFilling' ? 'increase' : 'reduce',
      siteIndices,
      noticeHours: spec.noticeHours,
      window: spec.window ? { fromMinute: minuteOf(spec.window.from), toMinute: minuteOf(spec.window.to), months: spec.window.months, days: spec.window.days } : undefined,
      minDurationHours: spec.minDurationHours,
      maxDurationHours: spec.maxDurationHours,
      commitmentKW: spec.commitmentMW !== undefined ? spec.commitmentMW * 1000 : undefined,
      siteCommitmentsKW,
      energyPayPerMWh: spec.energyPayPerMWh,
      capacityPayPerKWMonth: spec.capacityPayPerKWMonth,
      delivery,
      measurementIntervalMinutes: interval,
      baselines,
      holidays,
      extraWorkdays,
      aggregatorShare: spec.aggregatorShare,
      bidMargin: spec.bidMargin,
      deliveryAim: spec.deliveryAim,
      path,
    },
    notes,
  };
}

/** Energy pay and penalty of one delivery against one target (both kWh). */
export interface BandOutcome {
  /** Delivered / target (0 when the target is 0). */
  ratio: number;
  /** kWh paid (capped at maxRatio × target; 0 below minRatio). */
  paidKWh: number;
  payment: number;
  /** kWh short of penaltyBelowRatio × target (0 when not penalised). */
  shortfallKWh: number;
  penalty: number;
  /** Which rule applied. */
  rule: 'paid' | 'paid, capped at the band' | 'below the band, unpaid' | 'below the penalty threshold' | 'no target';
}

/**
 * Applies the delivery band to `deliveredKWh` against `targetKWh`: paid between minRatio and
 * maxRatio (capped at maxRatio), unpaid below minRatio, and below penaltyBelowRatio a penalty
 * of (penaltyBelowRatio × target − delivered) × penalty price × multiple (numbers.md §5c, S).
 */
export function applyBand(deliveredKWh: number, targetKWh: number, rules: DeliveryRules, energyPayPerMWh: number): BandOutcome {
  if (!(targetKWh > 0)) return { ratio: 0, paidKWh: 0, payment: 0, shortfallKWh: 0, penalty: 0, rule: 'no target' };
  const ratio = deliveredKWh / targetKWh;
  if (ratio < rules.penaltyBelowRatio) {
    const shortfallKWh = rules.penaltyBelowRatio * targetKWh - Math.max(0, deliveredKWh);
    return { ratio, paidKWh: 0, payment: 0, shortfallKWh, penalty: (shortfallKWh / 1000) * rules.penaltyPricePerMWh * rules.penaltyMultiple, rule: 'below the penalty threshold' };
  }
  if (ratio < rules.minRatio) return { ratio, paidKWh: 0, payment: 0, shortfallKWh: 0, penalty: 0, rule: 'below the band, unpaid' };
  const paidKWh = Math.min(deliveredKWh, rules.maxRatio * targetKWh);
  return { ratio, paidKWh, payment: (paidKWh / 1000) * energyPayPerMWh, shortfallKWh: 0, penalty: 0, rule: paidKWh < deliveredKWh ? 'paid, capped at the band' : 'paid' };
}

/** Months (fractional at the horizon's ends) the horizon covers, in the horizon's time zone. */
export function horizonMonths(model: FleetModel): number {
  const h = model.grid.stepMinutes / 60;
  const cal = model.sites[0]!.calendar;
  const steps = new Map<string, number>();
  for (let t = 0; t < cal.monthIndex.length; t++) {
    const k = cal.monthKeys[cal.monthIndex[t]!]!;
    steps.set(k, (steps.get(k) ?? 0) + 1);
  }
  let months = 0;
  for (const [k, n] of steps) {
    const [y, m] = k.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    months += Math.min(1, (n * h) / (24 * days));
  }
  return months;
}
