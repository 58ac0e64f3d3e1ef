/**
 * The simulator's guard against NaN and infinity: every flow of the ledger is checked once the
 * run is complete, and the first non-finite value is an internal error naming its site, step
 * and quantity (instead of becoming an empty cell, a 0 in the summary or a balance check that
 * NaN slips through).
 */
import { NonFiniteError } from '../errors/index.ts';
import { stepStartMs, type TimeGrid } from '../time/grid.ts';
import { formatUtcIso } from '../time/parse.ts';
import type { Dispatch } from './dispatch.ts';
import type { Ledger, SiteLedger, WorkloadFlows } from './ledger.ts';

const SITE_FLOWS = [
  'itKW', 'idleItKW', 'coolingKW', 'lossesKW', 'fixedKW', 'facilityKW', 'renewableAvailableKW', 'renewableUsedKW', 'renewableExportKW',
  'renewableCurtailedKW', 'directGreenKW', 'storageChargeKW', 'storageDischargeKW', 'socKWh', 'gridImportKW', 'gridExportKW', 'shortfallKW',
  'importPrice', 'exportPrice', 'carbonIntensity', 'gridRenewableShare',
] as const satisfies ReadonlyArray<keyof SiteLedger>;

const WORKLOAD_FLOWS = ['itKW', 'gpus', 'gpuPowerW', 'throughput', 'workGpuHours', 'tokens', 'demandTokensPerSecond'] as const satisfies ReadonlyArray<keyof WorkloadFlows>;

function check(a: Float64Array, stage: string, grid: TimeGrid, site: string, quantity: string): void {
  for (let t = 0; t < a.length; t++) {
    const v = a[t]!;
    // the subtraction is NaN for NaN and ±∞ alike, and cheap
    if (v - v !== 0) throw new NonFiniteError({ stage, site, step: t, time: formatUtcIso(stepStartMs(grid, t)), quantity, value: v });
  }
}

/** Throws NonFiniteError at the first NaN or infinite flow of the ledger. */
export function assertLedgerFinite(ledger: Ledger, stage = 'simulate'): void {
  for (const L of ledger.sites) {
    for (const k of SITE_FLOWS) check(L[k], stage, ledger.grid, L.id, k);
    for (const f of L.workloads) for (const k of WORKLOAD_FLOWS) check(f[k], stage, ledger.grid, L.id, `${k} of workload ${f.id}`);
  }
  for (const o of ledger.outcomes) {
    for (const k of ['doneGpuHours', 'lateGpuHours', 'remainingGpuHours', 'tokens', 'demandTokens', 'unservedTokens', 'performance'] as const) {
      if (!Number.isFinite(o[k])) throw new NonFiniteError({ stage, quantity: `${k} of workload ${o.id}`, value: o[k] });
    }
  }
  if (!Number.isFinite(ledger.maxEnergyBalanceErrorKWh)) throw new NonFiniteError({ stage, quantity: 'the energy balance error', value: ledger.maxEnergyBalanceErrorKWh });
}

/** Throws NonFiniteError at the first non-finite number in a plain value, naming its path. */
export function assertTreeFinite(value: unknown, stage: string, path = ''): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NonFiniteError({ stage, quantity: path || 'the value', value });
    return;
  }
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) value.forEach((v, i) => assertTreeFinite(v, stage, `${path}[${i}]`));
  else for (const [k, v] of Object.entries(value)) assertTreeFinite(v, stage, path ? `${path}.${k}` : k);
}

/**
 * Throws NonFiniteError at the first NaN or infinite decision of a dispatch (a solver that
 * returned NaN): the engine would otherwise read a NaN allocation as "nothing to run".
 */
export function assertDispatchFinite(dispatch: Dispatch, grid: TimeGrid, siteIds: readonly string[], workloadIds: readonly string[]): void {
  const stage = `plan (${dispatch.policy})`;
  for (const j of dispatch.jobs) {
    check(j.gpus, stage, grid, siteIds[j.site] ?? String(j.site), `GPUs of workload ${workloadIds[j.workload]}`);
    check(j.gpuPowerW, stage, grid, siteIds[j.site] ?? String(j.site), `GPU power of workload ${workloadIds[j.workload]}`);
  }
  for (const i of dispatch.inference) {
    check(i.servedTokensPerSecond, stage, grid, siteIds[i.site] ?? String(i.site), `tokens/s served of workload ${workloadIds[i.workload]}`);
    check(i.gpuPowerW, stage, grid, siteIds[i.site] ?? String(i.site), `GPU power of workload ${workloadIds[i.workload]}`);
  }
  const perSite: Array<[string, Array<Float64Array | undefined> | undefined]> = [
    ['storage setpoint', dispatch.storageKW],
    ['renewable power taken', dispatch.renewableTakeKW],
    ['planned export', dispatch.exportKW],
  ];
  for (const [quantity, arrays] of perSite) arrays?.forEach((a, s) => a && check(a, stage, grid, siteIds[s] ?? String(s), quantity));
}
