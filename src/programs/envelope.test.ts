/**
 * Properties of the flexibility envelope and the event response, on the Phoenix cluster and
 * the China fleet: no reduction exceeds the site's import, longer holds never allow more than
 * shorter ones, increases stay within the import limit, and a reduction the envelope promises
 * is delivered by the simulator exactly, with every inference SLO and job QoS floor kept.
 */
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FleetModel } from '../model/fleet-model.ts';
import { buildModel, loadScenario, plan, simulate } from '../pipeline.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { envelopeCell, flexibilityEnvelope } from './envelope.ts';
import { flexContext, siteSegments, totalKW } from './levers.ts';
import { responseChecks } from './replay.ts';
import { eventSegments, finishResponse, realiseEvent, startResponse } from './response.ts';
import type { Direction } from './types.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Fleet {
  model: FleetModel;
  base: Dispatch;
  ledger: Ledger;
}

async function fleet(file: string): Promise<Fleet> {
  const model = buildModel(loadScenario(`${EXAMPLES}${file}`));
  const base = await plan(model, 'naive');
  return { model, base, ledger: simulate(model, base) };
}

/** Realises `kw` per called site over [start, end), simulates, and returns the import change per step and the checks. */
function respond(f: Fleet, start: number, end: number, kwBySite: number[], direction: Direction = 'reduce') {
  const sites = kwBySite.map((_, s) => s);
  const state = startResponse(f.model, f.base, f.ledger, [{ startStep: start, endStep: end, sites }]);
  const segs = eventSegments(state, start, end, direction, sites);
  const amounts = Array.from({ length: end - start }, () => kwBySite);
  const r = realiseEvent(state, { id: 'p', direction, startStep: start, endStep: end, sites }, segs, amounts);
  const ledger = simulate(f.model, finishResponse(state));
  const sign = direction === 'reduce' ? 1 : -1;
  const drop = sites.map((s) => Array.from({ length: end - start }, (_, k) => sign * (f.ledger.sites[s]!.gridImportKW[start + k]! - ledger.sites[s]!.gridImportKW[start + k]!)));
  return { r, ledger, drop, checks: responseChecks(f.model, f.ledger, ledger) };
}

describe('Phoenix cluster', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await fleet('phoenix-2025.yaml');
  });

  it('never promises more than the import, and longer holds never more than shorter ones', () => {
    const ctx = flexContext(f.model, f.base, f.ledger);
    const env = flexibilityEnvelope(ctx, { fromStep: 0, toStep: f.model.grid.steps, durations: [0.25, 1, 2, 3, 4] });
    const L = f.ledger.sites[0]!;
    for (const h of env.sites[0]!.hours) {
      h.reduce.forEach((c, k) => {
        const steps = Math.round(env.durations[k]! / ctx.h);
        for (let t = h.step; t < Math.min(h.step + steps, f.model.grid.steps); t++) expect(c.kw).toBeLessThanOrEqual(L.gridImportKW[t]! + 1e-9);
        if (k > 0 && c.feasible) expect(c.kw).toBeLessThanOrEqual(h.reduce[k - 1]!.kw + 1e-9);
      });
      h.increase.forEach((c) => expect(c.kw).toBeLessThanOrEqual(f.model.sites[0]!.importLimitKW[h.step]! - L.gridImportKW[h.step]! + 1e-9));
    }
    // the cluster can hold well over the field test's 25 % for 3 hours
    const three = env.sites[0]!.hours.find((h) => h.reduce[3]!.feasible)!.reduce[3]!;
    expect(three.kw / L.gridImportKW[0]!).toBeGreaterThan(0.25);
  });

  it('delivers what the envelope promises, keeping QoS floors (property)', () => {
    const n = f.model.grid.steps;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 16 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (start, len, share) => {
        const end = Math.min(n, start + len);
        const ctx = flexContext(f.model, f.base, f.ledger);
        const cell = envelopeCell(ctx, 0, start, (end - start) * ctx.h, 'reduce');
        const kw = cell.kw * share;
        const { drop, checks } = respond(f, start, end, [kw]);
        for (const d of drop[0]!) expect(d).toBeCloseTo(kw, 3);
        expect(checks.qosKept, checks.violations.join('; ')).toBe(true);
        expect(checks.sloKept).toBe(true);
      }),
      { numRuns: 40, seed: 20250503 },
    );
  });

  it('uses levers in order: caps before pausing on each job', () => {
    const ctx = flexContext(f.model, f.base, f.ledger);
    const segs = siteSegments(ctx, 0, 8, { direction: 'reduce', hours: 3, end: 20 });
    const byJob = new Map<number, number[]>();
    segs.forEach((s, i) => s.kind === 'job' && byJob.set(s.alloc, [...(byJob.get(s.alloc) ?? []), i]));
    for (const [j, idx] of byJob) {
      const orders = idx.map((i) => segs[i]!.order);
      expect(orders, `job ${j}`).toEqual([...orders].sort((a, b) => a - b));
      const pause = idx.findIndex((i) => segs[i]!.to!.paused > 0);
      if (pause >= 0) expect(pause).toBe(idx.length - 1);
    }
    expect(totalKW(segs)).toBeGreaterThan(0);
  });
});

describe('China fleet', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await fleet('china-fleet.yaml');
  }, 60_000);

  it('keeps envelope properties on a summer day for every site', () => {
    const ctx = flexContext(f.model, f.base, f.ledger);
    const day = f.model.sites[0]!.calendar.dayKeys.indexOf('2014-07-23');
    const from = day * 24;
    const env = flexibilityEnvelope(ctx, { fromStep: from, toStep: from + 24, durations: [1, 2, 3, 4] });
    for (const s of env.sites) {
      const L = f.ledger.sites[s.site]!;
      for (const h of s.hours) {
        h.reduce.forEach((c, k) => {
          for (let t = h.step; t < h.step + env.durations[k]!; t++) expect(c.kw).toBeLessThanOrEqual(L.gridImportKW[t]! + 1e-9);
          if (k > 0) expect(c.kw).toBeLessThanOrEqual(h.reduce[k - 1]!.kw + 1e-9);
          expect(c.lostGpuHours).toBeGreaterThanOrEqual(0);
        });
      }
    }
    const fleetMax = Math.max(...env.fleet.map((h) => h.reduce[0]!.kw));
    expect(fleetMax).toBeGreaterThan(1000);
  });

  it('delivers envelope reductions at every site with SLOs and QoS floors kept (property)', () => {
    const ctx = flexContext(f.model, f.base, f.ledger);
    fc.assert(
      fc.property(fc.integer({ min: 24 * 150, max: 24 * 270 }), fc.integer({ min: 1, max: 4 }), (start, hours) => {
        const kw = f.model.sites.map((s) => envelopeCell(ctx, s.index, start, hours, 'reduce').kw);
        const { drop, checks } = respond(f, start, start + hours, kw);
        drop.forEach((d, s) => d.forEach((x) => expect(x).toBeCloseTo(kw[s]!, 2)));
        expect(checks.sloKept).toBe(true);
        expect(checks.qosKept, checks.violations.join('; ')).toBe(true);
      }),
      { numRuns: 8, seed: 2014 },
    );
  }, 60_000);

  it('raises load for valley filling as promised (storage charging at night)', () => {
    const ctx = flexContext(f.model, f.base, f.ledger);
    const start = f.model.sites[0]!.calendar.dayKeys.indexOf('2014-03-12') * 24 + 2;
    const kw = f.model.sites.map((s) => envelopeCell(ctx, s.index, start, 2, 'increase').kw);
    expect(kw.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const { drop, checks, r } = respond(f, start, start + 2, kw, 'increase');
    drop.forEach((d, s) => d.forEach((x) => expect(x).toBeCloseTo(kw[s]!, 2)));
    expect(checks.sloKept && checks.qosKept).toBe(true);
    expect(r.storageKWh).toBeGreaterThan(0);
  });
});

