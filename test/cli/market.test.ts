import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runInProcess } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wattshift-market-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ERCOT = join(ROOT, 'examples/ercot-2021.yaml');
const FIXTURE = join(ROOT, 'test/fixtures/market/one-site.yaml');

describe('wattshift bid', () => {
  it('prints monotone curves for a Winter Storm Uri day with the market\'s limits, and writes json, csv and html', async () => {
    const out = join(tmp, 'bid');
    const r = await runInProcess(['bid', ERCOT, '--day', '2021-02-17', '--json', '--out', out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ market: 'ercot-north', currency: 'USD', timeZone: 'America/Chicago', day: '2021-02-17' });
    expect(j.rules).toMatchObject({ priceFloorPerMWh: -250, priceCapPerMWh: 9000, curveStyle: 'steps' });
    expect(j.products).toHaveLength(24);
    expect(j.products[0].start).toBe('2021-02-17T00:00-06:00');
    for (const p of j.products) {
      expect(p.points.length).toBeLessThanOrEqual(10);
      expect(p.points[p.points.length - 1].priceMWh).toBe(9000);
      for (let k = 1; k < p.points.length; k++) {
        expect(p.points[k].priceMWh).toBeGreaterThan(p.points[k - 1].priceMWh);
        expect(p.points[k].quantityMW).toBeLessThanOrEqual(p.points[k - 1].quantityMW);
      }
      expect(p.clearedPriceMWh).toBeGreaterThan(1000); // the storm's day-ahead prices
    }
    for (const f of ['bid.json', 'bid.csv', 'bid.html']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'bid.csv'), 'utf8').split('\n')[0]).toBe('bidder,day,product_start,product_end,point,price_USD_per_MWh,quantity_MW');
    expect(readFileSync(join(out, 'bid.html'), 'utf8')).toContain('<svg');
  });

  it('bad options exit 2 and say what is valid', async () => {
    const a = await runInProcess(['bid', ERCOT, '--day', '17/02/2021']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--day must be a date YYYY-MM-DD');
    const b = await runInProcess(['bid', ERCOT, '--day', '2023-02-17']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('run from 2021-01-01 to 2021-12-31');
    const c = await runInProcess(['bid', ERCOT, '--day', '2021-02-17', '--market', 'pjm']);
    expect(c.code).toBe(2);
    expect(c.err).toContain('unknown market "pjm"; markets in this scenario: ercot-north');
    const d = await runInProcess(['bid', join(ROOT, 'examples/phoenix-2025.yaml'), '--day', '2025-05-03']);
    expect(d.code).toBe(2);
    expect(d.err).toContain('no markets section');
  });
});

describe('wattshift backtest', () => {
  it('prints the contract: market, currency, days, the four policies with cost and qos, and the captured share', async () => {
    const out = join(tmp, 'bt');
    const r = await runInProcess(['backtest', FIXTURE, '--from', '2021-06-15', '--days', '1', '--json', '--out', out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ market: 'm', currency: 'USD', days: 1 });
    for (const p of ['naive', 'priceTakerDayAhead', 'bidding', 'perfectForesight']) {
      expect(typeof j.policies[p].cost).toBe('number');
      expect(j.policies[p].qos).toHaveProperty('floorsMet');
    }
    const cost = (p: string) => j.policies[p].cost as number;
    const share = (cost('naive') - cost('bidding')) / (cost('naive') - cost('perfectForesight'));
    expect(j.capturedShare).toBeCloseTo(share, 3);
    for (const f of ['summary.json', 'days.csv', 'report.html']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'days.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 5);
  });

  it('bad periods exit 2', async () => {
    expect((await runInProcess(['backtest', FIXTURE, '--year', '2019'])).err).toContain('holds no market day of 2019');
    expect((await runInProcess(['backtest', FIXTURE, '--days', '3'])).err).toContain('--days needs --from');
    expect((await runInProcess(['backtest', FIXTURE, '--year', '2021', '--from', '2021-06-15'])).code).toBe(2);
    expect((await runInProcess(['backtest', FIXTURE, '--from', '2021-06-15', '--days', '0'])).err).toContain('--days must be a whole number ≥ 1');
  });
});
