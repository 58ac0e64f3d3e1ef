import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Highs } from 'highs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { exportLp, lpToString, writeLpFile } from './export-lp.ts';
import { mpsToString, writeMpsFile } from './export-mps.ts';
import { buildExportNames, isSafeName, renameUnsafe } from './export-names.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { loadHighsRuntime } from './load-highs.ts';
import { LinearModel, type CompiledModel } from './model-builder.ts';
import { findExecutable } from './native-solver.ts';
import { SOLVER_CASES } from './solver.case.ts';

const hasGlpsol = findExecutable('glpsol') !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'wattshift-export-test-'));
let file = 0;

/** Solves an LP or free-MPS file with Debian's glpsol and returns the objective it reports. */
function glpsol(kind: 'lp' | 'mps', text: string): { status: string; objective: number } {
  const path = join(dir, `m${file++}.${kind}`);
  const sol = `${path}.sol`;
  writeFileSync(path, text);
  const run = spawnSync('glpsol', [kind === 'lp' ? '--lp' : '--freemps', path, '-w', sol], { encoding: 'utf8' });
  expect(run.status, run.stdout).toBe(0);
  // the "s" line carries the objective at full precision: s bas m n pst dst obj | s mip m n st obj
  const s = (readFileSync(sol, 'utf8').split('\n').find((l) => l.startsWith('s ')) ?? '').trim().split(/\s+/);
  const status = s[1] === 'mip' ? (s[4] === 'o' ? 'optimal' : s[4] ?? '') : s[4] === 'f' && s[5] === 'f' ? 'optimal' : `${s[4]}${s[5]}`;
  return { status, objective: Number(s[s.length - 1]) };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('LP and MPS export', () => {
  const solver = new HighsWasmSolver();
  let highs: Highs;
  beforeAll(async () => {
    highs = await loadHighsRuntime();
  });
  afterAll(async () => {
    await solver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Objective of an exported file as HiGHS itself reads it. */
  function highsReads(format: 'lp' | 'mps', text: string): number {
    return highs.withModel({ format, data: format === 'lp' ? text : new TextEncoder().encode(text) }, (m) => {
      m.options.set('output_flag', false);
      m.run();
      expect(m.getModelStatus()).toBe(highs.constants.modelStatus.optimal);
      return m.getObjectiveValue();
    });
  }

  const batteryData = fc
    .record({
      hours: fc.integer({ min: 24, max: 60 }),
      prices: fc.array(fc.integer({ min: -20_000, max: 300_000 }), { minLength: 60, maxLength: 60 }),
      base: fc.array(fc.integer({ min: 2_000, max: 7_000 }), { minLength: 60, maxLength: 60 }),
      constant: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    })
    .map(({ hours, prices, base, constant }) => {
      const { model } = buildBatteryFlexModel({
        hours,
        sites: 1,
        data: { price: prices.slice(0, hours).map((p) => p / 1000), baseLoad: [base.slice(0, hours).map((b) => b / 1000)], multiplier: [1] },
      });
      model.objectiveConstant = constant / 100;
      return model.compile();
    });

  it.skipIf(!hasGlpsol)('round trip: glpsol solves the exported LP and MPS of random battery models to HiGHS’s objective (1e-6)', async () => {
    await fc.assert(
      fc.asyncProperty(batteryData, async (model) => {
        const r = await solver.solve(model);
        expect(r.status).toBe('optimal');
        const lp = glpsol('lp', lpToString(model));
        expect(lp.status).toBe('optimal');
        expect(rel(lp.objective, r.objective)).toBeLessThan(1e-6);
        const mps = glpsol('mps', mpsToString(model));
        expect(mps.status).toBe('optimal');
        expect(rel(mps.objective, r.objective)).toBeLessThan(1e-6);
      }),
      { numRuns: 6 },
    );
  });

  it.skipIf(!hasGlpsol)('round trip: every optimal conformance case (integers, free, fixed, ranged, constant, max) through glpsol', () => {
    for (const c of SOLVER_CASES) {
      if (c.status !== 'optimal') continue;
      const model = c.build();
      const expected = c.objective as number;
      const lp = glpsol('lp', lpToString(model));
      expect(lp.status, c.name).toBe('optimal');
      expect(lp.objective, c.name).toBeCloseTo(expected, 6);
      // glpsol rejects the OBJSENSE section, so maximisations go in as min −objective
      const mps = glpsol('mps', mpsToString(model, { asMinimize: true }));
      expect(mps.status, c.name).toBe('optimal');
      expect(mps.objective, c.name).toBeCloseTo(model.sense === 'maximize' ? -expected : expected, 6);
    }
  });

  it('HiGHS reads the exported LP and MPS (with OBJSENSE MAX and the CPLEX RHS constant) to the same optimum', () => {
    for (const c of SOLVER_CASES) {
      if (c.status !== 'optimal') continue;
      const model = c.build();
      const expected = c.objective as number;
      expect(highsReads('lp', lpToString(model)), c.name).toBeCloseTo(expected, 6);
      expect(highsReads('lp', lpToString(model, { objectiveConstant: 'term' })), c.name).toBeCloseTo(expected, 6);
      expect(highsReads('mps', mpsToString(model)), c.name).toBeCloseTo(expected, 6);
      expect(highsReads('mps', mpsToString(model, { objectiveConstant: 'term' })), c.name).toBeCloseTo(expected, 6);
      expect(highsReads('lp', lpToString(model, { names: 'indexed' })), c.name).toBeCloseTo(expected, 6);
    }
  });

  it('writes the sections a reader needs: explicit integer bounds, Binaries, free/fixed/negative bounds, split ranges', () => {
    const m = new LinearModel('maximize');
    m.objectiveConstant = 7;
    const x = m.addVariable({ name: 'x', lower: -Infinity, cost: 1 });
    const g = m.addVariable({ name: 'g', upper: 9, cost: 1, integer: true });
    const big = m.addVariable({ name: 'big', cost: 1, upper: Infinity, integer: true });
    const b = m.addVariable({ name: 'b', upper: 1, cost: 1, integer: true });
    m.addVariable({ name: 'fixed', lower: 3, upper: 3 });
    m.addVariable({ name: 'neg', lower: -2, upper: 5 });
    m.addVariable({ name: 'unused' });
    m.addConstraint({ name: 'range', lower: 1, upper: 4, terms: { indices: [x, g], coefficients: [1, 2] } });
    m.addConstraint({ name: 'cap', upper: 10, terms: { indices: [big, b, x], coefficients: [1, 1, 1] } });
    m.addConstraint({ name: 'ignored', terms: { indices: [x], coefficients: [1] } });
    const lp = lpToString(m.compile());
    expect(lp).toContain('Maximize');
    expect(lp).toContain(' obj~: + 1 x + 1 g + 1 big + 1 b + 7 objective~constant');
    expect(lp).toContain(' range~lo: + 1 x + 2 g >= 1');
    expect(lp).toContain(' range~hi: + 1 x + 2 g <= 4');
    expect(lp).not.toContain('ignored');
    expect(lp).toContain(' x free');
    expect(lp).toContain(' 0 <= g <= 9');
    expect(lp).toContain(' 0 <= big <= +inf');
    expect(lp).toContain(' fixed = 3');
    expect(lp).toContain(' -2 <= neg <= 5');
    expect(lp).toContain(' unused >= 0');
    expect(lp).toContain(' objective~constant = 1');
    expect(lp).toMatch(/Generals\n g big\nBinaries\n b\nEnd/);
    const mps = mpsToString(m.compile());
    expect(mps).toContain('OBJSENSE\n    MAX');
    expect(mps).toContain(' PL BND big\n LO BND big 0');
    expect(mps).toContain(' RNG range 3');
    expect(mps).toContain(" MARKER 'MARKER' 'INTORG'");
  });

  it('streams in chunks that concatenate to the same text, and writes files', async () => {
    const model = buildBatteryFlexModel({ hours: 200, sites: 2 }).model.compile();
    const chunks = [...exportLp(model, { chunkChars: 4096 }).chunks()];
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join('')).toBe(lpToString(model));
    const lpPath = join(dir, 'written.lp');
    const names = await writeLpFile(model, lpPath);
    expect(readFileSync(lpPath, 'utf8')).toBe(lpToString(model));
    expect(names.column(0)).toBe('g_s0_t0_~0');
    const mpsPath = join(dir, 'written.mps');
    const ex = await writeMpsFile(model, mpsPath, { names: 'indexed' });
    expect(readFileSync(mpsPath, 'utf8')).toBe(mpsToString(model, { names: 'indexed' }));
    expect(ex.fileRows.length).toBe(model.numRows);
  });
});

describe('export names', () => {
  it('keeps safe names and renames the rest legally and uniquely', () => {
    expect(isSafeName('grid_import.s0')).toBe(true);
    for (const bad of ['', 'a b', '3x', '.x', 'e12', 'E1x', 'x-y', 'g[s0,t1]', 'free', 'ST', 'x~1', 'a'.repeat(201)]) expect(isSafeName(bad), bad).toBe(false);
    expect(isSafeName('energy')).toBe(true);
    expect(renameUnsafe('site ulanqab, 19:00', 7, 'r')).toBe('site_ulanqab__19_00~7');
    expect(renameUnsafe('3x', 2, 'c')).toBe('c_3x~2');
    expect(renameUnsafe('e1', 2, 'c')).toBe('c_e1~2');
    const m = new LinearModel();
    m.addVariable({ name: 'a b' });
    m.addVariable({ name: 'a_b' });
    m.addVariable({ name: 'a_b' });
    m.addVariable({ name: 'a_b~1' });
    const names = buildExportNames(m.compile());
    const all = [0, 1, 2, 3].map((j) => names.column(j));
    expect(all).toEqual(['a_b~0', 'a_b', 'a_b~2', 'a_b_1~3']);
    expect(new Set(all).size).toBe(4);
    expect(names.renamedColumns).toBe(3);
  });

  it('indexed names need no storage', () => {
    const m = new LinearModel();
    m.addVariables(3);
    const names = buildExportNames(m.compile() as CompiledModel, 'indexed');
    expect(names.column(2)).toBe('x2');
    expect(names.row(5)).toBe('r5');
  });
});
