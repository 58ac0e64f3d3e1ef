/**
 * AI production lines: each contract is a line (the workloads it sells); each workload no
 * contract covers is a line of its own; idle GPU-hours sold at spot form the "spot" line; a
 * site where nothing runs is an "idle" line so every cost lands somewhere. Capex and fixed opex
 * are shared among the lines of a site by their GPU-hours in the base year (full absorption:
 * idle GPUs are a cost of the lines that run there); energy and other variable costs follow
 * each line's IT energy month by month.
 */
import { InputError } from '../errors/index.ts';
import type { Contract, Finance } from '../scenario/schema/finance.ts';
import type { OperatingYear } from './operating-year.ts';

/** One AI production line. */
export interface LineDef {
  id: string;
  kind: 'contract' | 'workload' | 'spot' | 'idle';
  label: string;
  /** Workload indices this line sells. */
  workloads: number[];
  contract?: Contract;
  /** Site index (idle lines only). */
  site?: number;
}

/** Builds the lines and checks contract references. */
export function defineLines(year: OperatingYear, finance: Finance): LineDef[] {
  const byId = new Map(year.workloads.map((w) => [w.id, w.index]));
  const owner = new Map<number, string>();
  const lines: LineDef[] = [];
  const ids = new Set<string>();
  finance.contracts.forEach((c, i) => {
    if (ids.has(c.id)) throw new InputError('SCENARIO_INVALID', `contract id "${c.id}" is used twice`, { path: `finance.contracts[${i}].id` });
    ids.add(c.id);
    const ws = c.workloads.map((wid, j) => {
      const w = byId.get(wid);
      if (w === undefined) {
        throw new InputError('SCENARIO_REFERENCE', `contract "${c.id}" names workload "${wid}", which does not exist; workloads: ${[...byId.keys()].join(', ') || '(none)'}`, { path: `finance.contracts[${i}].workloads[${j}]` });
      }
      const prev = owner.get(w);
      if (prev !== undefined) throw new InputError('SCENARIO_INVALID', `workload "${wid}" is already sold by contract "${prev}"; a workload belongs to one contract`, { path: `finance.contracts[${i}].workloads[${j}]` });
      owner.set(w, c.id);
      return w;
    });
    lines.push({ id: c.id, kind: 'contract', label: `contract ${c.id}${c.customer ? ` (${c.customer})` : ''}`, workloads: ws, contract: c });
  });
  for (const w of year.workloads) {
    if (owner.has(w.index)) continue;
    const id = ids.has(w.id) ? `workload:${w.id}` : w.id;
    ids.add(id);
    lines.push({ id, kind: 'workload', label: `${w.type} ${w.id} (uncontracted)`, workloads: [w.index] });
  }
  if ((finance.spotCompute?.idleUtilisation ?? 0) > 0) {
    const id = ids.has('spot') ? 'spot:idle' : 'spot';
    ids.add(id);
    lines.push({ id, kind: 'spot', label: 'idle capacity sold at spot', workloads: [] });
  }
  for (const s of year.sites) {
    const used = s.workloads.reduce((a, w) => a + w.gpuHours.reduce((x, y) => x + y, 0), 0);
    const spot = lines.some((l) => l.kind === 'spot');
    if (used > 0 || spot) continue;
    lines.push({ id: `idle:${s.id}`, kind: 'idle', label: `idle site ${s.id}`, workloads: [], site: s.index });
  }
  return lines;
}

/** GPU-hours of a line at a site in the base year (spot: idle hours × idle utilisation). */
export function lineGpuHoursAt(year: OperatingYear, line: LineDef, site: number, idleUtilisation: number): number {
  const s = year.sites[site]!;
  if (line.kind === 'idle') return line.site === site ? 1 : 0;
  if (line.kind === 'spot') {
    const used = s.workloads.reduce((a, w) => a + w.gpuHours.reduce((x, y) => x + y, 0), 0);
    const cap = s.capacityGpuHours.reduce((a, b) => a + b, 0);
    return Math.max(0, cap - used) * idleUtilisation;
  }
  let g = 0;
  for (const w of s.workloads) if (line.workloads.includes(w.workload)) g += w.gpuHours.reduce((x, y) => x + y, 0);
  return g;
}

/**
 * Share of each site's capex and fixed opex borne by each line, `shares[line][site]`, by base
 * GPU-hours. Columns sum to 1 for every site with any line.
 */
export function allocationShares(year: OperatingYear, lines: LineDef[], idleUtilisation: number): number[][] {
  const shares = lines.map(() => new Array<number>(year.sites.length).fill(0));
  for (const s of year.sites) {
    const g = lines.map((l) => lineGpuHoursAt(year, l, s.index, idleUtilisation));
    const total = g.reduce((a, b) => a + b, 0);
    if (total > 0) g.forEach((x, l) => (shares[l]![s.index] = x / total));
  }
  return shares;
}
