/**
 * The shared conformance suite for {@link Solver} implementations: small LPs and MILPs whose
 * optima are worked out by hand below, run against every backend by `runSolverCases(makeSolver)`.
 * Not a test file itself (vitest picks up `*.test.ts` only); each backend's test file calls it.
 *
 * @module
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LinearModel, type CompiledModel } from './model-builder.ts';
import { checkFeasibility } from './solution-check.ts';
import type { Solver } from './solver.ts';

/** One hand-worked case. */
export interface SolverCase {
  name: string;
  build: () => CompiledModel;
  status: 'optimal' | 'infeasible' | 'unbounded';
  objective?: number;
  /** Expected optimum when it is unique. */
  x?: number[];
  /** Expected ∂objective/∂(row bound), checked when the backend reports duals. */
  duals?: number[];
}

const INF = Infinity;

/**
 * Wyndor glass (Hillier & Lieberman): max 3x + 5y s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18, x, y ≥ 0.
 * Vertices: (0,6) → 30, (2,6) → 36, (4,3) → 27, (4,0) → 12; the optimum is (2, 6) with 36.
 * Duals: relaxing 2y ≤ 12 by one moves the vertex to (5/3, 6.5): 5 + 32.5 = 37.5, so 1.5; relaxing
 * 3x + 2y ≤ 18 moves it to (7/3, 6): 7 + 30 = 37, so 1; x ≤ 4 is slack, so 0.
 */
function wyndor(): CompiledModel {
  const m = new LinearModel('maximize');
  const x = m.addVariable({ name: 'x', cost: 3 });
  const y = m.addVariable({ name: 'y', cost: 5 });
  m.addConstraint({ name: 'plant1', upper: 4, terms: { indices: [x], coefficients: [1] } });
  m.addConstraint({ name: 'plant2', upper: 12, terms: { indices: [y], coefficients: [2] } });
  m.addConstraint({ name: 'plant3', upper: 18, terms: { indices: [x, y], coefficients: [3, 2] } });
  return m.compile();
}

/**
 * Transport: supplies 20, 30; demands 10, 25, 15; costs [[8, 6, 10], [9, 12, 13]].
 * Supply 1 is cheaper everywhere; its saving over supply 2 is 1, 6, 3, so its 20 units go to
 * demand 2. Supply 2 covers the rest: 10 to d1, 5 to d2, 15 to d3.
 * Cost 20·6 + 10·9 + 5·12 + 15·13 = 120 + 90 + 60 + 195 = 465. Check with potentials u2 = 0:
 * v = (9, 12, 13), u1 = 6 − 12 = −6; reduced costs of the empty cells (1,1): 8 + 6 − 9 = 5 and
 * (1,3): 10 + 6 − 13 = 3 are positive, so the optimum is unique.
 */
function transport(): CompiledModel {
  const supply = [20, 30];
  const demand = [10, 25, 15];
  const cost = [
    [8, 6, 10],
    [9, 12, 13],
  ];
  const m = new LinearModel();
  const first = m.addVariables(6, { cost: (k) => (cost[Math.floor(k / 3)] as number[])[k % 3] as number, nameFn: (k) => `ship[s${Math.floor(k / 3) + 1},d${(k % 3) + 1}]` });
  supply.forEach((s, i) => m.addConstraint({ name: `supply${i + 1}`, upper: s, terms: { indices: [first + 3 * i, first + 3 * i + 1, first + 3 * i + 2], coefficients: [1, 1, 1] } }));
  demand.forEach((d, j) => m.addConstraint({ name: `demand${j + 1}`, lower: d, upper: d, terms: { indices: [first + j, first + 3 + j], coefficients: [1, 1] } }));
  return m.compile();
}

/**
 * 0-1 knapsack: max 10a + 13b + 7c + 8d s.t. 4a + 6b + 3c + 5d ≤ 10, plus constant 2.
 * Feasible pairs: ab (w 10) 23, ac (7) 17, ad (9) 18, bc (9) 20, cd (8) 15; bd (11) and every
 * triple exceed 10. Best: a + b = 23, +2 = 25. The LP relaxation gives 23.5 + 2 (a, c, half of b),
 * so a solver that drops integrality fails this case.
 */
function knapsack(): CompiledModel {
  const m = new LinearModel('maximize');
  m.objectiveConstant = 2;
  const v = [10, 13, 7, 8];
  const w = [4, 6, 3, 5];
  const first = m.addVariables(4, { upper: 1, cost: v, integer: true, nameFn: (k) => 'abcd'[k] as string });
  m.addConstraint({ name: 'weight', upper: 10, terms: { indices: [first, first + 1, first + 2, first + 3], coefficients: w } });
  return m.compile();
}

/**
 * General integers: max 5x + 4y s.t. 6x + 4y ≤ 24, x + 2y ≤ 6, 0 ≤ x, y ≤ 10 integer.
 * LP optimum (3, 1.5) → 21. Integer points near it: (4, 0) → 20 (6·4 = 24, 4 ≤ 6), (3, 1) → 19,
 * (2, 2) → 18; nothing reaches 21 or above (5x + 4y ≥ 21 needs 6x + 4y > 24 for y ≤ 1, and x ≤ 2
 * for y = 2 gives 18). So (4, 0) with 20.
 */
function generalIntegers(): CompiledModel {
  const m = new LinearModel('maximize');
  const x = m.addVariable({ name: 'x', upper: 10, cost: 5, integer: true });
  const y = m.addVariable({ name: 'y', upper: 10, cost: 4, integer: true });
  m.addConstraint({ name: 'c1', upper: 24, terms: { indices: [x, y], coefficients: [6, 4] } });
  m.addConstraint({ name: 'c2', upper: 6, terms: { indices: [x, y], coefficients: [1, 2] } });
  return m.compile();
}

/** x + y ≤ 1 and x + y ≥ 3 with x, y ≥ 0: infeasible. */
function infeasible(): CompiledModel {
  const m = new LinearModel();
  const x = m.addVariable({ name: 'x', cost: 1 });
  const y = m.addVariable({ name: 'y', cost: 1 });
  m.addConstraint({ name: 'atMost1', upper: 1, terms: { indices: [x, y], coefficients: [1, 1] } });
  m.addConstraint({ name: 'atLeast3', lower: 3, terms: { indices: [x, y], coefficients: [1, 1] } });
  return m.compile();
}

/** max x + y s.t. x − y ≤ 1, x, y ≥ 0: y grows without limit. */
function unbounded(): CompiledModel {
  const m = new LinearModel('maximize');
  const x = m.addVariable({ name: 'x', cost: 1 });
  const y = m.addVariable({ name: 'y', cost: 1 });
  m.addConstraint({ name: 'gap', upper: 1, terms: { indices: [x, y], coefficients: [1, -1] } });
  return m.compile();
}

/**
 * Equality, ranged row, free and negative-bounded columns, a fixed column, a constant:
 * min x + 3y + z + w + 10 with x free, −3 ≤ y ≤ 5, z ≤ 4 (no lower bound), w fixed at 2;
 * eq: x + y = 1; rng: 2 ≤ x − z ≤ 6.
 * x = 1 − y turns rng into −5 ≤ y + z ≤ −1 and the objective into 1 + 2y + z + w + 10. z has a
 * positive cost, so it sits at its lowest value −5 − y: 2y + z = y − 5, smallest at y = −3.
 * So y = −3, z = −2, x = 4, w = 2: 4 − 9 − 2 + 2 + 10 = 5; rng is at its upper bound (4 + 2 = 6).
 * Duals: with eq = b and rng ≤ u the optimum is 2b − u − 3 + 2 + 10 → ∂/∂b = 2, ∂/∂u = −1.
 */
function mixedBounds(): CompiledModel {
  const m = new LinearModel();
  m.objectiveConstant = 10;
  const x = m.addVariable({ name: 'x free', lower: -INF, upper: INF, cost: 1 });
  const y = m.addVariable({ name: 'y', lower: -3, upper: 5, cost: 3 });
  const z = m.addVariable({ name: 'z', lower: -INF, upper: 4, cost: 1 });
  m.addVariable({ name: 'w', lower: 2, upper: 2, cost: 1 });
  m.addConstraint({ name: 'eq', lower: 1, upper: 1, terms: { indices: [x, y], coefficients: [1, 1] } });
  m.addConstraint({ name: 'rng', lower: 2, upper: 6, terms: { indices: [x, z], coefficients: [1, -1] } });
  return m.compile();
}

/** Every case of the suite. */
export const SOLVER_CASES: SolverCase[] = [
  { name: 'two-variable LP (Wyndor)', build: wyndor, status: 'optimal', objective: 36, x: [2, 6], duals: [0, 1.5, 1] },
  { name: 'transport problem', build: transport, status: 'optimal', objective: 465, x: [0, 20, 0, 10, 5, 15] },
  { name: 'knapsack MILP with constant', build: knapsack, status: 'optimal', objective: 25, x: [1, 1, 0, 0] },
  { name: 'general-integer MILP', build: generalIntegers, status: 'optimal', objective: 20, x: [4, 0] },
  { name: 'infeasible LP', build: infeasible, status: 'infeasible' },
  { name: 'unbounded LP', build: unbounded, status: 'unbounded' },
  { name: 'equality + ranged rows, free / negative / fixed columns, constant', build: mixedBounds, status: 'optimal', objective: 5, x: [4, -3, -2, 2], duals: [2, -1] },
];

/** Registers the conformance suite for a backend; `makeSolver` returns undefined to skip it (binary missing). */
export function runSolverCases(makeSolver: () => Solver | undefined, label?: string): void {
  const solver = makeSolver();
  describe.skipIf(!solver)(`solver conformance: ${label ?? solver?.name ?? 'unavailable solver'}`, () => {
    const s = solver as Solver;
    afterAll(async () => {
      await s.close?.();
    });
    for (const c of SOLVER_CASES) {
      it(`${c.name} → ${c.status}${c.objective !== undefined ? ` ${c.objective}` : ''}`, async () => {
        const model = c.build();
        const r = await s.solve(model, { timeLimitSeconds: 30 });
        expect(r.status, r.message).toBe(c.status);
        if (c.status !== 'optimal') {
          expect(r.columnValues.length).toBe(0);
          expect(Number.isNaN(r.objective)).toBe(true);
          return;
        }
        expect(r.objective).toBeCloseTo(c.objective as number, 6);
        expect(r.columnValues.length).toBe(model.numColumns);
        if (c.x) c.x.forEach((v, j) => expect(r.columnValues[j], `x[${j}]`).toBeCloseTo(v, 6));
        const f = checkFeasibility(model, r.columnValues);
        expect(f.maxRowViolation).toBeLessThan(1e-6);
        expect(f.maxBoundViolation).toBeLessThan(1e-6);
        expect(f.maxIntegralityViolation).toBeLessThan(1e-6);
        if (c.duals && r.rowDuals) c.duals.forEach((v, i) => expect(r.rowDuals?.[i], `dual[${i}]`).toBeCloseTo(v, 6));
        if (model.integrality) expect(r.rowDuals).toBeUndefined();
      });
    }
  });
}
