/**
 * Sites that share nothing can be planned separately: a window decomposes into one LP per group
 * of sites linked by a workload eligible at several of them, or by a power cap spanning them.
 * Smaller LPs solve much faster (simplex time grows faster than linearly) and in parallel.
 */
import type { FleetModel } from '../model/fleet-model.ts';

/** Groups of site indices that must be planned together: sites sharing a workload, or any of the given `links` (caps, fleet rules). */
export function siteComponents(model: FleetModel, caps: ReadonlyArray<{ sites: number[] }> = []): number[][] {
  const parent = model.sites.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const join = (a: number, b: number) => (parent[find(a)] = find(b));
  for (const w of model.workloads) for (const s of w.siteIndices.slice(1)) join(w.siteIndices[0]!, s);
  for (const c of caps) for (const s of c.sites.slice(1)) join(c.sites[0]!, s);
  const groups = new Map<number, number[]>();
  model.sites.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()];
}

/** Batches components into groups of at most `maxSites` sites (fewer solver round trips). */
export function batchComponents(components: number[][], maxSites: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  for (const c of [...components].sort((a, b) => b.length - a.length)) {
    if (cur.length > 0 && cur.length + c.length > maxSites) {
      out.push(cur);
      cur = [];
    }
    cur.push(...c);
  }
  if (cur.length) out.push(cur);
  return out.map((g) => g.sort((a, b) => a - b));
}
