/**
 * Up-front size of the planning LPs: refused before a model of tens of millions of columns is
 * built (which takes minutes and gigabytes only to be refused by the solver). The limit is
 * stated in docs/limits.md.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';

/** Most columns one planning LP may have (about 200 bytes each while it is built and solved). */
export const MAX_LP_COLUMNS = 10_000_000;

/** Upper estimate of the columns of one LP over `steps` steps and the given sites. */
export function estimateLpColumns(model: FleetModel, sites: readonly number[], steps: number, maxPoints: number): number {
  const inModel = new Set(sites);
  const placements = model.workloads.filter((w) => w.siteIndices.every((s) => inModel.has(s))).reduce((a, w) => a + 1 + w.siteIndices.length * maxPoints, 0);
  return steps * (7 * sites.length + placements);
}

/** Refuses a plan whose largest LP would exceed MAX_LP_COLUMNS, naming the size and what to do. */
export function checkLpSize(model: FleetModel, batches: readonly number[][], windowSteps: number, maxPoints: number, limit = MAX_LP_COLUMNS): void {
  let largest = 0;
  for (const b of batches) largest = Math.max(largest, estimateLpColumns(model, b, windowSteps, maxPoints));
  if (largest <= limit) return;
  const f = (n: number) => n.toLocaleString('en-US');
  throw new InputError(
    'PROBLEM_TOO_LARGE',
    `the planning model would have about ${f(largest)} columns (${f(windowSteps)} steps per window), above the limit of ${f(limit)}; plan with a rolling horizon (--policy rolling), fewer operating points, or fewer sites or workloads per run`,
    { path: '--policy' },
  );
}
