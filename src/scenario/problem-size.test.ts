import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/input-error.ts';
import { checkProblemSize, checkRawCounts, maxProblemCells, MAX_PROBLEM_CELLS } from './problem-size.ts';

const grid = (steps: number) => ({ startMs: 0, stepMinutes: 15, steps, timeZone: 'UTC' });

describe('problem size', () => {
  it('states cells and the limit when steps × (sites + placements) is too large', () => {
    expect(() => checkProblemSize(grid(8760), { sites: 14, placements: 40 })).not.toThrow();
    const e = thrown(() => checkProblemSize(grid(175_680), { sites: 1, placements: 120 }));
    expect(e.code).toBe('PROBLEM_TOO_LARGE');
    expect(e.message).toMatch(/175,680 steps × \(1 site \+ 120 workload placements\) = 21,257,280 ledger cells, above the limit of 20,000,000/);
    expect(e.message).toMatch(/WATTSHIFT_MAX_PROBLEM_MCELLS/);
  });

  it('takes a larger limit from WATTSHIFT_MAX_PROBLEM_MCELLS', () => {
    expect(maxProblemCells({})).toBe(MAX_PROBLEM_CELLS);
    expect(maxProblemCells({ WATTSHIFT_MAX_PROBLEM_MCELLS: '50' })).toBe(50_000_000);
  });

  it('refuses 500 000 workloads before schema validation', () => {
    const e = thrown(() => checkRawCounts({ sites: [{}], workloads: new Array(500_000).fill({}) }, 's.yaml'));
    expect(e.message).toMatch(/500,000 workloads; at most 100,000/);
    expect(e.location).toMatchObject({ file: 's.yaml', path: 'workloads' });
  });
});
