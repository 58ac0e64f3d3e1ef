import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../simulate/dispatch.ts';
import { siteOnlyDispatch, workloadAllocations } from './site-view.ts';

/** A plan with allocations spread over `sites` sites in the given order. */
function plan(sites: number, jobs: Array<[number, number]>, inference: Array<[number, number]>): Dispatch {
  const z = () => new Float64Array(2);
  return {
    policy: 'test',
    jobs: jobs.map(([site, workload]) => ({ site, workload, gpus: z(), gpuPowerW: z() })),
    inference: inference.map(([site, workload]) => ({ site, workload, servedTokensPerSecond: z(), gpuPowerW: z() })),
    storageKW: Array.from({ length: sites }, (_, s) => (s % 2 === 0 ? Float64Array.of(s) : undefined)),
    allowExport: Array.from({ length: sites }, () => true),
    notes: [],
  };
}

describe('one-site views of a plan', () => {
  const pairs = (sites: number) => fc.array(fc.tuple(fc.integer({ min: 0, max: sites - 1 }), fc.integer({ min: 0, max: 4 })), { maxLength: 30 });
  const plans = fc.integer({ min: 1, max: 6 }).chain((sites) => fc.tuple(fc.constant(sites), pairs(sites), pairs(sites)));

  it('holds exactly the site’s allocations, in the plan’s order, whatever the site asked first', () => {
    fc.assert(
      fc.property(plans, fc.nat(), ([sites, jobs, inference], seed) => {
        const d = plan(sites, jobs, inference);
        const order = Array.from({ length: sites }, (_, i) => (i + seed) % sites);
        for (const s of order) {
          const v = siteOnlyDispatch(d, s);
          expect(v.jobs).toEqual(d.jobs.filter((a) => a.site === s));
          expect(v.inference).toEqual(d.inference.filter((a) => a.site === s));
          expect(v.storageKW.map((x, i) => (x === undefined ? -1 : i))).toEqual(d.storageKW.map((x, i) => (i === s && x !== undefined ? i : -1)));
          // the same view on every answer: made once per plan and site
          expect(siteOnlyDispatch(d, s)).toBe(v);
        }
        for (let w = 0; w <= 4; w++) expect(workloadAllocations(d, w)).toEqual(d.jobs.filter((a) => a.workload === w));
      }),
    );
  });

  it('leaves the plan as it was', () => {
    const d = plan(3, [[0, 1], [2, 1], [0, 2]], [[1, 3]]);
    const before = structuredClone(d);
    siteOnlyDispatch(d, 0);
    siteOnlyDispatch(d, 1);
    workloadAllocations(d, 1);
    expect(d).toEqual(before);
  });
});
