/**
 * Import of URDB rates, on a record written by hand in the utility_rates v7 format
 * (test/fixtures/urdb/gs-tou-3.json: a large general service TOU rate with a declining energy
 * block, flat and time-of-use demand, a 75 % ratchet, a 15-minute demand window, fixed and
 * minimum charges and net metering), billed by hand.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { billAsMetered, loadSiteScenario } from '../../test/helpers/load-site.ts';
import { thrown } from '../../test/helpers/input-error.ts';
import { runInProcess } from '../../test/cli/run-cli.ts';
import { parse } from 'yaml';
import { Tariff } from '../scenario/schema/tariff.ts';
import { importUrdbFile } from '../app/tariff-import.ts';
import { pickUrdbRate, urdbToTariff } from './urdb.ts';

const FILE = fileURLToPath(new URL('../../test/fixtures/urdb/gs-tou-3.json', import.meta.url));
/** Expects an InputError whose fields contain the given text. */
function expectInputError(fn: () => unknown, want: { code?: string; path?: string; message?: string }) {
  const e = thrown(fn);
  if (want.code) expect(e.code).toBe(want.code);
  if (want.path) expect(e.location.path).toBe(want.path);
  if (want.message) expect(e.message).toContain(want.message);
}

const rateOf = () => (JSON.parse(readFileSync(FILE, 'utf8')) as { items: Array<Record<string, unknown>> }).items[0]!;

describe('URDB import', () => {
  it('maps periods, blocks, demand, ratchet, window, fixed and minimum charges, net metering', () => {
    const r = importUrdbFile(FILE);
    const t = Tariff.parse(r.tariff);
    expect(t.energy).toMatchObject({ type: 'tou', defaultPeriod: 'offPeak', pricesPerMWh: { offPeak: 62.3, summerOnPeak: 128.9, winterOnPeak: 91.8, summerMidPeak: 95.5 } });
    expect(t.energyTiers).toEqual([{ upToMWh: 100, adderPerMWh: 0 }, { adderPerMWh: -4 }]);
    expect(t.demandIntervalMinutes).toBe(15);
    expect(t.demandCharges.map((d) => [d.name, d.ratePerKWMonth])).toEqual([['maximum demand', 3.45], ['demand, Summer On-Peak', 14.85], ['demand, Winter On-Peak', 6.2]]);
    expect(t.demandCharges[0]!.ratchet).toEqual({ fraction: 0.75, lookbackMonths: 11 });
    expect(t.demandCharges[1]!.windows).toEqual([{ from: '14:00', to: '20:00', months: [6, 7, 8, 9], days: 'workdays' }]);
    expect(t).toMatchObject({ fixedChargePerMonth: 450, minimumChargePerMonth: 1200, export: { type: 'netMetering' } });
    expect(r.source).toMatchObject({ label: '66f0a1b2c3d4e5f601234567', startdate: '2024-01-01' });
  });

  it('bills a July weekday at a constant 1 MW by hand', () => {
    const { tariff } = importUrdbFile(FILE);
    const sc = loadSiteScenario({ start: '2023-07-05T00:00', hours: 24, loadKW: 1000, site: { grid: { importLimitKW: 5000 }, tariff } });
    const { bill } = billAsMetered(sc);
    const share = 24 / 744;
    // Wednesday: off-peak 0–10 h and 22–24 h (12 MWh × 62.3), mid-peak 10–14 h and 20–22 h (6 MWh × 95.5), on-peak 14–20 h (6 MWh × 128.9)
    expect(bill.breakdown.energy).toBeCloseTo(747.6 + 573 + 773.4 - (24 - 100 * share) * 4, 6);
    // 1,000 kW × (3.45 all hours + 14.85 summer on-peak) × 24/744; winter on-peak measures nothing in July
    expect(bill.breakdown.demand).toBeCloseTo(1000 * (3.45 + 14.85) * share, 6);
    expect(bill.breakdown.fixed).toBeCloseTo(450 * share, 6);
    expect(bill.breakdown.minimum).toBe(0);
    expect(bill.total).toBeCloseTo(2615.741936, 5);
  });

  it('reads the v8 look-back fields (percent, range, months) as the ratchet', () => {
    const rate = { ...rateOf(), demandratchetpercentage: undefined, lookbackPercent: 50, lookbackRange: 12, lookbackMonths: [false, false, false, false, false, true, true, true, true, false, false, false] };
    const d = (urdbToTariff(rate, 'x.json').tariff.demandCharges as Array<Record<string, unknown>>)[0]!;
    expect(d.ratchet).toEqual({ fraction: 0.5, lookbackMonths: 12, months: [6, 7, 8, 9] });
  });

  it('refuses what the tariff cannot express, naming the field', () => {
    const blocks = rateOf();
    ((blocks.energyratestructure as Array<Array<Record<string, number>>>)[1]![1]!).rate = 0.1;
    expectInputError(() => urdbToTariff(blocks, 'x.json', 'items[0]'), { code: 'SCENARIO_INVALID', path: 'items[0].energyratestructure[1][1]', message: 'adds' });
    const daily = rateOf();
    ((daily.energyratestructure as Array<Array<Record<string, unknown>>>)[0]![0]!).unit = 'kWh daily';
    expectInputError(() => urdbToTariff(daily, 'x.json'), { path: 'energyratestructure[0][0].unit', message: 'kWh daily' });
    expectInputError(() => urdbToTariff({ ...rateOf(), energyweekdayschedule: [[0]] }, 'x.json'), { path: 'energyweekdayschedule', message: '12 months × 24 hours' });
    expectInputError(() => urdbToTariff({ ...rateOf(), fixedchargeunits: '$/kWh' }, 'x.json'), { path: 'fixedchargeunits' });
  });

  it('picks a rate by label when a file holds several', () => {
    const a = { ...rateOf(), label: 'aaa' };
    const b = { ...rateOf(), label: 'bbb' };
    expect(pickUrdbRate({ items: [a, b] }, 'x.json', 'bbb').path).toBe('items[1]');
    expectInputError(() => pickUrdbRate({ items: [a, b] }, 'x.json'), { message: 'aaa, bbb' });
    expectInputError(() => pickUrdbRate({ items: [a] }, 'x.json', 'zzz'), { message: 'no rate with label "zzz"' });
  });

  it('tariff import (CLI) writes YAML that a scenario loads; bad input exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'urdb-'));
    const out = join(dir, 'tariff.yaml');
    const ok = await runInProcess(['tariff', 'import', FILE, '--out', out]);
    expect(ok.code).toBe(0);
    const yaml = readFileSync(out, 'utf8');
    expect(yaml).toContain('# warning: the ratchet applies');
    expect(Tariff.parse((parse(yaml) as { tariff: unknown }).tariff)).toMatchObject({ fixedChargePerMonth: 450 });
    const json = await runInProcess(['tariff', 'import', FILE, '--json']);
    expect(JSON.parse(json.out).source.utility).toContain('Example Electric');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "items": [ { "label": 1, ');
    const err = await runInProcess(['tariff', 'import', bad]);
    expect(err.code).toBe(2);
    expect(err.err).toContain('not valid JSON');
    expect((await runInProcess(['tariff', 'import', join(dir, 'missing.json')])).code).toBe(2);
  });
});
