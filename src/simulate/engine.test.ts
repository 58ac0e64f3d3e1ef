import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, simulate, summarise } from '../pipeline.ts';
import { NonFiniteError } from '../errors/index.ts';
import { naiveDispatch } from '../plan/naive.ts';
import { ledgerCsv } from '../report/ledger-csv.ts';

/** A small one-site scenario with constant series (no files needed). */
function scenario(extra: { storage?: string; workloads?: string; hours?: number; renewables?: string; importLimitMW?: number; tz?: string; start?: string } = {}): string {
  return `name: t
horizon: { start: ${extra.start ?? '2023-06-01T00:00'}, hours: ${extra.hours ?? 6}, timeZone: ${extra.tz ?? 'UTC'} }
sites:
  - id: a
    latitude: 30
    longitude: -97
    grid: { importLimitMW: ${extra.importLimitMW ?? 50}, exportLimitMW: 0 }
    it: [{ accelerator: H100, gpus: 1000 }]
    idleGpus: off
    facility: { cooling: { archetype: air }, upsEfficiency: 1, distributionLossFraction: 0 }
${extra.renewables ?? ''}
${extra.storage ?? ''}
    tariff: { energy: { type: flat, pricePerMWh: 100 } }
    series:
      carbonIntensity: { constant: 400 }
      gridRenewableShare: { constant: 25, unit: '%' }
workloads:
${extra.workloads ?? '  []'}
`;
}

describe('step engine: storage cycle worked by hand', () => {
  it('charges 2 h at 5 MW from 10 % and discharges 2 h at 4 MW', () => {
    const text = scenario({
      storage: '    storage: { energyMWh: 20, powerMW: 5, chargeEfficiency: 0.9, dischargeEfficiency: 0.8, socMinFraction: 0.1, socMaxFraction: 1, socInitialFraction: 0.1 }',
      // a constant load of about 6.4 MW IT so that every discharge is taken on site
      workloads: '  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 1.0e9, gpus: { max: 5000 }, continuous: true }',
    }).replace('gpus: 1000', 'gpus: 5000');
    const model = buildModel(loadScenarioText(text, '.'));
    const d = naiveDispatch(model);
    d.storageKW[0] = Float64Array.from([5000, 5000, -4000, -4000, -4000, 0]);
    const L = simulate(model, d).sites[0]!;
    // SoC starts at 2 MWh (10 % of 20). Charging 5 MW for 1 h stores 5 × 0.9 = 4.5 MWh per hour.
    expect(L.socKWh[0]).toBeCloseTo(2000 + 4500, 9);
    expect(L.socKWh[1]).toBeCloseTo(11000, 9);
    // Discharging 4 MW for 1 h draws 4 / 0.8 = 5 MWh per hour from the store.
    expect(L.socKWh[2]).toBeCloseTo(6000, 9);
    // Hour 4 would need 5 MWh but only 4 MWh are above the 2 MWh floor: 4 × 0.8 = 3.2 MW delivered.
    expect(L.socKWh[3]).toBeCloseTo(2000, 9);
    expect(L.storageDischargeKW[3]).toBeCloseTo(3200, 9);
    expect(L.storageDischargeKW[4]).toBeCloseTo(0, 9);
    // Charging comes from the grid on top of the facility load; discharge replaces grid import.
    expect(L.gridImportKW[0]).toBeCloseTo(5000 + L.facilityKW[0]!, 9);
    expect(L.gridImportKW[2]).toBeCloseTo(L.facilityKW[2]! - 4000, 9);
    expect(L.gridImportKW[3]).toBeCloseTo(L.facilityKW[3]! - 3200, 9);
    expect(L.gridImportKW[5]).toBeCloseTo(L.facilityKW[5]!, 9);
  });
});

describe('step engine: renewables first, then grid, then shortfall', () => {
  it('uses solar before the grid and reports load above the import limit as shortfall', () => {
    const text = scenario({
      importLimitMW: 0.1,
      renewables: '    renewables: [{ id: pv, type: solar, capacityMW: 2, capacityFactor: { constant: 0.5 } }]',
      workloads: '  - { id: chat, type: inference, accelerator: H100, sites: [a], demandTokensPerSecond: { constant: 2.0e6 }, maxUtilisation: 1 }',
    });
    const model = buildModel(loadScenarioText(text, '.'));
    const ledger = simulate(model, naiveDispatch(model));
    const L = ledger.sites[0]!;
    for (let t = 0; t < 6; t++) {
      expect(L.renewableUsedKW[t]).toBeCloseTo(Math.min(1000, L.facilityKW[t]!), 9);
      const need = L.facilityKW[t]! - L.renewableUsedKW[t]!;
      expect(L.gridImportKW[t]).toBeCloseTo(Math.min(100, need), 9);
      expect(L.shortfallKW[t]).toBeCloseTo(Math.max(0, need - 100), 9);
      expect(L.shortfallKW[t]).toBeGreaterThan(0);
    }
    expect(ledger.corrections.some((c) => c.includes('shortfall'))).toBe(true);
  });
});

describe('step engine: work accounting', () => {
  it('finishes a job exactly and never runs it before its release', () => {
    const text = scenario({
      hours: 10,
      workloads: '  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 2500, gpus: { max: 1000 }, release: 2023-06-01T02:00 }',
    });
    const model = buildModel(loadScenarioText(text, '.'));
    const ledger = simulate(model, naiveDispatch(model));
    const f = ledger.sites[0]!.workloads.find((w) => w.id === 'job')!;
    expect(f.workGpuHours[0]).toBe(0);
    expect(f.workGpuHours[1]).toBe(0);
    const full = model.workloads[0]!.fullPower.throughput;
    expect(f.workGpuHours[2]).toBeCloseTo(1000 * full, 6);
    const o = ledger.outcomes[0]!;
    expect(o.doneGpuHours).toBeCloseTo(2500, 6);
    expect(o.remainingGpuHours).toBe(0);
    expect(o.late).toBe(false);
    // 2.5 h of work at full speed from step 2: finishes in step 4
    expect(o.finishedStep).toBe(4);
  });

  it('scales down allocations beyond the installed GPUs and says so', () => {
    const model = buildModel(loadScenarioText(scenario({ workloads: '  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 1.0e6, gpus: { max: 1000 } }' }), '.'));
    const d = naiveDispatch(model);
    d.jobs[0]!.gpus.fill(1500);
    const ledger = simulate(model, d);
    expect(ledger.sites[0]!.workloads[0]!.gpus[0]).toBeCloseTo(1000, 9);
    expect(ledger.corrections.join()).toContain('more H100 GPUs allocated than installed');
  });
});

describe('step engine: properties', () => {
  it('keeps the energy balance, PUE ≥ 1 and finite outputs for any dispatch', () => {
    fc.assert(
      fc.property(
        fc.record({
          gpus: fc.integer({ min: 1, max: 5000 }),
          pv: fc.double({ min: 0, max: 20, noNaN: true }),
          cf: fc.double({ min: 0, max: 1, noNaN: true }),
          storage: fc.boolean(),
          importLimit: fc.double({ min: 0.1, max: 30, noNaN: true }),
          demand: fc.double({ min: 0, max: 5e6, noNaN: true }),
          work: fc.double({ min: 1, max: 1e5, noNaN: true }),
          setpoints: fc.array(fc.double({ min: -20000, max: 20000, noNaN: true }), { minLength: 12, maxLength: 12 }),
          arch: fc.constantFrom('air', 'cold-plate', 'immersion'),
        }),
        (p) => {
          const text = scenario({
            hours: 12,
            importLimitMW: p.importLimit,
            renewables: `    renewables: [{ id: pv, type: solar, capacityMW: ${p.pv}, capacityFactor: { constant: ${p.cf} } }]`,
            storage: p.storage ? '    storage: { energyMWh: 10, powerMW: 4 }' : '',
            workloads: `  - { id: chat, type: inference, accelerator: H100, sites: [a], demandTokensPerSecond: { constant: ${p.demand} } }
  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: ${p.work}, gpus: { max: ${p.gpus} }, resizable: true }`,
          }).replace('gpus: 1000', `gpus: ${p.gpus}`).replace('archetype: air', `archetype: ${p.arch}`);
          const model = buildModel(loadScenarioText(text, '.'));
          const d = naiveDispatch(model);
          if (p.storage) d.storageKW[0] = Float64Array.from(p.setpoints);
          const ledger = simulate(model, d);
          const L = ledger.sites[0]!;
          for (let t = 0; t < 12; t++) {
            const sources = L.renewableAvailableKW[t]! - L.renewableCurtailedKW[t]! + L.storageDischargeKW[t]! + L.gridImportKW[t]! + L.shortfallKW[t]!;
            const sinks = L.facilityKW[t]! + L.storageChargeKW[t]! + L.gridExportKW[t]!;
            expect(Math.abs(sources - sinks)).toBeLessThanOrEqual(1e-6 * Math.max(1, sinks));
            expect(L.gridImportKW[t]).toBeLessThanOrEqual(p.importLimit * 1000 + 1e-6);
            expect(L.facilityKW[t]).toBeGreaterThanOrEqual(L.itKW[t]! - 1e-9);
          }
          const { summary } = summarise(model, ledger);
          if (summary.fleet.itEnergyMWh > 0) expect(summary.fleet.pue).toBeGreaterThanOrEqual(1);
          const json = JSON.stringify(summary);
          expect(json).not.toMatch(/NaN|Infinity/);
          expect(summary.checks.maxEnergyBalanceErrorKWh).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a DST day (worked by hand)', () => {
  it('has 23 hourly steps on 2023-03-26 in Berlin and bills 23 MWh for a constant 1 MW', () => {
    const text = scenario({
      tz: 'Europe/Berlin',
      start: '2023-03-26T00:00',
      hours: 23,
      workloads: '  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 1.0e9, gpus: { max: 1 }, continuous: true }',
    }).replace('hours: 23', 'end: 2023-03-27T00:00');
    const resolved = loadScenarioText(text, '.');
    expect(resolved.grid.steps).toBe(23);
    const model = buildModel(resolved);
    const ledger = simulate(model, naiveDispatch(model));
    const { bills } = summarise(model, ledger);
    const L = ledger.sites[0]!;
    const mwh = L.gridImportKW.reduce((a, b) => a + b, 0) / 1000;
    expect(bills[0]!.breakdown.energy).toBeCloseTo(mwh * 100, 6);
    expect(model.sites[0]!.calendar.hour[2]).toBe(3); // 02:00 does not exist that day
  });
});

describe('NaN and infinity are internal errors with their origin, never a silent 0', () => {
  const text = scenario({ workloads: '  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 1000, gpus: { max: 500 } }' });

  it('the energy balance check fails on NaN and names the site, step and flow', () => {
    const model = buildModel(loadScenarioText(text, '.'));
    model.sites[0]!.facility.coolingSlope[3] = NaN;
    let err: unknown;
    try {
      simulate(model, naiveDispatch(model));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).origin).toMatchObject({ stage: 'simulate (energy balance)', site: 'a', step: 3, quantity: 'facility power (kW)' });
  });

  it('a NaN decision of a plan (a solver that returned NaN) is named, not read as "run nothing"', () => {
    const model = buildModel(loadScenarioText(text, '.'));
    const d = naiveDispatch(model);
    d.jobs[0]!.gpus[4] = NaN;
    expect(() => simulate(model, d)).toThrow(/plan \(naive\): GPUs of workload job is NaN at site a, step 4/);
  });

  it('a NaN price is named by the ledger check; a NaN in the summary or the ledger CSV by its path', () => {
    const model = buildModel(loadScenarioText(text, '.'));
    model.sites[0]!.importPrice[2] = NaN;
    expect(() => simulate(model, naiveDispatch(model))).toThrow(/simulate: importPrice is NaN at site a, step 2 \(2023-06-01T02:00:00Z\)/);
    const ok = buildModel(loadScenarioText(text, '.'));
    const ledger = simulate(ok, naiveDispatch(ok));
    ledger.sites[0]!.carbonIntensity[1] = Infinity;
    expect(() => summarise(ok, ledger)).toThrow(NonFiniteError);
    expect(() => summarise(ok, ledger)).toThrow(/summary: fleet\.co2Tonnes is Infinity/);
    expect(() => [...ledgerCsv(ledger, ['UTC'], 'USD')]).toThrow(/ledger\.csv: carbon_gCO2_per_kWh is Infinity at site a, step 1/);
  });
});
