import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { parseCbcSolution, parseGlpkSolution, parseHighsSolution } from './native-solution.ts';
import { findExecutable, NativeSolver, SolverUnavailableError } from './native-solver.ts';
import { runSolverCases } from './solver.case.ts';

// Real binaries from PATH (Debian coinor-cbc and glpk-utils); skipped when not installed.
for (const binary of ['highs', 'cbc', 'glpsol'] as const) {
  runSolverCases(() => (findExecutable(binary) ? new NativeSolver({ binary }) : undefined), `native ${binary} from PATH`);
}

/**
 * Debian has no HiGHS package, so the `highs` command-line adapter is also exercised against a
 * stand-in executable: it accepts the same flags (--options_file, --model_file, --solution_file),
 * reads the MPS file with HiGHS compiled to WebAssembly and writes HiGHS's own raw solution file.
 * That covers our MPS as HiGHS reads it, the options file, the solution parser and the
 * presolve-off retry.
 */
function makeHighsShim(): { dir: string; command: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-highs-shim-'));
  const highsCjs = createRequire(import.meta.url).resolve('highs');
  const script = `#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const loadHighs = require(${JSON.stringify(highsCjs)});
const args = process.argv.slice(2);
const arg = (k) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
loadHighs().then((highs) => {
  const model = highs.createModel({ format: 'mps', data: new Uint8Array(fs.readFileSync(arg('--model_file'))) });
  model.options.set('output_flag', false);
  for (const line of fs.readFileSync(arg('--options_file'), 'utf8').split('\\n')) {
    const m = /^\\s*(\\w+)\\s*=\\s*(\\S+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'time_limit' || m[1] === 'mip_rel_gap') model.options.set(m[1], Number(m[2]));
    else if (m[1] === 'presolve') model.options.set('presolve', m[2]);
  }
  model.run();
  fs.writeFileSync(arg('--solution_file'), model.exportSolution(false));
  console.log('Model status', model.getModelStatus());
});
`;
  const command = join(dir, 'highs');
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
  writeFileSync(command, script);
  chmodSync(command, 0o755);
  return { dir, command };
}

const shim = makeHighsShim();
afterAll(() => rmSync(shim.dir, { recursive: true, force: true }));
runSolverCases(() => new NativeSolver({ binary: 'highs', command: shim.command }), 'native highs adapter (stand-in executable over WebAssembly HiGHS)');

describe('NativeSolver', () => {
  it('names the missing binary, how to install it, and what is available instead', () => {
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      expect(() => new NativeSolver({ binary: 'cbc' })).toThrow(SolverUnavailableError);
      expect(() => new NativeSolver({ binary: 'cbc' })).toThrow(/cbc was not found on PATH \(apt-get install coinor-cbc\)/);
      expect(() => new NativeSolver()).toThrow(/no native LP solver found on PATH \(looked for highs, cbc, glpsol\)/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('kills a binary that ignores its time limit (time-limit) and stops one on abort (aborted)', async () => {
    const sleeper = join(shim.dir, 'sleeper');
    writeFileSync(sleeper, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(sleeper, 0o755);
    const model = buildBatteryFlexModel({ hours: 24, sites: 1 }).model.compile();
    const slow = new NativeSolver({ binary: 'cbc', command: sleeper, killGraceSeconds: 0.2 });
    const r = await slow.solve(model, { timeLimitSeconds: 0.1 });
    expect(r.status).toBe('time-limit');
    expect(r.message).toMatch(/killed after the grace period/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const a = await new NativeSolver({ binary: 'cbc', command: sleeper }).solve(model, { signal: ac.signal });
    expect([a.status, a.message]).toEqual(['error', 'aborted']);
  });

  it('picks highs, then cbc, then glpsol from PATH', () => {
    const expected = ['highs', 'cbc', 'glpsol'].find((b) => findExecutable(b));
    if (!expected) return;
    expect(new NativeSolver().binary).toBe(expected);
  });

  it.skipIf(!findExecutable('cbc'))('agrees with HiGHS WebAssembly on a 2-site battery + flexible-load LP', async () => {
    const model = buildBatteryFlexModel({ hours: 72, sites: 2, seed: 11 }).model.compile();
    const wasm = new HighsWasmSolver();
    try {
      const a = await wasm.solve(model);
      const b = await new NativeSolver({ binary: 'cbc' }).solve(model);
      expect(b.status).toBe('optimal');
      expect(Math.abs(a.objective - b.objective) / Math.abs(a.objective)).toBeLessThan(1e-6);
    } finally {
      await wasm.close();
    }
  });
});

describe('solution file parsers', () => {
  // recorded from CBC 2.10.8 on: min −x0 − x1 + 0.5·x2, r0: x0 + 2x1 ≤ 4, r1: 3x0 + x1 ≤ 6, r2: x2 = 0
  const cbc = `Optimal - objective value -3.80000000
      0 r0                     4                    -0.4
      1 r1                     6                    -0.2
      2 r2                     0                       0
      0 c0                   1.6                       0
      1 c1                   1.2           2.7755576e-17
      2 c2                     0                     0.5
`;
  it('reads CBC rows, then columns', () => {
    const s = parseCbcSolution(cbc, 3, 3, false);
    expect(s.status).toBe('optimal');
    expect([...(s.columnValues ?? [])]).toEqual([1.6, 1.2, 0]);
    expect([...(s.rowDuals ?? [])]).toEqual([-0.4, -0.2, 0]);
    expect(parseCbcSolution('Infeasible - objective value 0.00000000\n', 3, 3, false).status).toBe('infeasible');
    const stopped = parseCbcSolution(cbc.replace('Optimal', 'Stopped on time'), 3, 3, true);
    expect(stopped.status).toBe('time-limit');
    expect(stopped.columnValues?.[0]).toBe(1.6);
  });

  // recorded from glpsol 5.0 (-w) on the same model as a MIP
  const glpkMip = `c Problem:    test
c Status:     INTEGER OPTIMAL
s mip 3 3 o -1.8
i 1 4
i 2 6
i 3 0
j 1 1.6
j 2 1.2
j 3 0
e o f
`;
  it('reads GLPK MIP and basic solutions', () => {
    const s = parseGlpkSolution(glpkMip, 3, 3);
    expect(s.status).toBe('optimal');
    expect([...(s.columnValues ?? [])]).toEqual([1.6, 1.2, 0]);
    const bas = parseGlpkSolution('s bas 1 2 f f 3\ni 1 u 4 0.5\nj 1 b 1 0\nj 2 l 2 0\ne o f\n', 2, 1);
    expect(bas.status).toBe('optimal');
    expect([...(bas.columnValues ?? [])]).toEqual([1, 2]);
    expect([...(bas.rowDuals ?? [])]).toEqual([0.5]);
    expect(parseGlpkSolution('s bas 1 2 n f 0\ne o f\n', 2, 1).status).toBe('infeasible');
    expect(parseGlpkSolution('s bas 1 2 f n 0\ne o f\n', 2, 1).status).toBe('unbounded');
  });

  it('reads a HiGHS raw solution and flags infeasible-or-unbounded', () => {
    const text = `Model status\nOptimal\n\n# Primal solution values\nFeasible\nObjective 3.8\n# Columns 2\nc0 1.6\nc1 1.2\n# Rows 2\nr0 4\nr1 6\n\n# Dual solution values\nFeasible\n# Columns 2\nc0 0\nc1 0\n# Rows 2\nr0 0.4\nr1 0.2\n`;
    const s = parseHighsSolution(text, 2, 2);
    expect(s.status).toBe('optimal');
    expect([...(s.columnValues ?? [])]).toEqual([1.6, 1.2]);
    expect([...(s.rowDuals ?? [])]).toEqual([0.4, 0.2]);
    expect(parseHighsSolution('Model status\nPrimal infeasible or unbounded\n', 2, 2).status).toBe('infeasible-or-unbounded');
  });
});
