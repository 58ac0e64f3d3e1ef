/**
 * The operating year: what one simulated (or planned) year of the fleet looks like by calendar
 * month, per site and per workload — energy, its cost, GPU-hours, tokens. The valuation repeats
 * this year over the investment horizon. A horizon that is not exactly one year is annualised
 * month by month (documented in docs/finance.md §3).
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Summary } from '../metrics/summary.ts';
import { itPowerPerGpuW } from '../physics/index.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours } from '../time/grid.ts';

/** Twelve values, January to December. */
export type Months = number[];

/** What one workload did at one site, by month. */
export interface WorkloadMonths {
  workload: number;
  /** GPU-hours allocated (GPUs × hours; inference includes latency headroom). */
  gpuHours: Months;
  /** Work done, GPU-hours at full speed. */
  workGpuHours: Months;
  tokens: Months;
  /** IT energy of the workload, MWh. */
  itMWh: Months;
}

/** One site's operating year. */
export interface SiteYear {
  index: number;
  id: string;
  name: string;
  installedGpus: number;
  installedItMW: number;
  /** GPUs by accelerator model. */
  pools: Array<{ accelerator: string; gpus: number }>;
  archetype: 'air' | 'cold-plate' | 'immersion';
  heatRejection: 'evaporative' | 'dry';
  storage: { energyMWh: number; powerMW: number } | null;
  renewables: Array<{ id: string; type: 'solar' | 'wind'; capacityMW: number; owned: boolean }>;
  hours: Months;
  itMWh: Months;
  idleItMWh: Months;
  facilityMWh: Months;
  gridImportMWh: Months;
  /** Electricity bill plus storage wear, currency. */
  energyCost: Months;
  capacityGpuHours: Months;
  /** IT power of one idle GPU slot, kW (0 when idle GPUs are switched off). */
  idleKWPerGpu: number;
  /** IT power of one GPU slot at full power, kW. */
  fullKWPerGpu: number;
  workloads: WorkloadMonths[];
}

/** A workload's identity and its own price, if the scenario gives one. */
export interface WorkloadInfo {
  index: number;
  id: string;
  type: 'inference' | 'training' | 'batch';
  /** Value per GPU-hour of work (training) or per million tokens (inference, batch); 0 = none. */
  value: number;
  valueBasis: 'work-gpu-hour' | 'million-tokens';
}

/** The fleet's operating year. */
export interface OperatingYear {
  scenario: string;
  policy: string;
  currency: string;
  sites: SiteYear[];
  workloads: WorkloadInfo[];
  /** True when the simulated horizon was not one calendar year and months were scaled. */
  annualised: boolean;
  notes: string[];
}

const MONTH_HOURS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].map((d) => d * 24);
const zeros = (): Months => new Array<number>(12).fill(0);

/** Extracts the operating year from a model, its summary and (preferably) its ledger. */
export function operatingYear(model: FleetModel, summary: Summary, ledger?: Ledger): OperatingYear {
  const notes: string[] = [];
  const workloads: WorkloadInfo[] = model.workloads.map((w) => ({
    index: w.index,
    id: w.id,
    type: w.type,
    value: w.spec.type === 'training' ? w.spec.valuePerGpuHour : w.spec.valuePerMillionTokens,
    valueBasis: w.type === 'training' ? 'work-gpu-hour' : 'million-tokens',
  }));
  const sites = model.sites.map((s) => {
    const spec = s.spec;
    const installedGpus = s.pools.reduce((a, p) => a + p.gpus, 0);
    const fullKW = s.pools.reduce((a, p) => a + p.gpus * itPowerPerGpuW(p.accelerator, p.accelerator.tdpW), 0) / 1000 / Math.max(1, installedGpus);
    const idleKW = s.idleGpus === 'off' ? 0 : s.pools.reduce((a, p) => a + p.gpus * p.idleItPowerW, 0) / 1000 / Math.max(1, installedGpus);
    const archetype = spec.facility.cooling.archetype;
    const heatRejection = spec.facility.cooling.heatRejection ?? (archetype === 'air' ? 'evaporative' : 'dry');
    const site: SiteYear = {
      index: s.index,
      id: s.id,
      name: s.name,
      installedGpus,
      installedItMW: s.installedItKW / 1000,
      pools: s.pools.map((p) => ({ accelerator: p.acceleratorId, gpus: p.gpus })),
      archetype,
      heatRejection,
      storage: spec.storage && spec.storage.energyMWh > 0 ? { energyMWh: spec.storage.energyMWh, powerMW: spec.storage.powerMW } : null,
      renewables: spec.renewables.map((r) => ({ id: r.id, type: r.type, capacityMW: r.capacityMW, owned: r.pricePerMWh === 0 })),
      hours: zeros(),
      itMWh: zeros(),
      idleItMWh: zeros(),
      facilityMWh: zeros(),
      gridImportMWh: zeros(),
      energyCost: zeros(),
      capacityGpuHours: zeros(),
      idleKWPerGpu: idleKW,
      fullKWPerGpu: fullKW,
      workloads: [],
    };
    return site;
  });

  const h = stepHours(model.grid);
  const n = model.grid.steps;
  if (ledger) {
    for (const s of model.sites) {
      const site = sites[s.index]!;
      const L = ledger.sites[s.index]!;
      const month = s.calendar.month;
      const wear = s.storage?.degradationCostPerKWh ?? 0;
      for (let t = 0; t < n; t++) {
        const m = month[t]! - 1;
        site.hours[m]! += h;
        site.itMWh[m]! += (L.itKW[t]! * h) / 1000;
        site.idleItMWh[m]! += (L.idleItKW[t]! * h) / 1000;
        site.facilityMWh[m]! += (L.facilityKW[t]! * h) / 1000;
        site.gridImportMWh[m]! += (L.gridImportKW[t]! * h) / 1000;
        site.energyCost[m]! += L.storageDischargeKW[t]! * h * wear;
      }
      for (const f of L.workloads) {
        const wm: WorkloadMonths = { workload: f.workload, gpuHours: zeros(), workGpuHours: zeros(), tokens: zeros(), itMWh: zeros() };
        for (let t = 0; t < n; t++) {
          const m = month[t]! - 1;
          wm.gpuHours[m]! += f.gpus[t]! * h;
          wm.workGpuHours[m]! += f.workGpuHours[t]!;
          wm.tokens[m]! += f.tokens[t]!;
          wm.itMWh[m]! += (f.itKW[t]! * h) / 1000;
        }
        site.workloads.push(wm);
      }
    }
    addBills(sites, summary);
  } else {
    notes.push('no ledger: workload volumes come from the summary, spread over months by site IT energy and over sites by arrival share (inference) or first eligible site (jobs)');
    fromSummary(model, summary, sites);
  }
  const totalHours = sites[0] ? sites[0].hours.reduce((a, b) => a + b, 0) : 0;
  const fullYear = Math.abs(totalHours - 8760) <= 26 && (sites[0]?.hours.every((x, m) => Math.abs(x - MONTH_HOURS[m]!) <= 26) ?? false);
  if (!fullYear) {
    notes.push(`the simulated horizon (${totalHours.toFixed(0)} h) is not one calendar year: each month is scaled to a full month and months not simulated take the average hourly rate`);
    for (const site of sites) annualise(site);
  }
  for (const site of sites) for (let m = 0; m < 12; m++) site.capacityGpuHours[m] = site.installedGpus * site.hours[m]!;
  return { scenario: summary.scenario, policy: summary.policy, currency: summary.currency, sites, workloads, annualised: !fullYear, notes };
}

function addBills(sites: SiteYear[], summary: Summary): void {
  for (const site of sites) {
    const ss = summary.sites[site.index];
    if (!ss) continue;
    for (const mk of ss.months) {
      const m = Number(mk.month.slice(5, 7)) - 1;
      if (m >= 0 && m < 12) site.energyCost[m]! += mk.energyCost;
    }
  }
}

function fromSummary(model: FleetModel, summary: Summary, sites: SiteYear[]): void {
  const h = stepHours(model.grid);
  for (const s of model.sites) {
    const site = sites[s.index]!;
    const month = s.calendar.month;
    for (let t = 0; t < model.grid.steps; t++) site.hours[month[t]! - 1]! += h;
    const ss = summary.sites[s.index]!;
    for (const mk of ss.months) {
      const m = Number(mk.month.slice(5, 7)) - 1;
      site.itMWh[m]! += mk.itEnergyMWh;
      site.facilityMWh[m]! += mk.facilityEnergyMWh;
      site.gridImportMWh[m]! += mk.gridImportMWh;
      site.energyCost[m]! += mk.energyCost;
    }
    const fac = site.facilityMWh.reduce((a, b) => a + b, 0);
    for (let m = 0; m < 12; m++) site.energyCost[m]! += fac > 0 ? (ss.storageDegradationCost * site.facilityMWh[m]!) / fac : 0;
  }
  for (const w of model.workloads) {
    const job = summary.jobs[w.index];
    if (!job) continue;
    const shares = w.type === 'inference' ? w.siteIndices.map((s, j) => [s, w.arrivalShares?.[j] ?? 0] as const) : [[w.siteIndices[0]!, 1] as const];
    for (const [s, share] of shares) {
      const site = sites[s]!;
      const it = site.itMWh.reduce((a, b) => a + b, 0);
      const wm: WorkloadMonths = { workload: w.index, gpuHours: zeros(), workGpuHours: zeros(), tokens: zeros(), itMWh: zeros() };
      for (let m = 0; m < 12; m++) {
        const f = it > 0 ? site.itMWh[m]! / it : 1 / 12;
        wm.gpuHours[m] = job.doneGpuHours * share * f;
        wm.workGpuHours[m] = job.doneGpuHours * share * f;
        wm.tokens[m] = job.tokens * share * f;
      }
      site.workloads.push(wm);
    }
  }
  // without flows, a site's IT energy is shared among its workloads by GPU-hours
  for (const site of sites) {
    for (let m = 0; m < 12; m++) {
      const g = site.workloads.reduce((a, w) => a + w.gpuHours[m]!, 0);
      for (const w of site.workloads) w.itMWh[m] = g > 0 ? (site.itMWh[m]! * w.gpuHours[m]!) / g : 0;
    }
  }
}

/** Scales each simulated month to a full month; months not simulated get the average hourly rate. */
function annualise(site: SiteYear): void {
  const covered = site.hours.slice();
  const total = covered.reduce((a, b) => a + b, 0);
  const scaleSeries = (x: Months) => {
    const sum = x.reduce((a, b) => a + b, 0);
    for (let m = 0; m < 12; m++) x[m] = covered[m]! > 0 ? (x[m]! * MONTH_HOURS[m]!) / covered[m]! : total > 0 ? (sum * MONTH_HOURS[m]!) / total : 0;
  };
  for (const x of [site.itMWh, site.idleItMWh, site.facilityMWh, site.gridImportMWh, site.energyCost]) scaleSeries(x);
  for (const w of site.workloads) for (const x of [w.gpuHours, w.workGpuHours, w.tokens, w.itMWh]) scaleSeries(x);
  for (let m = 0; m < 12; m++) site.hours[m] = MONTH_HOURS[m]!;
}
