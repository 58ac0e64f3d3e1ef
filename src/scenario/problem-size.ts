/**
 * The size of a run, checked before any file is read or any array is built: a scenario with
 * 500 000 workloads or a decade of quarter hours would otherwise run for minutes and take
 * gigabytes before failing. Sizes and limits are stated in docs/limits.md.
 */
import { InputError } from '../errors/index.ts';
import type { TimeGrid } from '../time/grid.ts';

/** Most sites in one scenario. */
export const MAX_SITES = 10_000;
/** Most workloads in one scenario. */
export const MAX_WORKLOADS = 100_000;
/**
 * Most ledger cells: steps × (sites + workload placements), where a placement is a workload at
 * one site it may run at. The simulator keeps about 100 bytes per cell (flows, prices, storage),
 * so the limit is about 2 GB of memory.
 */
export const MAX_PROBLEM_CELLS = 20_000_000;
/** Environment variable that raises MAX_PROBLEM_CELLS (a number of millions of cells). */
export const MAX_CELLS_ENV = 'WATTSHIFT_MAX_PROBLEM_MCELLS';

/** The cell limit: WATTSHIFT_MAX_PROBLEM_MCELLS million when set to a positive number, else 20 M. */
export function maxProblemCells(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_CELLS_ENV];
  const m = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(m) && m > 0 ? Math.floor(m * 1e6) : MAX_PROBLEM_CELLS;
}

function f(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Refuses raw scenario data (before schema validation, which itself takes long on huge arrays)
 * with more sites or workloads than the limits.
 */
export function checkRawCounts(data: unknown, file: string): void {
  if (data === null || typeof data !== 'object') return;
  const d = data as Record<string, unknown>;
  for (const [key, max] of [['sites', MAX_SITES], ['workloads', MAX_WORKLOADS]] as const) {
    const a = d[key];
    if (Array.isArray(a) && a.length > max) {
      throw new InputError('PROBLEM_TOO_LARGE', `the scenario has ${f(a.length)} ${key}; at most ${f(max)} are allowed (see docs/limits.md)`, { file, path: key });
    }
  }
}

/** Sites and workload placements of a scenario, as the size check counts them. */
export interface ProblemShape {
  sites: number;
  /** Sites each workload may run at. */
  placements: number;
}

/** Refuses a run whose ledger would exceed the cell limit; the message states size and limit. */
export function checkProblemSize(grid: TimeGrid, shape: ProblemShape, limit = maxProblemCells()): void {
  const cells = grid.steps * (shape.sites + shape.placements);
  if (cells <= limit) return;
  throw new InputError(
    'PROBLEM_TOO_LARGE',
    `the run is too large: ${f(grid.steps)} steps × (${f(shape.sites)} site${shape.sites === 1 ? '' : 's'} + ${f(shape.placements)} workload placement${shape.placements === 1 ? '' : 's'}) = ${f(cells)} ledger cells, above the limit of ${f(limit)} (about ${Math.round(limit / 1e7)} GB of memory); ` +
      `shorten the horizon, use 60-minute steps, merge workloads or split the fleet, or set ${MAX_CELLS_ENV} (millions of cells) on a machine with more memory`,
    { path: 'horizon' },
  );
}
