/**
 * The step engine: applies a dispatch to the fleet model and writes the ledger. This file owns
 * the demand side of every step (GPU power and throughput, work and tokens, GPU capacity, job
 * windows, idle GPUs); supply.ts the supply side (facility power, renewables, storage, grid).
 * Dispatches that break a physical limit are corrected, and the ledger says so.
 */
import { itPowerPerGpuW, throughputAtPower } from '../physics/index.ts';
import type { OperatingPoint } from '../physics/types.ts';
import type { FleetModel, SiteModel, WorkloadModel } from '../model/fleet-model.ts';
import { stepHours } from '../time/grid.ts';
import type { Dispatch } from './dispatch.ts';
import type { Ledger, SiteLedger, WorkloadFlows, WorkloadOutcome } from './ledger.ts';
import { assertDispatchFinite, assertLedgerFinite } from './finite.ts';
import { settleSupply } from './supply.ts';

/** Progress callback: fraction done, 0–1. */
/** Reports the fraction done (0–1), with what is happening now when there is something to say. */
export type Progress = (fraction: number, detail?: string) => void;

function newFlows(w: WorkloadModel, n: number): WorkloadFlows {
  return {
    workload: w.index,
    id: w.id,
    type: w.type,
    itKW: new Float64Array(n),
    gpus: new Float64Array(n),
    gpuPowerW: new Float64Array(n),
    throughput: new Float64Array(n),
    workGpuHours: new Float64Array(n),
    tokens: new Float64Array(n),
    demandTokensPerSecond: new Float64Array(n),
  };
}

function newSiteLedger(site: SiteModel, n: number): SiteLedger {
  const z = () => new Float64Array(n);
  return {
    site: site.index,
    id: site.id,
    itKW: z(),
    idleItKW: z(),
    coolingKW: z(),
    lossesKW: z(),
    fixedKW: z(),
    facilityLoadKW: z(),
    facilityKW: z(),
    siteLoadKW: z(),
    renewableAvailableKW: Float64Array.from(site.renewableAvailableKW),
    renewableUsedKW: z(),
    renewableExportKW: z(),
    renewableCurtailedKW: z(),
    directGreenKW: z(),
    storageChargeKW: z(),
    storageDischargeKW: z(),
    socKWh: z(),
    gridImportKW: z(),
    gridExportKW: z(),
    shortfallKW: z(),
    generatorKW: z(),
    generators: site.generators.map((g) => ({ id: g.id, kW: z(), running: z() })),
    gridToLoadKW: z(),
    gridToStorageKW: z(),
    renewableToLoadKW: z(),
    renewableToStorageKW: z(),
    storageToLoadKW: z(),
    storageToGridKW: z(),
    generatorToLoadKW: z(),
    generatorToStorageKW: z(),
    generatorToGridKW: z(),
    importPrice: site.importPrice,
    exportPrice: site.exportPrice,
    carbonIntensity: site.carbonIntensity,
    gridRenewableShare: site.gridRenewableShare,
    workloads: [],
  };
}

/** Precomputed lookups for one curve: power → (throughput, IT power per GPU). */
interface CurveTable {
  curve: OperatingPoint[];
  minW: number;
  maxW: number;
  throughput(p: number): number;
  itPowerW(p: number): number;
}

function curveTable(w: WorkloadModel): CurveTable {
  const acc = w.accelerator;
  // plans hold a job's power for many steps: remember the last lookup
  let lastP = NaN, lastF = 0, lastIt = 0;
  const at = (p: number) => {
    if (p !== lastP) {
      lastP = p;
      lastF = throughputAtPower(w.curve, p);
      lastIt = itPowerPerGpuW(acc, p);
    }
  };
  return {
    curve: w.curve,
    minW: w.minGpuPowerW,
    maxW: w.fullPower.gpuPowerW,
    throughput: (p) => (at(p), lastF),
    itPowerW: (p) => (at(p), lastIt),
  };
}

/** Runs a dispatch through the physics and returns the ledger. */
export function simulate(model: FleetModel, dispatch: Dispatch, progress?: Progress): Ledger {
  const { grid } = model;
  const n = grid.steps;
  const h = stepHours(grid);
  const corrections = new Map<string, number>();
  const correct = (what: string) => corrections.set(what, (corrections.get(what) ?? 0) + 1);

  assertDispatchFinite(dispatch, grid, model.sites.map((s) => s.id), model.workloads.map((w) => w.id));
  const ledgers = model.sites.map((s) => newSiteLedger(s, n));
  const tables = model.workloads.map(curveTable);

  // One flows record per workload and site it runs at.
  const flowsByKey = new Map<string, WorkloadFlows>();
  const flowsFor = (w: number, s: number): WorkloadFlows => {
    const key = `${w}@${s}`;
    let f = flowsByKey.get(key);
    if (!f) {
      f = newFlows(model.workloads[w]!, n);
      flowsByKey.set(key, f);
      ledgers[s]!.workloads.push(f);
    }
    return f;
  };
  // inference demand arriving at each site, for the report
  for (const w of model.workloads) {
    if (w.type !== 'inference') continue;
    w.siteIndices.forEach((s, j) => {
      const f = flowsFor(w.index, s);
      const share = w.arrivalShares?.[j] ?? 0;
      for (let t = 0; t < n; t++) f.demandTokensPerSecond[t] = w.demandTokensPerSecond![t]! * share;
    });
  }

  const jobs = dispatch.jobs.map((a) => {
    const w = model.workloads[a.workload]!;
    const site = model.sites[a.site]!;
    const pool = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
    if (pool < 0) throw new Error(`dispatch puts ${w.id} on site ${site.id}, which has no ${w.acceleratorId}`);
    return { a, w, table: tables[a.workload]!, pool, flows: flowsFor(a.workload, a.site) };
  });
  const infs = dispatch.inference.map((a) => {
    const w = model.workloads[a.workload]!;
    const site = model.sites[a.site]!;
    const pool = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
    if (pool < 0) throw new Error(`dispatch serves ${w.id} at site ${site.id}, which has no ${w.acceleratorId}`);
    return { a, w, table: tables[a.workload]!, pool, flows: flowsFor(a.workload, a.site), rate: w.tokensPerGpuHour / 3600 };
  });
  const remaining = model.workloads.map((w) => (w.type === 'inference' || w.continuous ? Infinity : w.workGpuHours));
  const finishedStep = model.workloads.map(() => -1);
  const lateWork = model.workloads.map(() => 0);

  // GPU demand per site pool at the current step (scratch)
  const poolDemand = model.sites.map((s) => new Float64Array(s.pools.length));
  const poolScale = model.sites.map((s) => new Float64Array(s.pools.length));
  const infServed = new Float64Array(model.workloads.length);
  const infScale = new Float64Array(model.workloads.length).fill(1);
  const inferenceWorkloads = model.workloads.filter((w) => w.type === 'inference');

  const reportEvery = Math.max(1, Math.floor(n / 50));
  for (let t = 0; t < n; t++) {
    // 1. GPU capacity: scale allocations down where a pool is over-committed
    for (const d of poolDemand) d.fill(0);
    infServed.fill(0);
    for (const j of infs) infServed[j.a.workload]! += Math.max(0, j.a.servedTokensPerSecond[t]!);
    for (const w of inferenceWorkloads) {
      infScale[w.index] = 1;
      const demand = w.demandTokensPerSecond![t]!;
      if (infServed[w.index]! > demand * (1 + 1e-9) + 1e-9) {
        infScale[w.index] = demand / infServed[w.index]!;
        correct(`served more inference than requested (${w.id}); scaled down`);
      }
    }
    for (const j of jobs) {
      const g = j.a.gpus[t]!;
      if (g > 0) poolDemand[j.a.site]![j.pool]! += g;
    }
    for (const j of infs) {
      const served = Math.max(0, j.a.servedTokensPerSecond[t]!) * infScale[j.a.workload]!;
      if (served <= 0) continue;
      const p = Math.min(j.table.maxW, Math.max(j.table.minW, j.a.gpuPowerW[t]! || j.table.maxW));
      const busy = served / (j.rate * j.table.throughput(p));
      poolDemand[j.a.site]![j.pool]! += busy / j.w.maxUtilisation;
    }
    for (let s = 0; s < model.sites.length; s++) {
      const pools = model.sites[s]!.pools;
      for (let k = 0; k < pools.length; k++) {
        const d = poolDemand[s]![k]!;
        const cap = pools[k]!.gpus;
        if (d > cap * (1 + 1e-9)) {
          poolScale[s]![k] = cap / d;
          correct(`more ${pools[k]!.acceleratorId} GPUs allocated than installed at ${model.sites[s]!.id}; scaled down`);
        } else poolScale[s]![k] = 1;
        poolDemand[s]![k] = 0; // reused below as "GPUs in use"
      }
    }
    // 2. jobs: power, throughput, work (capped at what is left), IT power
    for (const j of jobs) {
      let g = j.a.gpus[t]! * poolScale[j.a.site]![j.pool]!;
      if (!(g > 0)) continue;
      const w = j.w;
      if (t < w.releaseStep) {
        correct(`${w.id} scheduled before its release; removed`);
        continue;
      }
      const left = remaining[w.index]!;
      if (left <= 0) {
        if (g * h > 1e-6 * w.gpusMax * h) correct(`${w.id} finished earlier than its dispatch expected; its later allocations were dropped`);
        continue;
      }
      let p = j.a.gpuPowerW[t]!;
      if (!(p > 0)) p = j.table.maxW;
      if (p < j.table.minW - 1e-9) {
        correct(`${w.id} run below its power floor; raised to the floor`);
        p = j.table.minW;
      }
      if (p > j.table.maxW) p = j.table.maxW;
      const f = j.table.throughput(p);
      let work = g * f * h;
      if (work > left) {
        g *= left / work;
        work = left;
      }
      remaining[w.index] = left - work;
      // a plan that finishes a job to the last float is finished (1e-7 of the job is a rounding error)
      if (remaining[w.index]! <= 1e-7 * w.workGpuHours + 1e-9 && finishedStep[w.index] === -1) {
        remaining[w.index] = 0;
        finishedStep[w.index] = t;
      }
      if (t >= w.deadlineStep) lateWork[w.index]! += work;
      const fl = j.flows;
      const itW = g * j.table.itPowerW(p);
      fl.itKW[t]! += itW / 1000;
      const prevG = fl.gpus[t]!;
      fl.gpuPowerW[t] = prevG + g > 0 ? (fl.gpuPowerW[t]! * prevG + p * g) / (prevG + g) : 0;
      fl.throughput[t] = prevG + g > 0 ? (fl.throughput[t]! * prevG + f * g) / (prevG + g) : 0;
      fl.gpus[t] = prevG + g;
      fl.workGpuHours[t]! += work;
      fl.tokens[t]! += work * w.tokensPerGpuHour;
      poolDemand[j.a.site]![j.pool]! += g;
      ledgers[j.a.site]!.itKW[t]! += itW / 1000;
    }
    // 3. inference: busy GPUs at the chosen power, plus SLO headroom drawing idle power
    for (const j of infs) {
      const served = Math.max(0, j.a.servedTokensPerSecond[t]!) * infScale[j.a.workload]! * poolScale[j.a.site]![j.pool]!;
      if (!(served > 0)) continue;
      const p = Math.min(j.table.maxW, Math.max(j.table.minW, j.a.gpuPowerW[t]! || j.table.maxW));
      const f = j.table.throughput(p);
      const busy = served / (j.rate * f);
      const allocated = busy / j.w.maxUtilisation;
      const pool = model.sites[j.a.site]!.pools[j.pool]!;
      const itW = busy * j.table.itPowerW(p) + (allocated - busy) * pool.idleItPowerW;
      const fl = j.flows;
      fl.itKW[t]! += itW / 1000;
      fl.gpus[t]! += allocated;
      fl.gpuPowerW[t] = p;
      fl.throughput[t] = f;
      fl.workGpuHours[t]! += busy * f * h;
      fl.tokens[t]! += served * 3600 * h;
      poolDemand[j.a.site]![j.pool]! += allocated;
      ledgers[j.a.site]!.itKW[t]! += itW / 1000;
    }
    // 4. unused GPUs
    for (let s = 0; s < model.sites.length; s++) {
      const site = model.sites[s]!;
      if (site.idleGpus === 'off') continue;
      let idleW = 0;
      for (let k = 0; k < site.pools.length; k++) {
        const pool = site.pools[k]!;
        idleW += Math.max(0, pool.gpus - poolDemand[s]![k]!) * pool.idleItPowerW;
      }
      ledgers[s]!.idleItKW[t] = idleW / 1000;
      ledgers[s]!.itKW[t]! += idleW / 1000;
    }
    if (progress && t % reportEvery === 0) progress((0.8 * t) / n);
  }

  // 5. facility power and the supply side, site by site
  let maxErr = 0;
  for (const site of model.sites) {
    const L = ledgers[site.index]!;
    const err = settleSupply(site, L, dispatch, h, correct);
    if (err > maxErr) maxErr = err;
  }
  progress?.(1);

  const outcomes: WorkloadOutcome[] = model.workloads.map((w) => {
    let done = 0, tokens = 0, demand = 0;
    for (const L of ledgers) {
      for (const f of L.workloads) {
        if (f.workload !== w.index) continue;
        for (let t = 0; t < n; t++) {
          done += f.workGpuHours[t]!;
          tokens += f.tokens[t]!;
        }
      }
    }
    if (w.type === 'inference') {
      for (let t = 0; t < n; t++) demand += w.demandTokensPerSecond![t]! * 3600 * h;
      const unserved = Math.max(0, demand - tokens);
      return {
        workload: w.index, id: w.id, type: w.type, requiredGpuHours: 0, doneGpuHours: done, lateGpuHours: 0, remainingGpuHours: 0,
        finishedStep: -1, late: false, tokens, demandTokens: demand, unservedTokens: unserved,
        performance: demand > 0 ? tokens / demand : 1, qosWeight: w.qosWeight,
      };
    }
    const end = finishedStep[w.index]! >= 0 ? finishedStep[w.index]! + 1 : w.continuous ? Math.min(n, w.deadlineStep) : Math.max(Math.min(n, w.deadlineStep), lastActiveStep(ledgers, w.index) + 1);
    const windowHours = Math.max(h, (end - w.releaseStep) * h);
    const rem = w.continuous || finishedStep[w.index]! >= 0 ? 0 : Math.max(0, w.workGpuHours - done);
    return {
      workload: w.index, id: w.id, type: w.type,
      requiredGpuHours: w.continuous ? done : w.workGpuHours,
      doneGpuHours: done,
      lateGpuHours: lateWork[w.index]!,
      remainingGpuHours: rem,
      finishedStep: finishedStep[w.index]!,
      late: !w.continuous && (rem > 1e-6 || finishedStep[w.index]! >= w.deadlineStep),
      tokens, demandTokens: 0, unservedTokens: 0,
      performance: Math.min(1, done / (w.gpusMax * windowHours)),
      qosFloor: w.qosFloor,
      qosWeight: w.qosWeight,
    };
  });

  const ledger: Ledger = {
    policy: dispatch.policy,
    grid,
    sites: ledgers,
    outcomes,
    corrections: [...corrections].map(([what, count]) => `${what} (${count} step${count > 1 ? 's' : ''})`),
    maxEnergyBalanceErrorKWh: maxErr,
    solver: dispatch.solver,
    notes: dispatch.notes,
  };
  assertLedgerFinite(ledger);
  return ledger;
}

function lastActiveStep(ledgers: SiteLedger[], workload: number): number {
  let last = -1;
  for (const L of ledgers) for (const f of L.workloads) {
    if (f.workload !== workload) continue;
    for (let t = f.gpus.length - 1; t > last; t--) if (f.gpus[t]! > 0) { last = t; break; }
  }
  return last;
}
