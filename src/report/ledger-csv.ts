/**
 * The ledger as CSV: one row per site and step, every power flow with its unit in the header,
 * UTC and site-local time, prices, carbon and work done, the flows by source and use (grid →
 * load, renewables → storage, …; the allocation rule is in src/simulate/supply.ts), then IT power
 * per workload. Rows
 * are produced in chunks so a fleet-year (hundreds of thousands of rows) streams to disk
 * without building one giant string.
 */
import { NonFiniteError } from '../errors/index.ts';
import type { Ledger, SiteLedger } from '../simulate/ledger.ts';
import { calendarOf, stepStartMs } from '../time/grid.ts';
import { formatUtcIso } from '../time/parse.ts';
import { formatLocalIso } from '../time/zone.ts';
import { CsvBuffer, utf8 } from './csv-buffer.ts';
import { csvField, currencyTag } from './format.ts';

/** Rows per yielded chunk: large enough to amortise the generator, small enough to stream. */
const ROWS_PER_CHUNK = 4096;

/** A NaN or ±∞ in the ledger is a fault upstream: name it rather than write an empty cell. */
function nonFinite(site: string, t: number, quantity: string, value: number): never {
  throw new NonFiniteError({ stage: 'ledger.csv', site, step: t, quantity, value });
}

/** Fraction digits: kW and kWh to the watt(-hour), prices to 0.001, shares to 0.01 %. */
const KW = 3, PRICE = 3, CARBON = 2, SHARE = 4, TOKENS = 0, GPU_H = 4;

/** Per-step totals over a site's workloads, computed once per site. */
interface WorkTotals {
  tokens: Float64Array;
  work: Float64Array;
}

type Column = { name: string; values: (L: SiteLedger, w: WorkTotals) => Float64Array; decimals: number };

/** The fixed numeric columns after `site,time_utc,time_local`, in order. */
function fixedColumns(cur: string): Column[] {
  return [
    { name: 'it_kW', values: (L) => L.itKW, decimals: KW },
    { name: 'idle_it_kW', values: (L) => L.idleItKW, decimals: KW },
    { name: 'cooling_kW', values: (L) => L.coolingKW, decimals: KW },
    { name: 'losses_kW', values: (L) => L.lossesKW, decimals: KW },
    { name: 'fixed_kW', values: (L) => L.fixedKW, decimals: KW },
    { name: 'facility_kW', values: (L) => L.facilityKW, decimals: KW },
    { name: 'renewable_available_kW', values: (L) => L.renewableAvailableKW, decimals: KW },
    { name: 'renewable_used_kW', values: (L) => L.renewableUsedKW, decimals: KW },
    { name: 'renewable_export_kW', values: (L) => L.renewableExportKW, decimals: KW },
    { name: 'renewable_curtailed_kW', values: (L) => L.renewableCurtailedKW, decimals: KW },
    { name: 'direct_green_kW', values: (L) => L.directGreenKW, decimals: KW },
    { name: 'storage_charge_kW', values: (L) => L.storageChargeKW, decimals: KW },
    { name: 'storage_discharge_kW', values: (L) => L.storageDischargeKW, decimals: KW },
    { name: 'soc_kWh', values: (L) => L.socKWh, decimals: KW },
    { name: 'grid_import_kW', values: (L) => L.gridImportKW, decimals: KW },
    { name: 'grid_export_kW', values: (L) => L.gridExportKW, decimals: KW },
    { name: 'shortfall_kW', values: (L) => L.shortfallKW, decimals: KW },
    { name: `import_price_${cur}_per_MWh`, values: (L) => L.importPrice, decimals: PRICE },
    { name: `export_price_${cur}_per_MWh`, values: (L) => L.exportPrice, decimals: PRICE },
    { name: 'carbon_gCO2_per_kWh', values: (L) => L.carbonIntensity, decimals: CARBON },
    { name: 'grid_renewable_share', values: (L) => L.gridRenewableShare, decimals: SHARE },
    { name: 'tokens', values: (_L, w) => w.tokens, decimals: TOKENS },
    { name: 'work_gpu_h', values: (_L, w) => w.work, decimals: GPU_H },
    // added later, after the original columns, so scripts that read columns by position keep working
    { name: 'facility_load_kW', values: (L) => L.facilityLoadKW, decimals: KW },
    { name: 'site_load_kW', values: (L) => L.siteLoadKW, decimals: KW },
    { name: 'generator_kW', values: (L) => L.generatorKW, decimals: KW },
    { name: 'grid_to_load_kW', values: (L) => L.gridToLoadKW, decimals: KW },
    { name: 'grid_to_storage_kW', values: (L) => L.gridToStorageKW, decimals: KW },
    { name: 'renewable_to_load_kW', values: (L) => L.renewableToLoadKW, decimals: KW },
    { name: 'renewable_to_storage_kW', values: (L) => L.renewableToStorageKW, decimals: KW },
    { name: 'storage_to_load_kW', values: (L) => L.storageToLoadKW, decimals: KW },
    { name: 'storage_to_grid_kW', values: (L) => L.storageToGridKW, decimals: KW },
    { name: 'generator_to_load_kW', values: (L) => L.generatorToLoadKW, decimals: KW },
    { name: 'generator_to_storage_kW', values: (L) => L.generatorToStorageKW, decimals: KW },
    { name: 'generator_to_grid_kW', values: (L) => L.generatorToGridKW, decimals: KW },
  ];
}

/** Workload ids in the fleet, ordered by workload index (then id), each once. */
export function fleetWorkloadIds(ledger: Ledger): string[] {
  const seen = new Map<string, number>();
  for (const L of ledger.sites) for (const f of L.workloads) if (!seen.has(f.id)) seen.set(f.id, f.workload);
  return [...seen].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id);
}

/** The CSV header line (without line break) of `ledgerCsv`. */
export function ledgerCsvHeader(ledger: Ledger, currency: string): string {
  const cols = fixedColumns(currencyTag(currency));
  const names = ['site', 'time_utc', 'time_local', ...cols.map((c) => c.name), ...fleetWorkloadIds(ledger).map((id) => `it_kW:${id}`)];
  return names.map(csvField).join(',');
}

/**
 * Yields the ledger as CSV text in chunks of a few thousand rows, header first. Local time is
 * ISO 8601 with the site's UTC offset at that instant (`siteTimeZones[i]` for `ledger.sites[i]`).
 */
export function* ledgerCsv(ledger: Ledger, siteTimeZones: string[], currency: string): Generator<string, void, undefined> {
  const { grid } = ledger;
  if (siteTimeZones.length < ledger.sites.length) {
    throw new RangeError(`ledgerCsv: ${ledger.sites.length} sites but ${siteTimeZones.length} time zones`);
  }
  const n = grid.steps;
  const workloadIds = fleetWorkloadIds(ledger);
  yield ledgerCsvHeader(ledger, currency) + '\n';

  // time stamps are encoded once: UTC for all sites, local once per zone
  const utc = new Array<Uint8Array>(n);
  for (let t = 0; t < n; t++) utc[t] = utf8(`,${formatUtcIso(stepStartMs(grid, t))},`);
  const localByZone = new Map<string, Uint8Array[]>();
  const localTimes = (zone: string): Uint8Array[] => {
    let out = localByZone.get(zone);
    if (!out) {
      const off = calendarOf(grid, zone).offsetMinutes;
      out = new Array<Uint8Array>(n);
      for (let t = 0; t < n; t++) out[t] = utf8(formatLocalIso(stepStartMs(grid, t), off[t]!));
      localByZone.set(zone, out);
    }
    return out;
  };

  const cols = fixedColumns('');
  const decimals = cols.map((c) => c.decimals);
  const out = new CsvBuffer();
  let rows = 0;
  for (let s = 0; s < ledger.sites.length; s++) {
    const L = ledger.sites[s]!;
    const local = localTimes(siteTimeZones[s]!);
    const siteCell = utf8(csvField(L.id));
    const tok = new Float64Array(n);
    const work = new Float64Array(n);
    for (const f of L.workloads) {
      for (let t = 0; t < n; t++) {
        tok[t]! += f.tokens[t]!;
        work[t]! += f.workGpuHours[t]!;
      }
    }
    const arrays = cols.map((c) => c.values(L, { tokens: tok, work }));
    // a workload listed twice at a site (should not happen) has its power added up
    const perWorkload: Array<Float64Array | null> = workloadIds.map((id) => {
      const flows = L.workloads.filter((f) => f.id === id);
      if (flows.length === 0) return null;
      if (flows.length === 1) return flows[0]!.itKW;
      const sum = new Float64Array(n);
      for (const f of flows) for (let t = 0; t < n; t++) sum[t]! += f.itKW[t]!;
      return sum;
    });
    const k = arrays.length;
    for (let t = 0; t < n; t++) {
      out.bytes(siteCell);
      out.bytes(utc[t]!);
      out.bytes(local[t]!);
      for (let c = 0; c < k; c++) {
        const x = arrays[c]![t]!;
        if (x - x !== 0) nonFinite(L.id, t, cols[c]!.name, x);
        out.comma();
        out.number(x, decimals[c]!);
      }
      for (let j = 0; j < perWorkload.length; j++) {
        const a = perWorkload[j];
        const x = a ? a[t]! : 0;
        if (x - x !== 0) nonFinite(L.id, t, `it_kW:${workloadIds[j]}`, x);
        out.comma();
        out.number(x, KW);
      }
      out.newline();
      if (++rows === ROWS_PER_CHUNK) {
        yield out.take();
        rows = 0;
      }
    }
  }
  if (out.length > 0) yield out.take();
}
