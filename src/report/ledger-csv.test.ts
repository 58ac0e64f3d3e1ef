import { describe, expect, it } from 'vitest';
import { makeFleet } from '../../test/browser/fixtures.ts';
import { billsCsv, fleetWorkloadIds, ledgerCsv } from './index.ts';
import type { SiteLedger } from '../simulate/ledger.ts';

const FIXED = [
  'site', 'time_utc', 'time_local', 'it_kW', 'idle_it_kW', 'cooling_kW', 'losses_kW', 'fixed_kW', 'facility_kW',
  'renewable_available_kW', 'renewable_used_kW', 'renewable_export_kW', 'renewable_curtailed_kW', 'direct_green_kW',
  'storage_charge_kW', 'storage_discharge_kW', 'soc_kWh', 'grid_import_kW', 'grid_export_kW', 'shortfall_kW',
  'import_price_USD_per_MWh', 'export_price_USD_per_MWh', 'carbon_gCO2_per_kWh', 'grid_renewable_share', 'tokens', 'work_gpu_h',
  'facility_load_kW', 'site_load_kW', 'generator_kW', 'grid_to_load_kW', 'grid_to_storage_kW', 'renewable_to_load_kW', 'renewable_to_storage_kW',
  'storage_to_load_kW', 'storage_to_grid_kW', 'generator_to_load_kW', 'generator_to_storage_kW', 'generator_to_grid_kW',
];

/** Column name → ledger array and tolerance (half a unit in the last printed digit). */
const COLUMNS: Record<string, [(L: SiteLedger) => Float64Array, number]> = {
  it_kW: [(L) => L.itKW, 5e-4], idle_it_kW: [(L) => L.idleItKW, 5e-4], cooling_kW: [(L) => L.coolingKW, 5e-4], losses_kW: [(L) => L.lossesKW, 5e-4],
  fixed_kW: [(L) => L.fixedKW, 5e-4], facility_kW: [(L) => L.facilityKW, 5e-4], renewable_available_kW: [(L) => L.renewableAvailableKW, 5e-4],
  renewable_used_kW: [(L) => L.renewableUsedKW, 5e-4], renewable_export_kW: [(L) => L.renewableExportKW, 5e-4], renewable_curtailed_kW: [(L) => L.renewableCurtailedKW, 5e-4],
  direct_green_kW: [(L) => L.directGreenKW, 5e-4], storage_charge_kW: [(L) => L.storageChargeKW, 5e-4], storage_discharge_kW: [(L) => L.storageDischargeKW, 5e-4],
  soc_kWh: [(L) => L.socKWh, 5e-4], grid_import_kW: [(L) => L.gridImportKW, 5e-4], grid_export_kW: [(L) => L.gridExportKW, 5e-4], shortfall_kW: [(L) => L.shortfallKW, 5e-4],
  import_price_USD_per_MWh: [(L) => L.importPrice, 5e-4], export_price_USD_per_MWh: [(L) => L.exportPrice, 5e-4],
  carbon_gCO2_per_kWh: [(L) => L.carbonIntensity, 5e-3], grid_renewable_share: [(L) => L.gridRenewableShare, 5e-5],
};

function csvOf(...args: Parameters<typeof ledgerCsv>): string[] {
  return [...ledgerCsv(...args)].join('').split('\n');
}

describe('ledgerCsv', () => {
  const fleet = makeFleet();
  const lines = csvOf(fleet.ledger, fleet.siteTimeZones, 'USD');

  it('has a header with units and one it_kW column per workload in the fleet', () => {
    expect(lines[0]!.split(',')).toEqual([...FIXED, 'it_kW:chat-inference', 'it_kW:train-llm-70b', 'it_kW:batch-embed']);
    expect(fleetWorkloadIds(fleet.ledger)).toEqual(['chat-inference', 'train-llm-70b', 'batch-embed']);
  });

  it('writes one row per site and step, ending with a line break', () => {
    const { grid, sites } = fleet.ledger;
    expect(lines.length).toBe(1 + sites.length * grid.steps + 1);
    expect(lines[lines.length - 1]).toBe('');
    const header = lines[0]!.split(',');
    for (const line of lines.slice(1, -1)) expect(line.split(',').length).toBe(header.length);
  });

  it('round-trips every value within its rounding, with 0 for workloads absent at a site', () => {
    const header = lines[0]!.split(',');
    const n = fleet.ledger.grid.steps;
    lines.slice(1, -1).forEach((line, r) => {
      const cells = line.split(',');
      const L = fleet.ledger.sites[Math.floor(r / n)]!;
      const t = r % n;
      expect(cells[0]).toBe(L.id);
      expect(Date.parse(cells[1]!)).toBe(fleet.ledger.grid.startMs + t * 3_600_000);
      for (const [name, [get, tol]] of Object.entries(COLUMNS)) {
        const v = Number(cells[header.indexOf(name)]);
        expect(Math.abs(v - get(L)[t]!), `${name} row ${r}`).toBeLessThanOrEqual(tol + 1e-9);
      }
      const tokens = L.workloads.reduce((s, f) => s + f.tokens[t]!, 0);
      expect(Math.abs(Number(cells[header.indexOf('tokens')]) - tokens)).toBeLessThanOrEqual(0.5);
      const work = L.workloads.reduce((s, f) => s + f.workGpuHours[t]!, 0);
      expect(Math.abs(Number(cells[header.indexOf('work_gpu_h')]) - work)).toBeLessThanOrEqual(5e-5);
      for (const id of ['chat-inference', 'train-llm-70b', 'batch-embed']) {
        const f = L.workloads.find((w) => w.id === id);
        const cell = cells[header.indexOf(`it_kW:${id}`)]!;
        if (!f) expect(cell).toBe('0');
        else expect(Math.abs(Number(cell) - f.itKW[t]!)).toBeLessThanOrEqual(5e-4);
      }
      // numbers are plain decimals: no exponent, NaN, trailing zeros or "-0"
      for (const c of cells.slice(3)) expect(c).toMatch(/^(0|-?[1-9]\d*(\.\d*[1-9])?|-?0\.\d*[1-9])$/);
    });
  });

  it('writes local time with the site offset at each instant across a DST change', () => {
    // Chicago springs forward at 2023-03-12 08:00 UTC (−06:00 → −05:00); Berlin does not until 03-26
    const dst = makeFleet({ start: '2023-03-11T00:00:00Z', days: 3, zones: ['America/Chicago', 'Europe/Berlin'] });
    const rows = csvOf(dst.ledger, dst.siteTimeZones, 'USD').slice(1, -1).map((l) => l.split(','));
    const at = (site: string, utc: string) => rows.find((r) => r[0] === site && r[1] === utc)![2];
    expect(at('site-a', '2023-03-12T07:00:00Z')).toBe('2023-03-12T01:00:00-06:00');
    expect(at('site-a', '2023-03-12T08:00:00Z')).toBe('2023-03-12T03:00:00-05:00');
    expect(at('site-b', '2023-03-12T08:00:00Z')).toBe('2023-03-12T09:00:00+01:00');
    // every local stamp names the same instant as its UTC stamp
    for (const r of rows) expect(Date.parse(r[2]!)).toBe(Date.parse(r[1]!));
  });

  it('never writes an exponent, and refuses NaN and infinities (naming site, step and column) instead of empty cells', () => {
    const f = makeFleet({ sites: 1, days: 1 });
    const L = f.ledger.sites[0]!;
    L.fixedKW[0] = 1e-9;
    L.shortfallKW[0] = -1e-7;
    L.socKWh[0] = 1.5e15;
    L.exportPrice[0] = -12.3456;
    const lines2 = csvOf(f.ledger, f.siteTimeZones, 'EUR');
    const header = lines2[0]!.split(',');
    const row = lines2[1]!.split(',');
    const cell = (name: string) => row[header.indexOf(name)];
    expect(header).toContain('import_price_EUR_per_MWh');
    expect(cell('fixed_kW')).toBe('0');
    expect(cell('shortfall_kW')).toBe('0');
    expect(cell('soc_kWh')).toBe('1500000000000000');
    expect(cell('export_price_EUR_per_MWh')).toBe('-12.346');
    L.coolingKW[0] = NaN;
    expect(() => csvOf(f.ledger, f.siteTimeZones, 'EUR')).toThrow(/ledger\.csv: cooling_kW is NaN at site .*, step 0/);
    L.coolingKW[0] = 0;
    L.lossesKW[0] = Infinity;
    expect(() => csvOf(f.ledger, f.siteTimeZones, 'EUR')).toThrow(/losses_kW is Infinity/);
  });

  it('quotes site ids that contain commas or quotes', () => {
    const f = makeFleet({ sites: 1, days: 1 });
    f.ledger.sites[0]!.id = 'north, "A"';
    const row = csvOf(f.ledger, f.siteTimeZones, 'USD')[1]!;
    expect(row.startsWith('"north, ""A""",')).toBe(true);
  });

  it('rejects a ledger with more sites than time zones', () => {
    expect(() => csvOf(fleet.ledger, ['UTC'], 'USD')).toThrow(/time zones/);
  });

  it('formats 100 sites × 8760 hourly rows in a few seconds', () => {
    const year = makeFleet({ sites: 1, days: 365, start: '2023-01-01T00:00:00Z' });
    const L = year.ledger.sites[0]!;
    const ledger = { ...year.ledger, sites: Array.from({ length: 100 }, (_, i) => ({ ...L, id: `s${i}`, site: i })) };
    const zones = Array.from({ length: 100 }, (_, i) => ['America/Chicago', 'Asia/Shanghai', 'Europe/Berlin'][i % 3]!);
    const t0 = performance.now();
    let rows = 0;
    for (const chunk of ledgerCsv(ledger, zones, 'USD')) for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) rows++;
    const ms = performance.now() - t0;
    console.log(`ledgerCsv: 876,000 rows in ${ms.toFixed(0)} ms`);
    expect(rows).toBe(1 + 100 * 8760);
    // about 2 s on a laptop; the bound leaves room for slow CI machines
    expect(ms).toBeLessThan(15_000);
  });
});

describe('billsCsv', () => {
  it('lists every line item with the currency in the amount column', () => {
    const f = makeFleet();
    const text = billsCsv(f.bills, 'USD');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('site,month,item,quantity,unit,rate,rate_unit,amount_USD');
    expect(lines.length - 1).toBe(f.bills.reduce((s, b) => s + b.lines.length, 0));
    // "maximum demand (15-min average)" has no comma; items with commas are quoted
    expect(lines.some((l) => l.includes(',"energy, spot",'))).toBe(true);
    expect(lines[1]).toMatch(/,USD per MWh,/);
    for (const b of f.bills) {
      const amounts = lines.filter((l) => l.startsWith(`${b.site},`)).map((l) => Number(l.slice(l.lastIndexOf(',') + 1)));
      expect(amounts.reduce((s, x) => s + x, 0)).toBeCloseTo(b.total, 1);
    }
  });
});
