import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { buildModel, loadScenarioText, plan, simulate, summarise } from '../pipeline.ts';
import { sharedHighs } from '../../test/helpers/shared-solver.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wattshift-plan-'));
// one HiGHS worker for the whole file: each plan would otherwise start and load its own
const highs = sharedHighs();
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await highs.close();
});

interface Knobs {
  hours?: number;
  importLimitMW?: number;
  storage?: boolean;
  pvMW?: number;
  demand?: number;
  work?: number;
  deadlineHour?: number;
  floor?: number;
  exportMW?: number;
  demandCharge?: number;
  greenTarget?: number;
  /** Export paid at a flat price instead of spot (an inverted spread when it beats import). */
  exportFlat?: number;
  /** Added to every hourly price (negative: hours with negative prices). */
  priceShift?: number;
}

/** A one-site scenario whose prices, solar and demand follow daily profiles (no files). */
function scenario(k: Knobs = {}): string {
  const hours = k.hours ?? 72;
  const price = [20, 18, 15, 14, 14, 18, 30, 45, 60, 55, 40, 30, 25, 22, 25, 35, 60, 90, 120, 100, 70, 45, 30, 25];
  const sun = [0, 0, 0, 0, 0, 0, 0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 0.85, 0.75, 0.6, 0.4, 0.2, 0.05, 0, 0, 0, 0, 0];
  return `name: plan-test
horizon: { start: 2023-07-01T00:00Z, hours: ${hours}, timeZone: UTC }
sites:
  - id: a
    latitude: 30
    longitude: -97
    grid: { importLimitMW: ${k.importLimitMW ?? 30}, exportLimitMW: ${k.exportMW ?? 0} }
    it: [{ accelerator: H100, gpus: 8000 }]
    facility: { cooling: { archetype: air } }
    renewables: [{ id: pv, type: solar, capacityMW: ${k.pvMW ?? 5}, capacityFactor: { dailyProfile: [${sun.join(', ')}] } }]
${k.storage === false ? '' : '    storage: { energyMWh: 20, powerMW: 5, degradationCostPerMWh: 2 }'}
    tariff: { energy: { type: spot, adderPerMWh: 5 }, demandChargePerKWMonth: ${k.demandCharge ?? 0}, export: ${!k.exportMW ? '{ type: none }' : k.exportFlat !== undefined ? `{ type: flat, pricePerMWh: ${k.exportFlat} }` : '{ type: spot }'} }
${k.greenTarget !== undefined ? `    greenTarget: { directGreenRatio: ${k.greenTarget} }` : ''}
    series:
      price: { dailyProfile: [${price.map((p) => p + (k.priceShift ?? 0)).join(', ')}], unit: USD/MWh }
      carbonIntensity: { constant: 400 }
workloads:
  - { id: chat, type: inference, accelerator: H100, sites: [a], demandTokensPerSecond: { constant: ${k.demand ?? 2.0e6} }, minPowerFraction: 0.6 }
  - id: train
    type: training
    accelerator: H100
    sites: [a]
    workGpuHours: ${k.work ?? 150000}
    gpus: { max: 5000 }
    deadline: 2023-07-0${1 + Math.floor((k.deadlineHour ?? 60) / 24)}T${String((k.deadlineHour ?? 60) % 24).padStart(2, '0')}:00Z
    qosFloor: ${k.floor ?? 0.5}
    minPowerFraction: 0.5
`;
}

async function runPolicy(text: string, policy: string, options = {}) {
  const model = buildModel(loadScenarioText(text, tmp));
  const dispatch = await plan(model, policy, undefined, { solverFactory: highs.factory, ...options });
  const ledger = simulate(model, dispatch);
  return { model, dispatch, ledger, ...summarise(model, ledger) };
}
const operating = (s: { summary: { fleet: { energyCost: number; storageDegradationCost: number } } }) => s.summary.fleet.energyCost + s.summary.fleet.storageDegradationCost;

describe('optimal plan', () => {
  it('is never costlier than naive, and the simulated cost matches the plan objective', async () => {
    const text = scenario();
    const naive = await runPolicy(text, 'naive');
    const opt = await runPolicy(text, 'optimal');
    expect(operating(opt)).toBeLessThanOrEqual(operating(naive) + 1e-6);
    // the plan's objective is its operating cost plus penalties (none here) minus nothing:
    // the simulator, with the same physics, must land within 1 % of it
    const objective = opt.dispatch.solver!.objective;
    expect(Math.abs(operating(opt) - objective) / Math.abs(objective)).toBeLessThan(0.01);
    expect(opt.summary.solver!.status).toBe('optimal');
    expect(opt.summary.solver!.columns).toBeGreaterThan(0);
  });

  it('where export pays more than import, exports only its own supply, as the simulator does', async () => {
    // export at 100 USD/MWh beats import (19–125 USD/MWh) in most hours: the LP used to buy
    // power to sell it in the same step, which the simulator cannot do
    const text = scenario({ exportMW: 10, exportFlat: 100, pvMW: 20 });
    const naive = await runPolicy(text, 'naive');
    const opt = await runPolicy(text, 'optimal');
    const objective = opt.dispatch.solver!.objective;
    expect(Math.abs(operating(opt) - objective)).toBeLessThan(1e-3 * Math.abs(objective) + 1);
    expect(operating(opt)).toBeLessThan(operating(naive));
    const L = opt.ledger.sites[0]!;
    for (let t = 0; t < L.itKW.length; t++) expect(L.gridExportKW[t]).toBeLessThanOrEqual(L.renewableAvailableKW[t]! + L.storageDischargeKW[t]! + 1e-6);
  });

  it('keeps every limit in the simulated ledger: grid, storage, deadline, QoS floor', async () => {
    const opt = await runPolicy(scenario({ importLimitMW: 12, deadlineHour: 50, floor: 0.7 }), 'optimal');
    const L = opt.ledger.sites[0]!;
    const st = opt.model.sites[0]!.storage!;
    for (let t = 0; t < L.itKW.length; t++) {
      expect(L.gridImportKW[t]).toBeLessThanOrEqual(12000 + 1e-6);
      expect(L.socKWh[t]).toBeGreaterThanOrEqual(st.socMinKWh - 1e-6);
      expect(L.socKWh[t]).toBeLessThanOrEqual(st.socMaxKWh + 1e-6);
      expect(L.shortfallKW[t]).toBeLessThan(1e-6);
    }
    const job = opt.summary.jobs.find((j) => j.id === 'train')!;
    expect(job.late).toBe(false);
    expect(job.remainingGpuHours).toBe(0);
    expect(Date.parse(job.finishedAt!)).toBeLessThanOrEqual(Date.parse('2023-07-03T02:00:00Z'));
    expect(job.performance).toBeGreaterThanOrEqual(0.7 - 1e-6);
    expect(opt.summary.fleet.unservedTokens).toBe(0);
  });

  it('meets a direct-green target that naive misses', async () => {
    const text = scenario({ pvMW: 40, greenTarget: 0.6, work: 60000 });
    const naive = await runPolicy(text, 'naive');
    const opt = await runPolicy(text, 'optimal');
    expect(naive.summary.fleet.directGreenRatio).toBeLessThan(0.6);
    expect(opt.summary.fleet.directGreenRatio).toBeGreaterThanOrEqual(0.6 - 0.005);
  });

  it('is never costlier than naive on random small scenarios (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          importLimitMW: fc.integer({ min: 14, max: 40 }),
          storage: fc.boolean(),
          pvMW: fc.integer({ min: 0, max: 30 }),
          demand: fc.integer({ min: 0, max: 4e6 }),
          work: fc.integer({ min: 10000, max: 150000 }),
          exportMW: fc.constantFrom(0, 5),
          demandCharge: fc.constantFrom(0, 8),
          // spot export, or a flat export price that beats import in some or all hours
          exportFlat: fc.option(fc.integer({ min: 10, max: 160 }), { nil: undefined }),
          // negative prices in some hours (export then costs, import pays)
          priceShift: fc.constantFrom(0, 0, -30, -80),
        }),
        async (k) => {
          const text = scenario({ ...k, hours: 48, deadlineHour: 47 });
          const naive = await runPolicy(text, 'naive');
          const opt = await runPolicy(text, 'optimal');
          // compare like with like: naive may leave work undone; the plan may not when naive finished
          if (naive.summary.fleet.unservedWork === 0) expect(opt.summary.fleet.unservedWork).toBeLessThan(1e-3);
          expect(operating(opt)).toBeLessThanOrEqual(operating(naive) + 1e-3 * Math.abs(operating(naive)) + 1);
          expect(opt.summary.checks.maxEnergyBalanceErrorKWh).toBeLessThan(1e-6);
          // what the plan expected is what the simulation of it costs (no import bought to be sold).
          // Not checked with negative prices and a battery: there the LP may charge and discharge
          // in one step to burn energy, which the simulator nets (docs/optimisation.md, known gaps).
          const objective = opt.dispatch.solver!.objective;
          if (naive.summary.fleet.unservedWork === 0 && (k.priceShift === 0 || !k.storage)) expect(Math.abs(operating(opt) - objective)).toBeLessThanOrEqual(0.01 * Math.abs(objective) + 50);
        },
      ),
      { numRuns: 12, seed: 20261202 },
    );
  }, 120_000);
});

describe('rolling plan', () => {
  it('with a perfect forecast is never better than optimal, and close to it', async () => {
    const text = scenario({ hours: 96, deadlineHour: 90, work: 300000 });
    const opt = await runPolicy(text, 'optimal');
    const rolling = await runPolicy(text, 'rolling', { lookaheadHours: 48, commitHours: 24 });
    expect(rolling.summary.jobs.find((j) => j.id === 'train')!.remainingGpuHours).toBe(0);
    expect(operating(rolling)).toBeGreaterThanOrEqual(operating(opt) - 1e-6 * Math.abs(operating(opt)) - 1);
    expect(rolling.dispatch.solver!.windows).toBe(4);
  });

  it('runs on persistence and noisy forecasts', async () => {
    const text = scenario({ hours: 72 });
    for (const forecast of [{ kind: 'persistence' as const }, { kind: 'noise' as const, noise: 0.2, seed: 3 }]) {
      const r = await runPolicy(text, 'rolling', { forecast });
      expect(r.summary.policy).toContain(forecast.kind);
      expect(r.summary.checks.maxEnergyBalanceErrorKWh).toBeLessThan(1e-6);
    }
  });
});

describe('explained infeasibility', () => {
  it('names the site and the missing energy when the grid cannot carry the must-serve load', async () => {
    // an inference service at its power floor still needs more than 1 MW plus the idle GPUs
    const text = scenario({ importLimitMW: 1, pvMW: 0, storage: false });
    const model = buildModel(loadScenarioText(text, tmp));
    const err = await plan(model, 'optimal', undefined, { solverFactory: highs.factory }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.code).toBe('PLAN_INFEASIBLE');
    expect(e.message).toMatch(/site a needs [\d.]+ (MWh|GWh) more than its grid connection/);
    expect(e.details.length).toBeGreaterThan(0);
  });
});

describe('LP export', () => {
  it.skipIf(!existsSync('/usr/bin/glpsol'))('writes a model that glpsol solves to the same objective', async () => {
    const file = join(tmp, 'plan.lp');
    const opt = await runPolicy(scenario({ hours: 24, deadlineHour: 23, work: 40000 }), 'optimal', { exportLp: file });
    const out = join(tmp, 'plan.out');
    execFileSync('glpsol', ['--lp', file, '-o', out], { stdio: 'ignore' });
    const m = /Objective:\s+\S+\s+=\s+(-?[\d.e+-]+)/.exec(readFileSync(out, 'utf8'));
    expect(m).not.toBeNull();
    const glpk = Number(m![1]);
    const highs = opt.dispatch.solver!.objective;
    expect(Math.abs(glpk - highs) / Math.max(1, Math.abs(highs))).toBeLessThan(1e-6);
  });
});

describe('greedy rule policy', () => {
  it('finishes jobs before their deadline in cheaper hours than naive, and cycles storage cheap → dear', async () => {
    const text = scenario({ deadlineHour: 60, floor: 0.5 });
    const naive = await runPolicy(text, 'naive');
    const greedy = await runPolicy(text, 'greedy');
    const job = greedy.summary.jobs.find((j) => j.id === 'train')!;
    expect(job.remainingGpuHours).toBe(0);
    expect(job.late).toBe(false);
    const price = greedy.model.sites[0]!.importPrice;
    const avgPrice = (r: typeof greedy) => {
      const f = r.ledger.sites[0]!.workloads.find((w) => w.id === 'train')!;
      let e = 0, c = 0;
      f.itKW.forEach((kw, t) => ((e += kw), (c += kw * price[t]!)));
      return c / e;
    };
    expect(avgPrice(greedy)).toBeLessThan(avgPrice(naive));
    const st = greedy.dispatch.storageKW[0]!;
    for (let t = 0; t < st.length; t++) {
      if (st[t]! > 0) expect(price[t]).toBeLessThan(40);
      if (st[t]! < 0) expect(price[t]).toBeGreaterThan(50);
    }
    expect(greedy.summary.checks.maxEnergyBalanceErrorKWh).toBeLessThan(1e-6);
  });
});
