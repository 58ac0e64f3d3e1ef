/**
 * End to end: the `finance` command on the Texas example (JSON contract, output files), a bad
 * sweep spec (exit 2), and a small sweep in worker threads whose unchanged point reproduces the
 * base valuation.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runProcess } from '../../test/cli/run-cli.ts';
import { h100Site, scenarioYaml } from '../../test/helpers/scenario-yaml.ts';
import { main } from '../cli/main.ts';
import { buildModel, loadScenarioText, plan, run, simulate, summarise } from '../pipeline.ts';
import { sweepDesigns } from './sweep.ts';
import { valueInvestment } from './value.ts';

const TEXAS = join(ROOT, 'examples', 'texas-single-site.yaml');
/** One day from 2023-06-01, hourly, in UTC. */
const DAY = 'start: 2023-06-01T00:00, hours: 24, timeZone: UTC';

describe('wattshift finance (CLI)', () => {
  it('prints the JSON contract for the Texas example and writes its files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wattshift-finance-'));
    try {
      const r = runProcess(['finance', 'examples/texas-single-site.yaml', '--json', '--out', dir]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as Record<string, unknown> & { lines: Array<Record<string, unknown>>; years: Array<Record<string, number>> };
      expect(j.currency).toBe('USD');
      for (const k of ['npv', 'lcocPerGpuHour', 'costPerMillionTokens', 'tokensPerKWh', 'contractedRevenueShare']) expect(typeof j[k]).toBe('number');
      for (const k of ['irr', 'paybackYears', 'discountedPaybackYears']) expect(j[k] === null || typeof j[k] === 'number').toBe(true);
      expect(['unique', 'none', 'multiple']).toContain(j.irrStatus);
      expect(j.lines.map((l) => l.id)).toEqual(expect.arrayContaining(['chat-api', 'pretrain-reservation', 'spot']));
      for (const l of j.lines) expect(l.paybackMonths === null || typeof l.paybackMonths === 'number').toBe(true);
      // the pre-training job ends in October: its 8,192-GPU take-or-pay floor binds for the rest of the year
      expect(j.years[1]!.revenueTakeOrPayShortfall).toBeGreaterThan(0);
      expect(j.contractedRevenueShare as number).toBeGreaterThan(0);
      expect(j.contractedRevenueShare as number).toBeLessThan(1);
      for (const f of ['finance.json', 'cashflows.csv', 'report.html']) expect(existsSync(join(dir, f))).toBe(true);
      expect(existsSync(join(dir, 'sweep.csv'))).toBe(false);
      const csv = readFileSync(join(dir, 'cashflows.csv'), 'utf8').trim().split('\n');
      expect(csv).toHaveLength(1 + 1 + 5);
      expect(csv[0]).toContain('cash_flow_USD');
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('id="finance"');
      expect(html).toContain('Cumulative cash');
      expect(html).toContain('NPV sensitivity');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on a bad sweep spec, saying what is valid', async () => {
    const r = runProcess(['finance', 'examples/texas-single-site.yaml', '--sweep', 'storage.energyMWh=0,-50']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error [OPTION_INVALID]');
    expect(r.err).toContain('storage.energyMWh=-50');
    // the same path in-process (faster): a grammar error lists the grammar
    let err = '';
    const code = await main(['node', 'wattshift', 'finance', TEXAS, '--sweep', 'batteries=1'], { out: () => undefined, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toContain('[SITE:]PATH=');
  });
});

describe('sweep in worker threads', () => {
  it('evaluates 4 points in 2 workers; the unchanged point equals the base valuation', async () => {
    const progress: number[] = [];
    const s = await sweepDesigns(TEXAS, 'storage.energyMWh=100,0;finance.discountRate=0.1,0.12', { workers: 2, onProgress: (d) => progress.push(d) });
    expect(s.workers).toBe(2);
    expect(s.points.every((p) => p.metrics !== null && p.error === null)).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(s.ranking).toHaveLength(4);
    const base = await run(TEXAS);
    const f = valueInvestment(base.model, base.summary, base.ledger);
    expect(s.points[0]!.values).toEqual([100, 0.1]);
    expect(s.points[0]!.metrics!.npv).toBeCloseTo(f.npv, 0);
    // a higher discount rate lowers the NPV of the same design
    expect(s.points[1]!.metrics!.npv).toBeLessThan(s.points[0]!.metrics!.npv);
  });
});

describe('valueInvestment on a short horizon without a ledger', () => {
  it('annualises a one-day simulation and still values it', async () => {
    const text = scenarioYaml({
      name: 'day',
      horizon: DAY,
      sites: [h100Site('a', 64)],
      rest: `workloads:
  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 1000, gpus: { max: 64 }, continuous: true }
finance:
  spotCompute: { pricePerGpuHour: 2.0 }
`,
    });
    const model = buildModel(loadScenarioText(text, ROOT));
    const ledger = simulate(model, await plan(model, 'naive'));
    const { summary } = summarise(model, ledger);
    const withLedger = valueInvestment(model, summary, ledger, { breakEvens: false });
    const without = valueInvestment(model, summary, undefined, { breakEvens: false });
    expect(withLedger.operatingYear.annualised).toBe(true);
    expect(withLedger.notes.join(' ')).toContain('not one calendar year');
    expect(without.notes.join(' ')).toContain('no ledger');
    // 64 GPUs busy all day → 64 × 8,760 GPU-hours a year at 2.00
    expect(withLedger.years[1]!.revenueUncontracted).toBeCloseTo(64 * 8760 * 2, -2);
    expect(without.years[1]!.revenueUncontracted).toBeCloseTo(withLedger.years[1]!.revenueUncontracted, -2);
  });
});

describe('finance input errors', () => {
  it('names the file, line and path of a contract that sells an unknown workload', async () => {
    const text = scenarioYaml({
      name: 'bad',
      horizon: DAY,
      sites: [h100Site('a', 8)],
      rest: `finance:
  contracts:
    - { id: c, workloads: [ghost], priceBasis: gpu-hour, price: 2, tenorYears: 1 }
`,
    });
    const model = buildModel(loadScenarioText(text, ROOT, 'bad.yaml'));
    const ledger = simulate(model, await plan(model, 'naive'));
    const { summary } = summarise(model, ledger);
    expect(() => valueInvestment(model, summary, ledger)).toThrow(expect.objectContaining({
      code: 'SCENARIO_REFERENCE',
      location: expect.objectContaining({ file: 'bad.yaml', line: 13, path: 'finance.contracts[0].workloads[0]' }),
    }));
  });
});
