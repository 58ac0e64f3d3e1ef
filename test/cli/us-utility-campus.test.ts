/** The US campus example end to end: the bill lines a Texas utility sends, and a plan that beats naive. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runInProcess } from './run-cli.ts';

const FILE = `${ROOT}examples/us-utility-campus.yaml`;

describe('examples/us-utility-campus.yaml', () => {
  it('bills energy, ratcheted distribution demand, on-peak demand, 4CP and the customer charge', async () => {
    const out = mkdtempSync(join(tmpdir(), 'campus-'));
    const r = await runInProcess(['simulate', FILE, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.sites[0].siteLoadEnergyMWh).toBeGreaterThan(400);
    expect(s.sites[0].pue).toBeGreaterThan(1);
    const bills = readFileSync(join(out, 'bills.csv'), 'utf8');
    for (const item of ['energy, spot', 'distribution demand', 'summer on-peak demand', 'transmission (4CP) (60-min demand at system peaks)', 'customer charge']) expect(bills).toContain(item);
  });

  it('plans below the naive cost, with the genset relaxation named and the bill predicted', async () => {
    const r = await runInProcess(['plan', FILE, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.savingsVsNaive.energyCost).toBeGreaterThan(0);
    expect(s.notes.join(' ')).toContain('generator standby-diesel at campus: on/off relaxed');
    expect(s.solver.predictedBill[0].site).toBe('campus');
    expect(s.solver.predictedBill[0].demand).toBeCloseTo(s.fleet.energyCostBreakdown.demand, -2);
  }, 60_000);
});
