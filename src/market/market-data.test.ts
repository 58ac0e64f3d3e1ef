import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/input-error.ts';
import { buildModel, loadScenario, loadScenarioText } from '../pipeline.ts';
import type { RawSeries } from '../series/types.ts';
import type { TimeGrid } from '../time/grid.ts';
import { coverageMask, knownShare, loadMarket, marketDays, pickMarket } from './market-data.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/market/one-site.yaml', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('market data', () => {
  it('a step is covered when samples span half of it: 15-minute samples on an hourly grid, one hour missing', () => {
    const grid: TimeGrid = { startMs: 0, stepMinutes: 60, steps: 3, timeZone: 'UTC' };
    // quarter hours of hour 0 and hour 2 only (hour 1 missing; hour 2 has two of four quarters)
    const times = [0, 15, 30, 45, 120, 135].map((m) => m * 60_000);
    const raw: RawSeries = { times: Float64Array.from(times), values: new Float64Array(times.length).fill(1), unit: 'USD/MWh', lines: new Int32Array(times.length), nonexistentLocalTimes: 0, source: 'x' };
    expect(Array.from(coverageMask(raw, grid))).toEqual([1, 0, 1]);
    raw.values[4] = NaN; // a missing cell leaves only a quarter of hour 2
    expect(Array.from(coverageMask(raw, grid))).toEqual([1, 0, 0]);
  });

  it('market days are whole local days: 23 hours on the spring DST change, partial days at the edges left out', () => {
    // Chicago, from noon on 13 Mar 2021 to noon on 15 Mar: only 14 Mar (23 h) is whole
    const grid: TimeGrid = { startMs: Date.UTC(2021, 2, 13, 18), stepMinutes: 60, steps: 47, timeZone: 'America/Chicago' };
    const days = marketDays(grid, 'America/Chicago');
    expect(days.map((d) => [d.key, d.to - d.from])).toEqual([['2021-03-14', 23]]);
  });

  it('ERCOT 2021: five published days missing, Winter Storm Uri prices present, history before the horizon', () => {
    const model = buildModel(loadScenario(`${EXAMPLES}ercot-2021.yaml`));
    const md = loadMarket(model, 0);
    expect(md.days).toHaveLength(365);
    const missing = md.days.filter((d) => knownShare(md, md.dayAheadKnown, d.from, d.to) < 1).map((d) => d.key);
    expect(missing).toEqual(['2021-01-22', '2021-02-15', '2021-02-20', '2021-02-28', '2021-03-06']);
    const uri = md.days.find((d) => d.key === '2021-02-16')!;
    expect(Math.max(...md.realTime.subarray(uri.from + md.offset, uri.to + md.offset))).toBeGreaterThan(8900);
    // the history grid reaches back before 1 Jan 2021, where the 2020 rows are known
    expect(md.offset).toBeGreaterThan(42 * 24);
    expect(knownShare(md, md.dayAheadKnown, -md.offset + 24, -md.offset + 48)).toBe(1);
  });

  it('bad market sections are located errors', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const load = (t: string) => buildModel(loadScenarioText(t, fileURLToPath(new URL('../../test/fixtures/market/', import.meta.url)), 'm.yaml'));
    const usd = thrown(() => loadMarket(load(text.replace('currency: USD', 'currency: EUR').replace(/USD\/MWh/g, 'EUR/MWh').replace('  - id: m\n', '  - id: m\n    rules: ercot-2021\n')), 0));
    expect(usd.message).toContain('prices in USD but the scenario\'s currency is EUR');
    expect(usd.location).toMatchObject({ path: 'markets[0].rules', file: 'm.yaml' });
    expect(usd.location.line).toBeGreaterThan(30);
    const site = thrown(() => loadMarket(load(text.replace('  - id: m\n', '  - id: m\n    sites: [nowhere]\n')), 0));
    expect(site.message).toContain('unknown site "nowhere"');
    const tariff = thrown(() => loadMarket(load(text.replace('tariff: { energy: { type: spot } }', 'tariff: { energy: { type: flat, pricePerMWh: 40 } }')), 0));
    expect(tariff.message).toContain('use tariff.energy { type: spot }');
    expect(thrown(() => pickMarket([], undefined, 'x.yaml')).message).toContain('no markets section');
    const model = load(text);
    expect(thrown(() => pickMarket(model.resolved.scenario.markets, 'other', 'x')).message).toContain('unknown market "other"; markets in this scenario: m');
  });
});
